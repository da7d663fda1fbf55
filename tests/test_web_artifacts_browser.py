"""A corrected year in Debian's chromium: the superseded revision at its own address says so and links to the
latest, and both pages read at a phone's and a desktop's width (nothing wider than the window, axe-core clean
at WCAG 2.1 AA with target sizes). Photographed into artifacts/public/ (or KOUKA_SCREENSHOTS)."""

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from browser_support import ROOT, WCAG_AND_TARGET_SIZE, axe_violations, horizontal_overflow, save_screenshot
from web_fixtures import correct_2022

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used between synchronous browser calls

SHOTS = Path(os.environ.get("KOUKA_SCREENSHOTS") or ROOT / "artifacts" / "public")
WINDOWS = {360: 780, 1280: 800}


def correct_2022_as_kikaku() -> None:
    """Publish a correction of 2022 as 企画担当 would (revision 2, 成果目標① of 事業① 2社 → 3社)."""
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="kikaku"))
    correct_2022(admin, "3社", "成果目標①の実績値を3社に訂正しました。")


def test_a_superseded_revision_says_so_and_reads_at_every_width(site: str, browser: "Browser",
                                                                  settings: Any, tmp_path: Path) -> None:
    settings.KOUKA_LOCK_DIR = tmp_path / "locks"
    before = Client().get("/m/isesaki/2022/").content.decode()
    old_csv = re.search(r'href="(/m/isesaki/2022/r/[0-9a-f]{32}/)export/csv/"', before)
    assert old_csv is not None
    old = old_csv.group(1)
    correct_2022_as_kikaku()
    for width, height in WINDOWS.items():
        page = browser.new_page(viewport={"width": width, "height": height}, locale="ja-JP", bypass_csp=True)
        page.set_default_timeout(15_000)
        for name, path, shows in (("report-corrected", "/m/isesaki/2022/", "第2版"),
                                  ("report-superseded", old, "この版は訂正されました")):
            page.goto(site + path)
            assert shows in page.inner_text("main"), name
            assert horizontal_overflow(page) == 0, name
            assert axe_violations(page, WCAG_AND_TARGET_SIZE) == [], name
            save_screenshot(page, SHOTS / f"{name}-{width}.png")
        page.get_by_role("link", name="最新の版を見る").click()
        assert page.url == site + "/m/isesaki/2022/" and "3社" in page.inner_text("main")
        page.close()
