"""The department workbook, back: what a filled workbook says, read as a clerk typed it.

:func:`read_workbook` checks the file (:mod:`kouka.exchange.safety`), reads the manifest from the hidden sheet,
then only the cells the manifest names: each cell a department may fill, and each locked cell that held a value.
A cell still holding what the export wrote is unchanged (its value is the base's); a changed one is read as the
clerk typed it (「27人」, 「1,929万3,030円」, 「令和5年度」, 「90社(速報値)」, 「県において集計中」) and, when it cannot
be, carries a message naming the sheet and the cell: 「事業② シート E14: 『30件くらい』の単位が…」. No value in a
cell ever raises; a file that is no kouka workbook, or one kouka will not open, does (:mod:`kouka.exchange.errors`).
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from kouka.domain.i18n import _
from kouka.domain.model import Kpi, Project, Report
from kouka.exchange.errors import CellUnreadable, WorkbookError
from kouka.exchange.fields import CellValue, Value, same_cell
from kouka.exchange.meta import (
    FORMAT,
    SHEET,
    CellEntry,
    LockedEntry,
    Manifest,
    WorkbookMeta,
    damaged,
    manifest_loads,
    nodes_by_key,
    not_kouka,
)
from kouka.exchange.safety import MAX_MANIFEST_ROWS, check_archive, unreadable

if TYPE_CHECKING:
    from openpyxl import Workbook

T = TypeVar("T")


@dataclass(frozen=True)
class CellRead:
    """One offered cell as found: ``value`` is what it says (the base's value when unchanged), ``error`` the
    message when it could not be read (and ``value`` is then None)."""

    entry: CellEntry
    found: CellValue
    changed: bool
    value: Value
    error: str = ""


@dataclass(frozen=True)
class LockedChange:
    """A locked cell whose value is not what the export wrote (the protection was taken off)."""

    entry: LockedEntry
    found: CellValue


@dataclass(frozen=True)
class WorkbookEdit:
    """What a filled workbook says: the manifest the export wrote (whose it is, what it was made from), every
    offered cell as found, the locked cells found changed and the sheets found missing."""

    manifest: Manifest
    cells: tuple[CellRead, ...]
    locked: tuple[LockedChange, ...]
    missing_sheets: tuple[str, ...] = ()

    @property
    def meta(self) -> WorkbookMeta:
        return self.manifest.meta

    @property
    def base(self) -> Report:
        return self.manifest.base

    @cached_property
    def base_nodes(self) -> dict[tuple[str, str], tuple[Project, Kpi | None]]:
        return nodes_by_key(self.base)

    def base_node(self, project: str, kpi: str) -> tuple[Project, Kpi | None]:
        """The base project and KPI of the keys (the manifest holds every key its cells name)."""
        return self.base_nodes[(project, kpi)]


def _open(data: bytes) -> "Workbook":
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl, zipfile and the XML parser each raise their own on a damaged part
        raise unreadable() from exc


def _manifest_text(workbook: "Workbook") -> str:
    if SHEET not in workbook.sheetnames:
        raise not_kouka()
    rows = workbook[SHEET].iter_rows(min_col=1, max_col=1, max_row=MAX_MANIFEST_ROWS + 1, values_only=True)
    first = next(rows, (None,))[0]
    if not isinstance(first, str) or not first.startswith(FORMAT):
        raise not_kouka()
    pieces = [row[0] for row in rows]
    if len(pieces) > MAX_MANIFEST_ROWS or not all(isinstance(piece, str) for piece in pieces):
        raise damaged()
    return "".join(str(piece) for piece in pieces)


def _addresses(manifest: Manifest) -> dict[str, set[tuple[int, int]]]:
    wanted: dict[str, set[tuple[int, int]]] = {}
    places = [(entry.sheet, entry.cell) for entry in manifest.cells] + [(e.sheet, e.cell) for e in manifest.locked]
    for sheet, cell in places:
        column, row = coordinate_from_string(cell)
        wanted.setdefault(sheet, set()).add((row, column_index_from_string(column)))
    return wanted


def _grid(workbook: "Workbook", sheet: str, places: set[tuple[int, int]]) -> dict[tuple[int, int], CellValue]:
    """The values at ``places`` of ``sheet``, reading no row past the last one wanted."""
    last_row, last_column = max(r for r, _ in places), max(c for _, c in places)
    grid: dict[tuple[int, int], CellValue] = {}
    rows = workbook[sheet].iter_rows(min_row=1, max_row=last_row, max_col=last_column, values_only=True)
    for row_number, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            if (row_number, column) in places:
                grid[(row_number, column)] = value
    return grid


def _cells(workbook: "Workbook", manifest: Manifest) -> tuple[dict[str, dict[tuple[int, int], CellValue]],
                                                             tuple[str, ...]]:
    grids, missing = {}, []
    for sheet, places in _addresses(manifest).items():
        if sheet not in workbook.sheetnames:
            missing.append(sheet)
            continue
        grids[sheet] = _grid(workbook, sheet, places)
    return grids, tuple(missing)


def _guarded(read: Callable[[], T]) -> T:
    """``read()``, with anything openpyxl or the XML parser raise on a damaged part as an unreadable workbook."""
    try:
        return read()
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl's reader and the XML parser (ParseError is a SyntaxError) on damage
        raise unreadable() from exc


def _found(grids: dict[str, dict[tuple[int, int], CellValue]], sheet: str, cell: str) -> CellValue:
    column, row = coordinate_from_string(cell)
    return grids.get(sheet, {}).get((row, column_index_from_string(column)))


def cell_message(sheet: str, cell: str, reason: str) -> str:
    """事業② シート E14: 『30件くらい』は数値として読めません."""
    return _("{sheet} シート {cell}: {reason}").format(sheet=sheet, cell=cell, reason=reason)


def _read(nodes: dict[tuple[str, str], tuple[Project, Kpi | None]], entry: CellEntry, found: CellValue) -> CellRead:
    project, kpi = nodes[(entry.ref.project, entry.ref.kpi)]
    field = entry.ref.field
    base = field.access.get(project, kpi, entry.ref.year)
    if same_cell(entry.shown, found):
        return CellRead(entry, found, False, base)
    if found is None or (isinstance(found, str) and not found.strip()):
        return CellRead(entry, found, True, None)
    try:
        return CellRead(entry, found, True, field.kind.read(found, kpi.unit if kpi is not None else ""))
    except CellUnreadable as exc:
        return CellRead(entry, found, True, None, cell_message(entry.sheet, entry.cell, str(exc)))


def _reads(manifest: Manifest, grids: dict[str, dict[tuple[int, int], CellValue]],
           missing: tuple[str, ...]) -> Iterator[CellRead]:
    nodes = nodes_by_key(manifest.base)
    for entry in manifest.cells:
        if entry.sheet not in missing:
            yield _read(nodes, entry, _found(grids, entry.sheet, entry.cell))


def read_workbook(data: bytes) -> WorkbookEdit:
    """Read a filled department workbook (.xlsx bytes).

    Raises :class:`~kouka.exchange.errors.WorkbookUnreadable` for a file kouka will not open (damaged, too large,
    a zip bomb, XML entities, too many rows or cells) and :class:`~kouka.exchange.errors.WorkbookRefused` for a
    workbook that is not a kouka department workbook (or one of a format version it does not read). A value it
    cannot read is never an error here: it is a :class:`CellRead` with its ``error``.
    """
    check_archive(data)
    workbook = _open(data)
    try:
        manifest = manifest_loads(_guarded(lambda: _manifest_text(workbook)))
        grids, missing = _guarded(lambda: _cells(workbook, manifest))
    finally:
        workbook.close()
    locked = tuple(LockedChange(entry, found) for entry in manifest.locked if entry.sheet not in missing
                   and not same_cell(entry.shown, found := _found(grids, entry.sheet, entry.cell)))
    return WorkbookEdit(manifest, tuple(_reads(manifest, grids, missing)), locked, missing)
