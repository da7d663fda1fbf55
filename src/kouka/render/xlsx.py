"""The publication as an Excel workbook (openpyxl).

Layout (an importer reads it back; the sheet names and header texts are the contract):

1. ``概要`` — the summary. Row 1 headers (frozen): 事業番号, 事業名, 区分, 担当課, 開始年度, 開始年度（和暦）,
   終了年度, 終了年度（和暦）, 事業費の見出し, 事業費（円）, 交付金充当額（円）, 成果目標数, 達成, 未達成,
   集計中, 判定対象外. One row per project, then a row 合計 (the sum of the grants) and a row with the stated
   total (本市交付額…) when the report states one; below them 地方公共団体, 年度, 交付金, 交付率 as label/value rows.
2. ``事業1``, ``事業2``, … — one sheet per project. Row 1 (frozen): 事業① and the title. Then label/value
   rows in columns A/B (C holds the era year beside a Western year): 担当課, 開始年度, 終了年度, 区分,
   主体, 連携自治体, 事業概要 (one row per paragraph), 事業費の見出し, 事業費（円）, 交付金充当額（円）,
   成果目標の範囲. Then a header row starting with 成果目標番号 and one row per KPI per fiscal year:
   成果目標番号, 成果目標, 単位, 年度, 年度（和暦）, 基準値, 基準値（表記）, 目標値, 目標値（表記）, 実績値,
   実績値（表記）, 判定. Then まとめ（検証結果） (one row per paragraph).
3. ``オープンデータ`` — the open-data rows of :func:`kouka.render.opendata.kpi_rows`, headers in row 1.
4. ``kouka`` (hidden) — every field of the model: the interchange JSON (``kouka/1``) of the report, cut into
   pieces of at most 30,000 characters in column A from row 2 (A1 says what it is). Reading the pieces back in
   order and joining them gives the document exactly.

Numbers are numbers (yen with ``#,##0``); every text cell is stored as text, so ``=cmd|…`` stays text. The
workbook holds no formula at all, the 合計 included (a number, the sum of the grants): "no formula anywhere" is
the simple rule the security tests hold kouka's exports to, and the workbook is a publication whose data is
the hidden sheet, not a form to recalculate.

Every visible sheet prints on A4 (:func:`prepare_for_print`): landscape, as wide as the page, the header row
repeated on each page, page numbers in the footer; cells use a Japanese font (游ゴシック, the default of
Japanese Excel, with the Japanese character set so that other programs substitute a Japanese font).
"""

import io
import math
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from kouka import interchange
from kouka.domain.checks import circled
from kouka.domain.eras import format_fiscal_year
from kouka.domain.model import Document, Project, ProjectKind, Report
from kouka.domain.rules import Judgement, judge_kpi, report_total
from kouka.render.charts import figure_text
from kouka.render.html import total_label
from kouka.render.opendata import COLUMN_NAMES, kpi_rows, kpi_years

YEN_FORMAT = "#,##0"
DATA_SHEET = "kouka"
CHUNK = 30_000
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
FONT_NAME = "游ゴシック"  # Yu Gothic, Japanese Excel's default
JAPANESE_CHARSET = 128  # SHIFTJIS_CHARSET: tells a program without the font to use a Japanese one
FONT = Font(name=FONT_NAME, charset=JAPANESE_CHARSET, family=3, size=11)
BOLD = Font(name=FONT_NAME, charset=JAPANESE_CHARSET, family=3, size=11, bold=True)
TOP = Alignment(vertical="top")
WRAPPED = Alignment(wrap_text=True, vertical="top")
LINE_HEIGHT = 18.75  # points: one line of 11-point 游ゴシック, Japanese Excel's default row height
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
Cell = str | int | Decimal | bool | None

