"""Public pages: published reports only, no sign-in. Everything shown comes from a frozen publication."""

from typing import Any

from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control

from kouka.domain.aggregate import kpi_series
from kouka.domain.carry import kpi_key
from kouka.domain.checks import circled
from kouka.domain.eras import format_fiscal_year
from kouka.domain.jpnumbers import format_yen
from kouka.domain.model import Measurement, Report
from kouka.domain.notation import write_measurement
from kouka.domain.rules import judge_kpi, report_total
from kouka.web import integrations, mapping, pagecache
from kouka.web.models import Cycle, Municipality, Publication
from kouka.web.stats import charts
from kouka.web.views.staff import export_response


def published_cycles() -> Any:
    return Cycle.objects.filter(revision__gt=0).select_related("municipality")


def _publication(slug: str, year: int) -> tuple[Cycle, Publication, Report]:
    cycle = published_cycles().filter(municipality__slug=slug, fiscal_year=year).first()
    publication = cycle.publications.order_by("-revision").first() if cycle else None
    if cycle is None or publication is None:
        raise Http404("公表された報告がありません / no published report")
    return cycle, publication, mapping.report_from_document(publication.document)


def published_reports(municipality: Municipality) -> list[Report]:
    """The latest published revision of each of a municipality's published years."""
    reports = []
    for cycle in published_cycles().filter(municipality=municipality):
        publication = cycle.publications.order_by("-revision").first()
        if publication is not None:
            reports.append(mapping.report_from_document(publication.document))
    return reports


@cache_control(public=True, max_age=3600)
def publication_css(request: HttpRequest) -> HttpResponse:
    try:
        css = integrations.publication_stylesheet()
    except integrations.Unavailable:
        css = ""
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def index(request: HttpRequest) -> HttpResponse:
    rows = []
    for municipality in Municipality.objects.filter(cycles__revision__gt=0).distinct():
        years = published_cycles().filter(municipality=municipality).order_by("-fiscal_year")
        rows.append((municipality, [(c.fiscal_year, format_fiscal_year(c.fiscal_year)) for c in years]))
    return render(request, "kouka/public/index.html", {"rows": rows})


