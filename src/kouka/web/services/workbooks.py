"""The department workbook (記入シート) on the staff site: out, uploaded, planned, confirmed.

A department (or the planning division for any department) downloads the workbook of a year
(:func:`workbook_export`). The filled workbook is uploaded as an :class:`~kouka.web.models.UploadTask`
(:func:`workbook_upload`): its bytes and their SHA-256 are kept on the server, never in the browser. Reading it
(:func:`workbook_plan`, run by the task queue) compares it field by field with what kouka holds now
(:func:`kouka.exchange.plan.plan_changes`: changes, conflicts, unreadable values, what is not touched) and keeps
that plan as the task's result, with its digest. Confirming (:func:`workbook_apply`) reads the kept bytes again
and plans again inside one transaction, with the year's records locked; when that plan is not the one the user
saw (someone saved meanwhile), nothing is written (:class:`StaleVersion`); otherwise every change is saved and
recorded as ONE change of the history (action ``workbook:import``).
"""

import hashlib
from typing import Any

from django.db.models import F
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kouka.domain.carry import kpi_key, project_key
from kouka.domain.eras import format_fiscal_year
from kouka.domain.errors import KoukaError
from kouka.domain.model import Report
from kouka.exchange.export import export_workbook
from kouka.exchange.meta import nodes_by_key
from kouka.exchange.plan import Plan, apply_plan, plan_changes
from kouka.exchange.reading import read_workbook
from kouka.interchange import kpi_json
from kouka.web import mapping
from kouka.web.models import Cycle, KpiRecord, Membership, ProjectRecord, Role, TaskKind, UploadTask
from kouka.web.permissions import Denied, require_edit
from kouka.web.services.writes import Written, write

ACTION = "workbook:import"


class WorkbookUploadRefused(KoukaError):
    """An upload that is not a workbook kouka may read for this year and department."""


def department_allowed(member: Membership, department: str | None) -> None:
    """A department's workbook is for the planning division or that department; every department's, for the
    planning division only (:class:`Denied` otherwise)."""
    if member.role == Role.ADMIN:
        return
    own = set(member.departments.values_list("name", flat=True))
    if member.role != Role.EDITOR or department is None or department not in own:
        raise Denied(_("この課の記入シートは扱えません（自課の記入シートのみ）"))


def versions_of(cycle: Cycle, report: Report) -> dict[str, int]:
    """The stored versions of the year's projects and KPIs, by kouka.domain.carry's keys."""
    body = report.municipality
    found: dict[str, int] = {}
    records = {r.number: r for r in cycle.projects.prefetch_related("kpis")}
    for project in report.projects:
        record = records[project.number]
        found[project_key(body, project)] = record.version
        kpis = {k.number: k for k in record.kpis.all()}
        found |= {kpi_key(body, project, kpi): kpis[kpi.number].version for kpi in project.kpis}
    return found


def workbook_export(*, member: Membership, cycle: Cycle, department: str | None) -> bytes:
    """The workbook (.xlsx bytes) of ``department``'s projects of the year (None: every department's)."""
    department_allowed(member, department)
    if member.municipality_id != cycle.municipality_id:
        raise Denied(_("この団体の記入シートは扱えません"))
    report = mapping.report_of(cycle)
    return export_workbook(report, department, versions=versions_of(cycle, report))


def workbook_upload(*, member: Membership, cycle: Cycle, department: str | None, filename: str,
                    data: bytes) -> UploadTask:
    """Keep an uploaded workbook for reading (by the task queue) and review; nothing of the year changes."""
    require_edit(member, cycle)
    department_allowed(member, department)
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookUploadRefused(_("{name}: Excelのワークブック（.xlsx）ではありません").format(name=filename))
    return UploadTask.objects.create(
        member=member, kind=TaskKind.WORKBOOK, fiscal_year=cycle.fiscal_year, department=department or "",
        filename=filename[:255], language=get_language() or "", data=bytes(data),
        digest=hashlib.sha256(data).hexdigest())


def task_cycle(member: Membership, task: UploadTask) -> Cycle:
    """The year an upload is for; :class:`Denied` when the task is not ``member``'s own workbook upload."""
    if task.member_id != member.pk or task.kind != TaskKind.WORKBOOK or task.fiscal_year is None:
        raise Denied(_("この取込は扱えません"))
    cycle: Cycle = Cycle.objects.select_related("municipality").get(
        municipality=member.municipality, fiscal_year=task.fiscal_year)
    return cycle


def task_bytes(task: UploadTask) -> bytes:
    """The kept bytes, refused when they are not the bytes uploaded (their SHA-256 differs)."""
    data = bytes(task.data)
    if hashlib.sha256(data).hexdigest() != task.digest:
        raise WorkbookUploadRefused(_("保存されたファイルが壊れています。もう一度アップロードしてください"))
    return data


