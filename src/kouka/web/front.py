"""The year's latest published page, answered for anonymous readers before Django's request handling.

A published page is the same bytes for every anonymous reader in a language (:mod:`kouka.web.artifacts` stores
them); what Django's request handling adds to it (routing, sessions, the middleware's headers) is the same on
every request too, and costs several times what sending the bytes costs. :class:`PublishedFront` wraps the WSGI
application: the first time a page is asked for in a language, Django answers as always and the front keeps that
answer (status, headers, body); after that, for the same page, language and scheme, it asks the database one
question, which revision is the latest, and when that is the revision it kept, it sends the kept answer (or a
304 when the reader holds it already). Everything else goes to Django unchanged: a signed-in reader or one with
a message waiting (a session or a message cookie), any other method, path or query, a host Django would refuse,
a conditional request it cannot decide, and every page whose latest revision changed (a correction shows at
once: the front learns the new answer from Django).

Nothing is duplicated from the middleware: every header comes from Django's own answer. The kept answers are
bounded (:data:`MAX_BYTES` per process, least recently used dropped first).
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import Error as DatabaseFailure
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils import translation

from kouka.web import selectors

PAGE_PATH = re.compile(r"/m/(?P<slug>[A-Za-z0-9_-]{1,100})/(?P<year>[0-9]{4})/\Z")
MAX_BYTES = 64 * 1024 * 1024  # kept answers per process
PRIVATE_COOKIES = ("messages",)  # besides the session cookie: a reader with these gets Django's answer

StartResponse = Callable[..., Any]
WsgiApplication = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Kept:
    """Django's answer for a page at one revision."""

    revision: tuple[Any, ...]  # selectors.publication_latest_version when it was kept
    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def etag(self) -> str:
        return next((value for name, value in self.headers if name.lower() == "etag"), "")

    def not_modified(self) -> tuple[str, list[tuple[str, str]], bytes]:
        """The 304 Django sends for it: the same headers without the content's type, and no body."""
        headers = [(n, "0" if n.lower() == "content-length" else v) for n, v in self.headers
                   if n.lower() != "content-type"]
        return "304 Not Modified", headers, b""


class _RequestLike:
    """What Django's language choice reads of a request (its cookies and headers)."""

    def __init__(self, environ: dict[str, Any], cookies: dict[str, str]) -> None:
        self.META = environ
        self.COOKIES = cookies
        self.path_info = environ.get("PATH_INFO", "")


class PublishedFront:
    def __init__(self, application: WsgiApplication, max_bytes: int = MAX_BYTES) -> None:
        self.application = application
        self.max_bytes = max_bytes
        self.kept: OrderedDict[tuple[str, ...], Kept] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        key = self.eligible(environ)
        if key is None:
            return self.application(environ, start_response)
        found = PAGE_PATH.match(environ["PATH_INFO"])
        assert found is not None
        revision = self.latest(found["slug"], int(found["year"]))
        if revision is None:
            return self.application(environ, start_response)
        with self.lock:
            kept = self.kept.get(key)
            if kept is not None:
                self.kept.move_to_end(key)
        if kept is not None and kept.revision == revision:
            status, headers, body = self.answer(kept, environ)
            if status:
                start_response(status, headers)
                return [body] if environ["REQUEST_METHOD"] == "GET" else [b""]
        return self.learn(key, revision, environ, start_response)

    @staticmethod
    def eligible(environ: dict[str, Any]) -> tuple[str, ...] | None:
        """The key of the answer an anonymous GET or HEAD of a year's page shares with every such reader (its
        path, language and scheme); None when Django must answer it."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        path = environ.get("PATH_INFO", "")
        if not PAGE_PATH.match(path) or "HTTP_X_FORWARDED_HOST" in environ:
            return None
        domain, _port = split_domain_port(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if settings.SESSION_COOKIE_NAME in cookies or any(name in cookies for name in PRIVATE_COOKIES):
            return None
        language = translation.get_language_from_request(_RequestLike(environ, cookies))  # type: ignore[arg-type]
        scheme = environ.get("wsgi.url_scheme", "http") + "/" + environ.get("HTTP_X_FORWARDED_PROTO", "")
        return path, language, scheme

    @staticmethod
    def latest(slug: str, year: int) -> tuple[Any, ...] | None:
        """The year's latest revision as the database says now (None: none, or the database did not answer: a
        connection the server ended is then replaced by Django's own request handling, which answers)."""
        try:
            return selectors.publication_latest_version(slug=slug, year=year)
        except DatabaseFailure:
            return None

    @staticmethod
    def answer(kept: Kept, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        """The kept answer, or its 304 when the reader's If-None-Match names it; ("", …) when Django must
        decide (an If-Modified-Since alone, or an If-Match)."""
        if "HTTP_IF_MATCH" in environ or "HTTP_IF_UNMODIFIED_SINCE" in environ:
            return "", [], b""
        asked = environ.get("HTTP_IF_NONE_MATCH")
        if asked is None:
            if "HTTP_IF_MODIFIED_SINCE" in environ:
                return "", [], b""
            return kept.status, kept.headers, kept.body
        tags = {tag.strip().removeprefix("W/") for tag in asked.split(",")}
        if "*" in tags or kept.etag in tags:
            return kept.not_modified()
        return kept.status, kept.headers, kept.body

    def learn(self, key: tuple[str, ...], revision: tuple[Any, ...], environ: dict[str, Any],
              start_response: StartResponse) -> Iterable[bytes]:
        """Django's answer, passed on; kept when it is the page every anonymous reader gets (a 200 that sets no
        cookie and may be shared)."""
        answered: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answered[:] = [status, list(headers)]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        environ = {k: v for k, v in environ.items() if k not in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")} \
            if environ["REQUEST_METHOD"] == "GET" else environ
        result = self.application(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # Django's request_finished: the connection's end of request
        status, headers = answered
        names = {name.lower() for name, _value in headers}
        cache_control = next((v for n, v in headers if n.lower() == "cache-control"), "")
        if status.startswith("200") and "set-cookie" not in names and "etag" in names and "public" in cache_control \
                and environ["REQUEST_METHOD"] == "GET":
            self.keep(key, Kept(revision, status, headers, body))
        return [body]

    def keep(self, key: tuple[str, ...], kept: Kept) -> None:
        if len(kept.body) > self.max_bytes:
            return
        with self.lock:
            previous = self.kept.pop(key, None)
            if previous is not None:
                self.size -= len(previous.body)
            self.kept[key] = kept
            self.size += len(kept.body)
            while self.size > self.max_bytes:
                _key, dropped = self.kept.popitem(last=False)
                self.size -= len(dropped.body)
