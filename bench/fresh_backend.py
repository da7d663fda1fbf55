"""An empty database for one benchmark run, as the environment of the child process that uses it: a new SQLite
file in a temporary data folder, or a new PostgreSQL database on the given server; both removed afterwards."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def fresh_backend(backend: str, postgres_url: str, label: str) -> Iterator[dict[str, str]]:
    """The environment (DJANGO_SETTINGS_MODULE, KOUKA_DATA_DIR, DATABASE_URL for PostgreSQL) of a child that
    works on a new database of ``backend`` ("sqlite" or "postgres") named after ``label``."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="kouka.web.settings", DJANGO_ALLOWED_HOSTS="testserver")
    env.pop("DATABASE_URL", None)
    data = Path(tempfile.mkdtemp(prefix=f"kouka-bench-{label}-"))
    env["KOUKA_DATA_DIR"] = str(data)
    name = f"kouka_bench_{label}_{os.getpid()}"
    admin = None
    if backend == "postgres":
        import psycopg

        admin = psycopg.connect(postgres_url, autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = postgres_url.rsplit("/", 1)[0] + "/" + name
    try:
        yield env
    finally:
        shutil.rmtree(data, ignore_errors=True)
        if admin is not None:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
