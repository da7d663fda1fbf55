"""HTTP security the settings cannot say alone: the Content-Security-Policy and Permissions-Policy headers,
the client address the login throttle counts by, and the page a throttled sign-in gets.

The policy allows nothing inline: every script and stylesheet is a file served by the site itself
(``script-src 'self'``, ``style-src 'self'``), so markup that slipped into stored text could not run even
if it were ever rendered unescaped. Settings: ``KOUKA_CSP`` (the policy, a dict of directive → sources),
``KOUKA_CSP_PATHS`` (a policy per path prefix, for pages that need another one), ``KOUKA_PERMISSIONS_POLICY``.
"""

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

Policy = Mapping[str, str]

DEFAULT_CSP: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Browser features kouka never uses, switched off for every page (and anything embedded in it).
DEFAULT_PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer", "microphone",
    "midi", "payment", "usb"))


def policy_header(policy: Policy) -> str:
    """``{"script-src": "'self'"}`` → ``script-src 'self'``."""
    return "; ".join(f"{directive} {sources}".strip() for directive, sources in policy.items())


def policy_for(path: str) -> Policy:
    """The policy of the longest ``KOUKA_CSP_PATHS`` prefix ``path`` starts with, else ``KOUKA_CSP``."""
    paths: Mapping[str, Policy] = getattr(settings, "KOUKA_CSP_PATHS", {})
    matches = [prefix for prefix in paths if path.startswith(prefix)]
    if matches:
        return paths[max(matches, key=len)]
    policy: Policy = getattr(settings, "KOUKA_CSP", DEFAULT_CSP)
    return policy


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response that does not set its own.

    (X-Content-Type-Options, Referrer-Policy and Cross-Origin-Opener-Policy come from Django's
    SecurityMiddleware, X-Frame-Options from its XFrameOptionsMiddleware.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy_header(policy_for(request.path))
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = getattr(settings, "KOUKA_PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)
        return response


class NulBytesMiddleware:
    """Answers 400 to a request whose path or query parameters (names or values) hold a NUL character.

    No page has a use for one, PostgreSQL cannot compare text holding one (a query would fail with a 500), and
    forms already refuse them in their fields (Django's ``ProhibitNullCharactersValidator``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any("\x00" in key or any("\x00" in value for value in values)
                                          for key, values in request.GET.lists()):
            raise BadRequest("NUL character in the request")
        return self.get_response(request)


def client_ip(request: HttpRequest) -> str:
    """The address a sign-in attempt is counted by (django-axes).

    Behind a reverse proxy (``DJANGO_BEHIND_PROXY``) every request comes from the proxy, so the client is the
    last address of ``X-Forwarded-For`` – the one the proxy itself appended (nginx:
    ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``); earlier ones are the client's own
    claims and are not trusted.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if getattr(settings, "KOUKA_BEHIND_PROXY", False):
        forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return remote


LOCKED_MESSAGE = gettext_noop("ログインの失敗が続いたため、しばらくログインできません。"
                              "時間をおいてやり直すか、管理者に連絡してください")


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """The response to a throttled sign-in (django-axes' ``AXES_LOCKOUT_CALLABLE``): the sign-in page with
    the reason in Japanese, status 429."""
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    minutes = int(cooloff.total_seconds() // 60) if isinstance(cooloff, timedelta) else 0
    return render(request, "kouka/locked.html", {"message": _(LOCKED_MESSAGE), "minutes": minutes}, status=429)


CSRF_MESSAGE = gettext_noop("フォームの有効期限が切れたか、別の画面から送信されました（CSRF検証に失敗しました）。"
                            "ページを読み込み直してから、もう一度送信してください")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's ``CSRF_FAILURE_VIEW``: a write without a valid token is refused (403) with a message in Japanese
    (most often a form left open past the end of the session)."""
    return render(request, "kouka/refused.html", {"message": _(CSRF_MESSAGE)}, status=403)
