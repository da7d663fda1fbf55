"""Optimistic locking on every editable record: two people saving the same thing from the same starting point.

The second save is refused with a message (HTTP 409) and its input kept; nothing the first saved is lost.
Interleaved on SQLite and PostgreSQL (the ``world`` of web_fixtures); and truly at the same moment (two threads,
two connections, committed data in a fresh database of each engine) for a KPI, the report-level form and a
project's まとめ via the API.
"""

import json
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from database_support import ENGINES, attach
from kouka.web import dbrouter, mapping
from kouka.web.forms import KpiForm, ReportForm
from kouka.web.models import Change, KpiRecord, ProjectRecord, Publication, State
from paths import EXAMPLE
from web_fixtures import world_committed

if TYPE_CHECKING:
    from django.http import HttpResponse

    from web_fixtures import World


KPI_PATH = "/staff/2023/projects/1/kpis/1/"
VERIFICATION_PATH = "/api/staff/cycles/2023/projects/1/verification"


def kpi_form(world: "World", **values: str) -> dict[str, Any]:
    record = KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1)
    data = KpiForm.initial_for(mapping.kpi_of(record), record.version) | values
    return {k: v for k, v in data.items() if v is not None}


def report_form(world: "World", year: int = 2023, **values: Any) -> dict[str, Any]:
    cycle = world.cycle(year)
    data = ReportForm.initial_for(mapping.report_of(cycle), cycle.version) | values
    return {k: "" if v is None else v for k, v in data.items()}


def put_json(client: Client, path: str, body: dict[str, Any]) -> "HttpResponse":
    response: HttpResponse = client.put(path, json.dumps(body), content_type="application/json")
    return response


