"""A KPI named on a row of its own (成果目標① 名称（社）, KPI① | 名称), and its figures on labelled rows below it
(目標値 | 100人) or in the value row of the KPI table that follows (the stacked layout)."""

from kouka.importers.blocks import Block
from kouka.importers.build import Build
from kouka.importers.headers import Columns, header_year, name_and_unit
from kouka.importers.labels import Column, column_of, kpi_marker
from kouka.importers.layouts.base import Layout


def name_kpi(build: Build, values: list[str], block: Block, labelled: bool = False) -> bool:
    """A row naming one KPI: 成果目標① 名称（社）, or KPI① | 名称, or (after a 成果目標 label) just the name."""
    marked = kpi_marker(values[0])
    project = build.state.project
    if project is None or (marked is None and not labelled):
        return False
    rest = values[1:]
    if marked is None:
        marked = (len(project.kpis) + 1, values[0])
    elif not marked[1] and rest:
        marked, rest = (marked[0], rest[0]), rest[1:]
    kpi = build.add_kpi(marked[0], *name_and_unit(marked[1]))
    build.state.pending_kpi = kpi
    build.state.kpi_columns = None
    build.state.section = None
    for cell in rest:
        build.unplaced(block, cell)
    return True


class KpiNameRow(Layout):
    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        return name_kpi(build, [c for c in cells if c], block)


class KpiFigureRow(Layout):
    """目標値 | 100人 under a KPI named in the row before: one figure of that KPI, labelled in the row."""

    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        filled = [c for c in cells if c]
        kpi = build.state.pending_kpi
        column = column_of(filled[0])
        if kpi is None or column is None or len(filled) != 2 or column[0] is Column.NAME:
            return False
        build.fill_kpi(kpi, Columns({1: (column[0], header_year(column[1]))}), ["", filled[1]], block)
        return True
