"""Public dashboards (集計): national, per prefecture and per municipality, from the fact table only.

Every number links to the list of published reports it comes from (:func:`sources_view`). Filters are
GET parameters: ``year`` (fiscal year), ``unit`` (unit group), ``kind`` (single / wide_area), and on the
list of sources also ``prefecture``, ``m`` (a municipality's slug) and ``judgement``.
"""

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka.domain.aggregate import Tally, kpi_series, percent, unit_group_label
from kouka.domain.carry import kpi_key
from kouka.domain.checks import circled
from kouka.domain.eras import format_fiscal_year
from kouka.domain.jpnumbers import format_yen
from kouka.domain.model import Kpi, ProjectKind
from kouka.domain.rules import JUDGEMENT_LABELS, Judgement
from kouka.web import selectors
from kouka.web.models import Municipality
from kouka.web.stats import charts, dashboards, rollup
from kouka.web.stats.dashboards import Filters

KIND_LABELS = {ProjectKind.SINGLE: gettext_noop("単独事業"), ProjectKind.WIDE_AREA: gettext_noop("広域連携事業")}
SOURCES_PER_PAGE = 100


@dataclass(frozen=True)
class Cell:
    text: str
    href: str
    judgement: str = ""  # the Judgement a share counts (met, not_met, …), which colours it


@dataclass(frozen=True)
class Line:
    label: str
    href: str  # where the label leads ("" for none)
    cells: list[Cell]


def _int(value: str | None) -> int | None:
    """'2022' → 2022; anything else (², ２０２２, -1, 12345) → None (the filter is ignored)."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 4 else None


def filters_from(query: QueryDict, **fixed: Any) -> Filters:
    """The filters a request asks for; unknown or malformed values are ignored (everything is shown)."""
    kind = query.get("kind", "")
    unit = query.get("unit", "")[:40]
    prefecture = query.get("prefecture", "")[:20]
    filters = Filters(year=_int(query.get("year")), unit_group=unit or None, prefecture=prefecture or None,
                      kind=ProjectKind(kind) if kind in set(ProjectKind) else None)
    return replace(filters, **fixed)


def _query(filters: Filters, slug: str = "", **extra: str) -> dict[str, str]:
    params = {"year": str(filters.year or ""), "prefecture": filters.prefecture or "",
              "unit": filters.unit_group or "", "kind": filters.kind.value if filters.kind else "", "m": slug}
    params.update(extra)
    return {key: value for key, value in params.items() if value}


def sources_href(filters: Filters, slug: str = "", **extra: str) -> str:
    return reverse("kouka:stats_sources") + "?" + urlencode(_query(filters, slug, **extra))


def _share(figures: Tally, judgement: Judgement) -> str:
    share = percent(figures.kpis.share(judgement))
    return f"{figures.kpis[judgement]:,}" + (f"（{share}%）" if share is not None else "")


def cells(figures: Tally, filters: Filters, slug: str = "", *, money: bool = True) -> list[Cell]:
    """One table row's numbers, each linking to its sources."""
    projects = sources_href(filters, slug)
    kpis = sources_href(filters, slug, what="kpis")
    row = []
    if money:
        row += [Cell(f"{figures.report_count:,}", projects), Cell(f"{figures.projects:,}", projects),
                Cell(f"{figures.wide_area_projects:,}", sources_href(replace(filters, kind=ProjectKind.WIDE_AREA),
                                                                     slug)),
                Cell(format_yen(figures.grant_yen), projects)]
    row.append(Cell(f"{figures.kpis.total:,}", kpis))
    for judgement in Judgement:
        row.append(Cell(_share(figures, judgement), sources_href(filters, slug, judgement=judgement.value),
                        judgement.value))
    rate = percent(figures.kpis.met_rate())
    row.append(Cell(f"{rate}%" if rate is not None else "－", sources_href(filters, slug, judgement="met")))
    return row


def _filter_form(filters: Filters, *, prefecture: bool = False) -> dict[str, Any]:
    available = dashboards.choices()
    return {
        "years": [(y, format_fiscal_year(y), y == filters.year) for y in available.years],
        "units": [(u, unit_group_label(u), u == filters.unit_group) for u in available.unit_groups],
        "kinds": [(k.value, _(label), k == filters.kind) for k, label in KIND_LABELS.items()],
        "prefectures": [(p, p == filters.prefecture) for p in available.prefectures] if prefecture else [],
    }


