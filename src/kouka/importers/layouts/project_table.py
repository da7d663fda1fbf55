"""A table with one project per row, as in the national form (様式2): 事業名 | 事業費 | … | KPI① | 目標値 | 実績値.

Its header names 事業名 and at least two other fields (:func:`~kouka.importers.headers.project_table_header`);
a second header row may name the KPI columns under a merged 重要業績評価指標. Each row below is a project (or
more rows of the same project, whose cells are merged down over its KPIs), its KPI groups read with the
columns' years. Registered twice: its rows are read before other tables' rows, its header after theirs.
"""

import re

from kouka.domain.checks import Finding, Severity
from kouka.domain.eras import find_year
from kouka.domain.i18n import _
from kouka.domain.model import Categorised, Kpi, Project
from kouka.domain.textnorm import halfwidth
from kouka.importers.blocks import Block
from kouka.importers.build import Build
from kouka.importers.fields import apply
from kouka.importers.headers import (
    Columns,
    KpiRoles,
    cell_where,
    fiscal_of,
    merge_subheader,
    name_and_unit,
    project_table_header,
)
from kouka.importers.labels import Column, Field, column_of, effect_of, field_of, kpi_marker, mark_of
from kouka.importers.layouts.base import Layout


class ProjectTableHeader(Layout):
    """The header row that starts a project table."""

    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        header = project_table_header(cells)
        if header is None:
            return False
        state = build.state
        state.project_table = header
        state.project_table_id = block.table
        state.project_table_rows = 0
        state.project_table_labels = list(cells)
        state.last_row_title = ""
        return True


class _KpiGroups:
    """The KPI cells of one row, by the group (KPI①, KPI② …) their header puts them in."""

    def __init__(self) -> None:
        self.roles: dict[int, KpiRoles] = {}
        self.values: dict[int, list[str]] = {}

    def add(self, group: int, role: Column, label: str, cell: str) -> None:
        column = column_of(label)
        year_text = column[1] if column else ""
        year = find_year(year_text) if year_text else None
        values = self.values.setdefault(group, [])
        self.roles.setdefault(group, {})[len(values)] = (
            role, fiscal_of(year) if year and not year.fiscal else (year.year if year else None))
        values.append(cell)


class ProjectTableRows(Layout):
    """A row under a project table's header, in the same table."""

    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        state = build.state
        if state.project_table is None or block.table != state.project_table_id:
            return False
        self.read(build, state.project_table, cells, block)
        return True

    def read(self, build: Build, header: dict[int, tuple[Field | Column, int, str]], cells: list[str],
             block: Block) -> None:
        state = build.state
        if not any(cells):
            return
        if not state.project_table_rows and merge_subheader(header, cells):
            labels = state.project_table_labels
            labels += [""] * (len(cells) - len(labels))
            for i, cell in enumerate(cells):
                labels[i] = cell or labels[i]
            return
        state.project_table_rows += 1
        first = next(cell for cell in cells if cell)
        first_field = field_of(first)
        if first_field is not None and first_field[0] is Field.TOTAL:
            values = [cell for cell in cells if cell][1:]
            if values:
                apply(build, first_field, values[-1], block, label=first)
            return
        project, continuing = self.project_of(build, header, cells)
        groups = _KpiGroups()
        for i, cell in enumerate(cells):
            if cell:
                self.cell(build, project, (i, cell), header, groups, block, continuing)
        self.kpis(build, project, groups, block, continuing)
        state.section = None

    @staticmethod
    def project_of(build: Build, header: dict[int, tuple[Field | Column, int, str]],
                   cells: list[str]) -> tuple[Project, bool]:
        """The row's project: a new one, or the one above when its cells are merged down over several KPI rows."""
        state = build.state
        title_cols = [i for i, (role, _, _) in header.items() if role is Field.TITLE]
        title = cells[title_cols[0]] if title_cols and title_cols[0] < len(cells) else ""
        continuing = bool(title) and title == state.last_row_title and state.project is not None
        state.last_row_title = title
        if continuing:
            assert state.project is not None
            return state.project, True
        return build.new_project(None, ""), False

    def cell(self, build: Build, project: Project, at: tuple[int, str],
             header: dict[int, tuple[Field | Column, int, str]], groups: _KpiGroups, block: Block,
             continuing: bool) -> None:
        i, cell = at
        if i not in header:
            if not continuing:
                self.unknown_column(build, project, i, cell, block)
            return
        role, group, label = header[i]
        if role is Column.MARK and mark_of(cell) is None and (level := effect_of(cell)) is not None:
            if project.evaluation is None:  # 評価 over the project's rows: the effect scale, not a KPI's mark
                project.evaluation = Categorised(level, cell)
            return
        if isinstance(role, Column):
            groups.add(group, role, label, cell)
            return
        if continuing:
            return
        if role is Field.PROJECT_NUMBER:
            digits = re.sub(r"\D", "", halfwidth(cell))
            if digits:
                project.number = int(digits)
            return
        labelled = field_of(label) or (role, "")
        apply(build, (role, labelled[1]), cell, block, label=label)
        build.state.project = project

    @staticmethod
    def kpis(build: Build, project: Project, groups: _KpiGroups, block: Block, continuing: bool) -> None:
        for group, roles in groups.roles.items():
            names = [i for i, (role, _) in roles.items() if role is Column.NAME]
            if not names:
                continue
            raw_name = groups.values[group][names[0]]
            number = group if not continuing and group not in {k.number for k in project.kpis} else len(
                project.kpis) + 1
            marked = kpi_marker(raw_name)
            if marked:
                number, raw_name = marked
            name, unit = name_and_unit(raw_name)
            kpi = Kpi(number=number, name=name, unit=unit)
            project.kpis.append(kpi)
            build.fill_kpi(kpi, Columns(roles), groups.values[group], block)

    @staticmethod
    def unknown_column(build: Build, project: Project, index: int, cell: str, block: Block) -> None:
        labels = build.state.project_table_labels
        label = labels[index] if index < len(labels) and labels[index] else f"{index + 1}列目"
        project.notes.append(f"{label}：{cell}")
        build.findings.append(Finding(Severity.WARNING, "import_unknown_label",
                                      _("列「{label}」を読み取れないため備考に入れました").format(label=label),
                                      "$", cell_where(block, index)))
