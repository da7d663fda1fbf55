"""kouka's own exports (kouka.render) of the example import back equal to the example."""

from pathlib import Path

import pytest

from importer_support import assert_document_equals
from kouka import interchange
from kouka.importers import import_bytes


def test_html_export_imports_back_equal(example_path: Path) -> None:
    from kouka.render.html import render_page

    report = interchange.load(example_path).reports[0]
    result = import_bytes(render_page(report).encode("utf-8"), "isesaki.html")
    assert result.format == "html"
    assert_document_equals(result.document, example_path)


def test_xlsx_export_imports_back_equal(example_path: Path) -> None:
    from kouka.render.xlsx import render_xlsx

    report = interchange.load(example_path).reports[0]
    result = import_bytes(render_xlsx(report), "isesaki.xlsx")
    assert result.format == "xlsx"
    assert_document_equals(result.document, example_path)


@pytest.mark.parametrize("fixture", ["kochi-pref-2022-multi", "higashiura-2020-senen"])
def test_imported_fixture_renders_and_imports_back(fixture: str) -> None:
    """Another city's data through kouka's page and back (reports that state their total: the page always
    shows one, computed when the city stated none, so a report without it does not come back identical)."""
    from importer_support import FIXTURES
    from kouka.render.html import render_page

    expected = FIXTURES / f"{fixture}.expected.json"
    report = interchange.load(expected).reports[0]
    result = import_bytes(render_page(report).encode("utf-8"), f"{fixture}.html")
    assert_document_equals(result.document, expected)


def test_edited_visible_sheet_is_reported(example_path: Path) -> None:
    import io

    from openpyxl import load_workbook

    from kouka.render.xlsx import render_xlsx

    book = load_workbook(io.BytesIO(render_xlsx(interchange.load(example_path).reports[0])))
    sheet = book["事業1"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "27人":
                cell.value = "29人"  # someone corrected a figure after the export
    edited = io.BytesIO()
    book.save(edited)
    result = import_bytes(edited.getvalue(), "edited.xlsx")
    differs = [f for f in result.findings if f.code == "import_embedded_differs"]
    assert len(differs) == 1 and differs[0].where.startswith("事業1!")  # the edited cell, e.g. 事業1!K15
    assert result.document.reports[0].projects[0].kpis[1].actuals[2022].text == "27人"  # the embedded data


def test_a_project_without_its_matome_comes_back_without_one(example_path: Path) -> None:
    """The page marks an unwritten まとめ（検証結果） as （未記入）: that mark is no まとめ when read back."""
    from kouka.render.html import render_page

    report = interchange.load(example_path).reports[0]
    report.projects[0].verification = []
    page = render_page(report)
    assert "（未記入）" in page
    projects = import_bytes(page.encode("utf-8"), "isesaki.html").document.reports[0].projects
    assert projects[0].verification == [] and projects[1].verification == report.projects[1].verification
