"""A 担当課 editor adds a photo to 事業①'s まとめ in a real browser (Debian's chromium): the file chosen, the caption,
the text alternative and the paragraph it follows typed; the page shows the photo with its alt text, a file that
is not an image is refused with the reason, and the page passes axe at a phone's and a desktop's width.
Screenshots in artifacts/photos/."""

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser_support import axe_violations, horizontal_overflow, save_screenshot
from paths import ROOT
from photo_support import SVG_WITH_SCRIPT, photo_jpeg

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHOTS = ROOT / "artifacts" / "photos"
ALT = "発表会で参加者が事業計画を説明している様子"


def log_in(browser: "Browser", site: str, width: int) -> "Page":
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="ja-JP", bypass_csp=True)
    page.set_default_timeout(15_000)
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("ユーザー名").fill("shoko")
    page.get_by_label("パスワード").fill("kouka-demo")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{site}/staff/")
    return page


def test_an_editor_adds_a_photo_and_a_svg_is_refused(browser: "Browser", site: str, tmp_path: Path) -> None:
    photo, svg = tmp_path / "IMG_0001.jpg", tmp_path / "figure.svg"
    photo.write_bytes(photo_jpeg())
    svg.write_bytes(SVG_WITH_SCRIPT)
    page = log_in(browser, site, 1280)
    page.goto(f"{site}/staff/2023/projects/1/")
    page.get_by_label("写真・図（JPEG・PNG・WebP、10MBまで）").set_input_files(str(svg))
    page.get_by_label("代替テキスト（写真が見えない人に何が写っているかを伝える文）").fill(ALT)
    page.get_by_role("button", name="写真を追加").click()
    page.get_by_text("SVG画像（スクリプトを含み得るため受け付けません）").first.wait_for()
    assert axe_violations(page) == []
    save_screenshot(page, SHOTS / "refused-1280.png")

    page.get_by_label("写真・図（JPEG・PNG・WebP、10MBまで）").set_input_files(str(photo))
    page.get_by_label("説明（キャプション、写真の下に表示）").fill("まちなかワークショップの発表会")
    page.get_by_label("代替テキスト（写真が見えない人に何が写っているかを伝える文）").fill(ALT)
    page.get_by_role("button", name="写真を追加").click()
    page.get_by_text("写真を追加しました").wait_for()
    image = page.get_by_role("img", name=ALT)
    assert image.evaluate("img => img.naturalWidth") == 1200  # turned upright and shrunk
    assert axe_violations(page) == []
    save_screenshot(page, SHOTS / "added-1280.png")
    page.close()

    phone = log_in(browser, site, 360)
    phone.goto(f"{site}/staff/2023/projects/1/")
    phone.get_by_role("img", name=ALT).wait_for()
    assert horizontal_overflow(phone) == 0 and axe_violations(phone) == []
    save_screenshot(phone, SHOTS / "added-360.png")
    phone.close()
