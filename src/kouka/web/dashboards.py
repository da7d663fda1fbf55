"""Dashboard queries over the fact table (:class:`kouka.web.models.KpiFact`): each one SQL GROUP BY.

The figures follow :mod:`kouka.domain.aggregate`: a wide-area project counts once (its ``counted`` copy)
with the sum of every body's share as its cost and grant; each body's own figures (the ranking) keep the
body's share and its copy of the KPIs. The counts come back as the domain's :class:`JudgementCounts`, so
shares, the met rate and the ranking order are the domain's, not written again here.

The unit filter (``unit_group``) narrows the KPI counts only; projects and money are those of the other
filters (a project has KPIs in several units).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from kouka.domain.aggregate import Aggregate, BodyTally, JudgementCounts, Tally
from kouka.domain.model import Body, ProjectKind
from kouka.domain.rules import Judgement
from kouka.web.models import KpiFact, Municipality


@dataclass(frozen=True)
class Filters:
    """What a dashboard is narrowed to; None means everything."""

    year: int | None = None
    prefecture: str | None = None
    unit_group: str | None = None
    kind: ProjectKind | None = None
    municipality: int | None = None  # a Municipality's id

    def facts(self) -> "QuerySet[KpiFact]":
        rows = KpiFact.objects.all()
        if self.year is not None:
            rows = rows.filter(fiscal_year=self.year)
        if self.prefecture is not None:
            rows = rows.filter(prefecture=self.prefecture)
        if self.kind is not None:
            rows = rows.filter(kind=self.kind.value)
        if self.municipality is not None:
            rows = rows.filter(municipality_id=self.municipality)
        return rows

    def kpi_condition(self, *, counted_only: bool) -> Q:
        """The rows that count as KPIs: a KPI, of the unit group asked for, the counted copy unless a body's."""
        condition = ~Q(judgement="")
        if counted_only:
            condition &= Q(counted=True)
        if self.unit_group is not None:
            condition &= Q(unit_group=self.unit_group)
        return condition


@dataclass
class Figures:
    """Reports, projects, money and KPI judgements of one dashboard cell."""

    reports: int = 0
    projects: int = 0
    wide_area_projects: int = 0
    cost_yen: int = 0
    grant_yen: int = 0
    kpis: JudgementCounts = field(default_factory=JudgementCounts)


def _annotations(filters: Filters, *, counted_only: bool) -> dict[str, Any]:
    """Conditional aggregates giving a :class:`Figures` per group in one pass over the rows."""
    project = Q(project_row=True)
    counted_project = project & Q(counted=True) if counted_only else project
    kpi = filters.kpi_condition(counted_only=counted_only)
    annotations: dict[str, Any] = {
        "n_reports": Count("cycle_id", distinct=True),
        "n_projects": Count("id", filter=counted_project),
        "n_wide": Count("id", filter=counted_project & Q(kind=ProjectKind.WIDE_AREA.value)),
        "sum_cost": Sum("cost_yen", filter=project),
        "sum_grant": Sum("grant_yen", filter=project),
        "n_preliminary": Count("id", filter=kpi & Q(preliminary=True)),
    }
    for judgement in Judgement:
        annotations[f"n_{judgement.value}"] = Count("id", filter=kpi & Q(judgement=judgement.value))
    return annotations


def _figures(values: Mapping[str, Any]) -> Figures:
    counts = JudgementCounts({j: values[f"n_{j.value}"] for j in Judgement}, values["n_preliminary"])
    return Figures(values["n_reports"], values["n_projects"], values["n_wide"], values["sum_cost"] or 0,
                   values["sum_grant"] or 0, counts)


def _counted_only(filters: Filters) -> bool:
    """One body's dashboard shows its own copy of a wide-area project; wider ones count the project once."""
    return filters.municipality is None


def summary(filters: Filters = Filters()) -> Figures:
    """The figures of everything the filters let through."""
    return _figures(filters.facts().aggregate(**_annotations(filters, counted_only=_counted_only(filters))))


