"""Route every query to one selected database alias (the test suite runs the same tests on PostgreSQL).

Outside tests the selection is always ``default``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_selected: ContextVar[str] = ContextVar("kouka_database", default="default")


def current() -> str:
    return _selected.get()


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
