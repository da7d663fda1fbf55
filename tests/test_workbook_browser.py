"""Issue 16.1–16.2 end to end in Debian's chromium, with the task queue working in a thread as under
``kouka serve``: 商工労働課 downloads its workbook, a clerk fills it in Excel (openpyxl types 「27人」 and
「1,929万3,030円」 as a person does), uploads it, watches it being read, sees every change field by field and the
value it cannot read, confirms; the values are on the project's page and the planning division reads the change
in the history. Screenshots at 1280 and 360 px go to artifacts/workbook/; axe-core checks WCAG 2.1 AA."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from browser_support import axe_violations, horizontal_overflow, save_screenshot, signed_in_page
from exchange_support import Clerk
from paths import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used between synchronous browser calls

ARTIFACTS = ROOT / "artifacts" / "workbook"
ONE, THREE = "事業①", "事業③"


class Steps:
    def __init__(self) -> None:
        self.violations: dict[str, list[dict[str, Any]]] = {}
        self.overflow: dict[str, int] = {}

    def check(self, page: "Page", name: str) -> None:
        """Screenshots at 1280 and 360 px wide, axe-core's findings, and whether the phone scrolls sideways."""
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            save_screenshot(page, ARTIFACTS / f"{name}-{width}.png")
            self.overflow[f"{name}-{width}"] = horizontal_overflow(page)
        page.set_viewport_size({"width": 1280, "height": 900})
        self.violations[name] = axe_violations(page)


def fill_as_a_clerk(path: Path) -> Path:
    clerk = Clerk(path.read_bytes())
    clerk.fill({
        (ONE, clerk.cell(ONE, "事業費（円）")): "1,929万3,030円",
        (ONE, clerk.kpi_cell(ONE, 2, "実績値", "令和5年度")): "27人",
        (THREE, clerk.kpi_cell(THREE, 2, "実績値", "令和5年度")): "約30件",
    })
    filled = path.with_name("記入済み.xlsx")
    filled.write_bytes(clerk.save())
    return filled


def test_download_fill_upload_review_confirm(site: str, browser: "Browser", queue_worker: Any,
                                             tmp_path: Path) -> None:
    steps = Steps()
    page = signed_in_page(browser, site, "shoko")
    page.goto(f"{site}/staff/2023/")
    page.get_by_role("link", name="担当課の記入シート（Excel）の書き出し・取込").click()
    page.get_by_role("heading", name="令和5年度 担当課の記入シート（Excel）").wait_for()
    steps.check(page, "01-workbook-page")
    with page.expect_download() as download:
        page.get_by_role("button", name="記入シートを書き出す（.xlsx）").click()
    assert download.value.suggested_filename == "令和5年度_商工労働課_記入シート.xlsx"
    saved = tmp_path / "download.xlsx"
    download.value.save_as(saved)

    page.get_by_label("記入済みの記入シート（.xlsx）").set_input_files(str(fill_as_a_clerk(saved)))
    page.get_by_role("button", name="読み込んで変更点を確認").click()
    page.get_by_role("heading", name="記入シートの取込の確認: 記入済み.xlsx").wait_for()  # the queue read it
    steps.check(page, "02-review")
    rows = [[cell.strip() for cell in row.locator("th, td").all_inner_texts()]
            for row in page.locator("table.diff tbody tr").all()]
    assert rows == [["事業① 事業費", "（空欄）", "1,929万3,030円", "事業① B10"],
                    ["事業① 成果目標② 令和5年度 実績値", "（空欄）", "27人", "事業① C24"]], rows
    assert page.get_by_text("事業③ シート C25: 『約30件』の単位が成果目標の単位（社）と違います").is_visible()

    page.get_by_role("button", name="2件の変更を保存する").click()
    page.get_by_text("記入シートの2件の変更を保存しました").wait_for()
    steps.check(page, "03-saved")
    page.goto(f"{site}/staff/2023/projects/1/")
    assert page.locator("#id_cost").input_value() == "19,293,030"
    assert "27人" in page.locator("table").first.inner_text() or "27人" in page.content()
    steps.check(page, "04-project")

    admin = signed_in_page(browser, site, "kikaku")
    admin.goto(f"{site}/staff/2023/history/")
    admin.get_by_text("令和5年度の記入シート（商工労働課）を取り込みました（2件の変更）").wait_for()
    history = admin.content()
    assert "事業① 事業費: （なし） → 1,929万3,030円" in history
    assert "事業① 成果目標② 令和5年度 実績値: （なし） → 27人" in history
    steps.check(admin, "05-history")
    assert {name: found for name, found in steps.violations.items() if found} == {}
    ours = {name: wider for name, wider in steps.overflow.items() if name.startswith(("01-", "02-"))}
    assert ours == dict.fromkeys(ours, 0)  # the workbook's own pages never scroll sideways, on a phone either
