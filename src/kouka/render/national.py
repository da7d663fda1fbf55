"""The national reporting form (様式) as an Excel sheet: one row per project, as the planning division
copies it for the Cabinet Office, in the layout kouka's importer reads back (a title line, label rows for the
body and the year, the unit of money, then one header row and a row per project).

Columns: 番号, 交付対象事業の名称, 事業始期, 事業終期, 担当部局課名, 交付対象事業費, 交付金充当額, then per KPI
(as many groups as the project with most KPIs needs) KPI①, 単位, 基準値（年度）, 目標値, 実績値, then
事業の評価 (the national four-level scale, ①…④), 今後の方針, 外部有識者の意見.

What the form holds of a report is :data:`FORM_FIELDS`; everything else (事業概要, まとめ, notes, the city's
own labels, the direction and scope of a KPI, other years' figures) has no place in it. Money is in yen, as
numbers. A KPI's figures are written as the city writes them (4社, 90社(速報値), 11,788億円（令和元年）,
県において集計中), beside the unit: the notation is part of the figure, and reading the form back gives it
again. The cells of 事業の評価 and 今後の方針 offer the national lists.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kouka.domain.checks import circled
from kouka.domain.eras import format_fiscal_year
from kouka.domain.model import DIRECTION_LABELS, EFFECT_LABELS, Measurement, Project, Report
from kouka.render.charts import figure_text
from kouka.render.xlsx import BOLD, Cell, prepare_for_print, put, put_row, set_widths

SHEET = "効果検証"
PROJECT_HEADERS = (
    "番号", "交付対象事業の名称", "事業始期", "事業終期", "担当部局課名", "交付対象事業費", "交付金充当額",
)
KPI_GROUP = ("KPI{n}", "単位", "{baseline}", "目標値", "実績値")
CLOSING_HEADERS = ("事業の評価", "今後の方針", "外部有識者の意見")
HEADER_ROW = 5

# What of the model the form holds, as paths into a report (``kpis[]`` for every KPI of every project). The
# evaluation's category only (the cell is the scale's wording); a baseline's year only when every baseline of
# the report has the same one (it is named once, in the header: 基準値（令和3年度）).
FORM_FIELDS: tuple[str, ...] = (
    "municipality.name", "municipality.prefecture", "fiscal_year", "program.name",
    "projects[].number", "projects[].title", "projects[].title_notes", "projects[].departments",
    "projects[].period", "projects[].cost_yen", "projects[].grant_yen",
    "projects[].kpis[].number", "projects[].kpis[].name", "projects[].kpis[].unit",
    "projects[].kpis[].baseline", "projects[].kpis[].baseline_year",
    "projects[].kpis[].targets.<year>", "projects[].kpis[].actuals.<year>",
    "projects[].evaluation.category", "projects[].next_direction", "projects[].reviewer_opinion",
)


def effect_choice(index: int) -> str:
    """0 → ①地方創生に非常に効果的であった: the national scale's wording, numbered as the form numbers it."""
    level = list(EFFECT_LABELS)[index]
    return f"{circled(index + 1)}{EFFECT_LABELS[level]}"


EFFECT_CHOICES = tuple(effect_choice(index) for index in range(len(EFFECT_LABELS)))


def figure_cell(m: Measurement | None) -> str | None:
    """A figure as the city writes it (4社, 90社(速報値), 県において集計中), so that reading the form back gives
    the same figure with its notation; None when the KPI has none."""
    return figure_text(m) if m is not None else None


def _baseline_year(report: Report) -> int | None:
    """The one fiscal year of every baseline in the report, for the header (基準値（令和3年度）); None if they
    differ or none is given."""
    years = {kpi.baseline_year for p in report.projects for kpi in p.kpis if kpi.baseline is not None}
    return years.pop() if len(years) == 1 else None


def _headers(report: Report, groups: int) -> list[str]:
    base_year = _baseline_year(report)
    baseline = f"基準値（{format_fiscal_year(base_year)}）" if base_year else "基準値"
    kpi_headers = [word.format(n=circled(n), baseline=baseline) for n in range(1, groups + 1) for word in KPI_GROUP]
    return [*PROJECT_HEADERS, *kpi_headers, *CLOSING_HEADERS]


