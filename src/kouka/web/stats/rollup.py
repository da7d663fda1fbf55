"""Rollups of the fact table, so national dashboards sum a few thousand rows instead of every KPI.

:class:`AreaRollup` holds a prefecture's fiscal year by project kind and unit group, each wide-area project
counted once (its ``counted`` copy, :mod:`kouka.web.stats.facts`) with every body's share of the money;
:class:`BodyRollup` holds one body's fiscal year the same way with the body's own copy of everything. A row
with unit group "" holds reports, projects, money and the KPIs of every unit; a row with a unit group holds
that unit's KPIs only.

:func:`refresh` remakes the rollups of some bodies' years (and of their prefectures' years); publishing
calls it through :func:`kouka.web.stats.facts.rebuild`. Whoever writes facts another way calls :func:`ensure_fresh`
at the end (``kouka load`` does); every dashboard query calls it too (a dashboard page once for all its
queries, :func:`checked_once`), so facts changed without their rollups (a load interrupted before the end)
are noticed (their count or highest id) and everything is remade once.
Rows are written with :func:`kouka.web.ops.fastinsert.insert`: remaking the national set's 115,000 rows is a few
seconds.
"""

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db.models import Count, Max, Q, QuerySet, Sum

from kouka.domain.model import ProjectKind
from kouka.domain.rules import Judgement
from kouka.web import dbrouter
from kouka.web.models import AreaRollup, BodyRollup, KpiFact, RollupState
from kouka.web.ops import fastinsert

Slice = tuple[int, int]  # (municipality id, fiscal year)
P = ParamSpec("P")
R = TypeVar("R")
KPI_MEASURES = ("met", "not_met", "pending", "not_judgeable", "preliminary")
MEASURES = ("reports", "reports_any", "projects", "wide_area_projects", "cost_yen", "grant_yen", *KPI_MEASURES)
AREA_KEYS = ("prefecture", "fiscal_year", "kind")
BODY_KEYS = ("municipality_id", "prefecture", "body_code", "body_name", "fiscal_year", "kind")


def _kpi_measures(counted_only: bool) -> dict[str, Any]:
    kpi = ~Q(judgement="")
    if counted_only:
        kpi &= Q(counted=True)
    measures: dict[str, Any] = {j.value: Count("id", filter=kpi & Q(judgement=j.value)) for j in Judgement}
    measures["preliminary"] = Count("id", filter=kpi & Q(preliminary=True))
    return measures


def _measures(counted_only: bool) -> dict[str, Any]:
    """Reports, projects, money and KPIs of a group of facts (a wide-area project's counted copy only)."""
    project = Q(project_row=True)
    counted_project = project & Q(counted=True) if counted_only else project
    return {
        "reports": Count("cycle_id", distinct=True),
        "projects": Count("id", filter=counted_project),
        "wide_area_projects": Count("id", filter=counted_project & Q(kind=ProjectKind.WIDE_AREA.value)),
        "cost_yen": Sum("cost_yen", filter=project),
        "grant_yen": Sum("grant_yen", filter=project),
        **_kpi_measures(counted_only),
    }


def _rows(facts: "QuerySet[KpiFact]", keys: tuple[str, ...], *, counted_only: bool) -> list[dict[str, Any]]:
    """The rollup rows of ``facts`` grouped by ``keys``: the "" unit row of each group, then the unit rows."""
    whole = list(facts.order_by().values(*keys).annotate(**_measures(counted_only)))
    # A report with projects of both kinds counts once without a kind filter: on its first kind's row.
    report_keys = keys[:-1]
    everyone = {tuple(r[k] for k in report_keys): r["n"] for r in
                facts.order_by().values(*report_keys).annotate(n=Count("cycle_id", distinct=True))}
    first_kind: set[tuple[Any, ...]] = set()
    for row in sorted(whole, key=lambda r: r["kind"]):
        group = tuple(row[k] for k in report_keys)
        row["reports_any"] = everyone[group] if group not in first_kind else 0
        first_kind.add(group)
        row["unit_group"] = ""
    kpi = ~Q(judgement="") & (Q(counted=True) if counted_only else Q())
    units = list(facts.filter(kpi).order_by().values(*keys, "unit_group").annotate(**_kpi_measures(counted_only)))
    return whole + units


