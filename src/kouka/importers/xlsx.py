"""Excel workbooks: every sheet's rows as table rows (merged cells expanded), lone cells as paragraphs."""

import io
import re
import zipfile
import zlib
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from kouka.domain.i18n import _
from kouka.importers.blocks import Block, heading, paragraph, row

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet
from kouka.importers.errors import UnreadableDocumentError


def _text(value: object) -> str:
    """A cell as text: 1.5 → "1.5", 3.0 → "3", a date → 2023年4月, TRUE → ○, empty → ""."""
    match value:
        case None:
            return ""
        case bool():
            return "○" if value else ""
        case int():
            return str(value)
        case float():
            number = Decimal(repr(value))
            return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
        case datetime() | date():
            return f"{value.year}年{value.month}月"
    return str(value).replace("\r\n", "\n").strip()


# A workbook's parts are XML; kouka's export is ~100 KB and a prefecture's sheet a few MB. Beyond this the
# file is refused before openpyxl expands it (a zip bomb, or far more than any report).
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024


def open_workbook(data: bytes, label: str = "") -> "Workbook":
    """The workbook in ``data``; UnreadableDocumentError for a damaged, encrypted or oversized file."""
    from openpyxl import load_workbook

    unreadable = _("{label}: Excelファイルとして読めません").format(label=label)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UnreadableDocumentError(unreadable) from exc
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableDocumentError(
            _("{label}: Excelファイルの展開後の大きさ（{expanded:,}バイト）が上限（"
              "{MAX_UNCOMPRESSED_BYTES:,}バイト）を超えています").format(
                label=label, expanded=expanded, MAX_UNCOMPRESSED_BYTES=MAX_UNCOMPRESSED_BYTES))
    try:
        check_sheets(data, label)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, OSError,
            EOFError, zlib.error) as exc:  # zipfile's and zlib's ways of saying a part is damaged or encrypted
        raise UnreadableDocumentError(f"{unreadable} ({type(exc).__name__})") from exc
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl, zipfile, zlib and the XML parser each raise their own on damage
        raise UnreadableDocumentError(unreadable) from exc


# What a sheet of a report may hold. A city's sheet of every project is some tens of thousands of cells; openpyxl
# keeps each cell as an object of about 500 bytes, and makes one for every cell a merged range covers, so a
# 4.9 KB file with one range over the whole sheet would make 17 billion. Both are counted in the XML, before
# openpyxl parses it.
MAX_CELLS = 300_000
MAX_MERGED_CELLS = 100_000  # cells covered by merged ranges, all sheets together
MAX_DIMENSION_CELLS = 50_000_000  # the area a sheet declares it uses (<dimension ref="A1:XFD1048576"/>)
_CELL = re.compile(rb"<(?:\w{1,32}:)?c[\s/>]")
_RANGE = re.compile(rb"<(?:\w{1,32}:)?(mergeCell|dimension)\s[^>]{0,200}?ref=\"\$?([A-Z]{1,3})\$?(\d{1,7})"
                    rb"(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?\"")
_CHUNK = 1024 * 1024
_LONGEST_TAG = 300


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _area(match: re.Match[bytes]) -> int:
    first_col, first_row = _column_number(match.group(2)), int(match.group(3))
    if match.group(4) is None:
        return 1
    last_col, last_row = _column_number(match.group(4)), int(match.group(5))
    return (abs(last_col - first_col) + 1) * (abs(last_row - first_row) + 1)


def _too_many(label: str, what: str, count: int, limit: int) -> UnreadableDocumentError:
    return UnreadableDocumentError(_("{file}: {what}が多すぎます（{count}セル、上限{limit}セル）。"
                                     "1件の報告のシートとしては大きすぎるため読みません").format(
        file=label, what=what, count=f"{count:,}", limit=f"{limit:,}"))


def check_sheets(data: bytes, label: str = "") -> None:
    """Refuse a workbook whose sheets hold, merge or declare more cells than a report's (see ``MAX_CELLS``), by
    reading their XML in pieces before any parser builds a cell."""
    cells = merged = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                continue
            with archive.open(info) as stream:
                carry = b""
                while chunk := stream.read(_CHUNK):
                    text = carry + chunk
                    cut = text.rfind(b"<")
                    if cut == -1 or len(text) - cut > _LONGEST_TAG:
                        cut = len(text)
                    piece, carry = text[:cut], text[cut:]
                    cells += len(_CELL.findall(piece))
                    for found in _RANGE.finditer(piece):
                        area = _area(found)
                        if found.group(1) == b"dimension" and area > MAX_DIMENSION_CELLS:
                            raise _too_many(label, _("シートの範囲のセル"), area, MAX_DIMENSION_CELLS)
                        merged += area if found.group(1) == b"mergeCell" else 0
                    if merged > MAX_MERGED_CELLS:
                        raise _too_many(label, _("結合されたセル"), merged, MAX_MERGED_CELLS)
                    if cells > MAX_CELLS:
                        raise _too_many(label, _("セル"), cells, MAX_CELLS)
                cells += len(_CELL.findall(carry))
    if cells > MAX_CELLS:
        raise _too_many(label, _("セル"), cells, MAX_CELLS)


