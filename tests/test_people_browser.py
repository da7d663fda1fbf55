"""People and access on the web, end to end in Debian's chromium: the planning administrator adds a user with a
department and an e-mail address, the user signs in with the one-time password and must change it; the
administrator resets another user's password and deactivates a third, who can then not sign in; creates an
API token, sees it once, a script reads the API with it, the administrator revokes it and the script is
refused; a write token enters an actual of its department's project and nothing else; the history says all of
it in words. Screenshots of each step go to artifacts/people/; axe-core
checks WCAG 2.1 AA on every page shown."""

import os
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests

from browser_support import axe_violations, save_screenshot
from paths import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used between synchronous browser calls

ARTIFACTS = ROOT / "artifacts" / "people"
NEW_PASSWORD = "Hanako-Kouka-2024!"


class Steps:
    """Screenshots of each step and axe-core's findings on each page, collected for one assertion at the end."""

    def __init__(self) -> None:
        self.violations: dict[str, list[dict[str, Any]]] = {}

    def check(self, page: "Page", name: str) -> None:
        save_screenshot(page, ARTIFACTS / f"{name}.png")
        self.violations[name] = axe_violations(page)


def open_page(browser: "Browser") -> "Page":
    page = browser.new_page(locale="ja-JP", bypass_csp=True)  # so that axe can be injected
    page.set_default_timeout(10_000)
    return page


def sign_in(browser: "Browser", site: str, username: str, password: str) -> "Page":
    page = open_page(browser)
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    return page


def add_user(admin: "Page", steps: Steps) -> str:
    admin.get_by_role("link", name="職員とAPI", exact=True).click()
    steps.check(admin, "01-people")
    admin.get_by_role("link", name="職員を追加").click()
    admin.get_by_label("ユーザー名（ログインに使う名前）").fill("hanako")
    admin.get_by_label("表示名").fill("商工 花子")
    admin.get_by_label("メールアドレス").fill("hanako@example.jp")
    admin.get_by_label("担当課（編集者）", exact=True).check()
    admin.get_by_label("商工労働課", exact=True).check()
    steps.check(admin, "02-new-person-form")
    admin.get_by_role("button", name="追加して一時パスワードを発行").click()
    password = admin.locator("#one-time-password").inner_text().strip()
    steps.check(admin, "03-one-time-password")
    return password


def first_sign_in(browser: "Browser", site: str, password: str, steps: Steps) -> None:
    user = sign_in(browser, site, "hanako", password)
    user.wait_for_url(f"{site}/accounts/password/")  # made to choose a password of their own first
    user.get_by_text("一時パスワードでログインしています").wait_for()
    steps.check(user, "04-must-change-password")
    user.locator("#id_old_password").fill(password)
    user.locator("#id_new_password1").fill(NEW_PASSWORD)
    user.locator("#id_new_password2").fill(NEW_PASSWORD)
    user.get_by_role("button", name="変更する").click()
    user.wait_for_url(f"{site}/staff/me/")
    user.get_by_text("パスワードを変更しました").wait_for()
    content = user.locator("main").inner_text()
    assert "商工 花子" in content and "担当課（編集者）" in content and "商工労働課" in content
    assert "hanako@example.jp" in content
    steps.check(user, "05-own-account")
    user.get_by_role("link", name="職員ページ", exact=True).click()
    user.wait_for_url(f"{site}/staff/")
    user.close()


def reset_and_deactivate(browser: "Browser", site: str, admin: "Page", steps: Steps) -> None:
    admin.goto(f"{site}/staff/people/")
    admin.get_by_role("link", name="shoko", exact=True).click()
    steps.check(admin, "06-person")
    admin.get_by_role("button", name="パスワードを再発行する").click()
    password = admin.locator("#one-time-password").inner_text().strip()
    steps.check(admin, "07-password-reset")
    assert sign_in(browser, site, "shoko", "kouka-demo").url.startswith(f"{site}/accounts/login/")
    reset = sign_in(browser, site, "shoko", password)
    assert reset.url == f"{site}/accounts/password/"
    reset.close()
    admin.goto(f"{site}/staff/people/")
    admin.get_by_role("link", name="kigyo", exact=True).click()
    admin.get_by_role("button", name="このユーザーを無効にする").click()
    admin.get_by_text("このユーザーはログインできません").wait_for()
    assert admin.locator("#person-state").inner_text() == "無効（ログインできません）"
    steps.check(admin, "08-deactivated")
    refused = sign_in(browser, site, "kigyo", "kouka-demo")
    assert refused.url.startswith(f"{site}/accounts/login/")
    refused.get_by_text("正しいユーザー名とパスワードを入力してください").wait_for()
    steps.check(refused, "09-deactivated-cannot-sign-in")
    refused.close()


