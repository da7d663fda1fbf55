"""Rendered public pages of frozen publications, kept in Django's cache framework.

A published revision (:class:`~kouka.web.models.Publication`) never changes, so HTML rendered from it is
stored under a key that names everything it depends on: the database, the publication, its revision and
publication time, the language, and a fingerprint of kouka's code and templates. Nothing is invalidated
by hand: a new revision (or a new release of kouka) has a new key, so it shows at once, and old entries
expire. Entries are looked up first in this process's memory (alias ``pages_local``), then in the cache
shared by every server process (alias ``pages``, a file cache in the data folder by default).

Two things are kept: page bodies rendered without the request (for everyone), and whole pages for anonymous
readers, stored only when rendering used nothing of the request (no messages to show, no CSRF token).
"""

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import translation

import kouka
from kouka.web.models import Publication

SHARED = "pages"
LOCAL = "pages_local"
CODE_SUFFIXES = (".py", ".html", ".css", ".json")


@cache
def code_fingerprint() -> str:
    """A hash of kouka's version and every source and template file: a change to any rule or template
    that could alter a rendered page gives every page a new key."""
    digest = hashlib.sha256(kouka.__version__.encode())
    root = Path(kouka.__file__).resolve().parent
    for path in sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def publication_key(kind: str, publication: Publication) -> str:
    """The cache key (and, quoted, the ETag) of page ``kind`` rendered from ``publication``."""
    database = settings.DATABASES[publication._state.db or "default"]
    parts = (kind, code_fingerprint(), database["ENGINE"], database.get("HOST", ""), database.get("PORT", ""),
             database["NAME"], publication.pk, publication.cycle_id, publication.revision,
             publication.published_at.isoformat(), translation.get_language())
    return f"kouka-{kind}-" + hashlib.sha256(repr(parts).encode()).hexdigest()


def etag(key: str) -> str:
    return f'"{key}"'


def _cached(key: str) -> str | None:
    local = caches[LOCAL]
    html: str | None = local.get(key)
    if html is None:
        html = caches[SHARED].get(key)
        if html is not None:
            local.set(key, html)
    return html


def _store(key: str, html: str) -> None:
    caches[SHARED].set(key, html)
    caches[LOCAL].set(key, html)


def cached_html(key: str, render: Callable[[], str]) -> str:
    """The HTML stored under ``key``, rendering and storing it on a miss."""
    html = _cached(key)
    if html is None:
        html = render()
        _store(key, html)
    return html


def anonymous_page(request: HttpRequest, key: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page under ``key`` as every anonymous reader sees it; rendered (and stored when it is the same for
    everyone) on a miss. A reader with a message waiting gets a page of their own."""
    if len(messages.get_messages(request)):
        return render()
    html = _cached(key)
    if html is not None:
        return HttpResponse(html)
    response = render()
    if response.status_code == 200 and not response.cookies and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        _store(key, response.content.decode())
    return response
