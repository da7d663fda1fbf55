"""Issue 16.4: open data as Japanese users open it — a BOM and Japanese 列名 on request, a Frictionless Data
Package that validates with the ``frictionless`` library, and the CSV opened by LibreOffice with Japanese intact."""

import csv
import io
import json
from pathlib import Path

import pytest
from frictionless import validate

from kouka.render.datapackage import CC_BY_4, data_package
from kouka.render.opendata import COLUMN_NAMES, COLUMN_TITLES, COLUMNS, Headers, kpi_rows, render_csv
from paths import ROOT
from render_support import example_report, hostile_report, soffice_convert


def write_package(tmp_path: Path, csv_text: str, headers: Headers, bom: bool) -> Path:
    (tmp_path / "isesaki-2022.csv").write_bytes(csv_text.encode("utf-8"))
    package = data_package(example_report(), name="isesaki-2022", csv_path="isesaki-2022.csv", headers=headers,
                           bom=bom)
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def errors_of(package: Path) -> list[str]:
    report = validate(str(package))
    return [f"{error.type}: {error.note}" for task in report.tasks for error in task.errors] + [
        f"{error.type}: {error.note}" for error in report.errors]


@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
@pytest.mark.parametrize("headers", list(Headers))
def test_the_data_package_validates_with_frictionless(headers: Headers, bom: bool, tmp_path: Path) -> None:
    package = write_package(tmp_path, render_csv(example_report(), bom=bom, headers=headers), headers, bom)
    assert errors_of(package) == []
    fields = json.loads(package.read_text(encoding="utf-8"))["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == list(COLUMN_TITLES if headers is Headers.JAPANESE else COLUMN_NAMES)
    assert all(f["title"] and f["type"] in ("string", "integer", "number", "boolean") for f in fields)


def test_the_dictionary_gives_each_column_its_title_type_and_unit() -> None:
    package = data_package(example_report(), name="isesaki-2022", csv_path="isesaki-2022.csv")
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert fields["body_code"]["title"] == "全国地方公共団体コード" and fields["body_code"]["type"] == "string"
    grant = fields["grant_yen"]
    assert (grant["title"], grant["type"], grant["unit"]) == ("交付金充当額（円）", "integer", "円")
    assert fields["actual_value"]["unitField"] == "actual_unit" and fields["actual_value"]["type"] == "number"
    assert fields["judgement"]["constraints"]["enum"] == ["met", "not_met", "pending", "not_judgeable"]
    assert fields["start_year_ja"]["title"] == "事業開始年度（和暦）"
    assert package["licenses"] == [{"name": CC_BY_4.name, "path": CC_BY_4.path, "title": CC_BY_4.title}]
    assert package["title"] == "伊勢崎市 令和4年度 地方創生推進交付金事業の効果検証（成果目標の一覧）"


def test_a_value_outside_the_dictionary_is_found(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(example_report()))))
    rows[1][COLUMN_NAMES.index("judgement")] = "maybe"
    rows[2][COLUMN_NAMES.index("cost_yen")] = "約1,000万円"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    found = errors_of(write_package(tmp_path, out.getvalue(), Headers.NAMES, False))
    assert len(found) == 2 and any("constraint" in e for e in found) and any("type" in e for e in found), found


def test_hostile_text_still_fits_the_dictionary(tmp_path: Path) -> None:
    package = data_package(hostile_report(), name="hostile", csv_path="hostile.csv")
    (tmp_path / "hostile.csv").write_text(render_csv(hostile_report()), encoding="utf-8", newline="")
    (tmp_path / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    assert errors_of(tmp_path / "datapackage.json") == []


def test_japanese_headers_are_the_readme_columns_and_era_years_stand_beside_western_ones() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"| `{column.name}` | {column.title} |" in readme
    assert len(set(COLUMN_TITLES)) == len(COLUMN_TITLES)
    for western in ("report_fiscal_year", "start_year", "end_year", "baseline_year", "fiscal_year"):
        assert COLUMN_NAMES[COLUMN_NAMES.index(western) + 1] == f"{western}_ja"
    row = next(kpi_rows(example_report()))
    assert (row["start_year"], row["start_year_ja"], row["end_year_ja"]) == (2022, "令和4年度", "令和6年度")
    assert row["body_code"] == "102041"  # 伊勢崎市: 全国地方公共団体コード with its check digit


@pytest.mark.parametrize("headers", list(Headers))
def test_libreoffice_opens_the_csv_with_a_bom_with_japanese_intact(headers: Headers, tmp_path: Path) -> None:
    """LibreOffice told the separator only (the character set left for it to detect: LibreOffice 7.4's headless
    import without options assumes Windows-1252 whatever the file says), converted to .xlsx and read back:
    every cell is the CSV's, and the BOM shows nowhere."""
    import openpyxl

    text = render_csv(example_report(), bom=True, headers=headers)
    source = tmp_path / "isesaki.csv"
    source.write_bytes(text.encode("utf-8"))
    separator_only = "--infilter=CSV:44,34,0,1"  # comma, double quote, character set not given, from line 1
    book = openpyxl.load_workbook(soffice_convert(source, "xlsx", tmp_path, separator_only))
    shown = [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]
    expected = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert shown[0] == expected[0]  # 地方公共団体名 … or municipality …, no mojibake, no stray BOM
    assert not any("\ufeff" in cell or "ï»¿" in cell for row in shown for cell in row)
    municipality = [row[0] for row in shown[1:]]
    assert municipality == ["伊勢崎市"] * 11
    titles = {row[COLUMN_NAMES.index("project_title")] for row in shown[1:]}
    assert titles == {p.title for p in example_report().projects}
    actual_texts = [row[COLUMN_NAMES.index("actual_text")] for row in shown[1:]]
    assert actual_texts == [row[COLUMN_NAMES.index("actual_text")] for row in expected[1:]]
