"""The layouts published reports use, one small recogniser each, registered in the order they are tried.

The assembler offers each row of a table, and each heading or paragraph, to the layouts below in turn; the first
whose :meth:`~kouka.importers.layouts.base.Layout.row` (or ``prose``) answers True has taken it. A new layout is
one module here (a subclass of :class:`~kouka.importers.layouts.base.Layout`) and one line in ``LAYOUTS``, placed
before the layouts it must win against: tables being read before other tables' headers, headers before labels,
the catch-alls last.
"""

from kouka.importers.layouts.base import Layout
from kouka.importers.layouts.inline_kpi import InlineKpi
from kouka.importers.layouts.kpi_lines import KpiFigureRow, KpiNameRow
from kouka.importers.layouts.kpi_scope import KpiScopeCaption
from kouka.importers.layouts.kpi_table import KpiTableHeader, KpiTableRows
from kouka.importers.layouts.labelled import Labelled
from kouka.importers.layouts.project_heading import ProjectHeading
from kouka.importers.layouts.project_table import ProjectTableHeader, ProjectTableRows
from kouka.importers.layouts.prose_sections import ProseSections, UnknownHeading, UnknownLabel
from kouka.importers.layouts.report_prose import ReportProse
from kouka.importers.layouts.unit_line import UnitLine
from kouka.importers.layouts.year_matrix import YearMatrixTable

LAYOUTS: tuple[Layout, ...] = (
    UnitLine(),            # 単位：千円
    ProjectTableRows(),    # a row under a project table's header (the national form 様式2)
    YearMatrixTable(),     # 成果目標 | 区分 | 令和3年度 | 令和4年度 …, and its rows
    KpiTableRows(),        # a KPI's row under a KPI table's header
    ProjectTableHeader(),  # 事業名 | 事業費 | 交付金 | … : one project per row below
    KpiTableHeader(),      # 指標名 | 基準値 | 目標値 | 実績値
    ProjectHeading(),      # 事業① 名称 / 1. 名称 / 事業① | 名称
    Labelled(),            # 事業費 | 12,345千円, 事業費：12,345千円, まとめ (a section's label)
    KpiNameRow(),          # 成果目標① 名称（社）
    KpiFigureRow(),        # 目標値 | 100人 under it
    ReportProse(),         # before the first project: title, introduction, the total
    KpiScopeCaption(),     # 成果目標（群馬県全体）
    UnknownHeading(),      # a heading no label names: the project's further narrative
    InlineKpi(),           # 名称（人） 目標値：120人 実績値：85人
    UnknownLabel(),        # 項目名 | 値 with an unknown label: the project's notes
    ProseSections(),       # everything else: the current section's text
)

__all__ = ["LAYOUTS", "Layout"]
