"""The public report page is served from the page cache (kouka.web.pagecache): validators and 304s, the
shared cache between server processes, a correction showing at once, and nobody's page frame leaking."""

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.test.utils import CaptureQueriesContext

from kouka.web import mapping, pagecache
from kouka.web.forms import KpiForm
from kouka.web.models import Cycle, KpiRecord, Publication

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

REPORT = "/m/isesaki/2022/"


@pytest.fixture(autouse=True)
def page_caches(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """A file cache of this test's own (as the server processes share one) and a fresh in-process one."""
    location = tmp_path / "pages"
    settings.CACHES = {**settings.CACHES,
                       "pages": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                 "LOCATION": str(location)},
                       "pages_local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                       "LOCATION": f"test-{tmp_path.name}"}}
    yield location


def kpi_form_2022(**values: str) -> dict[str, Any]:
    record = KpiRecord.objects.get(project__cycle__fiscal_year=2022, project__cycle__municipality__slug="isesaki",
                                   project__number=1, number=1)
    data = KpiForm.initial_for(mapping.kpi_of(record), record.version)
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_anonymous_page_has_validators_and_a_conditional_get_answers_304(world: "World") -> None:
    public = world.client("anonymous")
    first = public.get(REPORT)
    assert first.status_code == 200 and "2社" in first.content.decode()
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"kouka-report-') and last_modified.endswith("GMT")
    assert "public" in first.headers["Cache-Control"] and "no-cache" in first.headers["Cache-Control"]
    again = public.get(REPORT, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    assert public.get(REPORT, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    other = public.get(REPORT, HTTP_IF_NONE_MATCH='"kouka-report-something-else"')
    assert other.status_code == 200 and other.content == first.content


def test_second_request_comes_from_the_shared_cache_without_reading_the_publication(
        world: "World", page_caches: Path) -> None:
    public = world.client("anonymous")
    first = public.get(REPORT).content
    assert any(page_caches.iterdir())  # stored where every server process finds it
    # a publication is frozen, so a cached page is never re-read from it: change the stored copy behind
    # the application's back, drop this process's memory cache (as in another worker) and ask again
    publication = Publication.objects.get(cycle__fiscal_year=2022)
    document = publication.document
    document["reports"][0]["projects"][0]["kpis"][0]["actuals"]["2022"]["text"] = "999社"
    Publication.objects.filter(pk=publication.pk).update(document=document)
    caches[pagecache.LOCAL].clear()
    with CaptureQueriesContext(connections[world.alias]) as queries:
        second = public.get(REPORT).content
    assert second == first and "999社" not in second.decode()
    assert len(queries) <= 2 and not any("document" in q["sql"] for q in queries)


def test_a_correction_shows_at_once_with_its_note(world: "World") -> None:
    public, admin = world.client("anonymous"), world.client("kikaku")
    before = public.get(REPORT)
    assert "2社" in before.content.decode() and "第2版" not in before.content.decode()
    assert admin.post("/staff/2022/transition/correct/").status_code == 302
    assert admin.post("/staff/2022/projects/1/kpis/1/", kpi_form_2022(actual_2022="3社")).status_code == 302
    for step in ("submit", "review"):
        admin.post(f"/staff/2022/transition/{step}/")
    admin.post("/staff/2022/transition/publish/", {"note": "成果目標①の実績値を3社に訂正しました。"})
    assert Cycle.objects.get(municipality=world.isesaki, fiscal_year=2022).revision == 2
    after = public.get(REPORT, HTTP_IF_NONE_MATCH=before.headers["ETag"])  # the reader's old copy is stale
    page = after.content.decode()
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert "3社" in page and "第2版" in page and "成果目標①の実績値を3社に訂正しました。" in page
    assert public.get(REPORT, HTTP_IF_NONE_MATCH=after.headers["ETag"]).status_code == 304


def test_staff_get_the_cached_body_in_their_own_frame_and_nobody_elses(world: "World") -> None:
    public, admin = world.client("anonymous"), world.client("kikaku")
    assert "職員ログイン" in public.get(REPORT).content.decode()  # the anonymous page is cached now
    staff = admin.get(REPORT)
    page = staff.content.decode()
    assert staff.status_code == 200 and "ログアウト（kikaku" in page and "2社" in page and "職員ログイン" not in page
    assert "ETag" not in staff.headers and "private" in staff.headers["Cache-Control"]
    again = public.get(REPORT).content.decode()
    assert "kikaku" not in again and "職員ログイン" in again and "csrfmiddlewaretoken" not in again


def test_unpublished_year_is_404_and_not_cached(world: "World", page_caches: Path) -> None:
    public = world.client("anonymous")
    assert public.get("/m/isesaki/2023/").status_code == 404
    assert public.get("/m/nowhere/2022/").status_code == 404
    assert not page_caches.exists() or not any(page_caches.iterdir())
