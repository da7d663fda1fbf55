"""Render the Isesaki example in every format and read each back."""

import csv
import io
import itertools
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from kouka import interchange
from kouka.cli import COMMAND_MODULES, app
from kouka.domain.model import Document
from kouka.domain.rules import JUDGEMENT_LABELS, judge_kpi, report_total
from kouka.render.html import STYLESHEET, render_fragment, render_page, stylesheet
from kouka.render.opendata import COLUMN_NAMES, columns_markdown, kpi_rows, render_csv
from kouka.render.xlsx import DATA_SHEET, read_data_sheet, render_xlsx
from paths import EXAMPLE, ROOT
from render_support import (
    FORMULA,
    SCRIPT,
    SEED_MONEY,
    SEED_VALUES,
    example_report,
    hostile_report,
)

runner = CliRunner()


def _invoke(*args: str) -> str:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name)
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_html_page_has_every_figure_as_the_seed_writes_it() -> None:
    page = render_page(example_report())
    for text in (*SEED_MONEY, *SEED_VALUES):
        assert text in page, text
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ja">' in page
    assert "<script" not in page  # no scripts, inline or not
    assert STYLESHEET in page


def test_html_follows_the_seed_order() -> None:
    page = render_page(example_report())
    order = ["地方創生推進交付金は", "本市交付額（令和4年度）", "事業① まちなか創業", "担当課", "事業期間", "事業概要",
             "事業費", "事業①の成果目標", "まとめ（検証結果）", "事業② Made in", "事業③ 産業ニューノーマル"]
    body = page[page.index('id="kouka-intro"'):]
    at = 0
    for word in order:  # each after the one before it
        at = body.index(word, at) + len(word)


