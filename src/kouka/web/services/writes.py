"""The one way a stored row is changed: lock it, compare what the user saw, change it, move its version on,
record the change, all in one transaction (optimistic locking for forms and API clients).

The version moves on with a conditional UPDATE (``… WHERE version = n``), so a stale write is refused on
every engine; on PostgreSQL the row lock also makes a concurrent second write wait for the first and then
see its new version.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka.domain.errors import KoukaError
from kouka.web import history
from kouka.web.dbrouter import atomic
from kouka.web.models import Cycle, Membership

STALE = gettext_noop("他の人が先に保存しました。最新の内容を読み込んでください")  # translated where it is raised


class StaleVersion(KoukaError):
    """What the user acted on changed since they loaded it (another save, a transition, an import)."""


V = TypeVar("V", bound=models.Model)


@dataclass(frozen=True)
class Written:
    """What a change wrote: the row whose version moves on, and what the history keeps of it."""

    row: models.Model
    cycle: Cycle | None
    action: str
    target: str
    before: Any = None
    after: Any = None


def version_of(row: Any) -> object:
    """What a stale write is recognised by, by default: the row's version (None when there is no row)."""
    return None if row is None else row.version


def recorded(member: Membership, written: Written) -> None:
    history.record(member.user, member.municipality, written.cycle, written.action, written.target,
                   written.before, written.after)


def write(member: Membership, rows: "QuerySet[V]", seen: object, change: Callable[[V | None], Written], *,
          compare: Callable[[V | None], object] = version_of, stale: Callable[[V | None], str] = lambda __: _(STALE)
          ) -> Written:
    """Lock the row of ``rows`` (or none), refuse with :class:`StaleVersion` unless ``compare(row)`` is still
    ``seen``, apply ``change``, move the written row's version on and record the change; one transaction.

    A unique constraint the change breaks (a number someone took meanwhile) is a stale write too.
    """
    with atomic():
        row = rows.select_for_update().first()
        if compare(row) != seen:
            raise StaleVersion(stale(row))
        try:
            with atomic():
                written = change(row)
        except IntegrityError as exc:
            raise StaleVersion(stale(row)) from exc
        _next_version(written.row, stale(row))
        recorded(member, written)
    return written


def _next_version(row: Any, message: str) -> None:
    fields: dict[str, Any] = {"version": row.version + 1}
    if isinstance(row, Cycle):
        fields["updated"] = timezone.now()
    if not type(row).objects.filter(pk=row.pk, version=row.version).update(**fields):
        raise StaleVersion(message)
    row.version += 1
