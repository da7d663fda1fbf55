"""INSERT many rows with one ``executemany``, without building model instances (bulk loading's hot path).

``bulk_create`` builds a model instance per row and prepares each value through its field, which costs more
than the database's own work when hundreds of thousands of rows are written. :func:`insert` takes plain
``{attname: value}`` rows instead: every concrete field of the model is written, a missing one gets its
default, and only JSON fields go through their field's preparation (the driver takes text, numbers,
booleans and ``None`` as they are). It returns nothing: use ``bulk_create`` where the new ids are needed.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connections, models

BATCH = 5000


def _columns(model: type[models.Model]) -> "list[models.Field[Any, Any]]":
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            raise TypeError(f"{model.__name__}.{f.name}: automatic dates are not supported here")
    return fields


def insert(model: type[models.Model], rows: Iterable[Mapping[str, Any]], database: str) -> int:
    """Insert ``rows`` into ``model``'s table in ``database``; return how many were written."""
    connection = connections[database]
    fields = _columns(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column or f.attname) for f in fields)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    plan = [(f.attname, isinstance(f, models.JSONField), f.get_default()) for f in fields]
    written = 0
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = []
            for (name, is_json, default), field in zip(plan, fields, strict=True):
                value = row.get(name, default)
                values.append(field.get_db_prep_save(value, connection) if is_json else value)
            batch.append(tuple(values))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def values_of(instance: models.Model) -> dict[str, Any]:
    """An unsaved instance's field values by attname (for rows that come as model instances)."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if not f.primary_key}
