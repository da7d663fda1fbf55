"""The rungs of ``bench/ladder.py`` that are not kouka itself, each serving the bytes of kouka's own public pages
(saved by the ladder in ``LADDER_PAGES``, one file per path) so that every rung sends the same bodies:

- ``raw``: a bare WSGI callable that looks the path up in a dict and returns its bytes (the limit of the server);
- ``static``: WhiteNoise serving the same files from disk, as a static-file server would;
- ``urlpatterns``/``constant``: a Django view returning the stored bytes, routed through kouka's own settings and
  middleware (``bench/ladder_settings.py`` points ``ROOT_URLCONF`` here): the framework's floor as kouka runs it;
- ``datasette_app``: datasette over the open-data rows (``LADDER_DATASETTE``), for uvicorn's ``--factory``.
"""

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

PAGES = Path(os.environ.get("LADDER_PAGES", "."))
INDEX = "index.html"


def stored_pages() -> dict[str, bytes]:
    """Each saved page by the path it was fetched at (``/m/<slug>/<year>/``)."""
    return {"/" + str(path.parent.relative_to(PAGES)) + "/": path.read_bytes() for path in PAGES.rglob(INDEX)}


BODIES = stored_pages()
HEADERS = [("Content-Type", "text/html; charset=utf-8")]


def raw(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = BODIES.get(environ.get("PATH_INFO", ""))
    if body is None:
        start_response("404 Not Found", [("Content-Length", "0")])
        return [b""]
    start_response("200 OK", [*HEADERS, ("Content-Length", str(len(body)))])
    return [body]


def _nothing(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Length", "0")])
    return [b""]


def _static() -> Any:
    from whitenoise import WhiteNoise

    return WhiteNoise(_nothing, root=str(PAGES), index_file=True, autorefresh=False)


static = _static()


def constant(request: Any) -> Any:
    from django.http import Http404, HttpResponse

    body = BODIES.get(request.path)
    if body is None:
        raise Http404
    return HttpResponse(body, content_type="text/html; charset=utf-8")


def _urlpatterns() -> list[Any]:
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        return []
    from django.urls import re_path

    return [re_path(r"^m/", constant)]


urlpatterns = _urlpatterns()


def datasette_app() -> Any:
    from datasette.app import Datasette

    database = os.environ["LADDER_DATASETTE"]
    return Datasette(immutables=[database], settings={"suggest_facets": False}).app()