def _grouped(filters: Filters, key: str) -> list[tuple[Any, Figures]]:
    rows = (filters.facts().order_by().values(key)
            .annotate(**_annotations(filters, counted_only=_counted_only(filters))).order_by(key))
    return [(row[key], _figures(row)) for row in rows]


def by_year(filters: Filters = Filters()) -> list[tuple[int, Figures]]:
    return _grouped(filters, "fiscal_year")


def by_prefecture(filters: Filters = Filters()) -> list[tuple[str, Figures]]:
    return _grouped(filters, "prefecture")


def by_unit(filters: Filters = Filters()) -> list[tuple[str, Figures]]:
    """KPI judgements by unit group (projects and money are left out: a project spans units)."""
    counted_only = _counted_only(filters)
    rows = (filters.facts().filter(filters.kpi_condition(counted_only=counted_only)).order_by()
            .values("unit_group").annotate(**_annotations(filters, counted_only=counted_only)).order_by("unit_group"))
    return [(row["unit_group"], Figures(kpis=_figures(row).kpis)) for row in rows]


@dataclass(frozen=True)
class Ranked:
    rank: int
    municipality_id: int
    slug: str
    name: str
    prefecture: str
    figures: Figures


def ranking(filters: Filters = Filters()) -> list[Ranked]:
    """Municipalities by met rate, then KPIs met (the domain's order), each with its own share of the money."""
    rows = (filters.facts().order_by().values("municipality_id", "body_name", "body_code", "prefecture")
            .annotate(**_annotations(filters, counted_only=False)))
    aggregate = Aggregate()
    by_body: dict[Body, tuple[int, Figures]] = {}
    for values in rows:
        figures = _figures(values)
        body = Body(values["body_name"], values["prefecture"], values["body_code"])
        by_body[body] = (values["municipality_id"], figures)
        tally = Tally(figures.projects, figures.wide_area_projects, figures.cost_yen, figures.grant_yen,
                      figures.kpis)
        aggregate.bodies[str(values["municipality_id"])] = BodyTally(body, tally)
    slugs = dict(Municipality.objects.filter(pk__in=[m for m, _ in by_body.values()]).values_list("pk", "slug"))
    ranked = []
    for row in aggregate.ranking():
        municipality_id, figures = by_body[row.body]
        ranked.append(Ranked(row.rank, municipality_id, slugs[municipality_id], row.body.name,
                             row.body.prefecture, figures))
    return ranked


@dataclass(frozen=True)
class Choices:
    """The values the filters can take, from the facts."""

    years: list[int]
    prefectures: list[str]
    unit_groups: list[str]


def choices() -> Choices:
    facts = KpiFact.objects.order_by()
    return Choices(
        sorted(facts.values_list("fiscal_year", flat=True).distinct()),
        sorted(facts.values_list("prefecture", flat=True).distinct()),
        sorted(facts.exclude(unit_group="").values_list("unit_group", flat=True).distinct()),
    )


@dataclass(frozen=True)
class Source:
    """A published report behind a number, with how many of the counted projects or KPIs it holds."""

    slug: str
    name: str
    prefecture: str
    fiscal_year: int
    count: int


def sources(filters: Filters, judgement: Judgement | None = None, *,
            kpis: bool = False) -> "QuerySet[Any, Any]":
    """The reports a number comes from, as rows of (slug, name, prefecture, year, count), in code order.

    With ``judgement`` (or ``kpis``): the reports holding the counted KPIs (with that judgement); otherwise
    the reports holding the projects (every body's copy of a wide-area project: their shares are summed).
    """
    rows = filters.facts()
    if judgement is not None or kpis:
        rows = rows.filter(filters.kpi_condition(counted_only=_counted_only(filters)))
        if judgement is not None:
            rows = rows.filter(judgement=judgement.value)
    else:
        rows = rows.filter(project_row=True)
    return (rows.order_by().values("municipality__slug", "body_name", "prefecture", "body_code", "fiscal_year")
            .annotate(count=Count("id")).order_by("body_code", "body_name", "fiscal_year"))


def source_of(row: dict[str, Any]) -> Source:
    return Source(row["municipality__slug"], row["body_name"], row["prefecture"], row["fiscal_year"], row["count"])