# --- interleaved: SQLite and PostgreSQL ------------------------------------------------------------------


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_stale_report_form_is_refused_and_its_input_kept(world: "World") -> None:
    first, second = world.client("kikaku"), world.client("kikaku")
    stale = report_form(world)
    assert first.post("/staff/2023/report/", stale | {"title": "一人目の表題"}).status_code == 302
    response = second.post("/staff/2023/report/", stale | {"title": "二人目の表題", "stated_total": "1,000円"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "他の人が先にこの内容を保存しました" in page
    assert 'value="二人目の表題"' in page and 'value="1,000円"' in page  # the input is kept
    assert "保存されている最新の内容" in page and "一人目の表題" in page  # beside what is saved now
    cycle = world.cycle()
    assert cycle.report["title"] == "一人目の表題" and cycle.version == stale["version"] + 1
    assert Change.objects.filter(action="report:update").count() == 1
    assert second.post("/staff/2023/report/", report_form(world, title="二人目の表題")).status_code == 302


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_a_transition_from_a_stale_page_is_refused_and_the_note_kept(world: "World") -> None:
    admin, other = world.client("kikaku"), world.client("kikaku")
    admin.post("/staff/2022/transition/correct/")
    for step in ("submit", "review"):
        admin.post(f"/staff/2022/transition/{step}/", {"version": world.cycle(2022).version})
    seen = world.cycle(2022).version  # the page the first administrator is looking at: 確認済み
    other.post("/staff/2022/transition/return/", {"version": seen})  # someone sends it back, edits, reviews it
    assert other.post("/staff/2022/report/", report_form(world, 2022, title="訂正後の表題")).status_code == 302
    for step in ("submit", "review"):
        other.post(f"/staff/2022/transition/{step}/", {"version": world.cycle(2022).version})
    assert world.cycle(2022).state == State.REVIEWED
    response = admin.post("/staff/2022/publish/", {"version": seen, "note": "実績値を訂正しました。"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "画面を開いた後に他の人が変更しました" in page and "実績値を訂正しました。</textarea>" in page
    assert world.cycle(2022).revision == 1 and Publication.objects.filter(cycle=world.cycle(2022)).count() == 1
    response = admin.post("/staff/2022/publish/", {"version": world.cycle(2022).version,
                                                   "note": "実績値を訂正しました。"})
    assert response.status_code == 302 and world.cycle(2022).revision == 2
    # the API: a transition with the version the client saw
    api = world.client("kikaku")
    version = api.get("/api/staff/cycles/2023").json()["version"]
    assert api.post("/staff/2023/report/", report_form(world, title="先に保存")).status_code == 302
    response = api.post("/api/staff/cycles/2023/transitions/submit", json.dumps({"version": version}),
                        content_type="application/json")
    assert response.status_code == 409 and "他の人が変更しました" in response.json()["detail"]
    assert world.cycle().state == State.DRAFT


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_stale_verification_via_the_api_is_refused(world: "World") -> None:
    first, second = world.client("kikaku"), world.client("shoko")
    version = first.get("/api/staff/cycles/2023/projects/1").json()["version"]
    assert put_json(first, VERIFICATION_PATH, {"paragraphs": ["一人目"], "version": version}).status_code == 200
    response = put_json(second, VERIFICATION_PATH, {"paragraphs": ["二人目"], "version": version})
    assert response.status_code == 409 and "他の人が先に保存しました" in response.json()["detail"]
    assert ProjectRecord.objects.get(cycle=world.cycle(), number=1).data["verification"] == ["一人目"]


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_import_confirm_after_the_year_changed_is_refused(world: "World", tmp_path: Any) -> None:
    from kouka import interchange

    document = interchange.load(EXAMPLE)
    document.reports[0].fiscal_year = 2023
    upload = tmp_path / "isesaki-2023.json"
    interchange.save(document, upload)
    admin = world.client("kikaku")
    with upload.open("rb") as handle:
        assert "置き換えられます" in admin.post("/staff/import/", {"file": handle}).content.decode()
    assert world.client("shoko").post(KPI_PATH, kpi_form(world, actual_2023="9社")).status_code == 302
    response = admin.post("/staff/import/confirm/")
    assert response.status_code == 409
    page = response.content.decode()
    assert "取込内容の確認の後に他の人が変更しました" in page and "取込の確認" in page
    record = KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1)
    assert record.data["actuals"]["2023"]["text"] == "9社"  # the edit made after the preview is still there
    assert not Change.objects.filter(action="import").exists()
    version = world.cycle().version
    assert admin.post("/staff/import/confirm/").status_code == 302  # confirmed again, knowingly
    assert Change.objects.filter(action="import").count() == 1 and world.cycle().version == version + 1


# --- at the same moment: two threads with their own connections, on SQLite and PostgreSQL ----------------


@pytest.fixture(scope="module", params=ENGINES)
def racing_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 django_db_blocker: Any) -> Iterator["World"]:
    with world_committed(request.param, tmp_path_factory.mktemp("race"), django_db_blocker) as world:
        yield world


def race(alias: str, *requests: Callable[[], "HttpResponse"]) -> list[int]:
    """Send the requests from threads released together; their status codes."""
    barrier = threading.Barrier(len(requests))
    codes: list[int] = [0] * len(requests)
    failures: list[BaseException] = []

    def run(index: int, send: Callable[[], "HttpResponse"]) -> None:
        try:
            attach(alias)
            with dbrouter.using_database(alias):
                barrier.wait(timeout=30)
                codes[index] = send().status_code
        except BaseException as exc:  # reported in the test's thread
            failures.append(exc)
        finally:
            connections[alias].close()

    threads = [threading.Thread(target=run, args=(i, send)) for i, send in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    return codes


ROUNDS = 3


@pytest.mark.django_db
def test_two_clients_racing_on_a_kpi(racing_world: "World") -> None:
    world = racing_world
    first, second = world.client("kikaku"), world.client("shoko")
    for round_ in range(ROUNDS):
        start = kpi_form(world)
        values = {"kikaku": f"{10 + round_}社", "shoko": f"{20 + round_}社"}
        changes = Change.objects.filter(action="kpi:update").count()
        codes = race(world.alias, lambda s=start, v=values: first.post(KPI_PATH, s | {"actual_2023": v["kikaku"]}),
                     lambda s=start, v=values: second.post(KPI_PATH, s | {"actual_2023": v["shoko"]}))
        assert sorted(codes) == [302, 409], codes
        winner = values["kikaku"] if codes[0] == 302 else values["shoko"]
        record = KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1)
        assert record.data["actuals"]["2023"]["text"] == winner and record.version == start["version"] + 1
        assert Change.objects.filter(action="kpi:update").count() == changes + 1


@pytest.mark.django_db
def test_two_administrators_racing_on_the_report_form(racing_world: "World") -> None:
    world = racing_world
    first, second = world.client("kikaku"), world.client("kikaku")
    for round_ in range(ROUNDS):
        start = report_form(world)
        titles = (f"一人目の表題{round_}", f"二人目の表題{round_}")
        changes = Change.objects.filter(action="report:update").count()
        codes = race(world.alias, lambda s=start, t=titles: first.post("/staff/2023/report/", s | {"title": t[0]}),
                     lambda s=start, t=titles: second.post("/staff/2023/report/", s | {"title": t[1]}))
        assert sorted(codes) == [302, 409], codes
        cycle = world.cycle()
        assert cycle.report["title"] == titles[codes.index(302)] and cycle.version == start["version"] + 1
        assert Change.objects.filter(action="report:update").count() == changes + 1


@pytest.mark.django_db
def test_two_clients_racing_on_a_verification_via_the_api(racing_world: "World") -> None:
    world = racing_world
    first, second = world.client("kikaku"), world.client("shoko")
    for round_ in range(ROUNDS):
        version = ProjectRecord.objects.get(cycle=world.cycle(), number=1).version
        texts = ([f"一人目のまとめ{round_}"], [f"二人目のまとめ{round_}"])
        codes = race(world.alias,
                     lambda t=texts, v=version: put_json(first, VERIFICATION_PATH, {"paragraphs": t[0], "version": v}),
                     lambda t=texts, v=version: put_json(second, VERIFICATION_PATH, {"paragraphs": t[1], "version": v}))
        assert sorted(codes) == [200, 409], codes
        record = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
        assert record.data["verification"] == texts[codes.index(200)] and record.version == version + 1
