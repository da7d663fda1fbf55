"""Writes to a year's projects (事業): create, update, and the まとめ the API sets."""

from dataclasses import replace
from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka import interchange
from kouka.domain.errors import KoukaError
from kouka.domain.model import Project
from kouka.domain.validation import project_problems
from kouka.web import mapping
from kouka.web.dbrouter import atomic
from kouka.web.models import Cycle, Department, Membership, ProjectRecord, Role, State
from kouka.web.permissions import Denied, require_admin, require_edit, require_edit_project
from kouka.web.services.writes import Written, recorded, require_valid, still_editable, write

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
    require_valid(project_problems(project, "$", with_kpis=False))
    data = mapping.project_data(project)
    try:
        with atomic():
            still_editable(member, cycle)
            record = mapping.save_project(cycle, project, data=data)
            recorded(member, Written(record, cycle, "project:create", project.title, None, data))
    except IntegrityError as exc:
        raise NumberTaken(_(NUMBER_TAKEN)) from exc
    return record


def project_update(*, member: Membership, cycle: Cycle, record: ProjectRecord, before: Project, after: Project,
                   version: int | None) -> ProjectRecord:
    """Overwrite a project (not its KPIs); :class:`StaleVersion` when ``version`` is not the record's,
    :class:`Invalid` (nothing written) when a field may not be stored."""
    require_edit_project(member, cycle, record)
    require_valid(project_problems(after, "$", with_kpis=False))

    def change(locked: ProjectRecord | None) -> Written:
        assert locked is not None
        data = mapping.project_data(after)
        mapping.save_project(cycle, after, locked, data=data)
        return Written(locked, cycle, "project:update", after.title, mapping.project_data(before), data)

    row = write(member, ProjectRecord.objects.filter(pk=record.pk), version, change, editable=cycle).row
    assert isinstance(row, ProjectRecord)
    return row


REVIEW_FIELDS = ("reviewer_label", "reviewer_opinion", "council_remarks", "review_response")


def project_review_set(*, member: Membership, cycle: Cycle, record: ProjectRecord, review: dict[str, Any],
                       version: int | None) -> ProjectRecord:
    """The reviewers' part of a project (``review``: :data:`REVIEW_FIELDS`): the 外部有識者 or the planning
    division writes it until the year is published; :class:`StaleVersion` when stale."""
    if member.municipality_id != cycle.municipality_id or member.role not in (Role.REVIEWER, Role.ADMIN):
        raise Denied(_("意見は外部有識者と企画担当が書けます"))
    if cycle.state == State.PUBLISHED:
        raise Denied(_("公表済みの報告は変更できません。訂正を開始してください"))
    fields = {name: review[name] for name in REVIEW_FIELDS if name in review}
    if sum(len(p) for name in REVIEW_FIELDS[1:] for p in fields.get(name, [])) > 3 * MAX_VERIFICATION:
        raise VerificationTooLong(_("意見が長すぎます"))

    def change(locked: ProjectRecord | None) -> Written:
        assert locked is not None
        before = dict(locked.data)
        data = {k: v for k, v in locked.data.items() if k not in fields}
        data |= {k: v for k, v in fields.items() if v}
        data["reviewer_opinion"] = fields.get("reviewer_opinion", before.get("reviewer_opinion", []))
        locked.data = data
        locked.save()
        return Written(locked, cycle, "project:update", locked.title, before, locked.data)

    row = write(member, ProjectRecord.objects.filter(pk=record.pk), version, change).row
    assert isinstance(row, ProjectRecord)
    return row


def project_verification_set(*, member: Membership, cycle: Cycle, record: ProjectRecord, paragraphs: list[str],
                             version: int) -> ProjectRecord:
    """Set a project's まとめ（検証結果）, one string per paragraph (blank ones dropped, 8000 characters in all);
    :class:`StaleVersion` when stale."""
    require_edit_project(member, cycle, record)
    paragraphs = [p.strip() for p in paragraphs if p.strip()]
    if len(paragraphs) > MAX_PARAGRAPHS or sum(len(p) for p in paragraphs) > MAX_VERIFICATION:
        raise VerificationTooLong(_("8000字以内で入力してください"))

    def change(locked: ProjectRecord | None) -> Written:
        assert locked is not None
        project = interchange.project_from_json(mapping.project_record_json(locked, []))
        require_valid(project_problems(replace(project, verification=paragraphs), "$", with_kpis=False))
        before = dict(locked.data)
        locked.data = {**locked.data, "verification": paragraphs}
        locked.save()
        return Written(locked, cycle, "project:update", locked.title, before, locked.data)

    row = write(member, ProjectRecord.objects.filter(pk=record.pk), version, change, editable=cycle).row
    assert isinstance(row, ProjectRecord)
    return row
