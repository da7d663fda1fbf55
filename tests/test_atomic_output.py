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


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600), (0o027, 0o640)])
def test_a_written_file_has_the_mode_the_umask_gives(umask: int, mode: int, tmp_path: Path) -> None:
    from kouka.atomicfile import write_atomically

    target = tmp_path / "report.html"
    previous = os.umask(umask)
    try:
        write_atomically(target, "<p>伊勢崎市</p>")
        write_atomically(target, "<p>伊勢崎市 令和4年度</p>")  # replacing keeps the umask's mode too
    finally:
        os.umask(previous)
    assert target.stat().st_mode & 0o777 == mode
    assert target.read_text(encoding="utf-8") == "<p>伊勢崎市 令和4年度</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


@pytest.mark.parametrize("fmt", ["html", "csv", "json", "xlsx"])
def test_kouka_report_under_the_shells_umask_writes_a_file_others_can_read(
        fmt: str, example_path: Path, tmp_path: Path) -> None:
    import shlex
    import subprocess
    import sys

    out = tmp_path / f"isesaki.{fmt}"
    kouka = Path(sys.executable).with_name("kouka")
    command = f"umask 022 && {shlex.quote(str(kouka))} report {shlex.quote(str(example_path))} -f {fmt} -o {out}"
    subprocess.run(["sh", "-c", command], check=True, capture_output=True)
    assert out.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_a_symlink_planted_at_a_temporary_name_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kouka import atomicfile

    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    names = iter(["aaaaaaaaaaaa", "bbbbbbbbbbbb"])
    (tmp_path / ".out.csv.aaaaaaaaaaaa.tmp").symlink_to(victim)
    monkeypatch.setattr(atomicfile.secrets, "token_hex", lambda _n: next(names))
    atomicfile.write_atomically(tmp_path / "out.csv", "a,b\r\n")
    assert victim.read_text(encoding="utf-8") == "untouched"
    assert (tmp_path / "out.csv").read_bytes() == b"a,b\r\n"