SUMMARY_HEADERS = (
    "事業番号", "事業名", "区分", "担当課", "開始年度", "開始年度（和暦）", "終了年度", "終了年度（和暦）",
    "事業費の見出し", "事業費（円）", "交付金充当額（円）", "成果目標数", "達成", "未達成", "集計中", "判定対象外",
)
GRANT_COLUMN = SUMMARY_HEADERS.index("交付金充当額（円）") + 1  # K
YEAR_COLUMNS = (SUMMARY_HEADERS.index("開始年度") + 1, SUMMARY_HEADERS.index("終了年度") + 1)
TOTAL_ROW_LABEL = "合計"
KPI_HEADERS = (
    "成果目標番号", "成果目標", "単位", "年度", "年度（和暦）", "基準値", "基準値（表記）", "目標値",
    "目標値（表記）", "実績値", "実績値（表記）", "判定",
)


def _number_format(value: int | Decimal) -> str:
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return "#,##0.0##"
    return YEN_FORMAT


def put(sheet: Worksheet, row: int, column: int, value: Cell) -> None:
    """One cell: numbers as numbers with a grouped format, text always as text (never a formula)."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return
    cell.font = FONT
    cell.alignment = TOP if isinstance(value, int | Decimal) and not isinstance(value, bool) else WRAPPED
    if isinstance(value, bool):
        cell.value = "はい" if value else "いいえ"
        cell.data_type = "s"
    elif isinstance(value, int | Decimal):
        cell.value = value
        cell.number_format = _number_format(value)
    else:
        # a character a workbook cannot hold (a control character stored before kouka refused them) is shown
        # as U+FFFD, so the rest of the workbook is still written
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
        cell.data_type = "s"  # text, even when it starts with "=" (openpyxl would make it a formula)


def put_row(sheet: Worksheet, row: int, values: Sequence[Cell], header: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        put(sheet, row, column, value)
        if header:
            cell = sheet.cell(row=row, column=column)
            cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BOX


def _display_width(value: object) -> int:
    text = str(value) if value is not None else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _merged_widths(sheet: Worksheet) -> dict[tuple[int, int], list[int]]:
    """The columns each merged range's first cell spans, by (row, column)."""
    return {(r.min_row, r.min_col): list(range(r.min_col, r.max_col + 1)) for r in sheet.merged_cells.ranges}


