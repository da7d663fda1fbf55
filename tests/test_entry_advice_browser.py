"""In Debian's chromium: typing an actual out of all proportion to last year's actual and the year's target on
the KPI form shows the warning beside the field before anything is saved; axe-core finds no WCAG 2.1 AA
violation on the page with the warning shown."""

import os
from typing import TYPE_CHECKING

import pytest

from browser_support import axe_violations, save_screenshot
from kouka.web.models import KpiRecord
from paths import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = ROOT / "artifacts" / "entry"


def test_an_implausible_actual_is_pointed_out_at_the_field(browser: "Browser", site: str) -> None:
    page = browser.new_page(locale="ja-JP", bypass_csp=True)
    page.set_default_timeout(15_000)
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("ユーザー名").fill("shoko")
    page.get_by_label("パスワード").fill("kouka-demo")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{site}/staff/")
    page.goto(f"{site}/staff/2023/projects/1/kpis/1/")
    before = KpiRecord.objects.get(project__cycle__fiscal_year=2023, project__number=1, number=1).data
    page.get_by_label("令和5年度 目標値").fill("4社")
    page.get_by_label("令和5年度 実績値").fill("60社")
    reading = page.locator("#id_actual_2023_reading")
    reading.get_by_text("この年度の目標値（4社）の10倍を超えています", exact=False).wait_for()
    assert "例: 4社、4社(速報値)、集計中、－" in reading.inner_text()
    save_screenshot(page, ARTIFACTS / "implausible-actual-1280.png")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    save_screenshot(page, ARTIFACTS / "implausible-actual-360.png")
    page.get_by_label("令和5年度 実績値").fill("5社")
    reading.get_by_text("値 5社・確定値", exact=True).wait_for()
    assert "10倍" not in reading.inner_text()
    # only read, never saved
    assert KpiRecord.objects.get(project__cycle__fiscal_year=2023, project__number=1, number=1).data == before
