"""The language of a request reaches the core's messages too (kouka.domain.i18n).

Django's LocaleMiddleware picks the request's language (the site's switch, else Japanese); this middleware,
placed after it, makes the domain core, the importers and the renderers speak the same language for the
length of the request.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from kouka.domain import i18n


class CoreLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with i18n.language(translation.get_language() or i18n.SOURCE_LANGUAGE):
            return self.get_response(request)