def municipality_view(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = Municipality.objects.filter(slug=slug).first()
    if municipality is None:
        raise Http404("団体がありません")
    cycles = published_cycles().filter(municipality=municipality).annotate(latest=Max("publications__published_at"))
    years = [(c, format_fiscal_year(c.fiscal_year)) for c in cycles.order_by("-fiscal_year")]
    if not years:
        raise Http404("公表された報告がありません")
    return render(request, "kouka/public/municipality.html", {"municipality": municipality, "years": years})


def kpi_rows(report: Report) -> list[dict[str, Any]]:
    rows = []
    for project in report.projects:
        for kpi in project.kpis:
            result = judge_kpi(kpi, report.fiscal_year)
            rows.append({"project": project, "kpi": kpi, "result": result,
                         "label": f"事業{circled(project.number)} 成果目標{circled(kpi.number)}",
                         "target": write_measurement(result.target) if result.target else "－",
                         "actual": write_measurement(result.actual) if result.actual else "－"})
    return rows


def latest_publication(slug: str, year: int) -> Publication:
    """The latest published revision of a municipality's year. One light query: only what names the revision
    is read; the rest (the document, the cycle) loads when a page has to be rendered."""
    publication: Publication | None = (
        Publication.objects.filter(cycle__municipality__slug=slug, cycle__fiscal_year=year)
        .only("id", "revision", "published_at", "cycle_id").order_by("-revision").first())
    if publication is None:
        raise Http404("公表された報告がありません / no published report")
    return publication


def report_body(publication: Publication) -> str:
    """The page body of one published revision; it depends on nothing but the publication (and its earlier
    revisions), so :mod:`kouka.web.pagecache` keeps it."""
    cycle = publication.cycle
    report = mapping.report_from_document(publication.document)
    try:
        fragment = mark_safe(integrations.render_fragment(report))
    except integrations.Unavailable:
        fragment = None
    return render_to_string("kouka/public/report_body.html", {
        "cycle": cycle, "publication": publication, "report": report, "fragment": fragment,
        "year_label": format_fiscal_year(cycle.fiscal_year), "total": format_yen(report_total(report)),
        "rows": kpi_rows(report), "exports": list(integrations.EXPORTS.values()),
        "revisions": cycle.publications.filter(revision__lte=publication.revision).order_by("-revision"),
    })


def _validators(response: HttpResponse, key: str, publication: Publication) -> HttpResponse:
    response.headers["ETag"] = pagecache.etag(key)
    response.headers["Last-Modified"] = http_date(publication.published_at.timestamp())
    patch_cache_control(response, public=True, no_cache=True)  # revalidate every time: a correction shows at once
    return response


def _report_page(request: HttpRequest, publication: Publication) -> HttpResponse:
    body = pagecache.cached_html(pagecache.publication_key("report-body", publication),
                                 lambda: report_body(publication))
    cycle = publication.cycle
    return render(request, "kouka/public/report.html", {
        "title": f"{cycle.municipality.name} {format_fiscal_year(cycle.fiscal_year)}", "body": mark_safe(body)})


def report_view(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """A published report, from :mod:`kouka.web.pagecache`. Anonymous readers share one cached page with
    ETag / Last-Modified (304 on a conditional GET); signed-in staff get the cached body in their own frame."""
    publication = latest_publication(slug, year)
    if request.user.is_authenticated:
        response = _report_page(request, publication)
        patch_cache_control(response, private=True, no_cache=True)
        return response
    key = pagecache.publication_key("report", publication)
    not_modified = get_conditional_response(request, etag=pagecache.etag(key),
                                            last_modified=int(publication.published_at.timestamp()))
    response = not_modified if not_modified is not None else pagecache.anonymous_page(
        request, key, lambda: _report_page(request, publication))
    return _validators(response, key, publication)


def _text(measurement: Measurement | None) -> str:
    return write_measurement(measurement) if measurement is not None else "－"


def kpi_view(request: HttpRequest, slug: str, year: int, project: int, kpi: int) -> HttpResponse:
    cycle, publication, report = _publication(slug, year)
    try:
        found_project = report.project(project)
        found = found_project.kpi(kpi)
    except KeyError as exc:
        raise Http404("成果目標がありません") from exc
    published = kpi_series(published_reports(cycle.municipality)).get(
        kpi_key(report.municipality, found_project, found))
    merged = charts.across_years(found, published)
    table = [(format_fiscal_year(y), _text(merged.targets.get(y)), _text(merged.actuals.get(y)),
              judge_kpi(merged, y).label) for y in sorted(set(merged.targets) | set(merged.actuals))]
    return render(request, "kouka/public/kpi.html", {
        "cycle": cycle, "publication": publication, "report": report, "project": found_project, "kpi": found,
        "label": f"事業{circled(project)} 成果目標{circled(kpi)}", "chart": mark_safe(charts.svg(merged)),
        "table": table, "year_label": format_fiscal_year(year),
        "baseline": write_measurement(found.baseline) if found.baseline else "－",
        "baseline_year": format_fiscal_year(found.baseline_year) if found.baseline_year else "",
    })


def export_view(request: HttpRequest, slug: str, year: int, fmt: str) -> HttpResponse:
    if fmt not in integrations.EXPORTS:
        raise Http404("形式がありません")
    _cycle, publication, report = _publication(slug, year)
    return export_response(report, fmt, f"{slug}-{year}-r{publication.revision}")


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    hits: list[dict[str, Any]] = []
    if query:
        latest: dict[int, Publication] = {}
        cycles = published_cycles()
        for cycle in cycles:
            publication = cycle.publications.order_by("-revision").first()
            if publication is not None:
                latest[cycle.pk] = publication
        for publication in latest.values():
            cycle = publication.cycle
            report = mapping.report_from_document(publication.document)
            for project in report.projects:
                project_hit = query in project.title or query in " ".join(project.summary)
                kpi_hits = [k for k in project.kpis if query in k.name]
                if project_hit or kpi_hits:
                    hits.append({"cycle": cycle, "project": project, "kpis": kpi_hits,
                                 "year_label": format_fiscal_year(cycle.fiscal_year)})
    return render(request, "kouka/public/search.html", {"query": query, "hits": hits})
