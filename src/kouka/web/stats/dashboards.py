"""Dashboard queries: each one SQL GROUP BY over the rollups of the fact table (:mod:`kouka.web.stats.rollup`).

The sources of a number (the reports behind it) are read from the facts themselves
(:class:`kouka.web.models.KpiFact`).

The figures follow :mod:`kouka.domain.aggregate`: a wide-area project counts once (its ``counted`` copy)
with the sum of every body's share as its cost and grant; each body's own figures (the ranking) keep the
body's share and its copy of the KPIs. The counts come back as the domain's :class:`JudgementCounts`, so
shares, the met rate and the ranking order are the domain's, not written again here.

The unit filter (``unit_group``) narrows the KPI counts only; projects and money are those of the other
filters (a project has KPIs in several units).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from kouka.domain.aggregate import Aggregate, BodyTally, JudgementCounts, Tally
from kouka.domain.model import Body, ProjectKind
from kouka.domain.rules import Judgement
from kouka.web.models import AreaRollup, BodyRollup, KpiFact, Municipality
from kouka.web.stats import rollup


@dataclass(frozen=True)
class Filters:
    """What a dashboard is narrowed to; None means everything."""

    year: int | None = None
    prefecture: str | None = None
    unit_group: str | None = None
    kind: ProjectKind | None = None
    municipality: int | None = None  # a Municipality's id

    def narrow(self, rows: "QuerySet[Any]") -> "QuerySet[Any]":
        """``rows`` (facts or rollups) of the year, prefecture and kind asked for."""
        wanted = {"fiscal_year": self.year, "prefecture": self.prefecture,
                  "kind": self.kind.value if self.kind is not None else None}
        return rows.filter(**{field: value for field, value in wanted.items() if value is not None})

    def facts(self) -> "QuerySet[KpiFact]":
        rows = self.narrow(KpiFact.objects.all())
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


def _rollup(filters: Filters, *, bodies: bool = False, units: bool = False) -> "QuerySet[Any]":
    """The rollup rows the filters let through: the bodies' own rows for one body or ``bodies``, else the
    areas' (each wide-area project once); with ``units`` the per-unit rows only."""
    rollup.ensure_fresh()
    rows: QuerySet[Any]
    if bodies or filters.municipality is not None:
        rows = BodyRollup.objects.all()
        if filters.municipality is not None:
            rows = rows.filter(municipality_id=filters.municipality)
    else:
        rows = AreaRollup.objects.all()
    rows = filters.narrow(rows)
    if units:
        rows = rows.exclude(unit_group="")
        return rows if filters.unit_group is None else rows.filter(unit_group=filters.unit_group)
    if filters.unit_group is None:
        return rows.filter(unit_group="")
    return rows.filter(unit_group__in=["", filters.unit_group])


def _sums(filters: Filters) -> dict[str, Any]:
    """Sums giving a :class:`Tally`: reports, projects and money from the "" rows, KPIs from the unit's."""
    whole = Q(unit_group="")
    kpi = whole if filters.unit_group is None else Q(unit_group=filters.unit_group)
    reports = "reports" if filters.kind is not None else "reports_any"  # a report once, whatever its kinds
    sums: dict[str, Any] = {"s_reports": Sum(reports, filter=whole)}
    for name in ("projects", "wide_area_projects", "cost_yen", "grant_yen"):
        sums[f"s_{name}"] = Sum(name, filter=whole)
    for name in rollup.KPI_MEASURES:
        sums[f"s_{name}"] = Sum(name, filter=kpi)
    return sums


def _tally(values: Mapping[str, Any]) -> Tally:
    counts = JudgementCounts({j: values[f"s_{j.value}"] or 0 for j in Judgement}, values["s_preliminary"] or 0)
    return Tally(values["s_projects"] or 0, values["s_wide_area_projects"] or 0, values["s_cost_yen"] or 0,
                 values["s_grant_yen"] or 0, counts, counted_reports=values["s_reports"] or 0)


def summary(filters: Filters = Filters()) -> Tally:
    """The figures of everything the filters let through."""
    return _tally(_rollup(filters).aggregate(**_sums(filters)))


def _grouped(filters: Filters, key: str) -> list[tuple[Any, Tally]]:
    rows = _rollup(filters).order_by().values(key).annotate(**_sums(filters)).order_by(key)
    return [(row[key], _tally(row)) for row in rows]


def by_year(filters: Filters = Filters()) -> list[tuple[int, Tally]]:
    return _grouped(filters, "fiscal_year")


def by_prefecture(filters: Filters = Filters()) -> list[tuple[str, Tally]]:
    return _grouped(filters, "prefecture")


def by_unit(filters: Filters = Filters()) -> list[tuple[str, Tally]]:
    """KPI judgements by unit group (projects and money are left out: a project spans units)."""
    rows = _rollup(filters, units=True).order_by().values("unit_group").annotate(
        **{f"s_{name}": Sum(name) for name in rollup.KPI_MEASURES}).order_by("unit_group")
    return [(row["unit_group"], Tally(kpis=JudgementCounts({j: row[f"s_{j.value}"] for j in Judgement},
                                                           row["s_preliminary"]), counted_reports=0)) for row in rows]


@dataclass(frozen=True)
class Ranked:
    rank: int
    municipality_id: int
    slug: str
    name: str
    prefecture: str
    figures: Tally


def ranking(filters: Filters = Filters()) -> list[Ranked]:
    """Municipalities by met rate, then KPIs met (the domain's order), each with its own share of the money."""
    grouped = (_rollup(filters, bodies=True).order_by().values("municipality_id", "body_name", "body_code",
                                                                 "prefecture").annotate(**_sums(filters)))
    aggregate = Aggregate()
    by_body: dict[Body, tuple[int, Tally]] = {}
    for values in grouped:
        tally = _tally(values)
        body = Body(values["body_name"], values["prefecture"], values["body_code"])
        by_body[body] = (values["municipality_id"], tally)
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
    """The years, prefectures and unit groups there are figures for (read from the area rollups: a few
    thousand rows where the facts are hundreds of thousands)."""
    rollup.ensure_fresh()
    rows = AreaRollup.objects.order_by()
    return Choices(
        sorted(rows.values_list("fiscal_year", flat=True).distinct()),
        sorted(rows.values_list("prefecture", flat=True).distinct()),
        sorted(rows.exclude(unit_group="").values_list("unit_group", flat=True).distinct()),
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
        rows = rows.filter(filters.kpi_condition(counted_only=filters.municipality is None))
        if judgement is not None:
            rows = rows.filter(judgement=judgement.value)
    else:
        rows = rows.filter(project_row=True)
    return (rows.order_by().values("municipality__slug", "body_name", "prefecture", "body_code", "fiscal_year")
            .annotate(count=Count("id")).order_by("body_code", "body_name", "fiscal_year"))


def source_of(row: dict[str, Any]) -> Source:
    return Source(row["municipality__slug"], row["body_name"], row["prefecture"], row["fiscal_year"], row["count"])
