"""Issue 18.2: the year's published page is answered for anonymous readers before Django's request handling
(kouka.web.front), with exactly Django's answer (every header, the body, the 304), never a revision that is no
longer the latest, and never for a signed-in reader. Each case calls the real WSGI application, front and
Django, with real requests on SQLite and PostgreSQL; Django's own answers are counted by a wrapper around it."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test.client import RequestFactory

from kouka.web.front import PublishedFront
from kouka.web.wsgi import django_application
from web_fixtures import correct_2022

if TYPE_CHECKING:
    from web_fixtures import World

REPORT = "/m/isesaki/2022/"
Answer = tuple[str, dict[str, str], bytes]


class Counted:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        return django_application(environ, start_response)


@contextmanager
def inside_the_tests_transaction() -> Iterator[None]:
    """A request inside the test's transaction, as Django's test client runs one: the handler does not close the
    connection when the request starts or ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def counted() -> Counted:
    return Counted()


@pytest.fixture
def front(counted: Counted) -> PublishedFront:
    """The front over Django's application, whose answers ``counted`` counts."""
    return PublishedFront(counted)


def call(application: Any, path: str = REPORT, method: str = "GET", **headers: str) -> Answer:
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD=method, **headers)
    answered: list[Any] = []
    with inside_the_tests_transaction():
        result = application(environ, lambda status, items, exc_info=None: answered.append((status, items)))
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    status, items = answered[0]
    return status, dict(items), body


def without_date(answer: Answer) -> Answer:
    return answer[0], {k: v for k, v in answer[1].items() if k != "Date"}, answer[2]


@pytest.mark.parametrize("language", [{}, {"HTTP_ACCEPT_LANGUAGE": "en"}, {"HTTP_COOKIE": "django_language=en"}],
                         ids=["ja", "accept-en", "cookie-en"])
def test_the_front_answers_as_django_does_without_asking_it(world: "World", front: PublishedFront, counted: Counted,
                                                             language: dict[str, str]) -> None:
    first = call(front, **language)
    assert counted.calls == 1 and first[0] == "200 OK", first[:2]
    assert front.kept
    again = call(front, **language)
    assert counted.calls == 1, "the second reader was answered by Django again"
    assert without_date(again) == without_date(first) == without_date(call(django_application, **language))
    assert again[1]["Content-Language"] == ("ja" if not language else "en")
    tag = again[1]["ETag"]
    held = call(front, HTTP_IF_NONE_MATCH=tag, **language)
    assert counted.calls == 1 and held[0] == "304 Not Modified" and held[2] == b""
    assert without_date(held) == without_date(call(django_application, HTTP_IF_NONE_MATCH=tag, **language))
    assert call(front, HTTP_IF_NONE_MATCH='"another"', **language)[2] == first[2]
    head = call(front, method="HEAD", **language)
    assert head[0] == "200 OK" and head[2] == b"" and head[1]["Content-Length"] == str(len(first[2]))
    assert counted.calls == 1


def test_a_correction_is_served_at_once(world: "World", front: PublishedFront, counted: Counted) -> None:
    before = call(front)
    correct_2022(world.client("kikaku"), "4社", "実績値を訂正しました。")
    after = call(front)
    assert counted.calls == 2, "the kept page of the superseded revision was served"
    assert after[1]["ETag"] != before[1]["ETag"] and "実績値を訂正しました。" in after[2].decode()
    assert without_date(call(front)) == without_date(after) and counted.calls == 2


@pytest.mark.parametrize("headers", [{"HTTP_COOKIE": "sessionid=abc"}, {"HTTP_COOKIE": "messages=xyz"},
                                     {"QUERY_STRING": "x=1"}, {"HTTP_HOST": "evil.example"},
                                     {"HTTP_IF_MODIFIED_SINCE": "Fri, 27 Nov 2026 00:00:00 GMT"}],
                         ids=["session", "messages", "query", "foreign-host", "if-modified-since-alone"])
def test_what_the_front_leaves_to_django(world: "World", front: PublishedFront, counted: Counted,
                                        headers: dict[str, str]) -> None:
    call(front)
    assert counted.calls == 1
    call(front, **headers)
    assert counted.calls == 2


def test_a_signed_in_reader_gets_their_own_page(world: "World", front: PublishedFront, counted: Counted) -> None:
    anonymous = call(front)
    staff = world.client("kikaku")
    session = staff.cookies["sessionid"].value
    own = call(front, HTTP_COOKIE=f"sessionid={session}")
    assert counted.calls == 2 and own[2] != anonymous[2] and "private" in own[1]["Cache-Control"]


def test_unpublished_and_unknown_years_are_djangos_404(world: "World", front: PublishedFront, counted: Counted) -> None:
    for path in ("/m/isesaki/2023/", "/m/nowhere/2022/"):
        assert call(front, path)[0].startswith("404") and call(front, path)[0].startswith("404")
    assert counted.calls == 4


def test_kept_answers_are_bounded(world: "World", counted: Counted) -> None:
    first = call(django_application)
    front = PublishedFront(counted, max_bytes=len(first[2]) + 10)
    call(front)
    call(front, HTTP_ACCEPT_LANGUAGE="en")  # a second answer: the first is dropped to stay in bounds
    assert len(front.kept) == 1 and front.size <= front.max_bytes
    call(front)
    assert counted.calls == 3
