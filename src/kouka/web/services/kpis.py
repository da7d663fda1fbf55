"""Writes to a project's KPIs (成果目標): create, update from the form, one actual from the API."""

from dataclasses import replace

from django.db import IntegrityError
from django.utils.translation import gettext as _

from kouka import interchange
from kouka.domain import limits
from kouka.domain.eras import format_fiscal_year, year_mistake
from kouka.domain.model import Kpi, Project
from kouka.domain.notation import read_measurement
from kouka.domain.validation import Problems, kpi_problems
from kouka.web import mapping
from kouka.web.dbrouter import atomic
from kouka.web.models import Cycle, KpiRecord, Membership, ProjectRecord
from kouka.web.permissions import require_edit_project
from kouka.web.services.writes import STALE, StaleVersion, Written, recorded, require_valid, still_editable, write


def _target(project: ProjectRecord, kpi: Kpi) -> str:
    return f"{project.title} / {kpi.name}"


def _check(project: ProjectRecord, kpi: Kpi) -> None:
    """Refuse with :class:`Invalid` (nothing written) a KPI a field of which may not be stored."""
    require_valid(kpi_problems(kpi, Project(project.number, project.title, 0, 0), "$"))


def kpi_create(*, member: Membership, cycle: Cycle, project: ProjectRecord, kpi: Kpi) -> KpiRecord:
    """A new KPI of ``project``; :class:`StaleVersion` when its number was taken meanwhile."""
    require_edit_project(member, cycle, project)
    _check(project, kpi)
    data = interchange.kpi_json(kpi)
    try:
        with atomic():
            still_editable(member, cycle)
            record = mapping.save_kpi(project, kpi, data=data)
            recorded(member, Written(record, cycle, "kpi:create", _target(project, kpi), None, data))
    except IntegrityError as exc:  # the number was taken since the form was loaded
        raise StaleVersion(STALE) from exc
    return record


def kpi_update(*, member: Membership, cycle: Cycle, record: KpiRecord, before: Kpi, after: Kpi,
               version: int | None) -> KpiRecord:
    """Overwrite a KPI with what the form made of it; :class:`StaleVersion` when ``version`` is stale."""
    project = record.project
    require_edit_project(member, cycle, project)
    _check(project, after)

    def change(locked: KpiRecord | None) -> Written:
        assert locked is not None
        data = interchange.kpi_json(after)
        mapping.save_kpi(project, after, locked, data=data)
        return Written(locked, cycle, "kpi:update", _target(project, after), interchange.kpi_json(before), data)

    row = write(member, KpiRecord.objects.filter(pk=record.pk), version, change, editable=cycle).row
    assert isinstance(row, KpiRecord)
    return row


def kpi_actual_set(*, member: Membership, cycle: Cycle, record: KpiRecord, year: int, text: str,
                   version: int) -> KpiRecord:
    """Set one actual as staff type it (90社(速報値)); :class:`StaleVersion` when ``version`` is old,
    :class:`Invalid` when the year or the figure may not be stored (checked before anything is written)."""
    project = record.project
    require_edit_project(member, cycle, project)
    found = Problems("$", "")
    found.year(f"actuals.{year}", year, limits.FIGURE_YEARS)
    if not found.found and (why := year_mistake(text)):
        found.add(f"actuals.{year}", f"{format_fiscal_year(year)}{_(limits.LABELS[('kpi', 'actuals')])}: {why}")
    require_valid(found.found)
    read_measurement(text, record.unit)  # an unreadable figure is refused before the row is even locked

    def change(locked: KpiRecord | None) -> Written:
        assert locked is not None
        before = mapping.kpi_record_json(locked)
        kpi = interchange.kpi_from_json(before)
        after = replace(kpi, actuals={**kpi.actuals, year: read_measurement(text, kpi.unit)})
        _check(project, after)
        data = interchange.kpi_json(after)
        mapping.save_kpi(project, after, locked, data=data)
        return Written(locked, cycle, "kpi:update", _target(project, after), before, data)

    row = write(member, KpiRecord.objects.filter(pk=record.pk), version, change, editable=cycle).row
    assert isinstance(row, KpiRecord)
    return row
