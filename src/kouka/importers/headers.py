"""Pure recognisers of table cells: which header row is which kind of table, and what a KPI's name cell says.

Nothing here keeps state or builds anything: each function reads cells and answers (the layouts in
:mod:`kouka.importers.layouts` decide what to do with the answer). Header answers are cached per row of cells,
since a table's rows are offered to several layouts in turn.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from kouka.domain.eras import YearRef, find_year
from kouka.domain.errors import KoukaError
from kouka.domain.jpnumbers import parse_quantity
from kouka.domain.model import Kpi
from kouka.domain.textnorm import halfwidth, label_key
from kouka.importers.blocks import Block
from kouka.importers.labels import ROW_ROLE_HEADERS, Column, Field, column_of, field_of, kpi_marker

VALUE_COLUMNS = (Column.BASELINE, Column.TARGET, Column.ACTUAL)
YEAR_CELL = re.compile(r"[令和平成年度末月元時点現在RHrh0-9.()\s]+")
CIRCLED_KPI = "①②③④⑤⑥⑦⑧⑨⑩"
# A line that starts with a project's marker word (■事業1, No.2, №3), as opposed to a list item's number.
MARKED_START = re.compile(r"^[\s■□●◆◇▼▽☆★]*(?:事業|No|NO|№)")

# A project table's header: column → (the field or KPI column it holds, its KPI group, the header's words).
ProjectHeader = dict[int, tuple[Field | Column, int, str]]
# A KPI table's header: column → (role, fiscal year the header names).
KpiRoles = dict[int, tuple[Column, int | None]]


def is_year_cell(cell: str) -> bool:
    """令和4年度, R5.3, 2022年度末 …: a cell that is nothing but a year."""
    return bool(cell) and YEAR_CELL.fullmatch(halfwidth(cell)) is not None


@lru_cache(maxsize=4096)
def header_year(rest: str) -> int | None:
    """The fiscal year a column header names (令和4年度目標 → 2022; R5.3 → 2022), or None."""
    year = find_year(rest) if rest else None
    if year is None:
        return None
    return fiscal_of(year) if not year.fiscal else year.year


def fiscal_of(ref: YearRef) -> int:
    """The fiscal year of a month (R5.3 → 2022), or the year itself."""
    if ref.month is not None and ref.month <= 3:
        return ref.year - 1
    return ref.year


def cell_where(block: Block, index: int) -> str:
    if index < len(block.cell_wheres):
        return block.cell_wheres[index]
    return f"{block.where} {index + 1}列目"


@dataclass
class Columns:
    """A KPI table's header: which column holds what, and for which fiscal year."""

    roles: KpiRoles
    pending_kpi: Kpi | None = None  # the stacked layout: the KPI this header's value row belongs to
    rows: int = 0  # KPI rows read under this header

    def take_years(self, cells: list[str]) -> bool:
        """A second header row naming the fiscal year of each 目標値 / 実績値 column (目標値 over R3 R4 R5):
        the years go to those columns. False when ``cells`` is no such row."""
        if self.rows or not any(is_year_cell(cell) for cell in cells):
            return False
        years: dict[int, tuple[Column, int]] = {}
        for i, cell in enumerate(cells):
            year = header_year(cell) if is_year_cell(cell) else None
            # the role of the header cell above, or of the one it spans from (colspan leaves the rest empty)
            above = max((j for j in self.roles if j <= i), default=None)
            role = self.roles[above][0] if above is not None else None
            if year is not None and role in VALUE_COLUMNS:
                years[i] = (role, year)
            elif cell and column_of(cell) is None:
                return False
        if not years:
            return False
        self.roles.update(years)
        return True


@dataclass
class YearMatrix:
    """A KPI table with a column per fiscal year and a row per figure (目標値 / 実績値 / 基準値) of each KPI."""

    table: int
    name_col: int | None  # None: each KPI's name on a row of its own above its figures
    role_col: int
    unit_col: int | None
    years: dict[int, int]  # column → fiscal year
    kpi: Kpi | None = None
    raw_name: str = ""


