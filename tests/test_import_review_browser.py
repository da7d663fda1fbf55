"""Issue 15's review end to end in Debian's chromium, with the task queue working in a thread as under
``kouka serve``: the planning division uploads a flattened national form as a PDF that leaves out its fiscal
year, sees each value read beside the text it came from (to the right; under the field on a phone), corrects an
amount, fills the year, confirms, and finds the draft with the corrected amount in that year's cycle.
Screenshots at 1280 and 360 px go to artifacts/import-review/; axe-core checks WCAG 2.1 AA."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from browser_support import axe_violations, horizontal_overflow, save_screenshot, signed_in_page
from paths import ROOT
from review_support import form_pdf

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used between synchronous browser calls

ARTIFACTS = ROOT / "artifacts" / "import-review"


def shots(page: "Page", name: str) -> dict[str, int]:
    """Screenshots at 1280 and 360 px; how far each width scrolls sideways."""
    overflow = {}
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        save_screenshot(page, ARTIFACTS / f"{name}-{width}.png")
        overflow[f"{name}-{width}"] = horizontal_overflow(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    return overflow


def beside(page: "Page", field: str) -> tuple[bool, bool]:
    """Whether the source of ``field`` is right of its input, and whether it is below it."""
    box = page.locator(f"#id_{field}").bounding_box()
    source = page.locator(f"#source-{field}").bounding_box()
    assert box is not None and source is not None
    return source["x"] >= box["x"] + box["width"], source["y"] >= box["y"] + box["height"]


def test_upload_a_flattened_pdf_review_correct_fill_the_year_and_find_the_draft(
        site: str, browser: "Browser", queue_worker: Any, tmp_path: Path) -> None:
    pdf = tmp_path / "isesaki-yoshiki2.pdf"
    pdf.write_bytes(form_pdf())
    page = signed_in_page(browser, site, "kikaku", timeout=20_000)
    page.goto(f"{site}/staff/import/")
    overflow = shots(page, "01-upload")
    page.get_by_label("ファイル（テキスト、HTML、Excel、PDF、kouka JSON）").set_input_files(str(pdf))
    page.get_by_role("button", name="読み込んで確認").click()
    page.get_by_role("heading", name="取込の確認: isesaki-yoshiki2.pdf").wait_for()  # the queue read it

    # the source beside the field: the page and the text the amount was read from
    cost_source = page.locator("#source-p0_cost")
    source = cost_source.inner_text().split()
    assert source[:2] == ["読み取り元:", "1ページ"] and source[2].endswith("行目") and source[3:] == ["12,400"], source
    assert page.locator("#id_p0_cost").input_value() == "12,400,000"
    assert page.locator("#id_fiscal_year").input_value() == ""
    year_row = page.locator(".review-row", has=page.locator("#id_fiscal_year"))
    assert "対象年度が読み取れません" in year_row.inner_text()  # the finding next to the field it concerns
    assert beside(page, "p0_cost") == (True, False)
    page.set_viewport_size({"width": 360, "height": 900})
    assert beside(page, "p0_cost") == (False, True)  # on a phone, the source goes under the field
    page.set_viewport_size({"width": 1280, "height": 900})
    overflow |= shots(page, "02-review")
    violations = {"02-review": axe_violations(page)}

    page.locator("#id_p0_cost").fill("1,248万円")
    page.locator("#id_fiscal_year").fill("令和6年度")
    page.get_by_role("button", name="下書きとして取り込む").click()
    page.get_by_text("2事業を令和6年度の下書きとして取り込みました").wait_for()
    assert page.url == f"{site}/staff/2024/"
    assert "作成中" in page.content()
    assert page.get_by_text("いせさき創業支援拠点運営事業").first.is_visible()
    overflow |= shots(page, "03-cycle")
    page.goto(f"{site}/staff/2024/projects/1/")
    assert page.locator("#id_cost").input_value() == "12,480,000"  # the corrected amount, stored
    assert page.locator("#id_grant").input_value() == "6,200,000"
    overflow |= shots(page, "04-project")
    assert {name: found for name, found in violations.items() if found} == {}
    assert {name: wider for name, wider in overflow.items() if name.startswith(("01-", "02-"))} == {
        "01-upload-1280": 0, "01-upload-360": 0, "02-review-1280": 0, "02-review-360": 0}
