"""The department workbook's pages with the Django test client (uploads read in the request: the queue's
``immediate`` mode; tests/test_web_queue.py and tests/test_workbook_browser.py use a real worker): a hostile or
foreign workbook ends as a message and nothing written; a save between review and confirmation shows the new
plan; cancelling writes nothing."""

import time
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from exchange_support import Clerk, hostile_workbooks
from kouka.web import mapping
from kouka.web.models import Change, KpiRecord, UploadTask
from kouka.web.services.kpis import kpi_actual_set
from kouka.web.services.workbooks import workbook_upload

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))
ONE = "事業①"


def download(client: Client, department: str = "商工労働課") -> bytes:
    response = client.get("/staff/2023/workbook/download/", {"department": department})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return b"".join(response.streaming_content) if response.streaming else response.content


def upload(client: Client, data: bytes, department: str = "商工労働課") -> str:
    response = client.post("/staff/2023/workbook/", {"department": department,
                                                      "file": SimpleUploadedFile("記入シート.xlsx", data)})
    assert response.status_code == 200
    return response.content.decode()


def typed(data: bytes, value: str) -> bytes:
    clerk = Clerk(data)
    clerk.type(ONE, clerk.kpi_cell(ONE, 2, "実績値", "令和5年度"), value)
    return clerk.save()


def test_hostile_and_foreign_workbooks_end_as_a_message_and_nothing_written(world: "World") -> None:
    client = world.client("shoko")
    data = download(client)
    before = (mapping.report_json(world.cycle()), Change.objects.count())
    for name, hostile in hostile_workbooks(data).items():
        started = time.monotonic()
        page = upload(client, hostile)
        assert time.monotonic() - started < 2, name
        assert "読み込めません" in page and "何も保存していません" in page, name
        assert "Traceback" not in page and "Error" not in page, name
    theirs = download(world.client("kikaku"), "企業誘致課")
    page = upload(client, theirs)
    assert "このワークブックは企業誘致課の記入シートのため、商工労働課には取り込めません" in page
    assert (mapping.report_json(world.cycle()), Change.objects.count()) == before


def test_a_save_after_the_review_shows_the_new_plan_and_saves_nothing_unseen(world: "World") -> None:
    client = world.client("shoko")
    page = upload(client, typed(download(client), "27人"))
    assert "27人" in page and "保存する" in page
    task = UploadTask.objects.get()
    digest = page.split('name="digest" value="', 1)[1].split('"', 1)[0]
    record = KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=2)
    kpi_actual_set(member=world.member("kikaku"), cycle=world.cycle(), record=record, year=2023, text="25人",
                   version=record.version)
    again = client.post(f"/staff/tasks/{task.pk}/confirm/", {"digest": digest})
    shown = again.content.decode()
    assert again.status_code == 200 and "記入シートの確認の後に、kouka で同じ年度の内容が変更されました" in shown
    assert "25人 に変更されたため、記入シートの 27人 は取り込みません" in shown  # the new plan, read again
    assert not Change.objects.filter(action="workbook:import").exists()
    assert mapping.report_of(world.cycle()).project(1).kpi(2).actuals[2023].text == "25人"


def test_cancel_writes_nothing_and_forgets_the_file(world: "World") -> None:
    client = world.client("shoko")
    upload(client, typed(download(client), "27人"))
    task = UploadTask.objects.get()
    before = (mapping.report_json(world.cycle()), Change.objects.count())
    response = client.post(f"/staff/tasks/{task.pk}/cancel/", follow=True)
    assert "何も保存していません" in response.content.decode()
    assert not UploadTask.objects.exists() and (mapping.report_json(world.cycle()), Change.objects.count()) == before


def test_an_upload_nobody_reads_is_given_up_on_its_status_page(world: "World") -> None:
    client = world.client("shoko")
    task = workbook_upload(member=world.member("shoko"), cycle=world.cycle(), department="商工労働課",
                           filename="記入シート.xlsx", data=download(client))  # queued, and no worker takes it
    waiting = client.get(f"/staff/tasks/{task.pk}/").content.decode()
    assert "順番待ち" in waiting and 'http-equiv="refresh"' in waiting
    UploadTask.objects.filter(pk=task.pk).update(created=timezone.now() - timedelta(minutes=16))
    assert client.get(f"/staff/tasks/{task.pk}/status/").json()["finished"] is True
    page = client.get(f"/staff/tasks/{task.pk}/").content.decode()
    assert "15分たっても読み込みが終わりません" in page and 'http-equiv="refresh"' not in page
