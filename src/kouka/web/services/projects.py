"""Writes to a year's projects (事業): create, update, and the まとめ the API sets."""

from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka.domain.errors import KoukaError
from kouka.domain.model import Project
from kouka.web import mapping
from kouka.web.dbrouter import atomic
from kouka.web.models import Cycle, Department, Membership, ProjectRecord, Role
from kouka.web.permissions import Denied, require_admin, require_edit
from kouka.web.services.writes import Written, recorded, write

NUMBER_TAKEN = gettext_noop("この事業番号は既に使われています")


MAX_PARAGRAPHS, MAX_VERIFICATION = 50, 8000


class VerificationTooLong(KoukaError):
    """まとめ longer than a page can hold."""


class NumberTaken(KoukaError):
    """A new project's number that another project of the year has."""


def ordered_names(current: list[str], chosen: list[str]) -> list[str]:
    """The chosen departments in the city's own order: those already listed keep their place, new ones follow."""
    return [name for name in current if name in chosen] + [name for name in chosen if name not in current]


def project_departments(*, member: Membership, record: ProjectRecord, project: Project,
                        chosen: list[Department]) -> list[str]:
    """The departments a project has after ``member`` chose ``chosen``, in the city's order.

    An editor only chooses among their own departments: the others' assignments stay as they were, and
    an editor cannot take their own departments off the project.
    """
    if member.role == Role.EDITOR:
        own = set(member.departments.all())
        chosen = [d for d in record.departments.all() if d not in own] + chosen
        if not chosen or not set(chosen) & own:
            raise Denied(_("自課を担当課から外すことはできません"))
    return ordered_names(project.departments, [d.name for d in chosen])


def project_create(*, member: Membership, cycle: Cycle, project: Project) -> ProjectRecord:
    """A new project of the year; :class:`NumberTaken` when its number is in use."""
    require_admin(member)
    require_edit(member, cycle)
    data = mapping.project_data(project)
    try:
        with atomic():
            record = mapping.save_project(cycle, project, data=data)
            recorded(member, Written(record, cycle, "project:create", project.title, None, data))
    except IntegrityError as exc:
        raise NumberTaken(_(NUMBER_TAKEN)) from exc
    return record


def project_update(*, member: Membership, cycle: Cycle, record: ProjectRecord, before: Project, after: Project,
                   version: int | None) -> ProjectRecord:
    """Overwrite a project (not its KPIs); :class:`StaleVersion` when ``version`` is not the record's."""
    require_edit(member, cycle)

    def change(locked: ProjectRecord | None) -> Written:
        assert locked is not None
        data = mapping.project_data(after)
        mapping.save_project(cycle, after, locked, data=data)
        return Written(locked, cycle, "project:update", after.title, mapping.project_data(before), data)

    row = write(member, ProjectRecord.objects.filter(pk=record.pk), version, change).row
    assert isinstance(row, ProjectRecord)
    return row


def project_verification_set(*, member: Membership, cycle: Cycle, record: ProjectRecord, paragraphs: list[str],
                             version: int) -> ProjectRecord:
    """Set a project's まとめ（検証結果）, one string per paragraph (blank ones dropped, 8000 characters in all);
    :class:`StaleVersion` when stale."""
    require_edit(member, cycle)
    paragraphs = [p.strip() for p in paragraphs if p.strip()]
    if len(paragraphs) > MAX_PARAGRAPHS or sum(len(p) for p in paragraphs) > MAX_VERIFICATION:
        raise VerificationTooLong(_("8000字以内で入力してください"))

    def change(locked: ProjectRecord | None) -> Written:
        assert locked is not None
        before = dict(locked.data)
        locked.data = {**locked.data, "verification": paragraphs}
        locked.save()
        return Written(locked, cycle, "project:update", locked.title, before, locked.data)

    row = write(member, ProjectRecord.objects.filter(pk=record.pk), version, change).row
    assert isinstance(row, ProjectRecord)
    return row
