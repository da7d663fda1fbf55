"""A KPI table: a header row naming its columns (指標名 | 単位 | 基準値 | 目標値 | 実績値 | 評価), one KPI per row
below it, the years on the header or on a second header row (目標値 over R3 R4 R5). In the stacked layout the
KPI is named on a row above the header (成果目標① 名称), and the header's value row is that KPI's.

Registered twice: the rows under a header before other layouts' headers, the header itself after them.
"""

from kouka.domain.model import Kpi
from kouka.importers.blocks import Block
from kouka.importers.build import Build
from kouka.importers.headers import Columns, kpi_header, kpi_numbered, name_and_unit
from kouka.importers.labels import Column, Field, field_of, kpi_marker, project_number
from kouka.importers.layouts.base import Layout


class KpiTableHeader(Layout):
    """The header row: its columns hold until another table or label."""

    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        columns = kpi_header(cells)
        if columns is None:
            return False
        build.state.kpi_columns = Columns(columns, build.state.pending_kpi)
        return True


class KpiTableRows(Layout):
    """A KPI's row under the header (or the header's second row of years)."""

    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        columns = build.state.kpi_columns
        if columns is None or build.state.project is None:
            return False
        if columns.take_years(cells):
            return True
        label = field_of(cells[0]) if cells[0] else None
        if label is not None and label[0] is Field.KPI and len(cells) == max(columns.roles) + 2:
            cells = cells[1:]  # the table's KPI label, drawn beside one row only (a PDF of a rowspan header)
        if kpi_header(cells) is not None:
            return False
        pending = columns.pending_kpi
        kpi = None if self.ends_table(columns, cells) else pending or self.named_kpi(build, columns, cells)
        if kpi is None:
            build.state.kpi_columns = None
            return False
        if pending is not None:
            columns.pending_kpi = None
            build.state.pending_kpi = None
        columns.rows += 1
        build.fill_kpi(kpi, columns, cells, block)
        return True

    @staticmethod
    def ends_table(columns: Columns, cells: list[str]) -> bool:
        """A label, a numbered KPI under a table without a name column, or a project: the table is over."""
        first = next(c for c in cells if c)
        has_name = any(role is Column.NAME for role, _ in columns.roles.values())
        first_field = field_of(first)
        return ((first_field is not None and first_field[0] is not Field.KPI)
                or (kpi_marker(first) is not None and not has_name)
                or (project_number(first) is not None and first.startswith("事業")))

    @staticmethod
    def named_kpi(build: Build, columns: Columns, cells: list[str]) -> Kpi | None:
        """The KPI the row's name cell names (numbered by the cell, a number column, or after the others)."""
        project = build.state.project
        assert project is not None
        name_col = [i for i, (role, _) in columns.roles.items() if role is Column.NAME]
        if not name_col or name_col[0] >= len(cells) or not cells[name_col[0]]:
            return None
        number_cols = [i for i, (role, _) in columns.roles.items() if role is Column.NUMBER]
        marked_number, raw_name = kpi_numbered(cells[name_col[0]])
        number = marked_number or len(project.kpis) + 1
        if marked_number is None and number_cols and number_cols[0] < len(cells) \
                and cells[number_cols[0]].strip().isdigit():
            number = int(cells[number_cols[0]])
        return build.add_kpi(number, *name_and_unit(raw_name))
