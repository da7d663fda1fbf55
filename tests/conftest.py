"""Shared fixtures: where the example and the seed live."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "isesaki-2022.json"
SEED = ROOT.parent / "shared" / "seed" / "000_4681f277236dbcf0.txt"


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.fail(f"the seed is missing: {SEED} (clone with ../shared beside the checkout)")
    return SEED
