"""Public pages: published reports only, no sign-in. Everything shown comes from a frozen publication."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
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
from kouka.web import artifacts, integrations, selectors
from kouka.web.models import Publication
from kouka.web.stats import charts


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


YEAR_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True)
class Served:
    """What is asked of a stored artifact: whose, which, and how long a reader may keep it."""

    publication: Publication
    kind: str
    immutable: bool  # at the revision's own address: the bytes there never change
    latest_url: str = ""  # set when a later revision superseded this one
    bom: bool = True
    switch: tuple[str, str] | None = None  # a page served at the year's plain address: (its own address, that)
    superseded_at: datetime | None = None  # when the revision that superseded it was published

    @property
    def modified(self) -> datetime:
        """Last-Modified: the publication, or the correction that marked it superseded."""
        return self.superseded_at or self.publication.published_at


def _headers(response: HttpResponse, served: Served, tag: str) -> HttpResponse:
    response.headers["ETag"] = tag
    response.headers["Last-Modified"] = http_date(served.modified.timestamp())
    if served.immutable:
        patch_cache_control(response, public=True, max_age=YEAR_SECONDS, immutable=True)
    else:  # the year's latest: revalidate every time, so a correction shows at once
        patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))  # the language cookie chooses the stored file
    return response


def _stored(request: HttpRequest, served: Served) -> HttpResponse:
    """The stored bytes of an artifact (rendered and stored first when missing), with validators; a 304 when
    the reader holds them already."""
    language = artifacts.language_now()
    digest = selectors.publication_digest(served.publication)
    tag = (f'"{digest}.{language}.{served.kind}.{artifacts.code_fingerprint()}'
           f'{".superseded" if served.latest_url else ""}{"" if served.bom else ".nobom"}"')
    response = get_conditional_response(request, etag=tag,
                                        last_modified=int(served.modified.timestamp()))
    if response is None:
        try:
            data = artifacts.artifact_bytes(served.publication, served.kind, language)
        except integrations.Unavailable as exc:
            return HttpResponse(_("この形式は現在利用できません: {reason}").format(reason=exc), status=503,
                                content_type="text/plain; charset=utf-8")
        if served.latest_url:
            data = artifacts.superseded(data, served.latest_url)
        if not served.bom:
            data = integrations.without_bom(data)
        if served.switch is not None:
            data = artifacts.switched_back_to(data, *served.switch)
        response = HttpResponse(data, content_type=artifacts.KINDS[served.kind].content_type)
    return _headers(response, served, tag)


def _framed(request: HttpRequest, served: Served) -> HttpResponse:
    """The stored body in a frame of the reader's own (signed-in staff, a message waiting): never shared."""
    stored = artifacts.artifact_bytes(served.publication, "body", artifacts.language_now())
    body = (artifacts.superseded(stored, served.latest_url) if served.latest_url else stored).decode()
    response = render(request, "kouka/public/report.html", {
        "title": artifacts.page_title(served.publication), "body": mark_safe(body)})
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _page(request: HttpRequest, served: Served) -> HttpResponse:
    """A published revision's page: the stored page for anonymous readers, with ETag / Last-Modified (304 on a
    conditional GET); signed-in staff and a reader with a message waiting get the stored body in their own
    frame."""
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return _framed(request, served)
    return _stored(request, served)


def report_view(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The year's latest revision (:mod:`kouka.web.artifacts`)."""
    publication = selectors.publication_latest(slug=slug, year=year)
    own = reverse("kouka:revision", args=[slug, year, selectors.publication_digest(publication)])
    return _page(request, Served(publication, "page", immutable=False, switch=(own, request.path)))


def _at(slug: str, year: int, digest: str, kind: str, **options: Any) -> Served:
    """The revision at its own address as served there: for ever the same bytes once superseded (a page then
    says so), the latest revision's page revalidated."""
    found = selectors.publication_at(slug=slug, year=year, digest=digest)
    if kind != "page":
        return Served(found.publication, kind, immutable=True, **options)
    if not found.superseded:
        return Served(found.publication, kind, immutable=False, **options)
    return Served(found.publication, kind, immutable=True, latest_url=reverse("kouka:report", args=[slug, year]),
                  superseded_at=found.latest.published_at, **options)


def revision_view(request: HttpRequest, slug: str, year: int, digest: str) -> HttpResponse:
    """One revision at its own address; once superseded it says so and links to the latest, and never changes
    again (a reader may keep it for a year); the latest revision's revalidates."""
    return _page(request, _at(slug, year, digest, "page"))


def _download(request: HttpRequest, served: Served, slug: str, year: int, fmt: str) -> HttpResponse:
    spec = integrations.EXPORTS.get(fmt)
    if spec is None:
        raise Http404(_("形式がありません"))
    response = _stored(request, served)
    if response.status_code == 200:
        suffix = "-ja" if fmt == "csv-ja" else ""
        response["Content-Disposition"] = (f'attachment; filename="{slug}-{year}-r{served.publication.revision}'
                                           f'{suffix}.{spec.extension}"')
    return response


def export_view(request: HttpRequest, slug: str, year: int, fmt: str) -> HttpResponse:
    """A download of the latest revision, stored once; a CSV has a BOM unless ``?bom=0`` (for programs)."""
    served = Served(selectors.publication_latest(slug=slug, year=year), fmt, immutable=False,
                    bom=request.GET.get("bom") != "0")
    return _download(request, served, slug, year, fmt)


def revision_export_view(request: HttpRequest, slug: str, year: int, digest: str, fmt: str) -> HttpResponse:
    """A download of one revision at its own address: the same bytes for ever."""
    return _download(request, _at(slug, year, digest, fmt, bom=request.GET.get("bom") != "0"), slug, year, fmt)


def revision_fragment_view(request: HttpRequest, slug: str, year: int, digest: str) -> HttpResponse:
    """The CMS fragment of one revision (its HTML without the site's frame, for a city's own page, styled by
    /publication.css): stored once, the same bytes for ever."""
    return _stored(request, _at(slug, year, digest, "fragment"))


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
              _(judge_kpi(merged, y).label)) for y in sorted(set(merged.targets) | set(merged.actuals))]
    return render(request, "kouka/public/kpi.html", {
        "cycle": cycle, "publication": publication, "report": report, "project": found_project, "kpi": found,
        "label": _("事業{project} 成果目標{kpi}").format(project=circled(project), kpi=circled(kpi)),
        "chart": mark_safe(charts.svg(merged)),
        "table": table, "year_label": format_fiscal_year(year),
        "baseline": write_measurement(found.baseline) if found.baseline else "－",
        "baseline_year": format_fiscal_year(found.baseline_year) if found.baseline_year else "",
    })


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
