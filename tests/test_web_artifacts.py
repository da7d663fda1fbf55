"""A publication's page and downloads are rendered once and served as stored files (kouka.web.artifacts):
validators and 304s, the storage shared by server processes, a correction making new addresses while the old
ones keep the old revision (marked as superseded), one render under concurrent requests, nobody's page frame
leaking, and reclaiming what no publication needs."""

import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from database_support import ENGINES, attach
from kouka.web import artifacts, dbrouter, selectors
from kouka.web.models import Cycle, Publication
from web_fixtures import build_world, correct_2022, world_committed

if TYPE_CHECKING:
    from web_fixtures import World

REPORT = "/m/isesaki/2022/"
IMMUTABLE = "max-age=31536000"


@pytest.fixture(autouse=True)
def lock_dir(settings: Any, tmp_path: Path) -> Path:
    settings.KOUKA_LOCK_DIR = tmp_path / "locks"
    return Path(settings.KOUKA_LOCK_DIR)


def stored_files(media: Any) -> list[Path]:
    return sorted(p for p in (Path(media) / "artifacts").rglob("*") if p.is_file())


def revision_link(page: str, fmt: str) -> str:
    """The page's link to download ``fmt`` of the revision it shows."""
    for piece in page.split('href="')[1:]:
        url = piece.split('"', 1)[0]
        if url.startswith("/m/isesaki/2022/r/") and url.endswith(f"/export/{fmt}/"):
            return url
    raise AssertionError(f"no link to the revision's {fmt}")


