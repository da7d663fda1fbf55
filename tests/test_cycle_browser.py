"""The year's cycle end to end in Debian's chromium: the planning division opens 令和5年度 from 令和4年度 and
sets the deadlines; 商工労働課, 企業誘致課 and 観光課 (a third department with a new project of its own, added
through the services) enter and submit their own projects; the checklist refuses to publish while a
placeholder is left in a まとめ, naming the project and the field; the planning division returns 商工労働課's
projects with a reason, which that department sees and acts on while 企業誘致課's and 観光課's submissions
stay untouched; the 外部有識者 writes the opinion; after the preview the year is published and an
anonymous visitor reads the new figures and the opinion. A screenshot of each step goes to artifacts/cycle/
and axe-core finds no WCAG 2.1 AA violation on any of these pages."""

import os
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from browser_support import axe_violations, save_screenshot
from kouka.domain.model import Kpi, Measurement, Project
from kouka.web.models import Cycle, DepartmentPart, Membership, Municipality, Role
from kouka.web.services.departments import department_create
from kouka.web.services.kpis import kpi_create
from kouka.web.services.people import PersonFields, user_create
from kouka.web.services.projects import project_create
from paths import ROOT
from web_fixtures import World, complete_year

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used between synchronous browser calls

ARTIFACTS = ROOT / "artifacts" / "cycle"
PLACEHOLDER = "成果目標①は6社となり目標を上回った。【要記入：要因の分析】"
FIXED = "成果目標①は6社となり目標を上回った。空き店舗の紹介と創業相談の組合せが要因である。"
OPINION = "創業支援の成果が表れている。空き店舗の活用を更に進められたい。"
REASON = "事業①のまとめに【要記入】が残っています。要因を書いてから提出し直してください。"


class Steps:
    def __init__(self) -> None:
        self.violations: dict[str, list[object]] = {}

    def check(self, page: "Page", name: str) -> None:
        save_screenshot(page, ARTIFACTS / f"{name}.png")
        self.violations[name] = axe_violations(page)


def log_in(browser: "Browser", site: str, username: str) -> "Page":
    page = browser.new_page(locale="ja-JP", bypass_csp=True)  # so that axe can be injected
    page.set_default_timeout(15_000)
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill("kouka-demo")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{site}/staff/")
    return page


def third_department(world: World) -> None:
    """観光課 with a project of its own in 令和5年度 and an editor ``kanko``, made as the administrator would."""
    admin = Membership.objects.select_related("municipality", "user").get(user__username="kikaku")
    cycle = world.cycle(2023)
    department, _created = department_create(member=admin, name="観光課")
    record = project_create(member=admin, cycle=cycle, project=Project(
        4, "観光誘客促進事業", 2023, 2025, departments=["観光課"], summary=["市内の観光資源を発信し誘客を図る。"]))
    visitors = Measurement(Decimal(12000), "人")
    kpi_create(member=admin, cycle=cycle, project=record, kpi=Kpi(
        1, "観光施設の入込客数", "人", baseline=Measurement(Decimal(10000), "人"), baseline_year=2022,
        targets={2023: visitors}, actuals={2023: visitors}))
    person, _password = user_create(member=admin, username="kanko", fields=PersonFields(
        "観光課 担当", "", Role.EDITOR, (department,)))
    person.user.set_password("kouka-demo")  # the demo's password, so that the browser signs in as the others
    person.user.save()
    Membership.objects.filter(pk=person.pk).update(must_change_password=False)


def part(page: "Page", department: str) -> "Page":
    return page.locator("section.part", has_text=department)  # type: ignore[return-value]