def _write(model: type[AreaRollup] | type[BodyRollup], rows: list[dict[str, Any]]) -> None:
    """Insert rollup rows as plain values (a measure with no facts, a NULL sum, is 0)."""
    fastinsert.insert(model, ({k: (row.get(k) or 0) if k in MEASURES else row[k] for k in (*MEASURES, *row)}
                              for row in rows))


def refresh(slices: Iterable[Slice], prefectures: Iterable[tuple[str, int]] = ()) -> None:
    """Remake the rollups of bodies' fiscal years (``slices``) and of the prefectures' years they are in,
    plus the prefectures' years in ``prefectures`` (where wide-area flags changed)."""
    wanted = set(slices)
    facts = KpiFact.objects.all()
    with dbrouter.atomic():
        areas = set(prefectures)
        for municipality_id, year in sorted(wanted):
            body_facts = facts.filter(municipality_id=municipality_id, fiscal_year=year)
            areas |= set(body_facts.values_list("prefecture", "fiscal_year").distinct())
            areas |= set(BodyRollup.objects.filter(municipality_id=municipality_id, fiscal_year=year)
                         .values_list("prefecture", "fiscal_year").distinct())
            BodyRollup.objects.filter(municipality_id=municipality_id, fiscal_year=year).delete()
            _write(BodyRollup, _rows(body_facts, BODY_KEYS, counted_only=False))
        for prefecture, year in sorted(areas):
            AreaRollup.objects.filter(prefecture=prefecture, fiscal_year=year).delete()
            area_facts = facts.filter(prefecture=prefecture, fiscal_year=year)
            _write(AreaRollup, _rows(area_facts, AREA_KEYS, counted_only=True))
        _record_state()


def _state() -> tuple[int, int]:
    found = KpiFact.objects.aggregate(top=Max("id"), n=Count("id"))
    return found["top"] or 0, found["n"]


def _record_state() -> None:
    top, count = _state()
    RollupState.objects.update_or_create(pk=1, defaults={
        "max_fact_id": top, "fact_count": count})


def refresh_all() -> None:
    """Remake every rollup from the facts (after a bulk load)."""
    facts = KpiFact.objects.all()
    with dbrouter.atomic():
        BodyRollup.objects.all().delete()
        AreaRollup.objects.all().delete()
        _write(BodyRollup, _rows(facts, BODY_KEYS, counted_only=False))
        _write(AreaRollup, _rows(facts, AREA_KEYS, counted_only=True))
        _record_state()


def is_fresh() -> bool:
    """Whether the rollups were made from the facts as they are (same count and highest id)."""
    state = RollupState.objects.filter(pk=1).values_list(
        "max_fact_id", "fact_count").first()
    return state == _state()


_CHECKED: ContextVar[bool] = ContextVar("kouka_rollups_checked", default=False)


def ensure_fresh() -> None:
    """Remake the rollups when the facts changed without them (e.g. a bulk load that did not call refresh);
    inside :func:`checked_once`, only its own check counts."""
    if not _CHECKED.get() and not is_fresh():
        refresh_all()


@contextmanager
def checked_once() -> Iterator[None]:
    """Check the rollups once for all the queries of a page, not once per query (the check counts the facts)."""
    ensure_fresh()
    token = _CHECKED.set(True)
    try:
        yield
    finally:
        _CHECKED.reset(token)


def once_per_view(view: Callable[P, R]) -> Callable[P, R]:
    """A view whose dashboard queries share one check of the rollups (:func:`checked_once`)."""
    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with checked_once():
            return view(*args, **kwargs)
    return wrapped
