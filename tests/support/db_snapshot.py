"""A whole database as comparable data, for tests that compare databases written by other processes.

The database is read over its own driver connection (``sqlite3`` or ``psycopg``), not through Django's
connections, so any database file or PostgreSQL database can be read from the test process:

- :func:`exact`: every table the database has (Django's and kouka's), every row, every column as stored,
  sorted: two equal exact snapshots are the same database;
- :func:`canonical`: kouka's tables with surrogate keys, other columns holding ids (``ID_VALUED``) and timestamps
  left out and each foreign key replaced by the canonical form of the row it points to, a sorted list per
  table: equal for two databases that hold the same content written at other times (PostgreSQL's sequences
  do not roll back, so ids may differ).
"""

import base64
import datetime
import json
import sqlite3
from decimal import Decimal
from typing import Any

Connection = Any  # sqlite3.Connection or psycopg.Connection
# Columns that hold a surrogate key's value without being a foreign key: the highest fact id the dashboards'
# rollups were made from (kouka.web.stats.rollup).
ID_VALUED = {("kouka_rollupstate", "max_fact_id")}


def connect(target: str) -> Connection:
    """An SQLite file path, or a postgresql:// URL."""
    if target.startswith("postgresql://"):
        import psycopg

        return psycopg.connect(target, autocommit=True)
    return sqlite3.connect(target)


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview | bytes):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time | Decimal):
        return str(value)
    return value


def _tables(connection: Connection) -> list[str]:
    if isinstance(connection, sqlite3.Connection):
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    else:
        rows = connection.execute("SELECT table_name FROM information_schema.tables "
                                  "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'").fetchall()
    return sorted(row[0] for row in rows)


def _select(connection: Connection, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    cursor = connection.execute(f'SELECT * FROM "{table}"')
    return [column[0] for column in cursor.description], cursor.fetchall()


def _text(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True, default=str)


def exact(target: str) -> dict[str, list[str]]:
    with connect(target) as connection:
        tables = {}
        for table in _tables(connection):
            names, rows = _select(connection, table)
            tables[table] = sorted(_text(dict(zip(names, map(_plain, row), strict=True))) for row in rows)
        return tables


def canonical(target: str) -> dict[str, list[str]]:
    """Needs Django set up (for kouka's models' fields); reads nothing through Django."""
    from django.apps import apps
    from django.db import models

    models_by_table = {m._meta.db_table: m for m in apps.get_app_config("kouka").get_models(include_auto_created=True)}
    with connect(target) as connection:
        raw: dict[str, dict[Any, dict[str, Any]]] = {}
        for table, model in models_by_table.items():
            names, rows = _select(connection, table)
            pk = model._meta.pk.column if model._meta.pk is not None and model._meta.pk.column else "id"
            raw[table] = {row[names.index(pk)]: dict(zip(names, row, strict=True)) for row in rows}
    memo: dict[tuple[str, Any], Any] = {}

    def form(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for field in model._meta.concrete_fields:
            if (field.primary_key or isinstance(field, models.DateTimeField)
                    or (model._meta.db_table, field.column) in ID_VALUED):
                continue
            value = values[field.column or field.attname]
            if isinstance(field, models.JSONField) and isinstance(value, str):
                value = json.loads(value)
            if field.is_relation and value is not None:
                value = row_of(field.related_model, value)  # type: ignore[arg-type]
            result[field.name] = _plain(value)
        return result

    def row_of(model: type[models.Model], pk: Any) -> Any:
        table = model._meta.db_table
        if table not in raw:  # outside kouka (a user): its id is all there is
            return pk
        key = (table, pk)
        if key not in memo:
            memo[key] = form(model, raw[table][pk])
        return memo[key]

    return {table: sorted(_text(form(model, values)) for values in raw[table].values())
            for table, model in models_by_table.items()}


def through_django() -> dict[str, list[str]]:
    """Every row of every table of kouka's and Django's auth models, read through Django's connection of the
    current database (so inside a test's transaction too): two equal snapshots hold the same data. A user's
    last sign-in is left out (a test client signing in is no write)."""
    from django.apps import apps

    tables: dict[str, list[str]] = {}
    for label in ("kouka", "auth"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            rows = model._default_manager.order_by().values()
            tables[model._meta.db_table] = sorted(_text({k: _plain(v) for k, v in row.items() if k != "last_login"})
                                                  for row in rows)
    return tables
