"""Issue 16.3: ``kouka report -f national-xlsx`` writes the national reporting form (様式) in the layout the
importer reads; importing it gives back every field the form holds."""

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from importer_support import FIXTURES, json_diff
from kouka import interchange
from kouka.cli import COMMAND_MODULES, app
from kouka.domain.model import Document, Report
from kouka.importers import import_bytes
from kouka.render.national import EFFECT_CHOICES, SHEET, render_national_xlsx
from render_support import EXAMPLE, FORMULA, example_report, hostile_report

# What the form holds (src/kouka/render/national.py, FORM_FIELDS): the rest of a report has no cell in it.
PROJECT_FIELDS = ("number", "title", "title_notes", "departments", "period", "cost_yen", "grant_yen",
                  "next_direction", "reviewer_opinion")
KPI_FIELDS = ("number", "name", "unit", "baseline", "baseline_year")


def baseline_years(report: Report) -> set[int | None]:
    return {kpi.baseline_year for project in report.projects for kpi in project.kpis if kpi.baseline is not None}


def held(report: Report, with_baseline_year: bool = True) -> dict[str, Any]:
    """The fields of ``report`` the national form holds, as interchange JSON. A baseline's year is held by the
    header (基準値（令和3年度）), so only when every baseline of the report has the same year."""
    data = json.loads(interchange.dumps(Document([report])))["reports"][0]
    kpi_fields = KPI_FIELDS if with_baseline_year else tuple(key for key in KPI_FIELDS if key != "baseline_year")
    year = str(data["fiscal_year"])
    return {
        "municipality": {key: data["municipality"][key] for key in ("name", "prefecture")},
        "fiscal_year": data["fiscal_year"],
        "program": data["program"]["name"],
        "projects": [{
            **{key: project[key] for key in PROJECT_FIELDS},
            "evaluation": project["evaluation"]["category"] if project["evaluation"] else None,
            "kpis": [{**{key: kpi[key] for key in kpi_fields}, "target": kpi["targets"].get(year),
                      "actual": kpi["actuals"].get(year)} for kpi in project["kpis"]],
        } for project in data["projects"]],
    }


def round_trip(report: Report) -> Report:
    result = import_bytes(render_national_xlsx(report), "national-form.xlsx")
    assert result.format == "xlsx" and len(result.document.reports) == 1
    return result.document.reports[0]


def assert_form_round_trips(report: Report, name: str) -> None:
    one_year = len(baseline_years(report)) <= 1
    differences = list(json_diff(held(round_trip(report), one_year), held(report, one_year)))
    print(f"{name}: {len(differences)} differing paths", *differences, sep="\n")
    assert not differences, f"{name}: the form does not give back\n" + "\n".join(differences)


def test_the_example_comes_back_in_every_field_the_form_holds() -> None:
    report = example_report()
    assert_form_round_trips(report, EXAMPLE.name)
    back = round_trip(report)
    assert sum(len(p.kpis) for p in back.projects) == 11  # not vacuous: every KPI was read
    assert back.projects[2].kpis[3].actuals[2022].text == "90社(速報値)"
    assert [p.evaluation.category for p in back.projects if p.evaluation] == ["effective", "effective"]


FORM_FIXTURES = sorted(FIXTURES.glob("*.expected.json"))