def _judgement_labels() -> list[str]:
    """達成, 未達成, 集計中, 判定対象外 in the reader's language."""
    return [_(label) for label in JUDGEMENT_LABELS.values()]


def _describe(filters: Filters, municipality: Municipality | None = None) -> str:
    parts = [format_fiscal_year(filters.year) if filters.year else _("全年度")]
    if municipality is not None:
        parts.append(f"{municipality.prefecture}{municipality.name}")
    elif filters.prefecture:
        parts.append(filters.prefecture)
    if filters.kind:
        parts.append(_(KIND_LABELS[filters.kind]))
    if filters.unit_group:
        parts.append(_("単位「{unit}」の成果目標").format(unit=unit_group_label(filters.unit_group)))
    return "・".join(parts)


def _tables(filters: Filters, slug: str = "", *, by_prefecture: bool, measure: str = "share") -> dict[str, Any]:
    """The tables and, drawn from the very same figures, the charts beside them."""
    by_year = dashboards.by_year(filters)
    years = [Line(format_fiscal_year(year), "", cells(f, replace(filters, year=year), slug)) for year, f in by_year]
    shares = charts.shares_by_year_svg([charts.YearShares.of(format_fiscal_year(year), f) for year, f in by_year])
    units = [Line(unit_group_label(unit), "", cells(f, replace(filters, unit_group=unit), slug, money=False))
             for unit, f in dashboards.by_unit(filters)]
    prefectures, japan = [], ""
    if by_prefecture:
        by_area = dashboards.by_prefecture(filters)
        prefectures = [Line(p, reverse("kouka:stats_prefecture", args=[p]) + _suffix(filters),
                            cells(f, replace(filters, prefecture=p))) for p, f in by_area]
        japan = charts.prefecture_map_svg([charts.AreaValue.of(p, f) for p, f in by_area], measure)
    return {"years": years, "units": units, "prefectures": prefectures,
            "total": cells(dashboards.summary(filters), filters, slug),
            "shares_chart": mark_safe(shares), "map": mark_safe(japan)}


def map_links(filters: Filters, measure: str) -> list[tuple[str, str, bool]]:
    """The map's two colourings as links keeping the filters: (label, href, current)."""
    return [(_(label), "?" + urlencode(_query(filters) | {"map": key}) + "#map", key == measure)
            for key, label in charts.MEASURES.items()]


def measure_from(query: QueryDict) -> str:
    """What the map is coloured by: 達成割合 (share, the default) or 交付金充当額 (grant)."""
    return query.get("map", "") if query.get("map", "") in charts.MEASURES else "share"


def _suffix(filters: Filters) -> str:
    query = _query(replace(filters, prefecture=None))
    return "?" + urlencode(query) if query else ""


def _ranking(filters: Filters, page: str | None) -> tuple[list[Line], Any]:
    ranked = dashboards.ranking(filters)
    paginator = Paginator(ranked, SOURCES_PER_PAGE)
    current = paginator.get_page(page)
    lines = [Line(f"{row.rank}", reverse("kouka:stats_municipality", args=[row.slug]),
                  [Cell(f"{row.prefecture}{row.name}", reverse("kouka:stats_municipality", args=[row.slug])),
                   *cells(row.figures, replace(filters, municipality=row.municipality_id), row.slug)])
             for row in current.object_list]
    return lines, current


@rollup.once_per_view
def national(request: HttpRequest) -> HttpResponse:
    filters = filters_from(request.GET, prefecture=None)
    ranking, page = _ranking(filters, request.GET.get("page"))
    return render(request, "kouka/public/stats.html", {
        "title": _("全国の集計"), "scope": _describe(filters), "filters": _filter_form(filters),
        "tables": _tables(filters, by_prefecture=True, measure=measure_from(request.GET)), "ranking": ranking,
        "page": page, "map_links": map_links(filters, measure_from(request.GET)),
        "page_query": urlencode(_query(filters)), "judgements": _judgement_labels(),
    })


