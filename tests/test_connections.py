"""Issue 18.2: database connections are kept between requests on SQLite as on PostgreSQL, and checked before
reuse (a connection the server ended is replaced, not an error). Each case runs kouka's WSGI application in a
process of its own, on a fresh database."""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from paths import ROOT

PG_URL = os.environ.get("KOUKA_TEST_POSTGRES_URL", "")
CHILD = ROOT / "tests" / "support" / "connection_child.py"


def run_child(data: Path, database_url: str = "", *args: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KOUKA_TEST_POSTGRES_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "kouka.web.settings", "KOUKA_DATA_DIR": str(data),
                "DJANGO_ALLOWED_HOSTS": "testserver", "KOUKA_ADMIN_URL": PG_URL})
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run([sys.executable, str(CHILD), *args], env=env, capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return outcome


@pytest.fixture
def postgres_database() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("KOUKA_TEST_POSTGRES_URL is not set")
    import psycopg

    name = f"kouka_conn_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sqlite_keeps_its_connection_between_requests(tmp_path: Path) -> None:
    outcome = run_child(tmp_path)
    assert outcome["statuses"] == ["200 OK"] * 3
    connections = outcome["connections"]
    assert isinstance(connections, list) and connections[0] is not None
    assert len(set(connections)) == 1, "each request opened a connection of its own"


def test_postgresql_keeps_its_connection_and_replaces_one_the_server_ended(tmp_path: Path,
                                                                          postgres_database: str) -> None:
    outcome = run_child(tmp_path, postgres_database, "--break")
    assert outcome["statuses"] == ["200 OK"] * 3
    connections = outcome["connections"]
    assert isinstance(connections, list) and connections[0] is not None and len(set(connections)) == 1
    assert outcome["after_break"] == "200 OK"
    assert outcome["connection_after_break"] not in (None, connections[0])
