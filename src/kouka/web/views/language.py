"""The language switch in the header of every page (日本語 / English).

A link, not Django's ``set_language`` form: that form needs a CSRF token, and a token would make every public
page a page of its own reader's, where kouka keeps one stored page for all readers (kouka.web.artifacts).
The link only sets the language cookie (as ``set_language`` does, with the same settings) and goes back to
the page it came from; a forged one can only change the language a reader sees.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache


@never_cache
def switch(request: HttpRequest, code: str) -> HttpResponse:
    """``/i18n/en/?next=/m/isesaki/2022/``: read the site in ``code`` from now on, starting with ``next``."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("言語がありません")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = redirect(target)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response