def test_the_whole_cycle_with_departments(browser: "Browser", site: str) -> None:
    world = World("default", Municipality.objects.get(slug="isesaki"), Municipality.objects.get(slug="othercity"))
    Cycle.objects.filter(municipality=world.isesaki, fiscal_year=2023).delete()  # 令和5年度 is opened anew
    steps = Steps()

    admin = log_in(browser, site, "kikaku")
    admin.get_by_label("年度").fill("2023")
    admin.get_by_role("button", name="追加").click()
    admin.wait_for_url(f"{site}/staff/2023/carry/")
    for number in (1, 2, 3):
        admin.check(f"#project-{number}")
    admin.fill("#target-1-1", "5社")
    steps.check(admin, "1-administrator-opens-the-year-from-the-last")
    admin.get_by_role("button", name="選んだ事業で令和5年度を始める").click()
    admin.wait_for_url(f"{site}/staff/2023/")
    third_department(world)
    complete_year(world)  # what the departments enter beyond the steps below (cost, grant, targets, actuals)
    admin.goto(f"{site}/staff/2023/board/")
    admin.get_by_text("期限を設定する").click()
    admin.get_by_label("提出期限").fill("2024-06-30")
    admin.get_by_label("公表予定日").fill("2024-09-30")
    admin.get_by_role("button", name="期限を保存").click()
    admin.get_by_text("期限を保存しました").wait_for()
    steps.check(admin, "2-administrator-sets-deadlines")

    shoko = log_in(browser, site, "shoko")
    shoko.goto(f"{site}/staff/2023/projects/1/kpis/1/")
    shoko.get_by_label("令和5年度 実績値").fill("6社")
    shoko.get_by_role("button", name="保存").click()
    shoko.get_by_text("保存しました").wait_for()
    shoko.get_by_label("まとめ（検証結果）").fill(PLACEHOLDER)
    shoko.get_by_role("button", name="保存", exact=True).click()
    shoko.get_by_text("保存しました").wait_for()
    shoko.goto(f"{site}/staff/2023/")
    assert "2024年6月30日" in shoko.content()  # the department sees the deadline
    shoko.get_by_role("link", name="提出状況と提出").click()
    shoko.get_by_role("link", name="提出する").click()
    steps.check(shoko, "3-department-confirms-its-submission")
    shoko.get_by_role("button", name="商工労働課の2事業を提出します").click()
    assert "提出済み" in part(shoko, "商工労働課").inner_text()

    kigyo = log_in(browser, site, "kigyo")
    kigyo.goto(f"{site}/staff/2023/board/")
    kigyo.get_by_role("link", name="提出する").click()
    kigyo.get_by_role("button", name="企業誘致課の1事業を提出します").click()
    steps.check(kigyo, "4-second-department-submitted")
    kanko = log_in(browser, site, "kanko")
    kanko.goto(f"{site}/staff/2023/board/")
    kanko.get_by_role("link", name="提出する").click()
    kanko.get_by_role("button", name="観光課の1事業を提出します").click()
    assert "提出済み" in part(kanko, "観光課").inner_text()
    steps.check(kanko, "4-third-department-submitted")

    admin.goto(f"{site}/staff/2023/publish/")
    content = admin.content()
    assert "事業① まとめ（検証結果）に記入されていない箇所が残っています" in content
    assert "この内容で公表する" not in content
    steps.check(admin, "5-publishing-refused-names-project-and-field")
    admin.goto(f"{site}/staff/2023/board/")
    part(admin, "商工労働課").get_by_role("link", name="差し戻す").click()
    admin.get_by_label("差し戻しの理由（担当課に表示されます）").fill(REASON)
    admin.get_by_role("button", name="商工労働課の2事業を差し戻します").click()
    for other in ("企業誘致課", "観光課"):  # the other departments are untouched
        assert "提出済み" in part(admin, other).inner_text()
    steps.check(admin, "6-administrator-returned-one-department")
    admin.set_viewport_size({"width": 360, "height": 800})  # the board on a phone
    save_screenshot(admin, ARTIFACTS / "6-board-at-360px.png")
    admin.set_viewport_size({"width": 1280, "height": 800})

    shoko.goto(f"{site}/staff/2023/")
    assert REASON in shoko.content()
    steps.check(shoko, "7-department-sees-the-reason")
    shoko.set_viewport_size({"width": 360, "height": 800})
    save_screenshot(shoko, ARTIFACTS / "7-reason-at-360px.png")
    shoko.goto(f"{site}/staff/2023/projects/1/")
    shoko.get_by_label("まとめ（検証結果）").fill(FIXED)
    shoko.get_by_role("button", name="保存", exact=True).click()
    shoko.get_by_text("保存しました").wait_for()
    shoko.goto(f"{site}/staff/2023/board/")
    shoko.get_by_role("link", name="提出する").click()
    shoko.get_by_role("button", name="商工労働課の2事業を提出します").click()
    parts = dict(DepartmentPart.objects.filter(cycle__fiscal_year=2023, cycle__municipality=world.isesaki)
                 .values_list("department__name", "version"))
    assert parts["企業誘致課"] == 2 and parts["観光課"] == 2  # submitted once, never touched again

    reviewer = log_in(browser, site, "yushikisha")
    reviewer.goto(f"{site}/staff/2023/projects/1/review/")
    reviewer.get_by_label("意見（評価）").fill(OPINION)
    steps.check(reviewer, "8-reviewer-writes-the-opinion")
    reviewer.get_by_role("button", name="保存").click()
    reviewer.get_by_text("意見を保存しました").wait_for()

    admin.goto(f"{site}/staff/2023/board/")
    for department in ("企業誘致課", "観光課", "商工労働課"):
        part(admin, department).get_by_role("link", name="確認済みにする").click()
        admin.get_by_role("button", name=f"{department}の").click()
    assert admin.locator("#cycle-state").inner_text() == "確認済み"
    admin.goto(f"{site}/staff/2023/publish/")
    assert FIXED in admin.content() and OPINION in admin.content()  # the preview of the public page
    steps.check(admin, "9-preview-before-publishing")
    if admin.locator("#acknowledged").count():
        admin.check("#acknowledged")
    admin.get_by_role("button", name="令和5年度の報告をこの内容で公表する").click()
    admin.wait_for_url(f"{site}/staff/2023/")
    assert admin.locator("#cycle-state").inner_text() == "公表済み"

    visitor = browser.new_page(locale="ja-JP", bypass_csp=True)
    visitor.goto(f"{site}/m/isesaki/2023/")
    content = visitor.content()
    assert "6社" in content and FIXED in content and OPINION in content
    assert "観光誘客促進事業" in content and "12,000人" in content  # the third department's project too
    steps.check(visitor, "10-visitor-reads-the-new-figures-and-the-opinion")
    assert {name: v for name, v in steps.violations.items() if v} == {}