def plan_for(member: Membership, task: UploadTask, cycle: Cycle) -> tuple[Plan, Report]:
    """The plan of the kept workbook against what the year holds now, and that report."""
    department_allowed(member, task.department or None)
    edit = read_workbook(task_bytes(task))
    report = mapping.report_of(cycle)
    body = report.municipality
    return plan_changes(edit, report, municipality=body, fiscal_year=cycle.fiscal_year,
                        department=task.department or None), report


def plan_json(plan: Plan) -> dict[str, Any]:
    """What the review page shows of a plan, and its digest (what confirming must find again)."""
    meta = plan.meta

    def notices(items: tuple[Any, ...]) -> list[str]:
        return [n.sentence for n in items]

    return {
        "digest": plan.digest, "department": meta.department or "", "fiscal_year": meta.fiscal_year,
        "exported_at": meta.exported_at.isoformat(),
        "changes": [{"where": c.where, "old": c.ref.field.kind.show(c.old), "new": c.ref.field.kind.show(c.new),
                     "sheet": c.sheet, "cell": c.cell} for c in plan.changes],
        "conflicts": notices(plan.conflicts), "errors": notices(plan.errors), "untouched": notices(plan.untouched),
    }


def workbook_plan(*, member: Membership, task: UploadTask) -> dict[str, Any]:
    """Read the kept workbook and plan it against the year now (nothing of the year is written): the plan as
    :func:`plan_json` gives it. Raises a :class:`KoukaError` with the user's message for a workbook that cannot
    be read or is another city's, year's or department's."""
    plan, _report = plan_for(member, task, task_cycle(member, task))
    return plan_json(plan)


def changed_records(cycle: Cycle, plan: Plan, before: Report, after: Report) -> Written:
    """Save the projects and KPIs the plan changes; what the history keeps of them (before and after)."""
    old, new = nodes_by_key(before), nodes_by_key(after)
    records = {r.number: r for r in cycle.projects.prefetch_related("kpis")}
    kept: dict[str, dict[str, Any]] = {"before": {"projects": {}, "kpis": {}}, "after": {"projects": {}, "kpis": {}}}
    for key in plan.projects_changed():
        project = new[(key, "")][0]
        record = records[project.number]
        kept["before"]["projects"][str(project.number)] = mapping.project_data(old[(key, "")][0])
        data = mapping.project_data(project)
        kept["after"]["projects"][str(project.number)] = data
        mapping.save_project(cycle, project, record, data=data)
        ProjectRecord.objects.filter(pk=record.pk).update(version=F("version") + 1)
    for key, kpi_of_key in plan.kpis_changed():
        project, kpi = new[(key, kpi_of_key)]
        assert kpi is not None
        record = records[project.number]
        stored = next(k for k in record.kpis.all() if k.number == kpi.number)
        name = f"{project.number}-{kpi.number}"
        kept["before"]["kpis"][name] = kpi_json(old[(key, kpi_of_key)][1])  # type: ignore[arg-type]
        data = kpi_json(kpi)
        kept["after"]["kpis"][name] = data
        mapping.save_kpi(record, kpi, stored, data=data)
        KpiRecord.objects.filter(pk=stored.pk).update(version=F("version") + 1)
    target = _("{year} 記入シート（{department}）").format(year=format_fiscal_year(cycle.fiscal_year),
                                                      department=plan.meta.department or _("全課"))
    kept["after"]["department"] = plan.meta.department or ""
    kept["after"]["count"] = len(plan.changes)
    return Written(cycle, cycle, ACTION, target[:300], kept["before"], kept["after"])


def workbook_apply(*, member: Membership, task: UploadTask, digest: str) -> int:
    """Save the changes of the plan the user saw (``digest``) as one change of the history, in one transaction;
    the number of fields changed. :class:`StaleVersion` (nothing written) when planning again now gives another
    plan; the task is deleted once saved."""
    cycle = task_cycle(member, task)
    require_edit(member, cycle)
    made: dict[str, tuple[Plan, Report]] = {}

    def replanned(locked: Cycle | None) -> str:
        assert locked is not None
        list(ProjectRecord.objects.filter(cycle=locked).select_for_update())  # no save lands between plan and write
        list(KpiRecord.objects.filter(project__cycle=locked).select_for_update())
        made["plan"] = plan_for(member, task, locked)
        return made["plan"][0].digest

    def change(locked: Cycle | None) -> Written:
        assert locked is not None
        plan, report = made["plan"]
        if not plan.changes:
            raise WorkbookUploadRefused(_("取り込む変更はありません"))
        return changed_records(locked, plan, report, apply_plan(plan, report))

    write(member, Cycle.objects.filter(pk=cycle.pk), digest, change, compare=replanned,
          stale=lambda _row: _("記入シートの確認の後に、kouka で同じ年度の内容が変更されました。"
                               "変更点を確認し直してから保存してください"))
    count = len(made["plan"][0].changes)
    task.delete()
    return count


def workbook_cancel(*, member: Membership, task: UploadTask) -> None:
    """Forget an uploaded workbook without saving anything of it."""
    task_cycle(member, task)
    task.delete()
