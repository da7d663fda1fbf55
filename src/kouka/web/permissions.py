"""Who may do what, decided on the server for every view and API call.

Roles: the planning division's administrator (everything of their municipality), a department editor
(only the projects of their own departments, while the report is a draft), a reviewer / external expert
(reads all of their municipality, writes comments), and the public (published reports only).
Objects outside a user's reach are reported as not found, so their existence does not leak.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from kouka.web.mapping import lead_department
from kouka.web.models import Cycle, DepartmentPart, Membership, PartState, ProjectRecord, Role, State


class Denied(Exception):
    """A request the user's role does not allow (HTTP 403)."""


def membership(user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        found: Membership = Membership.objects.select_related("municipality").get(user=user)
    except Membership.DoesNotExist:
        return None
    return found


MEMBER_ATTRIBUTE = "kouka_member"  # the request's member, looked up once per request


def request_member(request: HttpRequest) -> Membership | None:
    """The signed-in user's membership, read once per request (the view and its template both ask)."""
    if not hasattr(request, MEMBER_ATTRIBUTE):
        setattr(request, MEMBER_ATTRIBUTE, membership(getattr(request, "user", None)))
    found: Membership | None = getattr(request, MEMBER_ATTRIBUTE)
    return found


def require_member(user: Any) -> Membership:
    found = membership(user)
    if found is None:
        raise Denied(_("職員としての所属がありません"))
    return found


def cycle_for(member: Membership, fiscal_year: int) -> Cycle:
    try:
        cycle: Cycle = Cycle.objects.select_related("municipality").get(
            municipality=member.municipality, fiscal_year=fiscal_year)
    except Cycle.DoesNotExist as exc:
        raise Http404(_("年度がありません")) from exc
    return cycle


def visible_projects(member: Membership, cycle: Cycle) -> QuerySet[ProjectRecord]:
    projects = cycle.projects.all()
    if member.municipality_id != cycle.municipality_id:
        return projects.none()
    if member.role == Role.EDITOR:
        projects = projects.filter(departments__in=member.departments.all()).distinct()
    return projects


def project_for(member: Membership, cycle: Cycle, number: int) -> ProjectRecord:
    try:
        record: ProjectRecord = visible_projects(member, cycle).get(number=number)
    except ProjectRecord.DoesNotExist as exc:
        raise Http404(_("事業がありません")) from exc
    return record


def can_edit(member: Membership, cycle: Cycle) -> bool:
    """May this member change the contents of the cycle's (visible) projects now?"""
    if member.municipality_id != cycle.municipality_id:
        return False
    if member.role == Role.ADMIN:
        return cycle.state in (State.DRAFT, State.SUBMITTED)
    if member.role == Role.EDITOR:
        return cycle.state == State.DRAFT
    return False


# A department's part that its editors may still change: not yet submitted, or returned to them.
OPEN_PARTS = (PartState.OPEN, PartState.RETURNED)


def can_edit_project(member: Membership, cycle: Cycle, record: ProjectRecord) -> bool:
    """May this member change this project now? An editor only while the part of the project's lead department
    (the one that submits it) is not submitted, or was returned; the administrator as :func:`can_edit`."""
    if not can_edit(member, cycle):
        return False
    if member.role != Role.EDITOR:
        return True
    lead = lead_department(record)
    return lead is None or not DepartmentPart.objects.filter(cycle=cycle, department=lead).exclude(
        state__in=OPEN_PARTS).exists()


def require_edit_project(member: Membership, cycle: Cycle, record: ProjectRecord) -> None:
    require_edit(member, cycle)
    if not can_edit_project(member, cycle, record):
        raise Denied(_("提出済みの事業は変更できません。企画担当から差し戻されると再び編集できます"))


def require_edit(member: Membership, cycle: Cycle) -> None:
    if not can_edit(member, cycle):
        if cycle.state == State.PUBLISHED:
            raise Denied(_("公表済みの報告は変更できません。訂正を開始してください"))
        raise Denied(_("この状態・役割では編集できません"))


def is_admin(member: Membership) -> bool:
    return member.role == Role.ADMIN


def require_admin(member: Membership) -> None:
    if not is_admin(member):
        raise Denied(_("企画担当（管理者）のみの操作です"))


def can_comment(member: Membership) -> bool:
    return member.role in (Role.ADMIN, Role.REVIEWER)


def can_view_history(member: Membership) -> bool:
    return member.role in (Role.ADMIN, Role.REVIEWER)


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the signed-in member, if any."""
    return {"member": request_member(request)}
