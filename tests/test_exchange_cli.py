"""``kouka workbook export`` and ``kouka workbook import`` as a clerk's colleague runs them: a real process, the
plan printed, the file written only with --yes, exit codes as the other commands (2: unreadable or refused)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exchange_support import Clerk, rewrite
from kouka import interchange
from kouka.exchange.plan import apply_plan, plan_changes
from kouka.exchange.reading import read_workbook


def kouka(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kouka", *map(str, args)], capture_output=True, text=True,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"}, check=False, stdin=subprocess.DEVNULL)


@pytest.fixture
def report_file(example_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "isesaki.json"
    shutil.copy(example_path, path)
    return path


def exported(report_file: Path, department: str = "商工労働課") -> Path:
    target = report_file.parent / "shoko.xlsx"
    result = kouka("workbook", "export", report_file, "--department", department, "-o", target)
    assert result.returncode == 0, result.stderr
    assert f"{department}の令和4年度記入シートを書き出しました" in result.stdout
    return target


def filled(report_file: Path) -> Path:
    source = exported(report_file)
    clerk = Clerk(source.read_bytes())
    clerk.type("事業①", clerk.kpi_cell("事業①", 2, "実績値", "令和4年度"), "29人")
    clerk.type("事業③", clerk.cell("事業③", "市事業費（円）"), "30万円")
    clerk.type("事業③", clerk.kpi_cell("事業③", 2, "実績値", "令和4年度"), "未定")
    target = report_file.parent / "filled.xlsx"
    target.write_bytes(clerk.save())
    return target


def test_import_prints_the_plan_and_writes_nothing_without_yes(report_file: Path) -> None:
    workbook, before = filled(report_file), report_file.read_bytes()
    result = kouka("workbook", "import", workbook, report_file)
    assert result.returncode == 1, result.stderr  # a value it could not read
    out = result.stdout
    assert "記入シート: 群馬県伊勢崎市 商工労働課 令和4年度" in out
    assert "変更（2件）" in out and "事業① 成果目標② 令和4年度 実績値: 27人 → 29人" in out
    assert "事業③ 市事業費: 20万円 → 30万円" in out
    assert "読めない値・保存できない値（1件）" in out and "『未定』は数値として読めません" in out
    assert "保存していません。保存するには --yes を付けて実行してください" in out
    assert report_file.read_bytes() == before


def test_import_with_yes_writes_exactly_the_planned_report(report_file: Path) -> None:
    workbook, before = filled(report_file), report_file.read_bytes()
    target = report_file.parent / "updated.json"
    result = kouka("workbook", "import", workbook, report_file, "-o", target, "--yes")
    assert result.returncode == 1 and "2件の変更を保存しました" in result.stdout
    current = interchange.load(report_file).reports[0]
    expected = apply_plan(plan_changes(read_workbook(workbook.read_bytes()), current, department="商工労働課"),
                          current)
    assert interchange.load(target).reports == [expected]
    assert report_file.read_bytes() == before  # -o leaves the original as it was
    again = kouka("workbook", "import", workbook, report_file, "--yes")  # in place this time
    assert again.returncode == 1 and interchange.load(report_file).reports == [expected]


@pytest.mark.parametrize(("args", "message"), [
    (["--department", "企業誘致課"], "このワークブックは商工労働課の記入シートのため、企業誘致課には取り込めません"),
    (["--year", "2023"], "2023年度の報告がありません"),
])
def test_a_refused_workbook_exits_2_and_writes_nothing(report_file: Path, args: list[str], message: str) -> None:
    workbook, before = filled(report_file), report_file.read_bytes()
    result = kouka("workbook", "import", workbook, report_file, "--yes", *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert report_file.read_bytes() == before


def test_a_hostile_workbook_exits_2_and_writes_nothing(report_file: Path) -> None:
    bomb = report_file.parent / "bomb.xlsx"
    bomb.write_bytes(rewrite(exported(report_file).read_bytes(), {"xl/worksheets/sheet9.xml": b"0" * 20_000_000}))
    before, target = report_file.read_bytes(), report_file.parent / "out.json"
    result = kouka("workbook", "import", bomb, report_file, "-o", target, "--yes")
    assert result.returncode == 2 and "Excelファイルの展開後の大きさ" in result.stderr
    assert report_file.read_bytes() == before and not target.exists()


def test_export_refuses_a_department_without_projects(report_file: Path) -> None:
    target = report_file.parent / "x.xlsx"
    result = kouka("workbook", "export", report_file, "-d", "税務課", "-o", target)
    assert result.returncode == 2 and "税務課が担当する事業は令和4年度の報告にありません" in result.stderr
    assert not target.exists()


def test_a_missing_workbook_exits_2(report_file: Path) -> None:
    result = kouka("workbook", "import", report_file.parent / "none.xlsx", report_file)
    assert result.returncode == 2 and "none.xlsx: 読めません" in result.stderr
