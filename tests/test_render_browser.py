"""The published page in Debian's chromium: zero axe-core violations at WCAG 2.1 AA, for the whole page and
for the CMS fragment, and charts whose accessible names state the numbers."""

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser_support import axe_violations
from kouka.render.html import STYLESHEET, render_fragment, render_page
from render_support import example_report, hostile_report

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


def open_html(browser: "Browser", html: str, tmp_path: Path) -> "Page":
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    return page


def test_page_has_no_axe_violations(browser: "Browser", tmp_path: Path) -> None:
    page = open_html(browser, render_page(example_report()), tmp_path)
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def test_fragment_in_a_cms_page_has_no_axe_violations(browser: "Browser", tmp_path: Path) -> None:
    cms = (f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>効果検証</title>'
           f"<style>{STYLESHEET}</style></head><body><main><h1>地方創生推進交付金事業の効果検証</h1>"
           f"{render_fragment(example_report())}</main></body></html>")
    violations = axe_violations(open_html(browser, cms, tmp_path))
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def test_charts_are_images_named_by_their_numbers(browser: "Browser", tmp_path: Path) -> None:
    page = open_html(browser, render_page(example_report()), tmp_path)
    charts = page.get_by_role("img", name=re.compile("のグラフ。"))
    assert charts.count() == 11
    first = charts.first.get_attribute("aria-label") or ""
    assert "令和3年度実績 （事業開始前）" in first and "令和4年度目標 4社" in first and "令和4年度実績 2社" in first
    scales = page.get_by_role("img", name=re.compile("^国の4段階評価"))  # 事業の効果 of 事業① and ②
    assert scales.count() == 2 and page.get_by_role("img").count() == 11 + 2
    assert scales.first.get_attribute("aria-label") == "国の4段階評価：地方創生に効果があった（4段階のうち上から3番目）"


def test_hostile_text_runs_no_script(browser: "Browser", tmp_path: Path) -> None:
    page = open_html(browser, render_page(hostile_report()), tmp_path)
    assert page.evaluate("document.scripts.length") == 0
    assert "<script>alert('kouka')</script>" in page.inner_text("main")
