"""Fresh, empty databases for tests that need one of their own: a new SQLite file or a new PostgreSQL database.

Each gets a connection alias of its own for the length of the test (the SQLite and PostgreSQL test databases
of pytest-django stay untouched). PostgreSQL databases are named uniquely per run and dropped afterwards.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from django.db import connections
from django.db.utils import load_backend

from kouka.web.settings import SQLITE_OPTIONS

POSTGRES_URL = os.environ.get("KOUKA_TEST_POSTGRES_URL", "")
ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


_SETTINGS: dict[str, dict[str, Any]] = {}


def _register(alias: str, settings: dict[str, Any]) -> None:
    """A connection under ``alias`` that is not in settings.DATABASES (Django's test cases allow such ones)."""
    _SETTINGS[alias] = connections.configure_settings({"default": connections.settings["default"], alias: settings})[
        alias]
    attach(alias)


def attach(alias: str) -> None:
    """Give this thread its own connection to the fresh database ``alias`` (connections are per thread)."""
    connections[alias] = load_backend(_SETTINGS[alias]["ENGINE"]).DatabaseWrapper(_SETTINGS[alias], alias)


@contextmanager
def fresh_database(engine: str, folder: Path) -> Iterator[str]:
    """A new empty database (no tables) of ``engine`` under a new alias, removed afterwards."""
    suffix = uuid.uuid4().hex[:10]
    alias = f"fresh_{engine}_{suffix}"
    created = ""
    if engine == "sqlite":
        settings: dict[str, Any] = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(folder / f"{alias}.sqlite3"),
                                    "OPTIONS": dict(SQLITE_OPTIONS)}
    else:
        prefix = os.environ.get("KOUKA_TEST_POSTGRES_NAME", "kouka_web_test")
        created = f"{prefix}_fresh_{suffix}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{created}"')
        settings = dj_database_url.parse(POSTGRES_URL)
        settings["NAME"] = created
    _register(alias, settings)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del _SETTINGS[alias]
        if created:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
