"""Public pages: published reports only, no sign-in. Everything shown comes from a frozen publication."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from kouka.domain.aggregate import kpi_series
from kouka.domain.carry import kpi_key
from kouka.domain.checks import circled
from kouka.domain.eras import format_fiscal_year
from kouka.domain.model import Measurement
from kouka.domain.notation import write_measurement
from kouka.domain.rules import judge_kpi
from kouka.domain.search import MAX_QUERY_CHARS, MIN_CHARS, search_terms, too_short
from kouka.render.catalog import Download, catalog, published_dataset
from kouka.render.datapackage import data_package
from kouka.render.html import stylesheet
from kouka.web import pagecache, selectors
from kouka.web.models import Publication
from kouka.web.stats import charts
from kouka.web.views.common import export_response, report_body


@cache_control(public=True, max_age=3600)
def publication_css(request: HttpRequest) -> HttpResponse:
    return HttpResponse(stylesheet(), content_type="text/css; charset=utf-8")


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "kouka/public/index.html", {"rows": selectors.published_index()})


def municipality_view(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = selectors.municipality_get(slug)
    years = selectors.published_years(municipality)
    if not years:
        raise Http404(_("公表された報告がありません"))
    return render(request, "kouka/public/municipality.html", {"municipality": municipality, "years": years})


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
    publication = selectors.publication_latest(slug=slug, year=year)
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
    publication = selectors.publication_latest(slug=slug, year=year)
    cycle, report = publication.cycle, selectors.publication_report(publication)
    try:
        found_project = report.project(project)
        found = found_project.kpi(kpi)
    except KeyError as exc:
        raise Http404(_("成果目標がありません")) from exc
    published = kpi_series(selectors.published_reports(cycle.municipality)).get(
        kpi_key(report.municipality, found_project, found))
    merged = charts.across_years(found, published)
    table = [(format_fiscal_year(y), _text(merged.targets.get(y)), _text(merged.actuals.get(y)),
              judge_kpi(merged, y).label) for y in sorted(set(merged.targets) | set(merged.actuals))]
    return render(request, "kouka/public/kpi.html", {
        "cycle": cycle, "publication": publication, "report": report, "project": found_project, "kpi": found,
        "label": _("事業{project} 成果目標{kpi}").format(project=circled(project), kpi=circled(kpi)),
        "chart": mark_safe(charts.svg(merged)),
        "table": table, "year_label": format_fiscal_year(year),
        "baseline": write_measurement(found.baseline) if found.baseline else "－",
        "baseline_year": format_fiscal_year(found.baseline_year) if found.baseline_year else "",
    })


def export_view(request: HttpRequest, slug: str, year: int, fmt: str) -> HttpResponse:
    """A download of the latest revision; a CSV has a BOM unless ``?bom=0`` (for programs)."""
    publication = selectors.publication_latest(slug=slug, year=year)
    return export_response(selectors.publication_report(publication), fmt, f"{slug}-{year}-r{publication.revision}",
                           bom=request.GET.get("bom") != "0")


def datapackage_view(request: HttpRequest, slug: str, year: int) -> JsonResponse:
    """The Frictionless Data Package of the year's CSV: every column with its Japanese title, type and unit."""
    publication = selectors.publication_latest(slug=slug, year=year)
    report = selectors.publication_report(publication)
    csv_url = request.build_absolute_uri(reverse("kouka:export", args=[slug, year, "csv"]))
    package = data_package(report, name=f"{slug}-{year}", csv_path=csv_url, bom=True)
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 1})


def catalog_view(request: HttpRequest) -> JsonResponse:
    """The DCAT-US 1.1 ``data.json`` of every published year, which CKAN's harvester (BODIK, prefecture
    portals) reads: each dataset with its licence, publisher, dates and downloads."""
    def absolute(name: str, *args: object) -> str:
        return request.build_absolute_uri(reverse(name, args=args))

    datasets = []
    for entry in selectors.publications_for_catalog():
        year = entry.report.fiscal_year
        package = absolute("kouka:datapackage", entry.slug, year)
        downloads = [
            Download(absolute("kouka:export", entry.slug, year, "csv"), "text/csv", "CSV",
                     _("成果目標の一覧（CSV）"), package),
            Download(absolute("kouka:export", entry.slug, year, "csv-ja"), "text/csv", "CSV",
                     _("成果目標の一覧（CSV・日本語の列名）")),
            Download(absolute("kouka:export", entry.slug, year, "json"), "application/json", "JSON",
                     _("kouka JSON（効果検証の全体）")),
            Download(absolute("kouka:export", entry.slug, year, "pdf"), "application/pdf", "PDF", _("公表資料（PDF）")),
        ]
        datasets.append(published_dataset(
            entry.report, landing_page=absolute("kouka:report", entry.slug, year), downloads=downloads,
            modified=entry.modified, issued=entry.issued, contact_name=entry.report.municipality.name,
            contact_email=settings.KOUKA_CATALOG_EMAIL))
    document = catalog(datasets, catalog_url=absolute("kouka:catalog"))
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})


def search(request: HttpRequest) -> HttpResponse:
    """Paginated hits of the search index (``?q=観光&page=2``); a query of one character is refused with a
    message rather than finding nearly everything."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    short = bool(query) and too_short(search_terms(query))
    shown, more = selectors.published_search_shown(query)
    page = Paginator(shown, selectors.SEARCH_PAGE).get_page(request.GET.get("page"))
    return render(request, "kouka/public/search.html", {
        "query": query, "too_short": short, "page": page, "more": more, "shown_count": f"{page.paginator.count:,}",
        "hits": selectors.search_hits(query, selectors.search_entries(list(page.object_list))),
        "page_query": urlencode({"q": query}), "min_chars": MIN_CHARS})
