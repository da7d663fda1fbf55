"""Every public page, and the CMS fragment inside a city's page, at a phone's, a tablet's and a desktop's width
in Debian's chromium: nothing wider than the window, axe-core clean at WCAG 2.1 AA, and links and buttons large
enough to tap (WCAG 2.2's 2.5.8, axe's target-size: 24 × 24 CSS px or enough space around them).

Each page is loaded once per width and photographed whole into artifacts/public/, or into the folder named by
KOUKA_SCREENSHOTS (``scripts/screenshots`` passes docs/images/public)."""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from browser_support import ROOT, WCAG_AND_TARGET_SIZE, axe_violations, horizontal_overflow, save_screenshot
from kouka.render.html import render_fragment, stylesheet
from render_support import example_report

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used between synchronous browser calls

SHOTS = Path(os.environ.get("KOUKA_SCREENSHOTS") or ROOT / "artifacts" / "public")
# A phone, a tablet upright, a laptop: width × the height of its first screen.
WINDOWS = {360: 780, 768: 1024, 1280: 800}


@dataclass(frozen=True)
class PublicPage:
    name: str  # the screenshot's name
    path: str
    shows: str  # a text the page must show (so that an error page cannot pass)


PAGES = (
    PublicPage("index", "/", "群馬県伊勢崎市"),
    PublicPage("municipality", "/m/isesaki/", "効果検証の公表資料"),
    PublicPage("report", "/m/isesaki/2022/", "1,472万7,544円"),
    PublicPage("kpi", "/m/isesaki/2022/kpi/1/1/", "まちなかで新たに創業した事業者の数"),
    PublicPage("search", "/search/?q=まちなか", "事業① まちなか創業"),
    PublicPage("search-short", "/search/?q=市", "2文字以上の語で検索してください"),
    PublicPage("stats", "/stats/", "全国の集計"),
    PublicPage("stats-prefecture", "/stats/群馬県/", "群馬県"),
    PublicPage("stats-municipality", "/stats/m/isesaki/", "成果目標の推移"),
    PublicPage("stats-sources", "/stats/sources/?year=2022&judgement=not_met", "集計のもとになった報告"),
)


def open_window(browser: "Browser", width: int) -> "Page":
    page = browser.new_page(viewport={"width": width, "height": WINDOWS[width]}, locale="ja-JP",
                            bypass_csp=True)  # axe is injected as a script kouka's policy refuses
    page.set_default_timeout(15_000)
    return page


def problems(page: "Page") -> dict[str, Any]:
    """What is wrong with the page as shown: sideways scrolling (px) and axe's violations."""
    found: dict[str, Any] = {}
    if overflow := horizontal_overflow(page):
        found["wider than the window by (px)"] = overflow
    if violations := axe_violations(page, WCAG_AND_TARGET_SIZE):
        found["axe"] = violations
    return found


@pytest.mark.parametrize("width", WINDOWS)
def test_public_pages_fit_the_window_and_pass_axe(browser: "Browser", site: str, width: int) -> None:
    page = open_window(browser, width)
    found: dict[str, Any] = {}
    for public in PAGES:
        response = page.goto(site + public.path)
        assert response is not None and response.status == 200, public.path
        assert public.shows in page.inner_text("main"), public.path
        save_screenshot(page, SHOTS / f"{public.name}-{width}.png")
        if wrong := problems(page):
            found[public.path] = wrong
    page.close()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def test_report_tables_are_cards_on_a_phone_and_tables_on_a_desktop(browser: "Browser", site: str) -> None:
    """At 360 px a project's row reads 「事業費 996万2,058円」 inside its card; from 768 px up it is a table row."""
    for width, display in ((360, "block"), (768, "table-row"), (1280, "table-row")):
        page = open_window(browser, width)
        page.goto(site + "/m/isesaki/2022/")
        row = page.locator("table.summary tbody tr").first
        assert row.evaluate("tr => getComputedStyle(tr).display") == display, width
        cost = row.locator("td[data-label=事業費]")
        assert cost.inner_text() == "996万2,058円"
        label = cost.evaluate("td => getComputedStyle(td, '::before').content")
        assert label == ('"事業費"' if width == 360 else "none"), width
        page.close()


# A city's own page around the fragment: its own look for headings, tables, paragraphs and links, a side menu
# beside the text on a desktop and above it on a phone.
CITY_CSS = """
body { margin: 0; font-family: serif; color: #222; }
header { background: #063; color: #fff; padding: 0.5rem 1rem; }
.layout { display: grid; grid-template-columns: 14rem minmax(0, 1fr); gap: 1.5rem; padding: 1rem;
  align-items: start; }
@media (max-width: 48rem) { .layout { grid-template-columns: minmax(0, 1fr); } }
nav ul { list-style: square; } nav a { display: inline-block; padding: 0.3rem 0; }
h1 { font-size: 1.6rem; color: #063; } h2 { font-size: 1.25rem; color: #063; border-bottom: 3px double #063; }
p { margin: 1.2em 0; letter-spacing: 0.05em; }
table { border: 2px solid #063; width: auto; } th { background: #063; color: #fff; } td { padding: 0.8rem; }
a { color: #0645ad; }
"""


def city_page(with_publication_css: bool) -> str:
    css = f"<style>{stylesheet()}</style>" if with_publication_css else ""
    return (
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>効果検証｜伊勢崎市</title><style>{CITY_CSS}</style>{css}</head><body>"
        '<header><p class="city">伊勢崎市</p></header><div class="layout">'
        '<nav aria-label="市政情報"><ul><li><a href="#top">市政情報</a></li><li><a href="#top">地方創生</a></li>'
        "</ul></nav><main><h1 id=\"top\">地方創生推進交付金事業の効果検証</h1>"
        f"{render_fragment(example_report())}"
        '<section class="contact"><h2>このページに関するお問い合わせ</h2><p>企画調整課 企画調整係</p>'
        "<table><tr><th scope=\"row\">電話</th><td>0270-27-2711</td></tr></table></section>"
        "</main></div></body></html>"
    )


# The computed style of every element of the city's page that is neither the publication nor holds it.
CITY_STYLES = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.kouka-report') && !e.querySelector('.kouka-report'))
  .map(e => { const s = getComputedStyle(e);
               return e.tagName + ' ' + [...s].map(p => p + ':' + s.getPropertyValue(p)).join(';'); })"""


@pytest.mark.parametrize("width", WINDOWS)
def test_fragment_in_a_city_page_fits_and_leaves_the_page_alone(browser: "Browser", tmp_path: Path,
                                                                width: int) -> None:
    page = open_window(browser, width)
    styles = []
    for with_css in (False, True):
        path = tmp_path / f"city-{with_css}.html"
        path.write_text(city_page(with_css), encoding="utf-8")
        page.goto(path.as_uri())
        styles.append(page.evaluate(CITY_STYLES))
    save_screenshot(page, SHOTS / f"cms-fragment-{width}.png")
    assert styles[0] == styles[1]  # the publication's CSS changes nothing of the city's page
    assert page.locator(".kouka-report h2").first.evaluate("h => getComputedStyle(h).borderLeftStyle") == "solid"
    found = problems(page)
    page.close()
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
