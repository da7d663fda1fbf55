"""The fact table behind the dashboards: one :class:`KpiFact` row per KPI of each published report.

Facts are derived from a cycle's latest :class:`Publication` with the domain's rules (judgement by
:func:`kouka.domain.rules.judge_kpi`, units by :func:`kouka.domain.aggregate.unit_group`, wide-area identity
by :func:`kouka.domain.aggregate.wide_area_key`); nothing here judges anything itself. Drafts never reach
the table: only publications do.

A wide-area project (広域連携事業) is in the report of its lead and of every partner. Each copy's row keeps
the body's share of the cost; exactly one copy per project and year is ``counted`` (the lead's; when the
lead has published nothing, the copy of the lowest body code: :func:`kouka.domain.aggregate.counting_rank`)
so the project and its KPIs count once.

Bulk loading: build rows with :func:`fact_values` and :func:`with_ids` (or :func:`values_for`), insert them, then call
:func:`settle_wide_area` once (with the loaded keys, or none for all) so the counted copy is right
across bodies, and at the end :func:`kouka.web.stats.rollup.refresh_all` (else the first dashboard query does).
:func:`rebuild` does all of that for some cycles.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kouka.domain.aggregate import CountingRank, counting_rank, is_lead, unit_group, wide_area_key
from kouka.domain.carry import kpi_key, project_key
from kouka.domain.model import Body, Project, ProjectKind, Report
from kouka.domain.rules import judge_kpi
from kouka.web import dbrouter, selectors
from kouka.web.models import Cycle, KpiFact
from kouka.web.stats import rollup, search

WideKey = tuple[str, int]  # (wide_area_key, fiscal year)


def complete_body(cycle: Cycle, body: Body) -> Body:
    """A report's body, completed from the cycle's municipality where the document leaves a blank."""
    stored = cycle.municipality
    return Body(body.name or stored.name, body.prefecture or stored.prefecture, body.code or stored.code)


def fitted(key: str, column: str) -> str:
    """An identity ``key`` that fits ``column`` of :class:`KpiFact`: itself, or (when the derived key of a long
    title is longer: NFKC can make one character eighteen) its head and a hash of the whole, still one key per
    key."""
    field = KpiFact._meta.get_field(column)
    length = getattr(field, "max_length", None)
    assert isinstance(length, int)
    if len(key) <= length:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return f"{key[:length - len(digest) - 1]}#{digest}"


def _project_rows(body: Body, report: Report, project: Project) -> list[dict[str, Any]]:
    wide = project.kind is ProjectKind.WIDE_AREA
    lead = is_lead(report, project) if wide else True
    common = {
        "prefecture": body.prefecture, "body_code": body.code, "body_name": body.name,
        "fiscal_year": report.fiscal_year, "project_number": project.number,
        "project_key": fitted(project_key(body, project), "project_key"), "project_title": project.title[:300],
        "kind": project.kind.value, "wide_key": fitted(wide_area_key(project), "wide_key") if wide else "",
        "is_lead": lead, "counted": lead,
        "cost_yen": project.cost_yen, "grant_yen": project.grant_yen,
    }
    if not project.kpis:
        return [common | {"project_row": True}]
    rows = []
    for index, kpi in enumerate(project.kpis):
        result = judge_kpi(kpi, report.fiscal_year)
        rows.append(common | {
            "project_row": index == 0, "kpi_number": kpi.number,
            "kpi_key": fitted(kpi_key(body, project, kpi), "kpi_key"),
            "kpi_name": kpi.name[:300], "unit": kpi.unit[:40], "unit_group": unit_group(kpi.unit)[:40],
            "judgement": result.judgement.value, "preliminary": result.preliminary})
    return rows


def fact_values(body: Body, report: Report) -> list[dict[str, Any]]:
    """The facts of ``report`` as field values, without the cycle and municipality they will belong to.

    ``body`` is the report's body as stored (:func:`complete_body`); bulk loading computes these in its
    parsing processes and adds the ids when it writes.
    """
    return [row for project in report.projects for row in _project_rows(body, report, project)]


def with_ids(cycle: Cycle, values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`fact_values` of a report published for ``cycle``, with the ids of the cycle and municipality."""
    ids = {"cycle_id": cycle.pk, "municipality_id": cycle.municipality_id}
    return [row | ids for row in values]


def values_for(cycle: Cycle, report: Report) -> list[dict[str, Any]]:
    """The facts of ``report`` published for ``cycle`` as field values.

    A wide-area copy is ``counted`` when its body is the lead; :func:`settle_wide_area` settles the rest.
    """
    return with_ids(cycle, fact_values(complete_body(cycle, report.municipality), report))


