"""Shared fixtures: where the example and the seed live."""

from pathlib import Path

import pytest

# the shared helpers that test modules import by name before pytest loads them as plugins
pytest.register_assert_rewrite("web_fixtures", "browser_support")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "isesaki-2022.json"
# The Isesaki 令和4年度 publication as the city published it: the text the example encodes.
SEED = ROOT / "tests" / "fixtures" / "seed" / "000_4681f277236dbcf0.txt"


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture
def seed_path() -> Path:
    return SEED
