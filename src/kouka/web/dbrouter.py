"""Route every query to one selected database alias (the test suite runs the same tests on PostgreSQL).

Outside tests the selection is always ``default``. The choice is made here only: the router sends every ORM
query to it, :func:`atomic` opens a transaction on it and :func:`connection` gives it to code that writes past
the ORM (:mod:`kouka.web.ops.fastinsert`), so no other module passes a database alias around.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

_selected: ContextVar[str] = ContextVar("kouka_database", default="default")


def current() -> str:
    return _selected.get()


def atomic() -> transaction.Atomic:
    """A transaction on the selected database."""
    return transaction.atomic(using=_selected.get())


def connection() -> BaseDatabaseWrapper:
    """The selected database's connection."""
    found: BaseDatabaseWrapper = connections[_selected.get()]
    return found


@contextmanager
def using_database(alias: str) -> Iterator[None]:
    token = _selected.set(alias)
    try:
        yield
    finally:
        _selected.reset(token)


class SelectedDatabaseRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        return _selected.get()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return _selected.get()

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return True