def wide_keys(rows: Iterable[dict[str, Any]]) -> set[WideKey]:
    """The wide-area projects among fact ``rows`` (field values), to pass to :func:`settle_wide_area`."""
    return {(row["wide_key"], row["fiscal_year"]) for row in rows if row["wide_key"]}


def settle_wide_area(keys: Iterable[WideKey] | None = None) -> set[tuple[str, int]]:
    """Mark exactly one copy of each wide-area project (of ``keys``, or all) as counted: the copy the domain's
    :func:`~kouka.domain.aggregate.counting_rank` puts first (the lead's when the lead has published it,
    else the lowest body code), as ``kouka stats`` counts it.

    One query reads the copies, and only rows whose flag changes are written. Returns the (prefecture,
    fiscal year) of the rows changed, whose rollups then need remaking.
    """
    wanted = None if keys is None else set(keys)
    if wanted is not None and not wanted:
        return set()
    rows = KpiFact.objects.exclude(wide_key="")
    if wanted is not None:
        rows = rows.filter(wide_key__in={key for key, _ in wanted}, fiscal_year__in={year for _, year in wanted})
    copies: dict[WideKey, list[_Copy]] = {}
    for values in rows.values_list("pk", "wide_key", "fiscal_year", "is_lead", "body_code", "body_name",
                                   "cycle_id", "project_number", "counted", "prefecture"):
        copy = _Copy(*values)
        if wanted is None or copy.key in wanted:
            copies.setdefault(copy.key, []).append(copy)
    changed: list[_Copy] = []
    for found in copies.values():
        chosen = min(found, key=_Copy.rank).project
        changed += [copy for copy in found if (copy.project == chosen) != copy.counted]
    for value in (True, False):
        ids = [copy.pk for copy in changed if copy.counted is not value]
        for start in range(0, len(ids), 500):
            KpiFact.objects.filter(pk__in=ids[start:start + 500]).update(counted=value)
    return {(copy.prefecture, copy.fiscal_year) for copy in changed}


@dataclass(frozen=True)
class _Copy:
    """One fact row of a body's copy of a wide-area project, as :func:`settle_wide_area` reads it."""

    pk: int
    wide_key: str
    fiscal_year: int
    is_lead: bool
    body_code: str
    body_name: str
    cycle_id: int
    project_number: int
    counted: bool
    prefecture: str

    @property
    def key(self) -> WideKey:
        return (self.wide_key, self.fiscal_year)

    @property
    def project(self) -> tuple[int, int]:
        return (self.cycle_id, self.project_number)

    def rank(self) -> tuple[CountingRank, int]:
        return (counting_rank(lead=self.is_lead, body_code=self.body_code, body_name=self.body_name,
                              project_number=self.project_number), self.cycle_id)


def rebuild(cycles: Iterable[Cycle]) -> int:
    """Replace the facts of ``cycles`` by those of their latest publications and remake their rollups;
    return the rows written."""
    published = []
    for cycle in cycles:
        publication = selectors.publication_of_cycle(cycle)
        published.append((cycle, selectors.publication_report(publication) if publication else None))
    return replace_facts(published)


def replace_facts(published: Iterable[tuple[Cycle, Report | None]]) -> int:
    """Replace the facts of each cycle by those of its report just published (None: it has none), remake
    the rollups concerned and replace the cycle's rows of the public search (:mod:`kouka.web.stats.search`);
    return the fact rows written."""
    published = list(published)
    written = 0
    with dbrouter.atomic():
        search.replace_entries(published)
        was_fresh = rollup.is_fresh()
        touched: set[WideKey] = set()
        slices: set[rollup.Slice] = set()
        for cycle, report in published:
            slices.add((cycle.municipality_id, cycle.fiscal_year))
            old = KpiFact.objects.filter(cycle=cycle)
            touched |= set(old.exclude(wide_key="").values_list("wide_key", "fiscal_year").distinct())
            old.delete()
            if report is None:
                continue
            rows = values_for(cycle, report)
            KpiFact.objects.bulk_create([KpiFact(**row) for row in rows], batch_size=1000)
            touched |= wide_keys(rows)
            written += len(rows)
        areas = settle_wide_area(touched)
        if was_fresh:
            rollup.refresh(slices, areas)
        else:  # facts were written without their rollups (a bulk load): remake them all
            rollup.refresh_all()
    return written
