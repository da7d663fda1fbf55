"""Shared by the browser tests (a plugin of the root conftest): Debian's chromium
launched once per module, axe-core's checks, the page measurements a phone needs, and screenshots.

axe-core (npm, node_modules/) is injected into the page, so pages served with kouka's Content-Security-Policy
are opened with ``bypass_csp=True``.
"""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from paths import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# WCAG 2.1 AA and, from 2.2 AA, 2.5.8 Target Size (axe's target-size: 24 × 24 CSS px or enough space around)
WCAG_AND_TARGET_SIZE = [*WCAG, "wcag22aa"]


@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/setup-system")
    if not AXE.exists():
        pytest.fail("axe-core is missing: run npm ci (scripts/setup)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def axe_violations(page: "Page", tags: list[str] = WCAG) -> list[dict[str, Any]]:
    """axe-core's violations of ``tags`` on the page as it is now: rule, help and the first few elements."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags)
    violations: list[dict[str, Any]] = result["violations"]
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations]


def horizontal_overflow(page: "Page") -> int:
    """How many CSS px the page is wider than the window (0 when nothing scrolls sideways)."""
    wider: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return max(wider, 0)


def save_screenshot(page: "Page", path: Path) -> None:
    """The whole page as a PNG of 64 colours (text stays sharp; a tall page stays a few hundred KiB)."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def signed_in_page(browser: "Browser", site: str, username: str, timeout: int = 15_000) -> "Page":
    """A new page (Japanese, CSP bypassed for axe) of a demo user signed in through the login form."""
    page = browser.new_page(locale="ja-JP", bypass_csp=True)
    page.set_default_timeout(timeout)
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill("kouka-demo")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    return page
