"""Excel workbooks: every sheet's rows as table rows (merged cells expanded), lone cells as paragraphs."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from kouka.importers.blocks import Block, heading, paragraph, row

if TYPE_CHECKING:
    from openpyxl import Workbook
from kouka.importers.errors import UnreadableDocumentError


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
    if isinstance(value, datetime | date):
        return f"{value.year}年{value.month}月"
    return str(value).replace("\r\n", "\n").strip()


def read_xlsx(data: bytes, label: str = "") -> list[Block]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        message = f"{label}: Excelファイルとして読めません / not a readable .xlsx workbook"
        raise UnreadableDocumentError(message) from exc
    blocks: list[Block] = []
    for number, sheet in enumerate(workbook.worksheets, start=1):
        grid: dict[tuple[int, int], str] = {}
        for r, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            for c, value in enumerate(values, start=1):
                text = _text(value)
                if text:
                    grid[(r, c)] = text
        for merged in sheet.merged_cells.ranges:
            top = grid.get((merged.min_row, merged.min_col), "")
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if (r, c) != (merged.min_row, merged.min_col):
                        grid[(r, c)] = top if c == merged.min_col else ""
        if not grid:
            continue
        max_row = max(r for r, _ in grid)
        max_col = max(c for _, c in grid)
        first_content = True
        for r in range(1, max_row + 1):
            cells = [grid.get((r, c), "") for c in range(1, max_col + 1)]
            filled = [cell for cell in cells if cell]
            if not filled:
                continue
            where = f"{sheet.title}!{r}行目"
            if len(filled) == 1:
                blocks.append(heading(filled[0], where) if first_content else paragraph(filled[0], where))
            else:
                blocks.append(row(cells, where, number,
                                  [f"{sheet.title}!{get_column_letter(c)}{r}" for c in range(1, max_col + 1)]))
            first_content = False
    return blocks


EMBEDDED_MARKER = "kouka/1 interchange JSON"


def embedded_interchange(data: bytes) -> tuple[str, dict[str, str]] | None:
    """kouka's own workbooks carry the interchange JSON in a data sheet (A1 names it, A2… hold its pieces).

    Returns the JSON text and the text of every other cell by place (Sheet!B3), to check that nobody
    edited the visible sheets after the export; None for any other workbook.
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None
    for sheet in workbook.worksheets:
        first = sheet.cell(row=1, column=1).value
        if isinstance(first, str) and first.startswith(EMBEDDED_MARKER):
            pieces = [str(value) for (value,) in sheet.iter_rows(min_row=2, max_col=1, values_only=True)
                      if value is not None]
            return "".join(pieces), visible_cells(workbook, skip=sheet.title)
    return None


def visible_cells(workbook: "Workbook", skip: str = "") -> dict[str, str]:
    """Every non-empty cell's text by place, ``Sheet!B3``."""
    cells: dict[str, str] = {}
    for sheet in workbook.worksheets:
        if sheet.title == skip:
            continue
        for sheet_row in sheet.iter_rows():
            for cell in sheet_row:
                text = _text(cell.value)
                if text:
                    cells[f"{sheet.title}!{cell.coordinate}"] = text
    return cells