@pytest.mark.parametrize("source", FORM_FIXTURES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_every_import_fixture_comes_back(source: Path) -> None:
    assert_form_round_trips(interchange.load(source).reports[0], source.name)


def test_baseline_years_that_differ_are_what_the_form_cannot_hold() -> None:
    """The importer reads a baseline's year only from the column header, one for all rows: a report whose
    projects have baselines of different years (花里町: 令和元年度 and 令和2年度) loses them, and only them."""
    report = interchange.load(FIXTURES / "hanasato-2021.expected.json").reports[0]
    assert baseline_years(report) == {2019, 2020}
    back = round_trip(report)
    assert baseline_years(back) == {None}
    assert held(back, with_baseline_year=False) == held(report, with_baseline_year=False)
    header = sheet_rows(render_national_xlsx(report))[4]
    assert "基準値" in header and not any(str(cell).startswith("基準値（") for cell in header)


def sheet_rows(data: bytes) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [SHEET]  # one sheet: the form, no hidden kouka data to fall back on
    return [[cell.value for cell in row] for row in book[SHEET].iter_rows()]


def test_the_form_is_laid_out_as_the_national_form() -> None:
    rows = sheet_rows(render_national_xlsx(example_report()))
    assert rows[0][0] == "令和4年度 群馬県伊勢崎市 地方創生推進交付金事業 効果検証シート"
    header = rows[4]
    assert header[:7] == ["番号", "交付対象事業の名称", "事業始期", "事業終期", "担当部局課名", "交付対象事業費",
                          "交付金充当額"]
    assert header[7:12] == ["KPI①", "単位", "基準値（令和3年度）", "目標値", "実績値"]
    assert header[-3:] == ["事業の評価", "今後の方針", "外部有識者の意見"] and len(header) == 7 + 4 * 5 + 3
    first = rows[5]
    assert first[:7] == [1, "まちなか創業とにぎわい創出を核とした官民連携による持続的経済活力向上プロジェクト",
                         "令和4年度", "令和6年度", "商工労働課・都市開発課・企画調整課", 9962058, 4981029]
    assert first[7:12] == ["まちなかで新たに創業した事業者の数", "社", "（事業開始前）", "4社", "2社"]
    assert first[-3] == EFFECT_CHOICES[2] == "③地方創生に効果があった"


def test_the_effect_and_direction_cells_offer_the_national_lists() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render_national_xlsx(example_report())))
    lists = [v.formula1 for v in book[SHEET].data_validations.dataValidation]
    assert '"' + ",".join(EFFECT_CHOICES) + '"' in lists
    assert any("予定通り事業終了" in formula and "事業内容の見直し（改善）" in formula for formula in lists)


def test_the_form_prints_on_a4_landscape() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(render_national_xlsx(example_report())))[SHEET]
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$5:$5"  # the header row on every page


def test_hostile_text_stays_text_in_the_form() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render_national_xlsx(hostile_report())))
    cells = [cell for row in book[SHEET].iter_rows() for cell in row]
    assert [cell for cell in cells if cell.data_type == "f"] == []
    assert any(cell.value == f"{FORMULA} <script>alert('kouka')</script>" for cell in cells)


def test_kouka_report_writes_the_national_form(tmp_path: Path) -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name)
    out = tmp_path / "national.xlsx"
    result = CliRunner().invoke(app, ["report", str(EXAMPLE), "-f", "national-xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert import_bytes(out.read_bytes(), out.name).document.reports[0].projects[1].grant_yen == 9646515
    refused = CliRunner().invoke(app, ["report", str(EXAMPLE), "-f", "national-xlsx"])
    assert refused.exit_code == 2 and "-o" in refused.output


@pytest.mark.parametrize("place", [1, 2, 3, 4])
@pytest.mark.parametrize("written", ["{n}", "{wide}", "{circled}"])
def test_a_bare_number_of_the_national_scale_comes_back_from_the_form_and_the_page(place: int, written: str) -> None:
    """事業の効果 and 今後の方針 given as the bare number of the national scale (①…④, 1 追加等更に発展させる …
    4 事業の中止): the form and kouka's page write the number as the city gave it, and reading either back gives
    the scale's category with that number."""
    import copy

    from kouka.domain.model import Categorised, EffectLevel, NextDirection
    from kouka.render.html import render_page

    text = written.format(n=place, wide=chr(ord("０") + place), circled="①②③④"[place - 1])
    levels = [EffectLevel.VERY_EFFECTIVE, EffectLevel.CONSIDERABLE, EffectLevel.EFFECTIVE, EffectLevel.NOT_EFFECTIVE]
    directions = [NextDirection.EXPAND, NextDirection.IMPROVE, NextDirection.CONTINUE, NextDirection.DISCONTINUE]
    report = copy.deepcopy(example_report())
    for project in report.projects:
        project.evaluation = Categorised(levels[place - 1], text)
        project.next_direction = Categorised(directions[place - 1], text)
        project.direction_reason = []
        project.verification = []
    assert_form_round_trips(report, f"bare {text}")
    page = import_bytes(render_page(report).encode("utf-8"), "page.html").document.reports[0]
    assert [(p.evaluation, p.next_direction) for p in page.projects] == [
        (p.evaluation, p.next_direction) for p in report.projects]
