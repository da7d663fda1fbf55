"""Each department's part of a year: the department submits its own projects, the planning division returns
them with a written reason or confirms them; the city's year follows its departments' parts.

A project of several departments (a shared or wide-area project) is in the part of its lead department, the
first the city lists (:func:`kouka.web.mapping.lead_department`); the others help with the entry. The year is
提出済み when every department's part is submitted or confirmed, and 確認済み only when every department's part
is confirmed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka.domain.errors import KoukaError
from kouka.web import mapping
from kouka.web.models import Cycle, Department, DepartmentPart, Membership, PartState, Role, State
from kouka.web.permissions import Denied
from kouka.web.services.notices import notice_part
from kouka.web.services.writes import Written, write

MAX_REASON = 2000


class PartRefused(KoukaError):
    """A step on a department's part that is not possible now (its state, the year's state)."""


class ReasonMissing(KoukaError):
    """A return without the reason the department is to read."""


@dataclass(frozen=True)
class PartAction:
    name: str
    label: str  # the button: 提出する
    sentence: str  # what the confirmation says it will do: 商工労働課の2事業を提出します
    done: str  # what the history and the message say: 商工労働課の2事業を提出しました
    sources: tuple[PartState, ...]
    target: PartState
    admin_only: bool


PART_ACTIONS: dict[str, PartAction] = {a.name: a for a in (
    PartAction("submit", gettext_noop("提出する"), gettext_noop("{department}の{count}事業を提出します"),
               gettext_noop("{department}の{count}事業を提出しました"),
               (PartState.OPEN, PartState.RETURNED), PartState.SUBMITTED, False),
    PartAction("return", gettext_noop("差し戻す"), gettext_noop("{department}の{count}事業を差し戻します"),
               gettext_noop("{department}の{count}事業を差し戻しました"),
               (PartState.SUBMITTED, PartState.CONFIRMED), PartState.RETURNED, True),
    PartAction("confirm", gettext_noop("確認済みにする"), gettext_noop("{department}の{count}事業を確認済みにします"),
               gettext_noop("{department}の{count}事業を確認済みにしました"),
               (PartState.SUBMITTED,), PartState.CONFIRMED, True),
)}

# The year's states in which departments' parts move (a published year is frozen; a correction reopens it).
OPEN_YEAR = (State.DRAFT, State.SUBMITTED, State.REVIEWED)


def part_state(cycle: Cycle, department: Department) -> PartState:
    """The department's part's state (no row: 作成中)."""
    found = DepartmentPart.objects.filter(cycle=cycle, department=department).values_list("state", flat=True).first()
    return PartState(found) if found else PartState.OPEN


def part_departments(cycle: Cycle) -> list[Department]:
    """The departments with a part in the year: those that lead at least one project, by name."""
    return list(Department.objects.filter(pk__in=mapping.lead_projects(cycle)).order_by("name"))


def part_may(member: Membership, cycle: Cycle, department: Department, action: PartAction) -> bool:
    """May ``member`` take ``action`` on the department's part (their role and department; not the state)?"""
    if member.municipality_id != cycle.municipality_id or member.role == Role.REVIEWER:
        return False
    if member.role == Role.ADMIN:
        return True
    return not action.admin_only and member.departments.filter(pk=department.pk).exists()


def year_state(cycle: Cycle) -> State:
    """The year's state that its departments' parts make (a year without departments keeps its own)."""
    departments = part_departments(cycle)
    if not departments:
        return State(cycle.state)
    states = dict(DepartmentPart.objects.filter(cycle=cycle).values_list("department_id", "state"))
    of = [states.get(d.pk, PartState.OPEN) for d in departments]
    if all(s == PartState.CONFIRMED for s in of):
        return State.REVIEWED
    if all(s in (PartState.SUBMITTED, PartState.CONFIRMED) for s in of):
        return State.SUBMITTED
    return State.DRAFT


def follow_parts(cycle: Cycle) -> None:
    """Move the year to the state its departments' parts make (inside the caller's transaction)."""
    if cycle.state == State.PUBLISHED:
        return
    state = year_state(cycle)
    if state != cycle.state:
        Cycle.objects.filter(pk=cycle.pk).update(state=state, version=F("version") + 1)
        cycle.state = state
        cycle.version += 1


def set_all_parts(cycle: Cycle, state: PartState | None, reason: str = "") -> None:
    """Every department's part of the year to ``state`` (None: back to not submitted, no rows): the year's
    own transitions, taken by the planning division for the whole city at once."""
    if state is None:
        DepartmentPart.objects.filter(cycle=cycle).delete()
        return
    for department in part_departments(cycle):
        part, _created = DepartmentPart.objects.get_or_create(cycle=cycle, department=department)
        part.state, part.reason = state, reason if state == PartState.RETURNED else ""
        part.version += 1
        part.save()


def part_stale(cycle: Cycle, department: Department) -> Callable[[DepartmentPart | None], str]:
    def message(part: DepartmentPart | None) -> str:
        state = PartState(part.state) if part is not None else PartState.OPEN
        return _("{department}の状態は、画面を開いた後に変わりました（現在: {state}）。画面を読み込み直してから"
                 "もう一度操作してください").format(department=department.name, state=state.label)
    return message


def part_act(*, member: Membership, cycle: Cycle, department: Department, name: str, reason: str = "",
             version: int | None = None, count: int = 0) -> DepartmentPart:
    """Take step ``name`` (submit, return, confirm) on the department's part; the year follows.

    ``version`` is the part's version the user saw (0: no part yet; None: not checked); ``count`` is the
    number of projects the user was shown, for the history's sentence. :class:`Denied` when the member may
    not, :class:`PartRefused` when the state does not allow it or a return has no reason.
    """
    action = PART_ACTIONS.get(name)
    if action is None:
        raise PartRefused(_("不明な操作です"))
    if not part_may(member, cycle, department, action):
        raise Denied(_("{department}の事業に対するこの操作はできません").format(department=department.name))
    reason = reason.strip()[:MAX_REASON]
    if action.name == "return" and not reason:
        raise ReasonMissing(_("差し戻しの理由を書いてください。担当課に表示されます"))

    def change(locked: DepartmentPart | None) -> Written:
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if current.state not in OPEN_YEAR:
            raise PartRefused(_("公表済みの年度です。訂正を開始してから操作してください"))
        part = locked or DepartmentPart.objects.create(cycle=current, department=department)
        before = PartState(part.state)
        if before not in action.sources:
            raise PartRefused(_("{department}は現在「{state}」のため、「{action}」はできません").format(
                department=department.name, state=before.label, action=_(action.label)))
        part.state = action.target
        part.reason = reason if action.name == "return" else ""
        part.save()
        follow_parts(current)
        cycle.state, cycle.version = current.state, current.version
        return Written(part, current, f"part:{name}", department.name, {"state": before},
                       {"state": part.state, "reason": reason, "count": count, "department": department.name})

    rows = DepartmentPart.objects.filter(cycle=cycle, department=department)
    compare: Callable[[DepartmentPart | None], object] = (
        (lambda row: row.version if row is not None else 0) if version is not None else (lambda _row: None))
    written = write(member, rows, version, change, compare=compare, stale=part_stale(cycle, department))
    part = written.row
    assert isinstance(part, DepartmentPart)
    notice_part(part=part, name=name, count=count or len(mapping.lead_projects(cycle).get(department.pk, [])))
    return part

