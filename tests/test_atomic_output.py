"""Issue 7.2: output files are written under a temporary name and renamed, so they are whole or untouched."""

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kouka.cli import COMMAND_MODULES, app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name)


def test_a_report_that_cannot_be_written_whole_leaves_the_old_file(
        example_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "isesaki.csv"
    out.write_text("the previous export\n", encoding="utf-8")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)  # the data went to the temporary file, which cannot be made durable
    result = runner.invoke(app, ["report", str(example_path), "-f", "csv", "-o", str(out)])
    assert result.exit_code == 2
    assert "書き込めません" in result.output and os.strerror(errno.ENOSPC) in result.output
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["isesaki.csv"]  # no temporary file left behind

    monkeypatch.undo()
    result = runner.invoke(app, ["report", str(example_path), "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("municipality,prefecture,body_code")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["isesaki.csv"]