def _title_cell(project: Project) -> str:
    return " ".join([project.title, *project.title_notes])


def _evaluation_cell(project: Project) -> str | None:
    evaluation = project.evaluation
    if evaluation is None:
        return None
    if evaluation.category is not None:
        return EFFECT_CHOICES[list(EFFECT_LABELS).index(evaluation.category)]
    return evaluation.text or None


def _direction_cell(project: Project) -> str | None:
    direction = project.next_direction
    if direction is None:
        return None
    if direction.text:
        return direction.text
    return DIRECTION_LABELS[direction.category] if direction.category else None


def _project_row(project: Project, report: Report, groups: int) -> list[Cell]:
    year = report.fiscal_year
    values: list[Cell] = [
        project.number, _title_cell(project), format_fiscal_year(project.start_year),
        format_fiscal_year(project.end_year), "・".join(project.departments), project.cost_yen, project.grant_yen,
    ]
    for index in range(groups):
        if index < len(project.kpis):
            kpi = project.kpis[index]
            values += [kpi.name, kpi.unit, figure_cell(kpi.baseline), figure_cell(kpi.targets.get(year)),
                       figure_cell(kpi.actuals.get(year))]
        else:
            values += [None] * len(KPI_GROUP)
    values += [_evaluation_cell(project), _direction_cell(project), _opinion_cell(project)]
    return values


def _opinion_cell(project: Project) -> str | None:
    """The form's one cell of outside opinion: the reviewers' opinion, the council's remarks and the 対応."""
    lines = list(project.reviewer_opinion)
    if project.council_remarks:
        lines += ["（議会の意見）", *project.council_remarks]
    if project.review_response:
        lines += ["（対応）", *project.review_response]
    return "\n".join(lines) or None


def _choices(sheet: Worksheet, column: int, rows: range, words: tuple[str, ...]) -> None:
    """A drop-down of ``words`` on the column's cells (other text is still accepted, with a warning)."""
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(column)
    listed = ",".join(words)
    validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=True,
                                errorStyle="warning", error="一覧から選んでください")
    validation.add(f"{letter}{rows.start}:{letter}{max(rows.stop - 1, rows.start)}")
    sheet.add_data_validation(validation)


def _form(sheet: Worksheet, report: Report) -> None:
    sheet.title = SHEET
    body = f"{report.municipality.prefecture}{report.municipality.name}"
    put(sheet, 1, 1, f"{format_fiscal_year(report.fiscal_year)} {body} {report.program.name}事業 効果検証シート")
    sheet.cell(row=1, column=1).font = BOLD
    put_row(sheet, 2, ["団体名", body])
    put_row(sheet, 3, ["年度", format_fiscal_year(report.fiscal_year)])
    put(sheet, 4, 1, "（単位：円）")
    groups = max([len(p.kpis) for p in report.projects] + [1])
    headers = _headers(report, groups)
    put_row(sheet, HEADER_ROW, headers, header=True)
    first = HEADER_ROW + 1
    for row, project in enumerate(report.projects, start=first):
        put_row(sheet, row, _project_row(project, report, groups))
    rows = range(first, first + max(len(report.projects), 1))
    _choices(sheet, len(headers) - 2, rows, EFFECT_CHOICES)
    _choices(sheet, len(headers) - 1, rows, tuple(DIRECTION_LABELS.values()))
    for row in range(1, HEADER_ROW):  # the title and the label rows run on over the empty cells beside them
        for cell in sheet[row]:
            cell.alignment = Alignment(vertical="top")
    set_widths(sheet, cap=24)
    sheet.column_dimensions["A"].width = 8
    # 30 columns and more: pages across, each with the header row and the project's number and name
    prepare_for_print(sheet, f"{HEADER_ROW}:{HEADER_ROW}", fit_width=False, key_columns="A:B")
    sheet.freeze_panes = sheet.cell(row=first, column=3)


def render_national_xlsx(report: Report) -> bytes:
    """The report in the national reporting form (.xlsx bytes)."""
    workbook = Workbook()
    _form(workbook.active, report)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

