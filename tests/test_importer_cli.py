"""kouka import through the CLI: batches, a bad file among good ones, --json, -o, files written whole."""

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from importer_support import FIXTURES
from kouka import interchange
from kouka.cli import COMMAND_MODULES, app

for _module in COMMAND_MODULES:
    __import__(_module)

runner = CliRunner()


def _batch(tmp_path: Path, seed_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed_path, folder / "isesaki.txt")
    shutil.copy(FIXTURES / "hanasato-2021.html", folder / "hanasato.html")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "noise.pdf").write_bytes(b"%PDF-1.4\n\x00\x01 not really a pdf")
    return folder


def test_batch_goes_on_past_bad_files_and_reports_them(tmp_path: Path, seed_path: Path) -> None:
    folder = _batch(tmp_path, seed_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["import", str(folder), "-o", str(out), "--json"])
    assert result.exit_code == 2, result.output
    summary = json.loads(result.stdout)
    assert summary["imported"] == 2 and summary["failed"] == 2
    by_name = {Path(entry["input"]).name: entry for entry in summary["files"]}
    assert "空のファイル" in by_name["empty.txt"]["error"]
    assert "PDF" in by_name["noise.pdf"]["error"]
    assert by_name["isesaki.txt"]["ok"] and by_name["isesaki.txt"]["findings"] == 0
    document = interchange.load(out / "isesaki.json")
    assert document.reports[0].municipality.name == "伊勢崎市"
    assert json.loads((out / "isesaki.findings.json").read_text(encoding="utf-8")) == []
    assert interchange.load(out / "hanasato.json").reports[0].projects[1].title == "移住定住促進事業"
    assert sorted(p.name for p in out.iterdir()) == [
        "hanasato.findings.json", "hanasato.json", "hanasato.sources.json", "isesaki.findings.json", "isesaki.json",
        "isesaki.sources.json"]
    sources = json.loads((out / "isesaki.sources.json").read_text(encoding="utf-8"))
    assert sources["$.reports[0].projects[0].title"] == "9行目"  # where each value came from
    assert "Traceback" not in result.output


def test_outputs_beside_the_input_by_default(tmp_path: Path, seed_path: Path) -> None:
    source = tmp_path / "seed.txt"
    shutil.copy(seed_path, source)
    result = runner.invoke(app, ["import", str(source)])
    assert result.exit_code == 0, result.output
    assert interchange.load(tmp_path / "seed.json").reports[0].fiscal_year == 2022
    assert (tmp_path / "seed.findings.json").exists()


def test_bad_inputs_end_in_a_message_and_exit_code(tmp_path: Path) -> None:
    cases = {
        "empty.txt": (b"", "空のファイル"),
        "binary.txt": (bytes(range(256)) * 8, "バイナリ"),
        "page.html": ("<html><body><nav>メニュー</nav><p>お知らせはありません。</p></body></html>".encode(),
                      "事業が見つかりません"),
        "book.xlsx": (b"PK\x03\x04 broken zip", "Excel"),
    }
    for name, (data, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(app, ["import", str(path), "-o", str(tmp_path / "out")])
        assert result.exit_code == 2, (name, result.output)
        assert words in result.output, (name, result.output)
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_missing_path_and_unknown_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and "読み込めません" in result.output
    result = runner.invoke(app, ["import", str(tmp_path), "--format", "docx"])
    assert result.exit_code == 2 and "--format" in result.output


def test_forced_format_and_findings_file(tmp_path: Path) -> None:
    source = tmp_path / "report.dat"
    text = (FIXTURES / "nishikawa-2019-sjis.txt").read_bytes()
    source.write_bytes(text)
    result = runner.invoke(app, ["import", str(source), "--format", "text", "--json"])
    assert result.exit_code == 0, result.output
    findings = json.loads((tmp_path / "report.findings.json").read_text(encoding="utf-8"))
    assert [f["code"] for f in findings] == ["import_period_assumed", "import_no_prefecture"]
    assert findings[0]["where"] == "事業1"


def test_no_temporary_files_are_left(tmp_path: Path, seed_path: Path) -> None:
    out = tmp_path / "out"
    runner.invoke(app, ["import", str(seed_path), "-o", str(out)])
    runner.invoke(app, ["import", str(seed_path), "-o", str(out)])  # overwrite in place
    assert sorted(p.name for p in out.iterdir()) == ["000_4681f277236dbcf0.findings.json",
                                                     "000_4681f277236dbcf0.json", "000_4681f277236dbcf0.sources.json"]
