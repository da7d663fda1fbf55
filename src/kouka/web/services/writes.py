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

from kouka.domain.checks import Finding, Severity
from kouka.domain.errors import KoukaError
from kouka.web import history
from kouka.web.dbrouter import atomic
from kouka.web.models import Cycle, Membership
from kouka.web.permissions import can_edit

STALE = gettext_noop("他の人が先に保存しました。最新の内容を読み込んでください")  # translated where it is raised


class StaleVersion(KoukaError):
    """What the user acted on changed since they loaded it (another save, a transition, an import)."""


class Invalid(KoukaError):
    """A value that may not be stored (:mod:`kouka.domain.validation`): ``findings`` name each field in the
    city's words; nothing was written."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__("\n".join(f.sentence for f in findings))


def require_valid(findings: list[Finding]) -> None:
    """Refuse with :class:`Invalid` when ``findings`` (of :mod:`kouka.domain.validation`) hold an error."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        raise Invalid(errors)


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


def still_editable(member: Membership, cycle: Cycle) -> Cycle:
    """Lock the year's cycle and refuse with :class:`StaleVersion` when it left the state ``cycle`` was read in
    (submitted, reviewed, published or returned while the save was on its way) or ``member`` may no longer
    edit it. Call inside the write's transaction, before locking the row written: a transition, which locks
    the cycle too, then either waits for the save or the save sees the new state."""
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.state != cycle.state or not can_edit(member, locked):
        raise StaleVersion(_("保存する前に、%(year)s年度の報告の状態が「%(state)s」に変わりました。保存されていません。"
                             "画面を読み込み直してください。") % {"year": locked.fiscal_year,
                                                         "state": locked.get_state_display()})
    return locked


def write(member: Membership, rows: "QuerySet[V]", seen: object, change: Callable[[V | None], Written], *,
          compare: Callable[[V | None], object] = version_of, stale: Callable[[V | None], str] = lambda __: _(STALE),
          editable: Cycle | None = None) -> Written:
    """Lock the row of ``rows`` (or none), refuse with :class:`StaleVersion` unless ``compare(row)`` is still
    ``seen``, apply ``change``, move the written row's version on and record the change; one transaction.

    ``editable``: the year the row belongs to, as the request read it; its state is checked again under its
    lock first (:func:`still_editable`), so a save that started before a submission, review or publication
    is refused after it. A unique constraint the change breaks (a number someone took meanwhile) is a stale
    write too.
    """
    with atomic():
        if editable is not None:
            still_editable(member, editable)
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
