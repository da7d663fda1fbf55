"""Issue 12.3: uploads are read outside the request, by a real task queue (Huey on SQLite, a consumer working in a
thread as under ``kouka serve``): the upload answers at once, the user watches the status page (a small JSON
endpoint for the script, a self-refreshing page without it) and then reviews; a public page answers quickly while
a slow, large but legal file is being read."""

import os
import time
from typing import TYPE_CHECKING, Any

import requests
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from browser_support import save_screenshot
from hostile_files import repeated_report_page
from kouka.web.models import TaskState, UploadTask
from kouka.web.services.tasks import task_run
from paths import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used between synchronous browser calls
ARTIFACTS = ROOT / "artifacts" / "queue"

HANASATO = ROOT / "tests" / "fixtures" / "import" / "hanasato-2021.html"


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def wait_for(task_id: int, states: tuple[str, ...], limit: float = 60) -> str:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        state = UploadTask.objects.get(pk=task_id).state
        if state in states:
            return str(state)
        time.sleep(0.1)
    raise AssertionError(f"task {task_id} never reached {states}")


def screenshots_of_the_status(browser: "Browser", site: str, path: str) -> None:
    """The status page as the user sees it while the file is read, at 1280 and 360 px."""
    page = browser.new_page(locale="ja-JP")
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("ユーザー名").fill("kikaku")
    page.get_by_label("パスワード").fill("kouka-demo")
    page.get_by_role("button", name="ログイン").click()
    page.goto(f"{site}{path}")
    page.get_by_text("読み込み中").first.wait_for()
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        save_screenshot(page, ARTIFACTS / f"status-{width}.png")
    page.close()


def test_a_public_page_answers_quickly_while_a_slow_import_is_read(site: str, queue_worker: Any,
                                                                  browser: "Browser") -> None:
    admin = signed_in("kikaku")
    assert requests.get(f"{site}/m/isesaki/2022/", timeout=30).status_code == 200  # the page's first rendering
    data = repeated_report_page(HANASATO, 700)
    assert len(data) > 1_500_000
    started = time.monotonic()
    response = admin.post("/staff/import/", {"file": SimpleUploadedFile("hanasato-large.html", data)})
    assert time.monotonic() - started < 2  # the upload is kept and queued, not read in the request
    assert response.status_code == 302 and response["Location"].startswith("/staff/tasks/")
    task = UploadTask.objects.get()
    assert wait_for(task.pk, (TaskState.RUNNING, TaskState.DONE)) == TaskState.RUNNING  # the worker took it

    page = admin.get(response["Location"])  # without JavaScript: the page refreshes itself
    assert page.status_code == 200 and 'http-equiv="refresh"' in page.content.decode()
    assert "読み込み中" in page.content.decode()
    assert admin.get(f"/staff/tasks/{task.pk}/status/").json() == {
        "state": "running", "label": "読み込み中", "finished": False, "url": f"/staff/tasks/{task.pk}/"}

    timings = []
    for _ in range(5):  # the public site, meanwhile
        asked = time.monotonic()
        answer = requests.get(f"{site}/m/isesaki/2022/", timeout=10)
        timings.append(time.monotonic() - asked)
        assert answer.status_code == 200 and "伊勢崎市" in answer.text
    assert UploadTask.objects.get(pk=task.pk).state == TaskState.RUNNING, "the file was read too fast to show it"
    assert max(timings) < 1.0, timings
    screenshots_of_the_status(browser, site, response["Location"])
    print(f'public page while reading: {[round(t, 3) for t in timings]} s')

    assert wait_for(task.pk, (TaskState.DONE, TaskState.FAILED)) == TaskState.DONE
    assert admin.get(f"/staff/tasks/{task.pk}/status/").json()["finished"] is True
    review = admin.get(f"/staff/tasks/{task.pk}/").content.decode()
    assert "取込の確認: hanasato-large.html" in review and 'http-equiv="refresh"' not in review
    assert admin.post("/staff/import/confirm/").status_code == 302  # the preview's confirm, as before
    assert not UploadTask.objects.exists()  # the kept file is forgotten once saved


def test_a_file_that_cannot_be_read_ends_as_a_message_and_nothing_else(site: str, queue_worker: Any) -> None:
    admin = signed_in("kikaku")
    response = admin.post("/staff/import/", {"file": SimpleUploadedFile("broken.json", b'{"schema": 1')})
    task_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert wait_for(task_id, (TaskState.DONE, TaskState.FAILED)) == TaskState.FAILED
    page = admin.get(f"/staff/tasks/{task_id}/").content.decode()
    assert "読み込めません" in page and "broken.json" in page and "Traceback" not in page
    assert task_run(task_id=task_id) == TaskState.FAILED  # a task is read once: running it again changes nothing

