"""Issue 16.5: the workbook of ``kouka report -f xlsx`` prints on A4 with Japanese fonts and keeps numbers as
numbers; checked in openpyxl and by printing it with Debian's LibreOffice (headless) to PDF."""

import io
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from kouka.domain.rules import report_total
from kouka.render.national import render_national_xlsx
from kouka.render.xlsx import DATA_SHEET, FONT_NAME, JAPANESE_CHARSET, render_xlsx
from render_support import example_report, soffice_convert, squeezed

A4_LANDSCAPE = "841.89 x 595.3"  # points, as pdfinfo prints them


def visible_sheets(data: bytes) -> list[openpyxl.worksheet.worksheet.Worksheet]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [sheet for sheet in book.worksheets if sheet.title != DATA_SHEET]


def test_every_sheet_is_set_up_for_a4_with_its_header_row_on_every_page() -> None:
    sheets = visible_sheets(render_xlsx(example_report()))
    assert [s.title for s in sheets] == ["概要", "事業1", "事業2", "事業3", "オープンデータ"]
    for sheet in sheets:
        setup = sheet.page_setup
        assert int(setup.paperSize) == 9 and setup.orientation == "landscape", sheet.title  # A4 landscape
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert sheet.oddFooter.center.text == "&P / &N", sheet.title
    for sheet in sheets[:-1]:  # as wide as the page
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1, sheet.title
    data = sheets[-1]  # 55 columns: across pages, the municipality's column repeated
    assert not data.sheet_properties.pageSetUpPr.fitToPage and data.print_title_cols == "$A:$A"


def test_every_written_cell_has_a_japanese_font() -> None:
    for sheet in visible_sheets(render_xlsx(example_report())):
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert (cell.font.name, cell.font.charset) == (FONT_NAME, JAPANESE_CHARSET), cell.coordinate


def test_money_counts_and_figures_are_numbers() -> None:
    report = example_report()
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    summary = book["概要"]
    for row in range(2, 2 + len(report.projects)):
        for column in (1, 5, 7, 10, 11, 12):  # 事業番号, 開始年度, 終了年度, 事業費, 交付金充当額, 成果目標数
            assert summary.cell(row, column).data_type == "n", summary.cell(row, column).coordinate
        assert summary.cell(row, 5).number_format == "0"  # a year shows as 2022, not 2,022
    sheet = book["事業2"]
    values = [row for row in sheet.iter_rows(values_only=True) if row[0] == 1 and row[1] == "製造品出荷額等"]
    assert values[0][9] == Decimal("10060") or values[0][9] == 10060  # 実績値 as a number, its text beside it
    assert values[0][10] == "10,060億円（令和2年）"
    assert sum(summary.cell(row, 11).value for row in range(2, 5)) == report_total(report)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The example's workbook printed to PDF by LibreOffice, and the text of each page (as laid out)."""
    workdir = tmp_path_factory.mktemp("xlsx-print")
    source = workdir / "isesaki.xlsx"
    source.write_bytes(render_xlsx(example_report()))
    pdf = soffice_convert(source, "pdf", workdir)
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return pdf, [squeezed(page) for page in text.split("\f")]


def assert_printed_whole(texts: list[str], printed_text: str) -> None:
    """Each text's last characters are on the page: a cell whose row is too low for its wrapped text shows its
    first line only. (Wrapped lines interleave with the cells beside them, so only the ending is compared.)"""
    endings = Counter(squeezed(text)[-5:] for text in texts)
    for ending, times in endings.items():
        assert printed_text.count(ending) >= times, ending


def test_libreoffice_prints_it_on_a4_landscape_pages_with_japanese_fonts(printed: tuple[Path, list[str]]) -> None:
    pdf, _ = printed
    info = subprocess.run(["pdfinfo", "-l", "-1", str(pdf)], capture_output=True, text=True, check=True).stdout
    sizes = [line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Page") and "size" in line]
    assert sizes and all(size.startswith(A4_LANDSCAPE) for size in sizes), sizes
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts  # the Japanese text is drawn in a Japanese font (fontconfig's substitute for 游ゴシック)


def test_libreoffice_prints_the_summary_on_one_page_with_the_total(printed: tuple[Path, list[str]]) -> None:
    _, pages = printed
    report = example_report()
    first = pages[0]
    assert "事業番号" in first and "判定対" in first and pages[1].startswith("事業①")  # one page: fit to width
    assert "14,727,544" in first  # the 合計
    assert_printed_whole([project.title for project in report.projects], first)


def test_libreoffice_prints_each_project_with_its_kpi_table_and_whole_texts(printed: tuple[Path, list[str]]) -> None:
    _, pages = printed
    report = example_report()
    for project in report.projects:
        page = next(p for p in pages if p.startswith(f"事業{'①②③'[project.number - 1]}"))
        assert "成果目標番号" in page and "判定" in page.split("成果目標番号", 1)[1]  # the KPI table fits the width
        assert_printed_whole([*project.summary, *project.verification], "".join(pages))


def test_the_national_form_prints_on_a4_across_pages_with_names_repeated(tmp_path: Path) -> None:
    source = tmp_path / "national.xlsx"
    source.write_bytes(render_national_xlsx(example_report()))
    pdf = soffice_convert(source, "pdf", tmp_path)
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) > 1
    for page in pages:  # every page names the projects it continues
        assert "交付対象事業の名称" in page and squeezed("Made in いせさき") in squeezed(page)
    assert "外部有識者の意見" in squeezed("".join(pages)) and "③地方創生に効果があった" in squeezed("".join(pages))
