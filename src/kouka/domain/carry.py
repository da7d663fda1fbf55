"""Carrying projects into the next fiscal year, and the stable identity of projects and KPIs.

A project runs several fiscal years (令和4年度～令和6年度). Each year's report holds it again; what the
city decided when it planned the project carries (title, period, departments, summary, wide-area partners,
KPIs with their baselines and targets for every year), and what belongs to the year that ended does not
(事業費 and 交付金充当額, actuals and the city's marks, まとめ（検証結果）, evaluation, next direction and its
reasons, the external reviewers' opinion).

A KPI keeps one identity across years: its explicit ``key`` when the file has one, otherwise
``<body>-<start year>-p<project number>-k<KPI number>`` (the body is its 全国地方公共団体コード, or its name
where the code is unknown). Carrying writes the keys out explicitly, so a later renumbering of a project
or KPI in the city's publication does not break the series.
"""

from collections.abc import Iterator
from dataclasses import replace

from kouka.domain.checks import project_label
from kouka.domain.eras import format_fiscal_period, format_fiscal_year
from kouka.domain.errors import DomainValueError
from kouka.domain.i18n import _
from kouka.domain.model import Body, Kpi, Measurement, NextDirection, Project, Report

# Directions after which a project does not go on into the next year.
ENDING_DIRECTIONS = frozenset({NextDirection.DISCONTINUE, NextDirection.COMPLETE})


class CarryError(DomainValueError):
    """A project that cannot be carried into the year asked for."""


def body_key(body: Body) -> str:
    return body.code or body.name


def project_key(body: Body, project: Project) -> str:
    """The project's identity across years: its explicit key, or body + start year + number."""
    return project.key or f"{body_key(body)}-{project.start_year}-p{project.number}"


def kpi_key(body: Body, project: Project, kpi: Kpi) -> str:
    """The KPI's identity across years: its explicit key, or the project's key + KPI number."""
    return kpi.key or f"{project_key(body, project)}-k{kpi.number}"


def continues_into(project: Project, fiscal_year: int) -> bool:
    """Whether the project runs in ``fiscal_year`` and the city has not decided to stop it."""
    if not project.start_year <= fiscal_year <= project.end_year:
        return False
    direction = project.next_direction.category if project.next_direction else None
    return direction not in ENDING_DIRECTIONS


def target_series(project: Project, kpi: Kpi) -> list[tuple[str, Measurement | None]]:
    """The KPI's targets as the 地域再生計画 writes them: 開始前 (the baseline), then 1年目 … one per fiscal year
    of the project's period (None where the plan has no target for the year)."""
    series: list[tuple[str, Measurement | None]] = [(_("開始前"), kpi.baseline)]
    for index, year in enumerate(range(project.start_year, project.end_year + 1), start=1):
        series.append((_("{n}年目（{year}）").format(n=index, year=format_fiscal_year(year)), kpi.targets.get(year)))
    return series


def carry_kpi(body: Body, project: Project, kpi: Kpi) -> Kpi:
    """The KPI as it stands at the start of the next year: definition, baseline and the whole series of targets
    (every year's, levels or increments as the KPI states); no actuals."""
    return Kpi(
        number=kpi.number,
        name=kpi.name,
        unit=kpi.unit,
        direction=kpi.direction,
        scope=kpi.scope,
        baseline=kpi.baseline,
        baseline_year=kpi.baseline_year,
        targets=dict(kpi.targets),
        actuals={},
        marks={},
        notes=list(kpi.notes),
        key=kpi_key(body, project, kpi),
        target_kind=kpi.target_kind,
    )


def carry_project(body: Body, project: Project, fiscal_year: int) -> Project:
    """The project as the report of ``fiscal_year`` starts it; raises :class:`CarryError` if it has ended."""
    if not project.start_year <= fiscal_year <= project.end_year:
        raise CarryError(_("{project}「{title}」の事業期間（{period}）に{year}は含まれません").format(
            project=project_label(project), title=project.title,
            period=format_fiscal_period(project.start_year, project.end_year), year=format_fiscal_year(fiscal_year)))
    if not continues_into(project, fiscal_year):
        raise CarryError(_("{project}「{title}」は中止または終了とされています").format(
            project=project_label(project), title=project.title))
    return Project(
        number=project.number,
        title=project.title,
        start_year=project.start_year,
        end_year=project.end_year,
        title_notes=list(project.title_notes),
        departments=list(project.departments),
        summary=list(project.summary),
        kind=project.kind,
        lead_body=project.lead_body,
        partner_bodies=list(project.partner_bodies),
        cost_label=project.cost_label,
        cost_yen=None,
        grant_yen=None,
        kpi_scope_label=project.kpi_scope_label,
        kpi_notes=list(project.kpi_notes),
        kpis=[carry_kpi(body, project, kpi) for kpi in project.kpis],
        key=project_key(body, project),
    )


def carried_projects(report: Report, fiscal_year: int) -> Iterator[Project]:
    for project in report.projects:
        if continues_into(project, fiscal_year):
            yield carry_project(report.municipality, project, fiscal_year)


def carry_report(report: Report, fiscal_year: int | None = None) -> Report:
    """A new report for the next fiscal year (or ``fiscal_year``) holding the projects that go on.

    The year-bound narrative (title, introduction, stated total, source) is left empty for the city to write.
    """
    year = report.fiscal_year + 1 if fiscal_year is None else fiscal_year
    if year <= report.fiscal_year:
        raise CarryError(_("{year}は{last}より後ではありません").format(
            year=format_fiscal_year(year), last=format_fiscal_year(report.fiscal_year)))
    return Report(
        municipality=report.municipality,
        fiscal_year=year,
        program=replace(report.program),
        projects=list(carried_projects(report, year)),
    )
