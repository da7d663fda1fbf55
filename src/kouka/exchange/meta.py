"""What a department workbook says about itself, in its hidden sheet: the manifest.

The sheet ``kouka_workbook`` is "very hidden" (Excel's menus cannot show it). A1 names the format; column A from
row 2 holds the manifest as JSON in pieces of at most 30,000 characters (a cell holds 32,767). The manifest:

- ``format`` and ``version``: what reads it (``kouka-department-workbook``, 1);
- ``municipality`` (name, prefecture, 全国地方公共団体コード), ``fiscal_year``, ``department`` (null: every
  department's projects), ``exported_at`` (ISO 8601 with its offset);
- ``base``: the exported projects as an interchange document (``kouka/1``): every value as it was when the
  workbook was made, what an upload compares with kouka's current values;
- ``projects``: each project's and KPI's identity (key, number, sheet) and, when the caller gave them, the
  versions of their stored records;
- ``cells``: every cell a department may fill (sheet, address, the field, what the export wrote in it);
- ``locked``: every locked cell holding a value (sheet, address, the city's name of it, what was written), so that
  an edit made after taking the protection off is named and ignored.

Reading is strict: anything that is not exactly this is a refused workbook, never an exception of Python's.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from kouka import interchange
from kouka.domain.carry import kpi_key, project_key
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.model import Body, Document, Kpi, Project, Report
from kouka.exchange.errors import WorkbookRefused
from kouka.exchange.fields import FIELDS, CellValue, FieldRef
from kouka.exchange.safety import MAX_CELLS, MAX_COLUMNS, MAX_SHEET_ROWS

FORMAT = "kouka-department-workbook"
VERSION = 1
SHEET = "kouka_workbook"
MARKER = f"{FORMAT} {VERSION}: manifest JSON in pieces; join column A from row 2"
ADDRESS = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")


@dataclass(frozen=True)
class CellEntry:
    """A cell a department may fill: where it is, which field it holds, what the export wrote there."""

    ref: FieldRef
    sheet: str
    cell: str  # A1 notation
    shown: CellValue


@dataclass(frozen=True)
class LockedEntry:
    """A locked cell with a value: where, the city's name of what it shows (事業① 事業名), what was written."""

    sheet: str
    cell: str
    label: str
    shown: CellValue


@dataclass(frozen=True)
class KpiEntry:
    key: str
    number: int
    version: int | None = None


@dataclass(frozen=True)
class ProjectEntry:
    key: str
    number: int
    sheet: str
    version: int | None = None
    kpis: tuple[KpiEntry, ...] = ()


@dataclass(frozen=True)
class WorkbookMeta:
    """Whose workbook it is and what it was made from."""

    municipality: Body
    fiscal_year: int
    department: str | None
    exported_at: datetime
    projects: tuple[ProjectEntry, ...]

    def versions(self) -> dict[str, int]:
        """The stored records' versions given to the export, by project or KPI key."""
        found = {p.key: p.version for p in self.projects if p.version is not None}
        found |= {k.key: k.version for p in self.projects for k in p.kpis if k.version is not None}
        return found


@dataclass(frozen=True)
class Manifest:
    meta: WorkbookMeta
    base: Report
    cells: tuple[CellEntry, ...]
    locked: tuple[LockedEntry, ...]


def manifest_json(manifest: Manifest) -> dict[str, Any]:
    meta = manifest.meta
    body = meta.municipality
    return {
        "format": FORMAT, "version": VERSION,
        "municipality": {"name": body.name, "prefecture": body.prefecture, "code": body.code},
        "fiscal_year": meta.fiscal_year, "department": meta.department,
        "exported_at": meta.exported_at.isoformat(),
        "base": interchange.to_json(Document([manifest.base])),
        "projects": [{"key": p.key, "number": p.number, "sheet": p.sheet, "version": p.version,
                      "kpis": [{"key": k.key, "number": k.number, "version": k.version} for k in p.kpis]}
                     for p in meta.projects],
        "cells": [[c.sheet, c.cell, c.ref.as_json(), c.shown] for c in manifest.cells],
        "locked": [[c.sheet, c.cell, c.label, c.shown] for c in manifest.locked],
    }


def damaged() -> WorkbookRefused:
    return WorkbookRefused(_("ワークブックの管理情報（非表示のシート）が壊れているため取り込めません。"
                             "kouka から書き出し直してください"))


def _need(data: Any, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, kind) or (isinstance(data, bool) and kind is not bool):
        raise damaged()
    return data


def _items(data: Any, count: int) -> list[Any]:
    items: list[Any] = _need(data, list)
    if len(items) != count:
        raise damaged()
    return items


