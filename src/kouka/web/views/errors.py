"""The site's own error pages (400, 403, 404, 405, 500), in the site's look and the reader's language.

Django calls the handlers named in :mod:`kouka.web.urls` when ``DEBUG`` is off. The 400 and 500 pages are
rendered without the request (no session, no database, no context processors): they must show even when what
failed is the request itself or the database. A refusal of kouka's own (``staff_view``, a failed CSRF check)
uses the same template with its reason.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

TEMPLATE = "kouka/error.html"


def page(request: HttpRequest, status: int, heading: str, message: str) -> HttpResponse:
    """The error page with the request's context (the header knows who is signed in)."""
    return render(request, TEMPLATE, {"heading": heading, "message": message}, status=status)


def bare_page(status: int, heading: str, message: str) -> HttpResponse:
    """The error page rendered from the template alone: no request, no session, no database."""
    html = loader.get_template(TEMPLATE).render({"heading": heading, "message": message})
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return bare_page(400, _("リクエストを処理できません"),
                     _("送られた内容を読み取れませんでした。アドレスを確かめて、もう一度お試しください。"))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return page(request, 403, _("操作できません"), _("このページを開く権限がありません。"))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return page(request, 404, _("ページが見つかりません"),
                _("お探しのページは見つかりませんでした。アドレスが正しいか、まだ公表されていない年度でないかを"
                  "ご確認ください。"))


def server_error(request: HttpRequest) -> HttpResponse:
    return bare_page(500, _("エラーが発生しました"),
                     _("サーバーで問題が起きたため、ページを表示できませんでした。時間をおいてもう一度お試しください。"
                       "続く場合は、企画担当（管理者）にお知らせください。"))


def method_not_allowed(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A 405 as a page (Django's own has no body), keeping its Allow header."""
    found = page(request, 405, _("この操作はできません"),
                 _("このアドレスはフォームのボタンから送られたときだけ使えます。前のページに戻って操作してください。"))
    if response.has_header("Allow"):
        found["Allow"] = response["Allow"]
    return found


class ErrorPageMiddleware:
    """Gives a bare 405 of a page (not of the API) the site's error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not request.path.startswith("/api/"):
            return method_not_allowed(request, response)
        return response
