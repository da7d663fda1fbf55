"""The site's own error pages (400, 403, 404, 405, 500) and refusals: in the site's look with its header, in
Japanese (English through the catalogue), with a way back; with DEBUG off, as in production. The 500 page is
rendered without the database. And the language switch in the header of every page."""

from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client

if TYPE_CHECKING:
    from web_fixtures import World

HEADER = '<header class="site">'
WAY_BACK = '<a href="/">公表資料の一覧へ</a>'


def page(response: HttpResponse) -> str:
    return response.content.decode()


def test_the_tests_run_as_production_does() -> None:
    assert settings.DEBUG is False


@pytest.mark.urls("error_urls")
@pytest.mark.parametrize(("path", "status", "heading"), [
    ("/suspicious/", 400, "リクエストを処理できません"),
    ("/fail/", 500, "エラーが発生しました"),
])
def test_the_400_and_500_pages_need_no_database(path: str, status: int, heading: str) -> None:
    """No django_db mark: pytest-django refuses every query, so the pages are shown without the database."""
    response = Client(raise_request_exception=False).get(path)
    content = page(response)
    assert response.status_code == status and f"<h1>{heading}</h1>" in content
    assert HEADER in content and WAY_BACK in content and '<html lang="ja">' in content
    assert "Traceback" not in content and "RuntimeError" not in content and "Server Error" not in content


@pytest.mark.urls("error_urls")
def test_a_signed_in_user_s_500_page_needs_no_database(world: "World", django_db_blocker: Any) -> None:
    client = world.client("kikaku", raise_request_exception=False)
    with django_db_blocker.block():  # every query now fails
        response = client.get("/fail/")
    assert response.status_code == 500 and "<h1>エラーが発生しました</h1>" in page(response)


@pytest.mark.urls("error_urls")
@pytest.mark.django_db
def test_the_403_page_is_the_site_s_own() -> None:
    response = Client().get("/refuse/")
    content = page(response)
    assert response.status_code == 403 and "<h1>操作できません</h1>" in content
    assert "このページを開く権限がありません。" in content and HEADER in content and WAY_BACK in content


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_a_missing_page_is_the_site_s_404_in_the_reader_s_language(world: "World") -> None:
    for path in ("/no-such-page/", "/m/isesaki/2023/", "/m/nowhere/", "/staff/people/99999/"):
        response = world.client("kikaku").get(path)
        content = page(response)
        assert response.status_code == 404 and "<h1>ページが見つかりません</h1>" in content, path
        assert HEADER in content and "職員ページへ戻る" in content and "Not Found" not in content
    english = Client()
    switched = english.get("/i18n/en/?next=/no-such-page/")
    assert switched.status_code == 302 and switched["Location"] == "/no-such-page/"
    content = page(english.get("/no-such-page/"))
    assert '<html lang="en">' in content and "<h1>Page not found</h1>" in content
    assert "To the list of publications" in content


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_a_refusal_and_a_failed_csrf_check_have_the_same_look(world: "World") -> None:
    refused = world.client("shoko").get("/staff/people/")
    assert refused.status_code == 403 and "<h1>操作できません</h1>" in page(refused) and HEADER in page(refused)
    assert "職員ページへ戻る" in page(refused)
    csrf = world.client("kikaku", enforce_csrf_checks=True).post("/staff/departments/", data={"name": "x"})
    assert csrf.status_code == 403 and "CSRF" in page(csrf) and HEADER in page(csrf) and WAY_BACK in page(csrf)


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_a_form_s_address_opened_directly_is_a_405_page(world: "World") -> None:
    response = world.client("kikaku").get("/staff/2023/transition/submit/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "<h1>この操作はできません</h1>" in page(response) and HEADER in page(response)
    api = world.client("kikaku").delete("/api/public/reports")
    assert api.status_code == 405 and "<h1>" not in page(api)  # the API keeps its own answers


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_the_language_switch_is_on_every_page_and_changes_the_header(world: "World") -> None:
    reader = Client()
    for path, back in (("/", "/"), ("/m/isesaki/2022/", "/m/isesaki/2022/"), ("/accounts/login/", "/accounts/login/"),
                       ("/stats/群馬県/", "/stats/%E7%BE%A4%E9%A6%AC%E7%9C%8C/"), ("/no-such-page/", "/no-such-page/")):
        content = page(reader.get(path))
        assert f'href="/i18n/en/?next={back}" lang="en" hreflang="en" rel="nofollow">English</a>' in content, path
        if path != "/accounts/login/":  # (the sign-in form has its token)
            assert "csrfmiddlewaretoken" not in content  # a public page stays the same for every reader
    prefecture = "/stats/%E7%BE%A4%E9%A6%AC%E7%9C%8C/"
    assert reader.get(f"/i18n/en/?next={prefecture}")["Location"] == prefecture
    english = page(reader.get("/"))
    assert '<html lang="en">' in english and ">Publications</a>" in english and ">Staff sign-in</a>" in english
    assert reader.get("/i18n/ja/?next=https://elsewhere.example/")["Location"] == "/"  # never off the site
    assert ">公表資料</a>" in page(reader.get("/"))
    assert reader.get("/i18n/fr/").status_code == 404