def revision_page(world: "World") -> str:
    """The own address of 2022's latest revision."""
    return f"/m/isesaki/2022/r/{selectors.publication_digest(selectors.publication_latest(slug='isesaki', year=2022))}/"


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_anonymous_page_has_validators_and_a_conditional_get_answers_304(world: "World") -> None:
    public = world.client("anonymous")
    first = public.get(REPORT)
    assert first.status_code == 200 and "2社" in first.content.decode()
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    digest = selectors.publication_digest(selectors.publication_latest(slug="isesaki", year=2022))
    assert etag.startswith(f'"{digest}.ja.page.') and last_modified.endswith("GMT")
    assert "public" in first.headers["Cache-Control"] and "no-cache" in first.headers["Cache-Control"]
    assert "Cookie" in first.headers["Vary"]  # the language cookie chooses the stored file
    again = public.get(REPORT, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    assert public.get(REPORT, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    other = public.get(REPORT, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and other.content == first.content


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_second_request_reads_the_stored_file_without_reading_the_publication(world: "World", media: Any) -> None:
    public = world.client("anonymous")
    first = public.get(REPORT).content
    names = [p.name for p in stored_files(media)]
    assert names == ["page.html"]  # stored where every server process finds it
    # a publication is frozen, so a stored page is never re-read from it: change the stored copy behind the
    # application's back and ask again
    publication = Publication.objects.get(cycle__fiscal_year=2022)
    document = publication.document
    document["reports"][0]["projects"][0]["kpis"][0]["actuals"]["2022"]["text"] = "999社"
    Publication.objects.filter(pk=publication.pk).update(document=document)
    renders = sum(artifacts.RENDERS.values())
    with CaptureQueriesContext(connections[world.alias]) as queries:
        second = public.get(REPORT).content
    assert second == first and "999社" not in second.decode()
    assert sum(artifacts.RENDERS.values()) == renders
    assert len(queries) <= 2 and not any("document" in q["sql"] for q in queries)


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_a_correction_serves_new_artifacts_under_new_addresses_and_the_old_ones_keep_the_old_revision(
        world: "World") -> None:
    public, admin = world.client("anonymous"), world.client("kikaku")
    before = public.get(REPORT)
    old_page = before.content.decode()
    old_url, old_csv = revision_page(world), revision_link(old_page, "csv")
    assert "?next=/m/isesaki/2022/" in old_page and f"?next={old_url}" not in old_page  # the switch stays here
    assert f"?next={old_url}" in public.get(old_url).content.decode()  # and on a revision's own address there
    old_download = public.get(old_csv)
    assert old_download.status_code == 200 and IMMUTABLE in old_download.headers["Cache-Control"]
    assert "immutable" in old_download.headers["Cache-Control"]
    assert "第2版" not in old_page and "この版は訂正されました" not in public.get(old_url).content.decode()

    correct_2022(admin, "3社", "成果目標①の実績値を3社に訂正しました。")
    assert Cycle.objects.get(municipality=world.isesaki, fiscal_year=2022).revision == 2

    after = public.get(REPORT, HTTP_IF_NONE_MATCH=before.headers["ETag"])  # the reader's old copy is stale
    page = after.content.decode()
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert "3社" in page and "第2版" in page and "成果目標①の実績値を3社に訂正しました。" in page
    assert public.get(REPORT, HTTP_IF_NONE_MATCH=after.headers["ETag"]).status_code == 304
    new_url, new_csv = revision_page(world), revision_link(page, "csv")
    assert f'href="{new_url}" aria-current="page"' in page and f'href="{old_url}"' in page  # 改訂履歴
    assert new_url != old_url and new_csv != old_csv
    assert public.get(new_csv).content != old_download.content

    old = public.get(old_url)
    old_text = old.content.decode()
    assert old.status_code == 200 and "この版は訂正されました" in old_text and 'href="/m/isesaki/2022/"' in old_text
    assert "成果目標①の実績値を3社に訂正しました。" not in old_text and "第2版" not in old_text
    assert IMMUTABLE in old.headers["Cache-Control"]  # superseded: it never changes again
    assert old.headers["Last-Modified"] == after.headers["Last-Modified"]  # when it was superseded
    assert public.get(old_csv).content == old_download.content
    assert public.get(new_url).status_code == 200 and "no-cache" in public.get(new_url).headers["Cache-Control"]
    assert "この版は訂正されました" not in public.get(new_url).content.decode()
    assert public.get(REPORT.replace("2022/", "2022/r/" + "0" * 32 + "/")).status_code == 404


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_a_pdf_is_rendered_once_and_then_served_from_storage(world: "World", media: Any) -> None:
    public = world.client("anonymous")
    link = revision_link(public.get(REPORT).content.decode(), "pdf")
    renders = artifacts.RENDERS["pdf"]
    first = public.get(link)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert first.headers["Content-Disposition"] == 'attachment; filename="isesaki-2022-r1.pdf"'
    assert artifacts.RENDERS["pdf"] == renders + 1
    for url in (link, "/m/isesaki/2022/export/pdf/"):
        again = public.get(url)
        assert again.content == first.content and artifacts.RENDERS["pdf"] == renders + 1
    assert public.get(link, HTTP_IF_NONE_MATCH=first.headers["ETag"]).status_code == 304
    assert "no-cache" in public.get("/m/isesaki/2022/export/pdf/").headers["Cache-Control"]
    fragment = public.get(link.replace("export/pdf/", "fragment.html"))
    assert fragment.status_code == 200 and fragment["Content-Type"] == "text/html; charset=utf-8"
    assert IMMUTABLE in fragment.headers["Cache-Control"] and "<html" not in fragment.content.decode()
    assert "kouka-report" in fragment.content.decode() and "職員ログイン" not in fragment.content.decode()
    assert sorted(p.name for p in stored_files(media)) == ["fragment.html", "page.html", "pdf.pdf"]


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_english_is_stored_apart_from_japanese(world: "World", media: Any) -> None:
    public = world.client("anonymous")
    japanese = public.get(REPORT)
    public.get("/i18n/en/", {"next": REPORT})
    english = public.get(REPORT)
    assert english.headers["ETag"] != japanese.headers["ETag"] and '.en.page.' in english.headers["ETag"]
    assert 'lang="en"' in english.content.decode() and 'lang="ja"' in japanese.content.decode()
    assert sorted(p.parent.name for p in stored_files(media)) == ["en", "ja"]


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_staff_get_the_stored_body_in_their_own_frame_and_nobody_elses(world: "World") -> None:
    public, admin = world.client("anonymous"), world.client("kikaku")
    assert "職員ログイン" in public.get(REPORT).content.decode()  # the anonymous page is stored now
    staff = admin.get(REPORT)
    page = staff.content.decode()
    assert staff.status_code == 200 and "ログアウト（kikaku" in page and "2社" in page and "職員ログイン" not in page
    assert "ETag" not in staff.headers and "private" in staff.headers["Cache-Control"]
    again = public.get(REPORT).content.decode()
    assert "kikaku" not in again and "職員ログイン" in again and "csrfmiddlewaretoken" not in again


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_unpublished_year_is_404_and_nothing_is_stored(world: "World", media: Any) -> None:
    public = world.client("anonymous")
    assert public.get("/m/isesaki/2023/").status_code == 404
    assert public.get("/m/nowhere/2022/").status_code == 404
    assert public.get("/m/isesaki/2023/export/pdf/").status_code == 404
    assert public.get("/m/isesaki/2022/export/nothing/").status_code == 404
    assert stored_files(media) == []


def test_publishing_renders_every_artifact_in_the_background(transactional_db: Any, queue_worker: Any, media: Any,
                                                             settings: Any) -> None:
    """With a real queue and worker (as ``kouka serve`` runs one): every artifact of the new revision, in both
    languages, is stored once the publication commits; readers then find them stored."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_world("default")  # publishes 2022 (revision 1)
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="kikaku"))
    correct_2022(admin, "3社", "訂正")
    digest = selectors.publication_digest(selectors.publication_latest(slug="isesaki", year=2022))
    expected = {(language, kind.filename) for language in ("ja", "en") for kind in artifacts.KINDS.values()}
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        names = {(p.parent.name, p.name) for p in stored_files(media) if digest in str(p)}
        if names == expected:
            break
        time.sleep(0.2)
    assert names == expected
    renders = sum(artifacts.RENDERS.values())
    assert Client().get(REPORT).status_code == 200 and Client().get(REPORT + "export/pdf/").status_code == 200
    assert sum(artifacts.RENDERS.values()) == renders


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_reclaim_deletes_what_no_publication_needs_and_keeps_the_rest(world: "World", media: Any) -> None:
    public = world.client("anonymous")
    public.get(REPORT)
    kept = stored_files(media)
    store = artifacts.storage()
    gone = artifacts.artifact_name("ff" + "0" * 30, "page", "ja")  # a publication that no longer exists
    store.save(gone, ContentFile(b"old"))
    live = artifacts.artifact_name(selectors.publication_digest(Publication.objects.get()), "pdf", "ja")
    older_code = live.replace(f"/{artifacts.code_fingerprint()}/", "/000000000000/")
    store.save(older_code, ContentFile(b"older release"))
    assert len(stored_files(media)) == 3
    call_command("kouka_artifacts", "reclaim", stdout=io.StringIO())
    assert stored_files(media) == kept
    assert not (Path(media) / "artifacts" / "ff").exists() or not any((Path(media) / "artifacts" / "ff").iterdir())
    Cycle.objects.filter(fiscal_year=2022).delete()  # the year removed: its revisions are no longer public
    call_command("kouka_artifacts", "reclaim", stdout=io.StringIO())
    assert stored_files(media) == []


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_fill_renders_what_is_missing_of_every_latest_publication_once(world: "World", media: Any) -> None:
    out = io.StringIO()
    call_command("kouka_artifacts", "fill", "--kind", "page", "--kind", "csv", "--language", "ja", stdout=out)
    assert "2個のファイルを作成しました" in out.getvalue()
    assert sorted((p.parent.name, p.name) for p in stored_files(media)) == [("ja", "csv.csv"), ("ja", "page.html")]
    renders = sum(artifacts.RENDERS.values())
    call_command("kouka_artifacts", "fill", "--kind", "page", "--language", "ja", stdout=out)
    assert "0個のファイルを作成しました" in out.getvalue() and sum(artifacts.RENDERS.values()) == renders
    assert world.client("anonymous").get(revision_page(world)).content == (stored_files(media)[1]).read_bytes()


# --- at the same moment: eight readers asking for a download that is not stored yet ----------------------


@pytest.fixture(params=ENGINES)  # per test: it selects its database for as long as it lives
def committed_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                    django_db_blocker: Any) -> Iterator["World"]:
    with world_committed(request.param, tmp_path_factory.mktemp("herd"), django_db_blocker) as world:
        yield world


READERS = 8


@pytest.mark.django_db
def test_eight_readers_of_a_missing_download_cause_one_render(committed_world: "World", media: Any) -> None:
    alias = committed_world.alias
    publication = selectors.publication_latest(slug="isesaki", year=2022)
    url = f"/m/isesaki/2022/r/{selectors.publication_digest(publication)}/export/pdf/"
    barrier = threading.Barrier(READERS)
    bodies: list[bytes] = [b""] * READERS
    failures: list[BaseException] = []

    def read(index: int) -> None:
        try:
            attach(alias)
            with dbrouter.using_database(alias), override_settings(MEDIA_ROOT=media):
                client = Client()
                barrier.wait(timeout=30)
                response = client.get(url)
                assert response.status_code == 200, response.status_code
                bodies[index] = response.content
        except BaseException as exc:  # reported in the test's thread
            failures.append(exc)
        finally:
            connections[alias].close()

    renders = artifacts.RENDERS["pdf"]
    threads = [threading.Thread(target=read, args=(i,)) for i in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert artifacts.RENDERS["pdf"] == renders + 1  # one render; seven readers waited and read the stored file
    assert bodies[0].startswith(b"%PDF") and all(body == bodies[0] for body in bodies)
    assert [p.name for p in stored_files(media)] == ["pdf.pdf"]
