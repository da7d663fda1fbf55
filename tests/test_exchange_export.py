"""Issue 16.1: the department workbook as a clerk gets it: a sheet per project of the department, laid out as the
city's sheet reads, the cells to fill unlocked, yellow and validated, the rest locked, the manifest very hidden;
printed by Debian's LibreOffice (headless) on A4 in Japanese."""

import io
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from exchange_support import example_report, next_year_report
from kouka import interchange
from kouka.domain import limits
from kouka.domain.model import DIRECTION_LABELS, Document
from kouka.exchange.errors import NothingToExport
from kouka.exchange.export import GUIDE_SHEET, INPUT_FILL, export_workbook
from kouka.exchange.meta import SHEET
from kouka.exchange.reading import read_workbook
from kouka.importers.xlsx import embedded_interchange
from kouka.render.national import EFFECT_CHOICES
from kouka.render.xlsx import FONT_NAME, JAPANESE_CHARSET
from render_support import hostile_report, soffice_convert, squeezed

A4_PORTRAIT = "595.3"  # points wide, as pdfinfo prints them (595.304 x 841.89 pts (A4)): portrait


def book_of(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.parametrize(("department", "sheets"), [
    ("商工労働課", ["事業①", "事業③"]),
    ("企業誘致課", ["事業②"]),
    ("都市開発課", ["事業①"]),  # 事業① is shared: it is in each of its departments' workbooks
    ("企画調整課", ["事業①", "事業②"]),
    (None, ["事業①", "事業②", "事業③"]),  # the planning division's workbook of every project
])
def test_one_sheet_per_project_of_the_department(department: str | None, sheets: list[str]) -> None:
    book = book_of(export_workbook(example_report(), department))
    assert book.sheetnames == [GUIDE_SHEET, *sheets, SHEET]
    assert [s.sheet_state for s in book.worksheets] == ["visible"] * (len(sheets) + 1) + ["veryHidden"]
    assert book.active.title == GUIDE_SHEET


def test_a_department_without_projects_gets_a_clear_refusal() -> None:
    with pytest.raises(NothingToExport) as refused:
        export_workbook(example_report(), "税務課")
    assert str(refused.value) == "税務課が担当する事業は令和4年度の報告にありません"


def labelled(sheet: Worksheet) -> dict[str, object]:
    """Column A's labels with the value beside them (the first of each label)."""
    found: dict[str, object] = {}
    for row in range(1, sheet.max_row + 1):
        label = sheet.cell(row, 1).value
        if isinstance(label, str) and label not in found:
            found[label] = sheet.cell(row, 2).value
    return found


def test_the_project_sheet_reads_as_the_city_s_sheet() -> None:
    sheet = book_of(export_workbook(example_report(), "商工労働課"))["事業③"]
    fields = labelled(sheet)
    assert fields["事業名"] == "産業ニューノーマル創出事業 ※群馬県主体の広域連携事業"
    assert fields["担当課"] == "商工労働課"
    assert fields["事業期間"] == "令和4年度～令和5年度"
    assert fields["事業の区分"] == "広域連携事業（主体：群馬県／連携：前橋市、伊勢崎市、富岡市、みどり市）"
    assert fields["市事業費（円）"] == 200000 and fields["交付金充当額（円）"] == 100000
    assert fields["成果目標（群馬県全体）"] is None and fields["成果目標④"] == "SDGs企業選定制度選定企業数"
    assert fields["事業の評価"] is None and fields["まとめ（検証結果）"].startswith("左表の成果目標は")  # type: ignore[union-attr]
    assert sheet["A1"].value == "令和4年度 効果検証 記入シート　事業③"
    money = next(c for row in sheet.iter_rows() for c in row if c.value == 200000)
    assert money.data_type == "n" and money.number_format == "#,##0"


def test_earlier_years_are_shown_locked_beside_the_year_to_fill() -> None:
    book = book_of(export_workbook(next_year_report(), "商工労働課"))
    sheet = book["事業①"]
    years = next(r for r in range(1, sheet.max_row) if sheet.cell(r, 1).value == "年度")
    assert [sheet.cell(years, c).value for c in (2, 3)] == ["令和4年度", "令和5年度"]
    target, actual = sheet.cell(years + 1, 2), sheet.cell(years + 2, 2)
    assert (target.value, actual.value) == ("4社", "2社") and target.protection.locked and actual.protection.locked
    assert not sheet.cell(years + 1, 3).protection.locked and not sheet.cell(years + 2, 3).protection.locked


def offered(data: bytes) -> dict[tuple[str, str], str]:
    """Every cell the manifest offers, with its field's name."""
    return {(c.entry.sheet, c.entry.cell): c.entry.ref.name for c in read_workbook(data).cells}


def test_exactly_the_offered_cells_are_unlocked_and_yellow_and_every_sheet_is_protected() -> None:
    data = export_workbook(next_year_report(), "商工労働課")
    cells = offered(data)
    book = book_of(data)
    assert book.security.lockStructure
    unlocked, yellow = set(), set()
    for sheet in book.worksheets:
        assert sheet.protection.sheet and not sheet.protection.password, sheet.title
        merged = {c for r in sheet.merged_cells.ranges for c in r.cells if (c[0], c[1]) != (r.min_row, r.min_col)}
        for row in sheet.iter_rows():
            for cell in row:
                if (cell.row, cell.column) in merged:
                    continue
                if not cell.protection.locked:
                    unlocked.add((sheet.title, cell.coordinate))
                if cell.fill == INPUT_FILL and cell.row > 3:
                    yellow.add((sheet.title, cell.coordinate))
    assert unlocked == set(cells) == yellow
    names = sorted(set(cells.values()))
    assert names == ["actuals", "baseline", "baseline_year", "cost_yen", "direction_reason", "evaluation",
                     "grant_yen", "next_direction", "targets", "verification"]


def test_each_offered_cell_is_validated_for_its_kind() -> None:
    data = export_workbook(next_year_report(), "商工労働課")
    book = book_of(data)
    checks: dict[tuple[str, str], tuple[str | None, str | None, str | None]] = {}
    for sheet in book.worksheets:
        for validation in sheet.data_validations.dataValidation:
            for cell_range in validation.sqref.ranges:
                for row, column in cell_range.cells:
                    address = sheet.cell(row, column).coordinate
                    checks[(sheet.title, address)] = (validation.type, validation.formula1, validation.formula2)
    kinds = {"cost_yen": ("whole", "0", str(limits.MAX_YEN)), "grant_yen": ("whole", "0", str(limits.MAX_YEN)),
             "baseline": ("textLength", str(limits.FIGURE_TEXT.max_length), None),
             "targets": ("textLength", str(limits.FIGURE_TEXT.max_length), None),
             "actuals": ("textLength", str(limits.FIGURE_TEXT.max_length), None),
             "evaluation": ("list", '"' + ",".join(EFFECT_CHOICES) + '"', None),
             "next_direction": ("list", '"' + ",".join(DIRECTION_LABELS.values()) + '"', None),
             "verification": (None, None, None), "direction_reason": (None, None, None)}
    for place, name in offered(data).items():
        if name == "baseline_year":
            kind, years, _ = checks[place]
            assert kind == "list" and years is not None and years.startswith('"令和5年度,令和4年度,令和3年度')
            continue
        assert checks[place] == kinds[name], (place, name)


def test_every_visible_sheet_prints_on_a4_portrait_as_wide_as_the_page_in_a_japanese_font() -> None:
    book = book_of(export_workbook(example_report(), None))
    for sheet in book.worksheets[:-1]:
        setup = sheet.page_setup
        assert int(setup.paperSize) == 9 and setup.orientation == "portrait", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1, sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert (cell.font.name, cell.font.charset) == (FONT_NAME, JAPANESE_CHARSET), cell.coordinate


def test_the_manifest_holds_the_projects_as_they_were_and_is_no_publication() -> None:
    report = example_report()
    data = export_workbook(report, "企業誘致課")
    edit = read_workbook(data)
    assert interchange.to_json(Document([edit.base]))["reports"][0]["projects"] == \
        [interchange.project_json(report.project(2))]
    assert (edit.meta.municipality, edit.meta.fiscal_year, edit.meta.department) == \
        (report.municipality, 2022, "企業誘致課")
    assert embedded_interchange(data) is None  # `kouka import` does not take it for kouka's publication workbook


def test_text_that_looks_like_a_formula_stays_text() -> None:
    book = book_of(export_workbook(hostile_report(), None))
    formulas = [f"{s.title}!{c.coordinate}" for s in book.worksheets for row in s.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    workdir = tmp_path_factory.mktemp("department-workbook")
    source = workdir / "shoko.xlsx"
    source.write_bytes(export_workbook(next_year_report(), "商工労働課"))
    pdf = soffice_convert(source, "pdf", workdir)
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return pdf, [squeezed(page) for page in text.split("\f") if page.strip()]


def test_libreoffice_prints_it_on_a4_portrait_pages_in_a_japanese_font(printed: tuple[Path, list[str]]) -> None:
    pdf, _ = printed
    info = subprocess.run(["pdfinfo", "-l", "-1", str(pdf)], capture_output=True, text=True, check=True).stdout
    sizes = [line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Page") and "size" in line]
    assert len(sizes) == 5 and all(s.startswith(A4_PORTRAIT) and s.endswith("(A4)") for s in sizes), sizes
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts


def test_libreoffice_prints_a_clerk_s_form_and_not_the_manifest(printed: tuple[Path, list[str]]) -> None:
    _, pages = printed
    guide, first, second = pages[0], pages[1], pages[2]
    assert guide.startswith("令和5年度地方創生推進交付金効果検証記入シート") and "記入のしかた" in guide
    assert first.startswith("令和5年度効果検証記入シート事業①群馬県伊勢崎市商工労働課")
    for words in ("事業名", "令和4年度～令和6年度", "事業概要", "事業費（円）", "成果目標②",
                  "まちなかワークショップ参加者数", "年度令和4年度令和5年度", "目標値10人", "実績値27人"):
        assert squeezed(words) in first, words
    assert second.startswith("令和5年度効果検証記入シート事業①")  # the heading again on the page of the verification
    assert "まとめ（検証結果）" in second and "今後の方針の理由" in second
    assert all("kouka-department-workbook" not in page for page in pages)
