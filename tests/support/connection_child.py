"""Run by tests/test_connections.py in a process of its own (Django's settings are fixed per process): requests
through kouka's real WSGI application, as gunicorn sends them, and what became of the database connection
between them. Prints one JSON line."""

import json
import os
import sys

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.client import RequestFactory  # noqa: E402

call_command("migrate", verbosity=0)
application = get_wsgi_application()


def get(path: str) -> str:
    """One request, to the end: the response's close() sends request_finished, as a WSGI server does."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET")
    status: list[str] = []
    result = application(environ, lambda line, headers, exc_info=None: status.append(line))
    b"".join(result)
    result.close()  # type: ignore[attr-defined]
    return status[0]


def backend_id() -> int | None:
    """Which connection is open: the driver's connection object (None when closed)."""
    return id(connection.connection) if connection.connection is not None else None


outcome: dict[str, object] = {"statuses": [], "connections": []}
for _ in range(3):
    outcome["statuses"].append(get("/"))  # type: ignore[attr-defined]
    outcome["connections"].append(backend_id())  # type: ignore[attr-defined]
if sys.argv[1:] == ["--break"]:
    # the server ends the connection between two requests (a restart, an idle timeout): the next request checks
    # it before use and opens another instead of failing
    import psycopg

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with psycopg.connect(os.environ["KOUKA_ADMIN_URL"], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    outcome["after_break"] = get("/")
    outcome["connection_after_break"] = backend_id()
print(json.dumps(outcome))