def test_html_headings_are_in_order_and_tables_semantic() -> None:
    page = render_page(example_report())
    levels = [int(level) for level in re.findall(r"<h([1-6])", page)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    tables = page.count("<table")
    assert tables == page.count("<caption>") == 4  # the summary and one KPI table per project
    assert "<th>" not in page and "<th " in page and 'scope="col"' in page and 'scope="row"' in page


def test_html_marks_every_judgement_in_words() -> None:
    report = example_report()
    page = render_page(report)
    for project in report.projects:
        for kpi in project.kpis:
            result = judge_kpi(kpi, report.fiscal_year)
            assert f'<span class="judgement {result.judgement.value}">' in page
            assert JUDGEMENT_LABELS[result.judgement] in page
    assert "判定対象外（速報値）" in page  # 90社(速報値) of a wide-area KPI


def test_fragment_is_the_body_without_document_parts() -> None:
    report = example_report()
    fragment = render_fragment(report)
    assert "<html" not in fragment and "<head" not in fragment and "<h1" not in fragment
    assert fragment in render_page(report)
    for text in SEED_MONEY:
        assert text in fragment


def test_hostile_text_is_escaped_in_html() -> None:
    page = render_page(hostile_report())
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;kouka&#x27;)&lt;/script&gt;" in page
    assert "=cmd|&#x27;/c calc&#x27;!A1" in page


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_has_the_numbers_with_formats_and_frozen_header() -> None:
    report = example_report()
    book = _workbook(render_xlsx(report))
    assert book.sheetnames == ["概要", "事業1", "事業2", "事業3", "オープンデータ", DATA_SHEET]
    assert book[DATA_SHEET].sheet_state == "hidden"
    summary = book["概要"]
    header = [cell.value for cell in summary[1]]
    cost_col, grant_col = header.index("事業費（円）") + 1, header.index("交付金充当額（円）") + 1
    for row, project in enumerate(report.projects, start=2):
        cost, grant = summary.cell(row, cost_col), summary.cell(row, grant_col)
        assert (cost.value, grant.value) == (project.cost_yen, project.grant_yen)
        assert cost.number_format == grant.number_format == "#,##0"
        assert summary.cell(row, header.index("開始年度（和暦）") + 1).value == "令和4年度"
    total_row = len(report.projects) + 2
    assert summary.cell(total_row, 2).value == "合計"
    assert summary.cell(total_row, grant_col).value == report_total(report) == 14727544
    for sheet in book.worksheets[:-1]:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.column_dimensions["B"].width > 8


def test_xlsx_project_sheet_has_fields_and_kpi_values() -> None:
    report = example_report()
    sheet = _workbook(render_xlsx(report))["事業2"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    fields = {row[0]: row[1] for row in rows if row[0] and row[1] is not None}
    assert fields["事業費（円）"] == 19293030 and fields["交付金充当額（円）"] == 9646515
    start = next(i for i, row in enumerate(rows) if row[0] == "成果目標番号")
    kpi_rows_ = rows[start + 1 : start + 5]
    project = report.project(2)
    for row, kpi in zip(kpi_rows_, project.kpis, strict=True):
        assert row[0] == kpi.number and row[3] == 2022 and row[4] == "令和4年度"
        assert row[9] == kpi.actuals[2022].value
        assert row[11] == judge_kpi(kpi, 2022).label
    assert rows[start + 1][10] == "10,060億円（令和2年）"


def test_xlsx_keeps_every_field_in_the_data_sheet() -> None:
    report = example_report()
    assert interchange.dumps(read_data_sheet(render_xlsx(report))) == interchange.dumps(Document([report]))


def test_hostile_text_stays_text_in_xlsx() -> None:
    book = _workbook(render_xlsx(hostile_report()))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [cell for cell in cells if cell.data_type == "f"]
    assert formulas == []
    assert any(cell.value == FORMULA and cell.data_type == "s" for cell in cells)
    assert any(cell.value == SCRIPT for cell in cells)


def test_csv_has_one_row_per_kpi_year_and_every_column() -> None:
    report = example_report()
    text = render_csv(report)
    rows = list(csv.DictReader(io.StringIO(text)))
    kpi_years = sum(len(set(k.targets) | set(k.actuals)) for p in report.projects for k in p.kpis)
    assert len(rows) == kpi_years == 11
    assert tuple(rows[0]) == COLUMN_NAMES
    assert {row["actual_text"] for row in rows} <= set(SEED_VALUES)
    assert sum(int(row["grant_yen"]) for row in rows if row["kpi_number"] == "1") == report_total(report)
    preliminary = [row for row in rows if row["preliminary"] == "true"]
    found = [(r["project_number"], r["kpi_number"], r["actual_text"]) for r in preliminary]
    assert found == [("3", "4", "90社(速報値)")]
    assert not text.startswith("\ufeff") and render_csv(report, bom=True).startswith("\ufeff")


def test_kpi_rows_types_for_other_exports() -> None:
    rows = list(kpi_rows(interchange.load(EXAMPLE)))
    assert all(list(row) == list(COLUMN_NAMES) for row in rows)
    assert rows[2]["actual_value"] == Decimal("39400") and rows[2]["cost_yen"] == 9962058
    assert rows[0]["baseline_value"] is None and rows[0]["baseline_status"] == "before_start"


def test_hostile_text_is_not_a_formula_in_csv() -> None:
    rows = list(csv.reader(io.StringIO(render_csv(hostile_report()))))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert "'" + FORMULA in cells
    assert SCRIPT in cells


def test_json_round_trips() -> None:
    document = interchange.load(EXAMPLE)
    assert interchange.loads(interchange.dumps(document)) == document


def test_readme_documents_every_csv_column() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "オープンデータ（CSV）の列 / CSV columns" in readme
    assert columns_markdown() in readme


@pytest.mark.parametrize("fmt", ["html", "fragment", "pdf", "xlsx", "csv", "json"])
def test_cli_report_writes_each_format(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"out.{fmt}"
    _invoke("report", str(EXAMPLE), "--format", fmt, "-o", str(out))
    data = out.read_bytes()
    readers = {
        "html": lambda: "1,472万7,544円" in data.decode(),
        "fragment": lambda: "<html" not in data.decode() and "1,472万7,544円" in data.decode(),
        "pdf": lambda: data.startswith(b"%PDF-"),
        "xlsx": lambda: _workbook(data)["概要"]["A2"].value == 1,
        "csv": lambda: len(data.decode().splitlines()) == 12,
        "json": lambda: interchange.loads(data.decode()) == interchange.load(EXAMPLE),
    }
    assert readers[fmt]()


def test_cli_report_several_files_into_a_directory(tmp_path: Path) -> None:
    second = tmp_path / "other.json"
    second.write_bytes(EXAMPLE.read_bytes())
    _invoke("report", str(EXAMPLE), str(second), "-f", "csv", "--bom", "-o", str(tmp_path / "out"))
    for name in ("isesaki-2022.csv", "other.csv"):
        assert (tmp_path / "out" / name).read_text(encoding="utf-8").startswith("\ufeff")


def test_cli_report_refuses_bad_input_without_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    out = tmp_path / "out.html"
    result = runner.invoke(app, ["report", str(broken), "-o", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output and not out.exists()
    result = runner.invoke(app, ["report", str(EXAMPLE), "--year", "2019", "-o", str(out)])
    assert result.exit_code == 2 and "2019" in result.output and not out.exists()
    result = runner.invoke(app, ["report", str(EXAMPLE), "-f", "pdf"])
    assert result.exit_code == 2 and "-o" in result.output


def test_fragment_needs_no_inline_styles_or_scripts() -> None:
    fragment = render_fragment(example_report())
    assert "style=" not in fragment and "<style" not in fragment and "<script" not in fragment
    assert " on" not in re.sub(r">[^<]*<", "><", fragment)  # no event-handler attributes


def test_fragment_css_styles_nothing_but_the_fragment() -> None:
    """A city's CMS page that adds the fragment's stylesheet keeps its own look: every rule sits under
    .kouka-report, and nothing sets the paper (@page) of the city's page."""
    css = re.sub(r"/\*.*?\*/", "", stylesheet(), flags=re.S)
    preludes = re.findall(r"([^{}]+)\{[^{}]*\}", css)  # the selectors of each innermost rule
    selectors = [selector.strip() for prelude in preludes for selector in prelude.split(",")]
    assert len(selectors) > 50
    assert [s for s in selectors if not s.startswith(".kouka-report")] == []
    assert "@page" not in css and "@container kouka-report" in css


def test_cards_name_every_figure_of_the_tables() -> None:
    """On a narrow screen each figure shows under its column's name: every data cell of the 事業一覧 and the
    成果目標 tables carries it (data-label), as the column heading says it."""
    fragment = render_fragment(example_report())
    for table in re.findall(r'<table class="[^"]*cards.*?</table>', fragment):
        headings = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)
        for row in re.findall(r"<tbody>.*?</tbody>", table)[0].split("</tr>")[:-1]:
            assert re.findall(r'<td[^>]* data-label="([^"]*)"', row) == headings[1:], row
        assert re.findall(r"<td(?![^>]*data-label)", table) == []  # the 合計 row's cell too
    assert fragment.count('data-label="事業費"') == len(example_report().projects)


def test_pdf_renders_without_a_css_warning(caplog: pytest.LogCaptureFixture) -> None:
    """The page's screen-only rules (container queries, phrase breaking) never reach WeasyPrint's parser."""
    from kouka.render.pdf import render_pdf

    with caplog.at_level("WARNING", logger="weasyprint"):
        render_pdf(example_report())
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_cli_report_picks_a_year_of_a_multi_year_file(tmp_path: Path) -> None:
    import copy

    document = interchange.load(EXAMPLE)
    later = copy.deepcopy(document.reports[0])
    later.fiscal_year = 2023
    for project in later.projects:
        project.verification = [f"{project.title}の令和5年度のまとめ"]
    source = tmp_path / "two-years.json"
    interchange.save(Document([document.reports[0], later]), source)
    html_2022 = _invoke("report", str(source), "--year", "2022", "-f", "fragment")
    html_latest = _invoke("report", str(source), "-f", "fragment")
    assert "令和5年度のまとめ" not in html_2022 and "令和5年度のまとめ" in html_latest
    everything = list(csv.DictReader(io.StringIO(_invoke("report", str(source), "-f", "csv"))))
    assert {row["report_fiscal_year"] for row in everything} == {"2022", "2023"}
    one_year = list(csv.DictReader(io.StringIO(_invoke("report", str(source), "--year", "2023", "-f", "csv"))))
    assert len(one_year) == len(everything) // 2
