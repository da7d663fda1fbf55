"""Inputs the fuzzer (fuzz/run.py) once found failing, kept so that they stay fixed: each imports as a report or is
refused with kouka's documented error and a message, whatever format it is read as."""

from pathlib import Path

import pytest

from kouka.domain.errors import KoukaError
from kouka.importers import import_bytes
from paths import ROOT

FOUND = sorted((ROOT / "tests" / "fixtures" / "fuzz-regressions").glob("*.bin"))


@pytest.mark.parametrize("source", FOUND, ids=[p.stem for p in FOUND])
@pytest.mark.parametrize("fmt", ["auto", "text", "pdf", "html"])
def test_a_once_failing_input_imports_or_is_refused_in_words(source: Path, fmt: str) -> None:
    try:
        import_bytes(source.read_bytes(), source.name, fmt)
    except KoukaError as refused:
        assert str(refused) and "Error" not in str(refused)