def set_widths(sheet: Worksheet, cap: int = 60, minimum: int = 6, fit_headers: bool = False) -> None:
    """Column widths from their contents (full-width characters count double), between ``minimum`` and ``cap``;
    header cells (which wrap, unless ``fit_headers``) and text that spans merged columns do not widen a column."""
    merged = _merged_widths(sheet)
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            spans = len(merged.get((cell.row, cell.column), [cell.column])) > 1
            skipped = (cell.fill == HEADER_FILL and not fit_headers) or spans
            if cell.value is None or skipped:
                continue
            shown = f"{cell.value:,}" if isinstance(cell.value, int | Decimal) else cell.value
            widths[cell.column] = max(widths.get(cell.column, 0), _display_width(shown))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, minimum), cap)


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a cell ``width`` characters wide (full-width characters count two)."""
    usable = max(width - 1.5, 1)
    return sum(max(1, math.ceil(_display_width(part) / usable)) for part in text.split("\n"))


def fit_row_heights(sheet: Worksheet) -> None:
    """Row heights for the wrapped text they hold: a program that does not measure text itself (LibreOffice
    printing a generated file, a viewer) shows every line instead of the first."""
    merged = _merged_widths(sheet)
    default = sheet.sheet_format.defaultColWidth or 8.43

    def width_of(columns: list[int]) -> float:
        return sum(sheet.column_dimensions[get_column_letter(c)].width or default for c in columns)

    for row in sheet.iter_rows():
        lines = max((_lines(cell.value, width_of(merged.get((cell.row, cell.column), [cell.column])))
                     for cell in row if isinstance(cell.value, str) and cell.alignment.wrap_text), default=1)
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = lines * LINE_HEIGHT


def prepare_for_print(sheet: Worksheet, header_rows: str | None, *, landscape: bool = True,
                      fit_width: bool = True, key_columns: str | None = None) -> None:
    """A4, ``header_rows`` (``"1:1"``) repeated on every page, as wide as the page unless ``fit_width`` is off
    (a sheet too wide to read at that size prints across pages, then down, ``key_columns`` (``"A:B"``) repeated
    on each), page numbers, and rows as tall as their wrapped text. Call it once the column widths are set."""
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        setup.fitToWidth, setup.fitToHeight = 1, 0  # one page wide, as many pages down as it takes
    else:
        setup.pageOrder = "overThenDown"
    if header_rows:
        sheet.print_title_rows = header_rows
    if key_columns:
        sheet.print_title_cols = key_columns
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    sheet.oddFooter.center.text = "&P / &N"
    sheet.oddFooter.center.font = FONT_NAME
    fit_row_heights(sheet)


def _counts(project: Project, fiscal_year: int) -> dict[Judgement, int]:
    counts = dict.fromkeys(Judgement, 0)
    for kpi in project.kpis:
        counts[judge_kpi(kpi, fiscal_year).judgement] += 1
    return counts


def _kind(project: Project) -> str:
    return "広域連携事業" if project.kind is ProjectKind.WIDE_AREA else "市単独事業"


def _summary(sheet: Worksheet, report: Report) -> None:
    sheet.title = "概要"
    put_row(sheet, 1, SUMMARY_HEADERS, header=True)
    row = 2
    for project in report.projects:
        counts = _counts(project, report.fiscal_year)
        put_row(sheet, row, [
            project.number, project.title, _kind(project), "・".join(project.departments),
            project.start_year, format_fiscal_year(project.start_year),
            project.end_year, format_fiscal_year(project.end_year),
            project.cost_label, project.cost_yen, project.grant_yen, len(project.kpis),
            *(counts[j] for j in Judgement),
        ])
        for column in YEAR_COLUMNS:
            sheet.cell(row=row, column=column).number_format = "0"  # 2022, not 2,022
        row += 1
    put(sheet, row, 2, TOTAL_ROW_LABEL)
    put(sheet, row, GRANT_COLUMN, report_total(report))
    sheet.cell(row=row, column=2).font = sheet.cell(row=row, column=GRANT_COLUMN).font = BOLD
    row += 1
    if report.stated_total_yen is not None:
        put(sheet, row, 2, total_label(report))
        put(sheet, row, GRANT_COLUMN, report.stated_total_yen)
        row += 1
    rate = report.program.rate
    row += 1
    for label, value in (
        ("地方公共団体", report.municipality.name),
        ("年度", report.fiscal_year),
        ("年度（和暦）", format_fiscal_year(report.fiscal_year)),
        ("交付金", report.program.name),
        ("交付率", f"{rate.numerator}/{rate.denominator}"),
    ):
        put(sheet, row, 1, label)
        put(sheet, row, 2, value)
        if label == "年度":
            sheet.cell(row=row, column=2).number_format = "0"
        row += 1
    sheet.freeze_panes = "A2"
    set_widths(sheet, cap=24)
    prepare_for_print(sheet, "1:1")


def _fields(project: Project) -> list[tuple[str, Cell, Cell]]:
    fields: list[tuple[str, Cell, Cell]] = [
        ("担当課", "・".join(project.departments), None),
        ("開始年度", project.start_year, format_fiscal_year(project.start_year)),
        ("終了年度", project.end_year, format_fiscal_year(project.end_year)),
        ("区分", _kind(project), None),
    ]
    if project.kind is ProjectKind.WIDE_AREA:
        fields += [("主体", project.lead_body, None), ("連携自治体", "、".join(project.partner_bodies), None)]
    fields += [("事業概要", paragraph, None) for paragraph in project.summary]
    fields += [
        ("事業費の見出し", project.cost_label, None),
        ("事業費（円）", project.cost_yen, None),
        ("交付金充当額（円）", project.grant_yen, None),
    ]
    if project.kpi_scope_label:
        fields.append(("成果目標の範囲", project.kpi_scope_label, None))
    return fields


def _project_sheet(sheet: Worksheet, project: Project, report: Report) -> None:
    put_row(sheet, 1, [f"事業{circled(project.number)}", project.title], header=True)
    sheet.merge_cells(start_row=1, start_column=2, end_row=1, end_column=len(KPI_HEADERS))
    row = 3
    for label, value, beside in _fields(project):
        put(sheet, row, 1, label)
        sheet.cell(row=row, column=1).font = BOLD
        put(sheet, row, 2, value)
        if isinstance(value, int) and label.endswith("年度"):
            sheet.cell(row=row, column=2).number_format = "0"
        put(sheet, row, 3, beside)
        if label == "事業概要":
            sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(KPI_HEADERS))
        row += 1
    row += 1
    put_row(sheet, row, KPI_HEADERS, header=True)
    row += 1
    for kpi in project.kpis:
        for year in kpi_years(kpi, report.fiscal_year):
            result = judge_kpi(kpi, year)
            baseline, target, actual = kpi.baseline, result.target, result.actual
            put_row(sheet, row, [
                kpi.number, kpi.name, kpi.unit, year, format_fiscal_year(year),
                baseline.value if baseline else None, figure_text(baseline),
                target.value if target else None, figure_text(target),
                actual.value if actual else None, figure_text(actual),
                result.label + ("（速報値）" if result.preliminary else ""),
            ])
            sheet.cell(row=row, column=4).number_format = "0"
            row += 1
    row += 1
    put(sheet, row, 1, "まとめ（検証結果）")
    sheet.cell(row=row, column=1).font = BOLD
    for paragraph in project.verification:
        put(sheet, row, 2, paragraph)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(KPI_HEADERS))
        row += 1
    sheet.freeze_panes = "A2"
    set_widths(sheet, cap=20)
    prepare_for_print(sheet, "1:1")


def _open_data(sheet: Worksheet, report: Report) -> None:
    put_row(sheet, 1, COLUMN_NAMES, header=True)
    years = [index for index, name in enumerate(COLUMN_NAMES, start=1) if name.endswith("year")]
    for row, record in enumerate(kpi_rows(report), start=2):
        put_row(sheet, row, [_cell(record[name]) for name in COLUMN_NAMES])
        for column in years:
            sheet.cell(row=row, column=column).number_format = "0"
    sheet.freeze_panes = "A2"
    set_widths(sheet, cap=40, fit_headers=True)  # column names are read whole: municipality, body_code …
    # 55 columns cannot be read at one page's width: pages across, the header row and the names repeated
    prepare_for_print(sheet, "1:1", fit_width=False, key_columns="A:A")


def _cell(value: object) -> Cell:
    return value if isinstance(value, str | int | Decimal | bool) or value is None else str(value)


def _data_sheet(sheet: Worksheet, report: Report) -> None:
    text = interchange.dumps(Document([report]))
    put(sheet, 1, 1, "kouka/1 interchange JSON, in pieces; join column A from row 2")
    for index, start in enumerate(range(0, len(text), CHUNK)):
        put(sheet, index + 2, 1, text[start : start + CHUNK])
    sheet.sheet_state = "hidden"


def read_data_sheet(data: bytes) -> Document:
    """The document kept in the hidden ``kouka`` sheet of a workbook this module wrote."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        sheet = workbook[DATA_SHEET]
        pieces = [str(row[0]) for row in sheet.iter_rows(min_row=2, max_col=1, values_only=True) if row[0]]
    finally:
        workbook.close()
    return interchange.loads("".join(pieces), source=DATA_SHEET)


def render_xlsx(report: Report) -> bytes:
    """The workbook's bytes (.xlsx)."""
    workbook = Workbook()
    _summary(workbook.active, report)
    for project in report.projects:
        _project_sheet(workbook.create_sheet(f"事業{project.number}"), project, report)
    _open_data(workbook.create_sheet("オープンデータ"), report)
    _data_sheet(workbook.create_sheet(DATA_SHEET), report)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