# -- KPI tables ----------------------------------------------------------------------------------------

def kpi_header(cells: list[str]) -> KpiRoles | None:
    """The roles of a KPI table's header row (column → role and year), or None when the row is no such header."""
    found = _kpi_header_cached(tuple(cells))
    return dict(found) if found is not None else None


@lru_cache(maxsize=4096)
def _kpi_header_cached(cells: tuple[str, ...]) -> tuple[tuple[int, tuple[Column, int | None]], ...] | None:
    roles = _kpi_header_roles(cells)
    return tuple(roles.items()) if roles is not None else None


def _kpi_header_roles(cells: tuple[str, ...]) -> KpiRoles | None:
    roles: KpiRoles = {}
    for i, cell in enumerate(cells):
        if not cell:
            continue
        found = column_of(cell)
        if found is None:
            if field_of(cell) and field_of(cell)[0] is Field.KPI:  # type: ignore[index]
                continue
            return None
        column, rest = found
        roles[i] = (column, header_year(rest))
    names = [i for i, (role, _) in roles.items() if role is Column.NAME]
    if len(names) > 1:  # a 重要業績評価指標(KPI) label cell beside the 指標名 header: the label is no column
        for i in names:
            labelled = field_of(cells[i])
            if labelled is not None and labelled[0] is Field.KPI and len(roles) > 1:
                del roles[i]
                break
    kinds = {role for role, _ in roles.values()}
    values = kinds & {Column.TARGET, Column.ACTUAL, Column.BASELINE}
    if len(values) >= 2 or (values and Column.NAME in kinds):
        return roles
    return None


# -- year matrices -------------------------------------------------------------------------------------

def year_matrix_header(cells: list[str]) -> tuple[int | None, int, int | None, dict[int, int]] | None:
    """(name column, role column, unit column, year columns) of a year-matrix KPI table's header row
    (成果目標 | 区分 | 令和3年度 | 令和4年度 …), or None when the row is no such header."""
    found = _year_matrix_header_cached(tuple(cells))
    return (*found[:3], dict(found[3])) if found is not None else None


@dataclass
class _MatrixCells:
    """What the cells of a year-matrix header have named so far."""

    years: dict[int, int]
    name_col: int | None = None
    unit_col: int | None = None
    role_col: int | None = None

    def take(self, i: int, cell: str) -> bool:
        """Note one cell; False when it makes the row no year-matrix header."""
        year = header_year(cell) if is_year_cell(cell) else None
        column = column_of(cell)
        if year is not None and column is None:
            self.years[i] = year
            return True
        if self.years:  # a rate or a mark after the years: derived, or read from the figures' judgement
            return column is not None and column[0] in (Column.RATE, Column.MARK)
        labelled = field_of(cell)
        if label_key(cell) in ROW_ROLE_HEADERS:
            self.role_col = i
        elif column is not None and column[0] is Column.UNIT:
            self.unit_col = i
        elif (column is not None and column[0] is Column.NAME) or (labelled is not None and labelled[0] is Field.KPI):
            self.name_col = i if self.name_col is None else self.name_col
        else:
            return False
        return True


@lru_cache(maxsize=4096)
def _year_matrix_header_cached(cells: tuple[str, ...]) -> tuple[
        int | None, int, int | None, tuple[tuple[int, int], ...]] | None:
    if not any(is_year_cell(cell) for cell in cells):
        return None  # most rows: no year header at all
    seen = _MatrixCells({})
    if not all(seen.take(i, cell) for i, cell in enumerate(cells) if cell) or not seen.years:
        return None
    years, name_col, role_col = seen.years, seen.name_col, seen.role_col
    if role_col is None:  # the figures' words in the column just before the years
        role_col = min(years) - 1
        if role_col < 0 or role_col == name_col:
            role_col, name_col = (0, None) if name_col == 0 else (-1, name_col)
    if role_col < 0 or len(set(years.values())) != len(years):
        return None
    return name_col, role_col, seen.unit_col, tuple(years.items())