def token_round_trip(site: str, admin: "Page", steps: Steps) -> None:
    admin.goto(f"{site}/staff/people/")
    admin.get_by_role("link", name="APIトークン（他のシステムとの連携）").click()
    admin.get_by_label("名前", exact=True).fill("市ホームページのCMS")
    admin.get_by_label("公表データの読み取り").check()
    steps.check(admin, "10-token-form")
    admin.get_by_role("button", name="作成して表示する").click()
    secret = admin.locator("#token-secret").inner_text().strip()
    assert secret.startswith("kouka_")
    steps.check(admin, "11-token-shown-once")
    api = f"{site}/api/public/reports/isesaki/2022"
    read = requests.get(api, headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    assert read.status_code == 200 and read.json()["reports"][0]["fiscal_year"] == 2022
    admin.get_by_role("link", name="APIトークンの一覧へ戻る").click()
    assert secret not in admin.content()  # shown once, never again
    admin.get_by_role("row", name="市ホームページのCMS").get_by_text("（1回）").wait_for()
    admin.get_by_role("button", name="「市ホームページのCMS」を取り消す").click()
    admin.get_by_text("以後このトークンは使えません").wait_for()
    steps.check(admin, "12-token-revoked")
    refused = requests.get(api, headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    assert refused.status_code == 401 and "取り消されています" in refused.json()["detail"]


def write_token(site: str, admin: "Page", steps: Steps) -> None:
    """A write token of 商工労働課 enters an actual of its project, is refused another department's and the
    workflow, and the year's history names the token as the author."""
    admin.get_by_label("名前", exact=True).fill("商工労働課の集計表")
    admin.get_by_label("担当課の実績値・まとめの入力").check()
    admin.get_by_label("担当課（書き込みの場合）").select_option(label="商工労働課")
    admin.get_by_label("有効期限（この日まで有効）").fill((date.today() + timedelta(days=365)).isoformat())
    admin.get_by_role("button", name="作成して表示する").click()
    secret = admin.locator("#token-secret").inner_text().strip()
    headers = {"Authorization": f"Bearer {secret}"}
    staff = f"{site}/api/staff/cycles/2023"
    own = requests.put(f"{staff}/projects/1/kpis/1/actuals/2023", json={"text": "5社", "version": 1},
                       headers=headers, timeout=30)
    assert own.status_code == 200 and own.json()["data"]["actuals"]["2023"]["text"] == "5社"
    others = requests.put(f"{staff}/projects/2/kpis/1/actuals/2023", json={"text": "9社", "version": 1},
                          headers=headers, timeout=30)
    submit = requests.post(f"{staff}/transitions/submit", json={}, headers=headers, timeout=30)
    assert (others.status_code, submit.status_code) == (404, 403)
    admin.goto(f"{site}/staff/2023/history/")
    text = admin.locator("main").inner_text()
    assert "事業① 成果目標① 令和5年度 実績値: （なし） → 5社（APIトークン「商工労働課の集計表」、" in text
    steps.check(admin, "13-year-history-written-by-a-token")
    admin.get_by_role("link", name="（APIトークン「商工労働課の集計表」", exact=False).click()
    admin.get_by_role("heading", name="変更の内容").wait_for()
    assert "事業① 成果目標① 令和5年度 実績値: （なし） → 5社" in admin.locator("main").inner_text()
    steps.check(admin, "13b-one-change")


HISTORY = [
    "職員「商工 花子」（hanako）を追加しました（メールアドレス: 「hanako@example.jp」、役割: 担当課（編集者）、"
    "担当課: 商工労働課）",
    "「商工 花子」（hanako）が自分のパスワードを変更しました",
    "職員「shoko」のパスワードを再発行しました",
    "職員「kigyo」を無効にしました",
    "APIトークン「市ホームページのCMS」（公表データの読み取り）を作成しました（有効期限なし）",
    "APIトークン「市ホームページのCMS」（公表データの読み取り）を取り消しました",
    "APIトークン「商工労働課の集計表」（担当課の実績値・まとめの入力、商工労働課）を作成しました（有効期限 ",
]


def history_in_words(site: str, admin: "Page", steps: Steps) -> None:
    admin.goto(f"{site}/staff/people/")
    admin.get_by_role("link", name="職員・担当課・APIトークンの変更履歴").click()
    text = admin.locator("main").inner_text()
    for sentence in HISTORY:
        assert sentence in text, sentence
    assert "user:" not in text and "token:" not in text and "{" not in text
    steps.check(admin, "14-history-in-words")
    admin.get_by_role("link", name="English").click()
    admin.get_by_role("heading", name="History of staff, departments and API tokens").wait_for()
    assert "Deactivated the staff user “kigyo”" in admin.locator("main").inner_text()
    steps.check(admin, "15-history-in-english")
    admin.get_by_role("link", name="日本語").click()
    admin.goto(f"{site}/m/isesaki/2099/")
    admin.get_by_role("heading", name="ページが見つかりません").wait_for()
    steps.check(admin, "16-not-found")


def test_people_and_api_tokens_on_the_web(browser: "Browser", site: str) -> None:
    steps = Steps()
    admin = sign_in(browser, site, "kikaku", "kouka-demo")
    password = add_user(admin, steps)
    first_sign_in(browser, site, password, steps)
    reset_and_deactivate(browser, site, admin, steps)
    token_round_trip(site, admin, steps)
    write_token(site, admin, steps)
    history_in_words(site, admin, steps)
    admin.close()
    assert {name: found for name, found in steps.violations.items() if found} == {}
    assert all(Path(ARTIFACTS / f"{name}.png").stat().st_size > 10_000 for name in steps.violations)
