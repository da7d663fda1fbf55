"""The public dashboard pages: every number on them links to the published reports it comes from."""

import re
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from kouka.domain.rules import Judgement
from kouka.web.models import Municipality
from kouka.web.stats import dashboards
from kouka.web.stats.dashboards import Filters

if TYPE_CHECKING:
    from stats_fixtures import SynthWorld


LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')


def links(html: str) -> list[tuple[str, str]]:
    return [(unescape(href), text) for href, text in LINK.findall(html)]


def source_total(client: Client, href: str) -> int:
    """The sum of the counts on every page of a sources list."""
    total, page = 0, 1
    while True:
        html = client.get(href + f"&page={page}").content.decode()
        total += sum(int(n) for n in re.findall(r'<td class="num">(\d+)</td>', html))
        if "次のページ" not in html:
            return total
        page += 1


def test_national_page_numbers_link_to_their_sources(synth_world: "SynthWorld") -> None:
    client = Client()
    response = client.get("/stats/")
    assert response.status_code == 200
    html = response.content.decode()
    total = dashboards.summary()
    assert f"{total.projects:,}" in html and f"{total.kpis[Judgement.NOT_MET]:,}" in html
    year = min(y for y, _ in dashboards.by_year())
    not_met = dashboards.summary(Filters(year=year)).kpis[Judgement.NOT_MET]
    href = next(h for h, _text in links(html)
                if h.startswith("/stats/sources/") and parse_qs(urlsplit(h).query) == {
                    "year": [str(year)], "judgement": ["not_met"]})
    assert source_total(client, href) == not_met > 0
    sources_html = client.get(href).content.decode()
    slug = re.search(rf'href="/m/([^/]+)/{year}/"', sources_html)
    assert slug is not None and client.get(f"/m/{slug.group(1)}/{year}/").status_code == 200
    assert synth_world.draft.name not in html  # a draft is never counted nor ranked


def test_prefecture_and_municipality_pages(synth_world: "SynthWorld") -> None:
    client = Client()
    prefecture, figures = max(dashboards.by_prefecture(), key=lambda pf: pf[1].projects)
    html = client.get(f"/stats/{prefecture}/").content.decode()
    assert f"{prefecture}の集計" in html and f"{figures.kpis.total:,}" in html
    assert client.get("/stats/どこにもない県/").status_code == 404
    body = Municipality.objects.filter(prefecture=prefecture).exclude(pk=synth_world.draft.pk).first()
    assert body is not None
    page = client.get(f"/stats/m/{body.slug}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert content.count("<svg") >= 2 and "成果目標の推移" in content
    kpi_links = [h for h, _ in links(content) if re.fullmatch(rf"/m/{body.slug}/\d+/kpi/\d+/\d+/", h)]
    assert kpi_links and all(client.get(h).status_code == 200 for h in kpi_links[:3])
    assert client.get(f"/stats/m/{synth_world.draft.slug}/").status_code == 404  # only a draft: nothing public
    filtered = client.get(f"/stats/{prefecture}/?year=abc&kind=nonsense&unit=")
    assert filtered.status_code == 200  # malformed filters are ignored


def test_a_dashboard_page_checks_the_rollups_once_and_still_notices_stale_ones(synth_world: "SynthWorld") -> None:
    """The check counts every fact: once per page, not once per query; facts changed behind the rollups'
    back (a bulk load cut short) are still noticed by the next page."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from kouka.web import dbrouter
    from kouka.web.models import KpiFact

    client = Client()
    with CaptureQueriesContext(connections[dbrouter.current()]) as queries:
        assert client.get("/stats/").status_code == 200
    checks = [q["sql"] for q in queries.captured_queries if 'FROM "kouka_kpifact"' in q["sql"] and "MAX(" in q["sql"]]
    assert len(checks) == 1
    cycle = KpiFact.objects.filter(project_row=True).values_list("cycle_id", flat=True).first()
    gone = KpiFact.objects.filter(cycle_id=cycle)
    projects_gone = gone.filter(project_row=True).count()
    before = dashboards.summary().projects
    gone.delete()
    html = client.get("/stats/").content.decode()
    assert f"{before - projects_gone:,}" in html and dashboards.summary().projects == before - projects_gone
