"""A KPI table with a column per fiscal year and a row per figure of each KPI:

    成果目標          | 区分   | 令和3年度 | 令和4年度 | 令和5年度
    観光客数（人）    | 目標値 | 1,000     | 1,200     | 1,400
                      | 実績値 | 950       | 1,250     |

Each KPI's name sits in a column of its own or on a row of its own above its figures.
"""

from kouka.domain.errors import KoukaError
from kouka.domain.model import Kpi
from kouka.domain.notation import read_measurement
from kouka.importers.blocks import Block
from kouka.importers.build import Build, set_figure
from kouka.importers.headers import (
    VALUE_COLUMNS,
    YearMatrix,
    cell_where,
    kpi_numbered,
    name_and_unit,
    unit_from_cells,
    year_matrix_header,
)
from kouka.importers.labels import Column, column_of
from kouka.importers.layouts.base import Layout


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


class YearMatrixTable(Layout):
    """Its header (under a project), a KPI's name, or one row of a KPI's figures."""

    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        matrix = build.state.matrix
        if matrix is not None and block.table != matrix.table:
            build.state.matrix = matrix = None
        if build.state.project is None:
            return False
        if matrix is None:
            found = year_matrix_header(cells)
            if found is None:
                return False
            build.state.matrix = YearMatrix(block.table, *found)
            build.state.kpi_columns = None
            return True
        self.read(build, matrix, cells, block)
        return True

    def read(self, build: Build, matrix: YearMatrix, cells: list[str], block: Block) -> None:
        role_text = _cell(cells, matrix.role_col)
        name_text = _cell(cells, matrix.name_col)
        figures = [cells[i] for i in matrix.years if i < len(cells) and cells[i]]
        role = column_of(role_text)
        if matrix.name_col is None and role_text and role is None and not figures:
            self.new_kpi(build, matrix, role_text)  # the name row of a KPI whose figures follow
            return
        if name_text and name_text != matrix.raw_name:
            self.new_kpi(build, matrix, name_text)
        if matrix.kpi is None or role is None or role[0] not in VALUE_COLUMNS:
            if role is None or role[0] is not Column.RATE:  # a rate row is derived from the figures
                for cell in [role_text, *figures] if role_text or figures else []:
                    build.unplaced(block, cell)
            return
        self.figures(build, matrix.kpi, (role[0], _cell(cells, matrix.unit_col)), [
            (i, year, _cell(cells, i)) for i, year in matrix.years.items()], block)

    @staticmethod
    def figures(build: Build, kpi: Kpi, role_unit: tuple[Column, str], figures: list[tuple[int, int, str]],
                block: Block) -> None:
        """One row of a KPI's figures (``role``: 目標値, 実績値 or 基準値), by column and year."""
        role, unit = role_unit
        if unit:
            kpi.unit = unit
        if not kpi.unit:
            kpi.unit = unit_from_cells([text for _, _, text in figures if text])
        for i, year, text in figures:
            if not text or (role is Column.ACTUAL and build.fiscal_year and year > build.fiscal_year):
                continue  # no figure yet for a year after the report's
            try:
                measurement = read_measurement(text, kpi.unit)
            except KoukaError as exc:
                build.value_refused(exc, cell_where(block, i))
                continue
            set_figure(kpi, role, year, measurement)

    @staticmethod
    def new_kpi(build: Build, matrix: YearMatrix, raw_name: str) -> None:
        matrix.raw_name = raw_name
        number, raw_name = kpi_numbered(raw_name)
        matrix.kpi = build.add_kpi(number, *name_and_unit(raw_name))