def sheet_cells(sheet: "Worksheet") -> dict[tuple[int, int], str]:
    """The text of every non-empty cell by (row, column), read from the cells the file holds.

    Never iterates the sheet's rectangle: a file with one cell in A1 and one in XFD1048576 would make
    that ten billion empty cells.
    """
    cells = sheet._cells  # openpyxl's store of the cells present in the file
    grid: dict[tuple[int, int], str] = {}
    for (r, c), cell in cells.items():
        text = _text(cell.value)
        if text:
            grid[(r, c)] = text
    return grid


def _spread_merged(sheet: "Worksheet", grid: dict[tuple[int, int], str]) -> None:
    """A merged range's text repeated down its first column (spanned columns empty), within the cells' extent."""
    if not grid:
        return
    max_row = max(r for r, _ in grid)
    max_col = max(c for _, c in grid)
    for merged in sheet.merged_cells.ranges:
        top = grid.get((merged.min_row, merged.min_col), "")
        for r in range(merged.min_row, min(merged.max_row, max_row) + 1):
            for c in range(merged.min_col, min(merged.max_col, max_col) + 1):
                if (r, c) != (merged.min_row, merged.min_col):
                    grid[(r, c)] = top if c == merged.min_col else ""


def read_xlsx(data: bytes, label: str = "") -> list[Block]:
    return workbook_blocks(open_workbook(data, label))


def workbook_blocks(workbook: "Workbook") -> list[Block]:
    """Every sheet's rows as table rows (only the columns that hold something anywhere in the sheet)."""
    from openpyxl.utils import get_column_letter

    blocks: list[Block] = []
    for number, sheet in enumerate(workbook.worksheets, start=1):
        grid = sheet_cells(sheet)
        _spread_merged(sheet, grid)
        if not grid:
            continue
        rows = sorted({r for r, _ in grid})
        max_col = max(c for _, c in grid)
        # A sheet is a few dozen columns wide; a hostile file may place a cell in column XFD. Columns empty in
        # every row are dropped then, so a row never grows to thousands of empty cells.
        columns = list(range(1, max_col + 1)) if max_col <= 256 else sorted({c for _, c in grid})
        first_content = True
        for r in rows:
            cells = [grid.get((r, c), "") for c in columns]
            filled = [cell for cell in cells if cell]
            if not filled:
                continue
            where = f"{sheet.title}!{r}行目"
            if len(filled) == 1:
                blocks.append(heading(filled[0], where) if first_content else paragraph(filled[0], where))
            else:
                blocks.append(row(cells, where, number, [f"{sheet.title}!{get_column_letter(c)}{r}" for c in columns]))
            first_content = False
    return blocks


EMBEDDED_MARKER = "kouka/1 interchange JSON"


def embedded_interchange(data: "bytes | Workbook", label: str = "") -> tuple[str, dict[str, str]] | None:
    """kouka's own workbooks carry the interchange JSON in a data sheet (A1 names it, A2… hold its pieces).

    Returns the JSON text and the text of every other cell by place (Sheet!B3), to check that nobody
    edited the visible sheets after the export; None for any other workbook. Raises
    UnreadableDocumentError when ``data`` is no readable workbook.
    """
    workbook = open_workbook(data, label) if isinstance(data, bytes) else data
    for sheet in workbook.worksheets:
        cells = sheet._cells
        first = cells.get((1, 1))
        if first is not None and isinstance(first.value, str) and first.value.startswith(EMBEDDED_MARKER):
            pieces = [str(cells[key].value) for key in sorted(key for key in cells if key[1] == 1 and key[0] >= 2)
                      if cells[key].value is not None]
            return "".join(pieces), visible_cells(workbook, skip=sheet.title)
    return None


def visible_cells(workbook: "Workbook", skip: str = "") -> dict[str, str]:
    """Every non-empty cell's text by place, ``Sheet!B3``."""
    from openpyxl.utils import get_column_letter

    cells: dict[str, str] = {}
    for sheet in workbook.worksheets:
        if sheet.title == skip:
            continue
        for (r, c), text in sheet_cells(sheet).items():
            cells[f"{sheet.title}!{get_column_letter(c)}{r}"] = text
    return cells