def _shown(value: Any) -> CellValue:
    if value is None or isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise damaged()


def _address(value: Any) -> str:
    """A cell's address within the rows and columns a sheet may have (no XFD1048576 to read up to)."""
    text = _need(value, str)
    if not ADDRESS.fullmatch(text):
        raise damaged()
    column, row = coordinate_from_string(text)
    if row > MAX_SHEET_ROWS or column_index_from_string(column) > MAX_COLUMNS:
        raise damaged()
    return str(text)


def _ref(data: Any) -> FieldRef:
    project, name, kpi, year = _items(data, 4)
    if name not in FIELDS:
        raise damaged()
    return FieldRef(_need(project, str), name, _need(kpi, str), _need(year, int))


def _cell(data: Any) -> CellEntry:
    sheet, cell, ref, shown = _items(data, 4)
    return CellEntry(_ref(ref), _need(sheet, str), _address(cell), _shown(shown))


def _locked(data: Any) -> LockedEntry:
    sheet, cell, label, shown = _items(data, 4)
    return LockedEntry(_need(sheet, str), _address(cell), _need(label, str), _shown(shown))


def _version(value: Any) -> int | None:
    return None if value is None else int(_need(value, int))


def _project(data: Any) -> ProjectEntry:
    data = _need(data, dict)
    kpis = tuple(KpiEntry(_need(k.get("key"), str), _need(k.get("number"), int), _version(k.get("version")))
                 for k in (_need(item, dict) for item in _need(data.get("kpis"), list)))
    return ProjectEntry(_need(data.get("key"), str), _need(data.get("number"), int), _need(data.get("sheet"), str),
                        _version(data.get("version")), kpis)


def _base(data: Any) -> Report:
    try:
        document = interchange.from_json(data)
    except KoukaError as exc:
        raise damaged() from exc
    if len(document.reports) != 1:
        raise damaged()
    return document.reports[0]


def _exported_at(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(_need(value, str))
    except ValueError as exc:
        raise damaged() from exc


def manifest_from_json(data: Any) -> Manifest:
    """The manifest of parsed JSON; :class:`WorkbookRefused` when it is not one this version of kouka reads."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise not_kouka()
    if data.get("version") != VERSION:
        raise WorkbookRefused(_("このワークブックは kouka の別の版の形式（第{version}版）のため取り込めません。"
                                "kouka から書き出し直してください").format(version=data.get("version")))
    body = _need(data.get("municipality"), dict)
    department = data.get("department")
    meta = WorkbookMeta(
        municipality=Body(_need(body.get("name"), str), _need(body.get("prefecture"), str),
                          _need(body.get("code"), str)),
        fiscal_year=_need(data.get("fiscal_year"), int),
        department=None if department is None else _need(department, str),
        exported_at=_exported_at(data.get("exported_at")),
        projects=tuple(_project(item) for item in _need(data.get("projects"), list)),
    )
    base = _base(data.get("base"))
    cells, locked = _need(data.get("cells"), list), _need(data.get("locked"), list)
    if len(base.projects) != len(meta.projects) or len(cells) + len(locked) > MAX_CELLS:
        raise damaged()
    manifest = Manifest(meta, base, tuple(_cell(item) for item in cells), tuple(_locked(item) for item in locked))
    index = nodes_by_key(base)
    if any((c.ref.project, c.ref.kpi) not in index for c in manifest.cells) or \
            [p.key for p in meta.projects] != [project_key(base.municipality, p) for p in base.projects]:
        raise damaged()
    return manifest


def nodes_by_key(report: Report) -> dict[tuple[str, str], tuple[Project, Kpi | None]]:
    """Every project by (its key, "") and every KPI by (its project's key, its key): kouka.domain.carry's keys."""
    body = report.municipality
    found: dict[tuple[str, str], tuple[Project, Kpi | None]] = {}
    for project in report.projects:
        key = project_key(body, project)
        found[(key, "")] = (project, None)
        found |= {(key, kpi_key(body, project, kpi)): (project, kpi) for kpi in project.kpis}
    return found


def not_kouka() -> WorkbookRefused:
    return WorkbookRefused(_("kouka から書き出した記入シートではないため取り込めません。"
                             "kouka の「記入シートの書き出し」で作ったワークブックを使ってください"))


def manifest_text(manifest: Manifest) -> str:
    return json.dumps(manifest_json(manifest), ensure_ascii=False, separators=(",", ":"))


def manifest_loads(text: str) -> Manifest:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # not JSON, or nested past the parser's depth
        raise damaged() from exc
    return manifest_from_json(data)