# -- project tables ------------------------------------------------------------------------------------

def project_table_header(cells: list[str]) -> ProjectHeader | None:
    """A header row of a table with one project per row: it names 事業名 and at least two other fields."""
    header: ProjectHeader = {}
    group = 0
    fields: set[Field] = set()
    for i, cell in enumerate(cells):
        if not cell:
            continue
        marked = kpi_marker(cell)
        if marked is not None:
            group = marked[0]
            rest = column_of(marked[1]) if marked[1] else None
            header[i] = (rest[0] if rest else Column.NAME, group, cell)
            continue
        labelled = field_of(cell)
        if labelled is not None and labelled[0] is not Field.KPI and not (group and column_of(cell)):
            header[i] = (labelled[0], 0, cell)
            fields.add(labelled[0])
            continue
        column = column_of(cell)
        if column is not None and not group and (column[0] is Column.NAME or labelled is not None):
            group = 1  # a single unnumbered KPI column group: KPI | 目標値 | 実績値
            header[i] = (Column.NAME, group, cell)
        elif column is not None and group:
            header[i] = (column[0], group, cell)
    if Field.TITLE in fields and len(fields) >= 3:
        return header
    return None


def merge_subheader(header: ProjectHeader, cells: list[str]) -> bool:
    """A second header row under a project table's first (KPI名 単位 目標値 … under a merged 重要業績評価指標):
    its KPI columns join the header, a new KPI group at each name column. False when the row holds data."""
    filled = [(i, cell) for i, cell in enumerate(cells) if cell]
    columns = {i: column_of(cell) for i, cell in filled}
    if any(columns[i] is None and field_of(cell) is None for i, cell in filled) or not any(columns.values()):
        return False
    group, top, named = 0, max([g for _, g, _ in header.values()] + [0]), False
    for i, cell in filled:
        upper = header.get(i)
        if upper is not None and upper[1]:
            group, named = upper[1], False
        column = columns[i]
        if column is None or (upper is not None and not isinstance(upper[0], Column) and upper[0] is not Field.KPI):
            continue
        if column[0] is Column.NAME:
            if named or not group:
                top += 1
                group = top
            named = True
        elif not group:
            top += 1
            group = top
        header[i] = (column[0], group, cell)
    return True


# -- a KPI's name cell ---------------------------------------------------------------------------------

def kpi_numbered(raw_name: str) -> tuple[int | None, str]:
    """The number a KPI's name cell gives it (成果目標① 名称, ①名称) and the rest, or (None, the cell)."""
    marked = kpi_marker(raw_name)
    if marked:
        return marked
    if raw_name and raw_name[0] in CIRCLED_KPI:
        return CIRCLED_KPI.index(raw_name[0]) + 1, raw_name[1:].strip()
    return None, raw_name


_NAME_UNIT = re.compile(r"^(?P<name>.+?)\s*[（(](?P<unit>[^（）()0-9０-９]{1,5})[）)]\s*$")


def name_and_unit(text: str) -> tuple[str, str]:
    """まちなかワークショップ参加者数（人） → (まちなかワークショップ参加者数, 人)."""
    match = _NAME_UNIT.match(text.strip())
    if match and not re.search("年|月|見込|累計|速報|単年|各|全体", match.group("unit")):
        return match.group("name").strip(), match.group("unit").strip()
    return text.strip(), ""


def unit_from_cells(cells: list[str]) -> str:
    """The unit the first figure with one is written in (85人 → 人), or ""."""
    for cell in cells:
        bare = re.sub(r"[（(][^（）()]*[）)]", "", halfwidth(cell)).strip()
        try:
            quantity = parse_quantity(bare)
        except KoukaError:
            continue
        if quantity.unit:
            return quantity.unit
    return ""
