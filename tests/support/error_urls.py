"""kouka's URLs and error handlers, with three views that fail on purpose (for the error pages' tests)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from kouka.web import urls as kouka_urls


def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a request kouka cannot trust")


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault in the server")


urlpatterns = [path("refuse/", refuse), path("suspicious/", suspicious), path("fail/", fail),
               *kouka_urls.urlpatterns]
handler400 = kouka_urls.handler400
handler403 = kouka_urls.handler403
handler404 = kouka_urls.handler404
handler500 = kouka_urls.handler500