@rollup.once_per_view
def prefecture_view(request: HttpRequest, prefecture: str) -> HttpResponse:
    filters = filters_from(request.GET, prefecture=prefecture[:20])
    if prefecture not in dashboards.choices().prefectures:
        raise Http404(_("この都道府県の公表された報告がありません"))
    ranking, page = _ranking(filters, request.GET.get("page"))
    return render(request, "kouka/public/stats.html", {
        "title": _("{prefecture}の集計").format(prefecture=prefecture), "scope": _describe(filters),
        "filters": _filter_form(filters),
        "tables": _tables(filters, by_prefecture=False), "ranking": ranking, "page": page,
        "page_query": urlencode(_query(replace(filters, prefecture=None))),
        "judgements": _judgement_labels(), "prefecture": prefecture,
    })


@dataclass(frozen=True)
class SeriesView:
    label: str
    name: str
    unit: str
    project_title: str
    chart: str
    href: str
    points: list[tuple[str, str]]  # (fiscal year, judgement)


def _series(municipality: Municipality) -> list[SeriesView]:
    """Each KPI over the municipality's published years, charted, linking to the KPI page of its latest year."""
    reports = sorted(selectors.published_reports(municipality), key=lambda r: r.fiscal_year)
    latest: dict[str, tuple[int, int, Kpi]] = {}
    for report in reports:
        for project in report.projects:
            for kpi in project.kpis:
                latest[kpi_key(report.municipality, project, kpi)] = (report.fiscal_year, project.number, kpi)
    views = []
    for key, series in kpi_series(reports).items():
        year, project_number, kpi = latest[key]
        views.append(SeriesView(
            _("事業{project} 成果目標{kpi}").format(project=circled(project_number), kpi=circled(kpi.number)),
            series.name, series.unit,
            series.project_title, mark_safe(charts.svg(charts.across_years(kpi, series))),
            reverse("kouka:kpi", args=[municipality.slug, year, project_number, kpi.number]),
            [(format_fiscal_year(p.fiscal_year), _(JUDGEMENT_LABELS[p.judgement])) for p in series.points]))
    return views


@rollup.once_per_view
def municipality_view(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = selectors.municipality_published(slug)
    if municipality is None:
        raise Http404(_("団体がありません"))
    filters = filters_from(request.GET, prefecture=None, municipality=municipality.pk)
    tables = _tables(filters, slug, by_prefecture=False)
    if not tables["years"] and filters == Filters(municipality=municipality.pk):
        raise Http404(_("公表された報告がありません"))
    return render(request, "kouka/public/stats_municipality.html", {
        "municipality": municipality, "scope": _describe(filters, municipality), "filters": _filter_form(filters),
        "tables": tables, "series": _series(municipality), "judgements": _judgement_labels(),
    })


def sources_view(request: HttpRequest) -> HttpResponse:
    """The published reports behind a number, with how many of its projects or KPIs each holds."""
    slug = request.GET.get("m", "")[:40]
    municipality = selectors.municipality_published(slug) if slug else None
    if slug and municipality is None:  # a body that has published nothing is not named on a public page
        raise Http404(_("団体がありません"))
    filters = filters_from(request.GET)
    if municipality is not None:
        filters = replace(filters, municipality=municipality.pk)
    wanted = request.GET.get("judgement", "")
    judgement = Judgement(wanted) if wanted in set(Judgement) else None
    kpis = judgement is not None or request.GET.get("what") == "kpis"
    page = Paginator(dashboards.sources(filters, judgement, kpis=kpis), SOURCES_PER_PAGE).get_page(
        request.GET.get("page"))
    rows = [dashboards.source_of(row) for row in page.object_list]
    what = ((_("{judgement}の成果目標").format(judgement=JUDGEMENT_LABELS[judgement]) if judgement else _("成果目標"))
            if kpis else _("事業"))
    query = _query(filters, municipality.slug if municipality else "",
                   **({"judgement": judgement.value} if judgement else {}), **({"what": "kpis"} if kpis else {}))
    return render(request, "kouka/public/stats_sources.html", {
        "scope": _describe(filters, municipality), "what": what, "page": page, "page_query": urlencode(query),
        "rows": [(row, format_fiscal_year(row.fiscal_year)) for row in rows],
    })
