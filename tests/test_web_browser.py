"""Pages in Debian's chromium: axe-core checks WCAG 2.1 AA on the public pages and the entry forms, and two
browsers edit the same KPI. (The whole year's cycle, from entry to publication, is tests/test_cycle_browser.py.)
Screenshots go to artifacts/web/."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from browser_support import axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used between synchronous browser calls

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "web"


def shot(page: "Page", name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(browser: "Browser", site: str, username: str) -> "Page":
    page = browser.new_page(locale="ja-JP", bypass_csp=True)  # so that axe can be injected
    page.set_default_timeout(10_000)
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill("kouka-demo")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{site}/staff/")
    return page


PUBLIC_PAGES = ["/", "/m/isesaki/", "/m/isesaki/2022/", "/m/isesaki/2022/kpi/1/3/", "/search/?q=まちなか",
                "/accounts/login/", "/stats/", "/stats/群馬県/?year=2022", "/stats/m/isesaki/",
                "/stats/sources/?year=2022&judgement=not_met"]
STAFF_FORMS = ["/staff/2023/projects/1/", "/staff/2023/projects/1/kpis/1/", "/staff/2023/"]


def test_axe_public_pages_and_entry_forms(browser: "Browser", site: str) -> None:
    found: dict[str, list[dict[str, Any]]] = {}
    visitor = browser.new_page(locale="ja-JP", bypass_csp=True)  # axe is injected as a script the CSP refuses
    for path in PUBLIC_PAGES:
        visitor.goto(site + path)
        found[path] = axe_violations(visitor)
    visitor.close()
    editor = log_in(browser, site, "shoko")
    for path in STAFF_FORMS:
        editor.goto(site + path)
        found[path] = axe_violations(editor)
    editor.goto(site + STAFF_FORMS[1])
    editor.get_by_label("令和5年度 実績値").fill("たくさん")
    editor.get_by_role("button", name="保存").click()
    editor.locator("p.error", has_text="数値として読めません").wait_for()
    editor.locator("span.reading.bad").first.wait_for()  # the reading beside the field says it too
    found["kpi form with an error"] = axe_violations(editor)
    editor.close()
    assert {path: v for path, v in found.items() if v} == {}


def test_two_browsers_editing_the_same_kpi(browser: "Browser", site: str) -> None:
    """The second save of a stale form is refused with a clear message, and its input is still there."""
    first, second = log_in(browser, site, "kikaku"), log_in(browser, site, "shoko")
    path = f"{site}/staff/2023/projects/1/kpis/1/"
    for page in (first, second):
        page.goto(path)
    first.get_by_label("令和5年度 実績値").fill("3社")
    first.get_by_role("button", name="保存").click()
    first.get_by_text("保存しました").wait_for()
    second.get_by_label("令和5年度 実績値").fill("8社")
    second.get_by_role("button", name="保存").click()
    second.get_by_text("他の人が先にこの内容を保存しました").wait_for()
    assert second.get_by_label("令和5年度 実績値").input_value() == "8社"
    shot(second, "6-stale-form-refused")
    second.goto(path)  # reloading shows what the first person saved
    assert second.get_by_label("令和5年度 実績値").input_value() == "3社"
    first.close()
    second.close()
