"""Write many rows without building model instances (bulk loading's hot path): ``COPY`` on PostgreSQL,
``executemany`` elsewhere.

``bulk_create`` builds a model instance per row and prepares each value through its field, which costs more
than the database's own work when hundreds of thousands of rows are written. :func:`insert` takes plain
``{attname: value}`` rows instead: every concrete field of the model is written, a missing one gets its
default (an automatic date: the time of the call), and only JSON and date fields go through their field's
preparation (the driver takes text, numbers, booleans and ``None`` as they are). It returns the number of
rows written, not their ids: use ``bulk_create`` where the new ids are needed.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from kouka.web import dbrouter

BATCH = 5000


def _columns(model: type[models.Model]) -> "list[models.Field[Any, Any]]":
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _automatic(field: "models.Field[Any, Any]") -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def insert(model: type[models.Model], rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert ``rows`` into ``model``'s table in ``database``; return how many were written.

    Automatic dates (``auto_now``, ``auto_now_add``) get the time of the call. On PostgreSQL the rows go
    through ``COPY … FROM STDIN``, several times faster than INSERTs for large batches.
    """
    connection = dbrouter.connection()
    fields = _columns(model)
    now = timezone.now()
    # JSON and dates go through their field's preparation; text, numbers, booleans and None go as they are
    plan = [(f.attname, isinstance(f, (models.JSONField, models.DateField)), now if _automatic(f) else None,
             f.get_default()) for f in fields]

    def prepared(row: Mapping[str, Any]) -> tuple[Any, ...]:
        values = []
        for (name, prepare, automatic, default), field in zip(plan, fields, strict=True):
            value = automatic if automatic is not None and name not in row else row.get(name, default)
            values.append(field.get_db_prep_save(value, connection) if prepare else value)
        return tuple(values)

    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column or f.attname) for f in fields)
    table = quote(model._meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
                    written += 1
            return written
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(prepared(row))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written
