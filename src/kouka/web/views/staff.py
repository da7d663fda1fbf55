"""Staff pages: the year's report, projects and KPIs with findings beside the form, comments, workflow, history."""

from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kouka import interchange
from kouka.domain.checks import check_kpi, check_project, check_report
from kouka.domain.eras import format_fiscal_year
from kouka.domain.model import Kpi, Project
from kouka.domain.notation import write_measurement
from kouka.domain.rules import judge_kpi
from kouka.web import dbrouter, history, integrations, mapping, workflow
from kouka.web.forms import (
    CommentForm,
    DepartmentForm,
    KpiForm,
    NewCycleForm,
    ProjectForm,
    ReportForm,
    TransitionForm,
)
from kouka.web.models import Change, Comment, Cycle, Department, KpiRecord, Membership, ProjectRecord, Role
from kouka.web.permissions import (
    Denied,
    can_comment,
    can_edit,
    can_view_history,
    cycle_for,
    project_for,
    require_admin,
    require_edit,
    visible_projects,
)
from kouka.web.views.common import findings_context, staff_view

STALE = ("他の人が先にこの内容を保存しました。あなたの入力は下に残してあります。最新の内容を確認してから"
         "もう一度保存してください / someone saved this first; your input is kept below, "
         "review the latest and save again")


@staff_view
def dashboard(request: HttpRequest, member: Membership) -> HttpResponse:
    form = NewCycleForm(request.POST or None)
    if request.method == "POST":
        require_admin(member)
        if form.is_valid():
            year = form.cleaned_data["fiscal_year"]
            cycle, created = Cycle.objects.get_or_create(municipality=member.municipality, fiscal_year=year)
            if created:
                history.record(request.user, member.municipality, cycle, "cycle:create", f"{year}年度", None,
                               {"fiscal_year": year})
            return redirect("kouka:cycle", year=year)
    cycles = Cycle.objects.filter(municipality=member.municipality)
    return render(request, "kouka/staff/dashboard.html", {"cycles": cycles, "form": form})


@staff_view
def cycle_view(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    return _cycle_page(request, member, year)


def _cycle_page(request: HttpRequest, member: Membership, year: int, note: str = "", status: int = 200
                ) -> HttpResponse:
    """The year's page; ``note`` is a correction note typed before a refused transition, kept for the retry."""
    cycle = cycle_for(member, year)
    projects = list(visible_projects(member, cycle).prefetch_related("departments", "kpis"))
    report = mapping.report_of(cycle)
    numbers = {p.number for p in projects}
    findings = [f for f in check_report(report)
                if member.role != Role.EDITOR or any(f.where.startswith(f"事業{_c(n)}") for n in numbers)]
    return render(request, "kouka/staff/cycle.html", {
        "cycle": cycle, "projects": projects, "findings": findings_context(findings),
        "transitions": workflow.available(member, cycle), "transition_form": TransitionForm(),
        "can_edit": can_edit(member, cycle), "is_admin": member.role == Role.ADMIN,
        "can_view_history": can_view_history(member), "publication": workflow.latest_publication(cycle),
        "exports": [e for e in integrations.EXPORTS.values()], "kept_note": note,
    }, status=status)


@staff_view
def report_edit(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    """The report as a whole (title, introduction, stated total); administrators only."""
    cycle = cycle_for(member, year)
    require_admin(member)
    report = mapping.report_of(cycle)
    form = ReportForm(request.POST or None, initial=ReportForm.initial_for(report, cycle.version))
    status = 200
    latest = None
    if request.method == "POST":
        require_edit(member, cycle)
        if form.is_valid():
            if _save_report(request, member, cycle, form):
                messages.success(request, "保存しました / saved")
                return redirect("kouka:cycle", year=year)
            form.add_error(None, STALE)
            status = 409
            cycle.refresh_from_db()
            report = mapping.report_of(cycle)
            latest = ReportForm.initial_for(report, cycle.version)
    return render(request, "kouka/staff/report_form.html", {
        "cycle": cycle, "form": form, "can_edit": can_edit(member, cycle), "latest": latest,
        "findings": findings_context([f for f in check_report(report) if f.code == "total_mismatch"])},
        status=status)


def _save_report(request: HttpRequest, member: Membership, cycle: Cycle, form: ReportForm) -> bool:
    """Save the report-level fields unless the cycle changed since the form was loaded (optimistic locking).

    The conditional UPDATE (… WHERE version = n) refuses a stale write on every engine; on PostgreSQL the row
    lock also makes a concurrent second save wait for the first and then see its new version.
    """
    version = form.cleaned_data["version"]
    with transaction.atomic(using=dbrouter.current()):
        fresh = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if version is None or fresh.version != version:
            return False
        after = {**fresh.report, **form.fields_json()}
        if not Cycle.objects.filter(pk=fresh.pk, version=version).update(
                report=after, version=version + 1, updated=timezone.now()):
            return False
        history.record(request.user, member.municipality, fresh, "report:update", f"{fresh.fiscal_year}年度 報告全体",
                       fresh.report, after)
    return True


def _c(number: int) -> str:
    from kouka.domain.checks import circled

    return circled(number)


@staff_view
@require_POST
def transition(request: HttpRequest, member: Membership, year: int, name: str) -> HttpResponse:
    cycle = cycle_for(member, year)
    form = TransitionForm(request.POST)
    valid = form.is_valid()
    note = form.cleaned_data["note"] if valid else ""
    version = form.cleaned_data["version"] if valid else None
    try:
        workflow.apply(member, cycle, name, note, version)
    except workflow.StaleCycle as exc:  # the page again with what is true now, the typed note kept
        messages.error(request, str(exc))
        return _cycle_page(request, member, year, note, status=409)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{workflow.TRANSITIONS[name].label}: 完了しました（{cycle.get_state_display()}）")
    return redirect("kouka:cycle", year=year)


def _department_choices(member: Membership) -> Any:
    departments = Department.objects.filter(municipality=member.municipality)
    if member.role == Role.EDITOR:
        departments = departments.filter(pk__in=member.departments.all())
    return departments


@staff_view
def project_new(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    cycle = cycle_for(member, year)
    require_admin(member)
    require_edit(member, cycle)
    next_number = (cycle.projects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    form = ProjectForm(request.POST or None, departments=_department_choices(member),
                       initial={"number": next_number, "start_year": year, "end_year": year})
    if request.method == "POST" and form.is_valid():
        empty = Project(number=1, title="", start_year=year, end_year=year)
        names = [d.name for d in form.cleaned_data["departments"]]
        project = form.apply_to(empty, names)
        try:
            with transaction.atomic(using=dbrouter.current()):
                record = mapping.save_project(cycle, project)
                history.record(request.user, member.municipality, cycle, "project:create", project.title, None,
                               mapping.project_data(project))
        except IntegrityError:
            form.add_error("number", "この事業番号は既に使われています / this project number is taken")
        else:
            return redirect("kouka:project", year=year, number=record.number)
    return render(request, "kouka/staff/project_form.html", {"cycle": cycle, "form": form, "new": True,
                                                              "can_edit": True})


@staff_view
def project_edit(request: HttpRequest, member: Membership, year: int, number: int) -> HttpResponse:
    cycle = cycle_for(member, year)
    record = project_for(member, cycle, number)
    report = mapping.report_of(cycle)
    project = report.project(number)
    editable = can_edit(member, cycle)
    form = ProjectForm(request.POST or None, departments=_department_choices(member),
                       initial=ProjectForm.initial_for(project, record.version) | {
                           "departments": list(record.departments.all())})
    status = 200
    if request.method == "POST":
        require_edit(member, cycle)
        if "draft" in request.POST:
            return _with_draft(request, member, cycle, record, project, form)
        if form.is_valid():
            chosen = list(form.cleaned_data["departments"])
            if member.role == Role.EDITOR:  # an editor keeps other departments' assignments as they were
                others = [d for d in record.departments.all() if d not in _department_choices(member)]
                chosen = others + chosen
                if not chosen or not set(chosen) & set(_department_choices(member)):
                    raise Denied("自課を担当課から外すことはできません / you cannot remove your own department")
            updated = form.apply_to(project, ordered_names(project.departments, [d.name for d in chosen]))
            saved = _save_project(request, member, cycle, record, project, updated, form.cleaned_data["version"])
            if saved:
                messages.success(request, "保存しました / saved")
                return redirect("kouka:project", year=year, number=updated.number)
            form.add_error(None, STALE)
            status = 409
    kpis = list(record.kpis.all())
    return render(request, "kouka/staff/project_form.html", {
        "cycle": cycle, "record": record, "project": project, "form": form, "can_edit": editable,
        "findings": findings_context(check_project(project, report, f"$.projects[{report.projects.index(project)}]")),
        "kpis": [(k, judge_kpi(project.kpi(k.number), year)) for k in kpis],
        "comments": record.comments.select_related("author"), "comment_form": CommentForm(),
        "can_comment": can_comment(member),
    }, status=status)


def ordered_names(current: list[str], chosen: list[str]) -> list[str]:
    """The chosen departments in the city's own order: those already listed keep their place, new ones follow."""
    return [name for name in current if name in chosen] + [name for name in chosen if name not in current]


def _save_project(request: HttpRequest, member: Membership, cycle: Cycle, record: ProjectRecord, before: Project,
                  after: Project, version: int | None) -> bool:
    """Save unless the record changed since the form was loaded (optimistic locking)."""
    with transaction.atomic(using=dbrouter.current()):
        fresh = ProjectRecord.objects.select_for_update().get(pk=record.pk)
        if version is None or fresh.version != version:
            return False
        try:
            with transaction.atomic(using=dbrouter.current()):
                mapping.save_project(cycle, after, fresh)
        except IntegrityError:
            return False
        ProjectRecord.objects.filter(pk=fresh.pk).update(version=version + 1)
        history.record(request.user, member.municipality, cycle, "project:update", after.title,
                       mapping.project_data(before), mapping.project_data(after))
    return True


def _with_draft(request: HttpRequest, member: Membership, cycle: Cycle, record: ProjectRecord, project: Project,
                form: ProjectForm) -> HttpResponse:
    """Fill まとめ from the data (kouka.domain.draft); nothing is saved until the user saves."""
    data = request.POST.copy()
    try:
        lines = integrations.draft_verification(project, cycle.fiscal_year)
    except integrations.Unavailable as exc:
        messages.error(request, f"下書きを作成できません / cannot draft: {exc}")
    else:
        data["verification"] = "\n".join(lines)
        messages.info(request, "データから下書きを作成しました。内容を確認して保存してください / drafted from the data")
    form = ProjectForm(data, departments=_department_choices(member))
    form.is_valid()
    report = mapping.report_of(cycle)
    return render(request, "kouka/staff/project_form.html", {
        "cycle": cycle, "record": record, "project": project, "form": form, "can_edit": True,
        "findings": findings_context(check_project(project, report, f"$.projects[{report.projects.index(project)}]")),
        "kpis": [(k, judge_kpi(project.kpi(k.number), cycle.fiscal_year)) for k in record.kpis.all()],
        "comments": record.comments.select_related("author"), "comment_form": CommentForm(),
        "can_comment": can_comment(member),
    })


def _years(project: Project, cycle: Cycle) -> list[int]:
    return list(range(project.start_year, max(project.end_year, project.start_year) + 1)) or [cycle.fiscal_year]


@staff_view
def kpi_edit(request: HttpRequest, member: Membership, year: int, number: int, kpi: int | None = None) -> HttpResponse:
    cycle = cycle_for(member, year)
    record = project_for(member, cycle, number)
    report = mapping.report_of(cycle)
    project = report.project(number)
    kpi_record: KpiRecord | None = None
    if kpi is not None:
        try:
            kpi_record = record.kpis.get(number=kpi)
        except KpiRecord.DoesNotExist as exc:
            raise Http404("成果目標がありません") from exc
        current = project.kpi(kpi)
    else:
        next_number = (record.kpis.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        current = Kpi(number=next_number, name="", unit="", baseline_year=project.start_year - 1)
    editable = can_edit(member, cycle)
    years = _years(project, cycle)
    form = KpiForm(request.POST or None, years=years,
                   initial=KpiForm.initial_for(current, kpi_record.version if kpi_record else 0))
    status = 200
    if request.method == "POST":
        require_edit(member, cycle)
        if form.is_valid():
            updated = form.apply_to(current)
            if form.is_valid():  # reading the figures may add errors
                if _save_kpi(request, member, cycle, record, kpi_record, current, updated,
                             form.cleaned_data["version"]):
                    messages.success(request, "保存しました / saved")
                    return redirect("kouka:project", year=year, number=number)
                form.add_error(None, STALE)
                status = 409
    latest = _latest_figures(kpi_record, years) if status == 409 and kpi_record is not None else []
    shown = project.kpi(kpi) if kpi is not None else current
    index = report.projects.index(project)
    findings = check_kpi(shown, project, report, f"$.projects[{index}].kpis") if kpi is not None else []
    return render(request, "kouka/staff/kpi_form.html", {
        "cycle": cycle, "record": record, "project": project, "kpi": kpi_record, "form": form,
        "can_edit": editable, "findings": findings_context(findings),
        "result": judge_kpi(shown, year) if kpi is not None else None, "latest": latest,
    }, status=status)


def _latest_figures(record: KpiRecord, years: list[int]) -> list[tuple[str, str, str]]:
    """What is saved now, year by year, shown beside a refused stale form so the two can be merged."""
    record.refresh_from_db()
    kpi = mapping.kpi_of(record)
    return [(format_fiscal_year(y), write_measurement(kpi.targets[y]) if y in kpi.targets else "－",
             write_measurement(kpi.actuals[y]) if y in kpi.actuals else "－") for y in years]


def _save_kpi(request: HttpRequest, member: Membership, cycle: Cycle, project_record: ProjectRecord,
              kpi_record: KpiRecord | None, before: Kpi, after: Kpi, version: int | None) -> bool:
    with transaction.atomic(using=dbrouter.current()):
        if kpi_record is None:
            try:
                with transaction.atomic(using=dbrouter.current()):
                    mapping.save_kpi(project_record, after)
            except IntegrityError:
                return False
            history.record(request.user, member.municipality, cycle, "kpi:create",
                           f"{project_record.title} / {after.name}", None, interchange.kpi_json(after))
            return True
        fresh = KpiRecord.objects.select_for_update().get(pk=kpi_record.pk)
        if version is None or fresh.version != version:
            return False
        try:
            with transaction.atomic(using=dbrouter.current()):
                mapping.save_kpi(project_record, after, fresh)
        except IntegrityError:
            return False
        KpiRecord.objects.filter(pk=fresh.pk).update(version=version + 1)
        history.record(request.user, member.municipality, cycle, "kpi:update",
                       f"{project_record.title} / {after.name}", interchange.kpi_json(before),
                       interchange.kpi_json(after))
    return True


@staff_view
@require_POST
def comment_add(request: HttpRequest, member: Membership, year: int, number: int) -> HttpResponse:
    cycle = cycle_for(member, year)
    record = project_for(member, cycle, number)
    if not can_comment(member):
        raise Denied("コメントできるのは確認者と管理者です / only reviewers and administrators comment")
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = Comment.objects.create(project=record, author=member.user, text=form.cleaned_data["text"])
        history.record(request.user, member.municipality, cycle, "comment:create", record.title, None,
                       {"comment": comment.text})
        messages.success(request, "コメントを追加しました / comment added")
    else:
        messages.error(request, "コメントを入力してください（4000字以内） / enter a comment (up to 4000 characters)")
    return redirect("kouka:project", year=year, number=number)


@staff_view
def departments(request: HttpRequest, member: Membership) -> HttpResponse:
    require_admin(member)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"].strip()
        _, created = Department.objects.get_or_create(municipality=member.municipality, name=name)
        if created:
            history.record(request.user, member.municipality, None, "department:create", name, None, {"name": name})
            messages.success(request, f"{name} を追加しました")
        return redirect("kouka:departments")
    rows = Department.objects.filter(municipality=member.municipality).prefetch_related("members__user")
    return render(request, "kouka/staff/departments.html", {"departments": rows, "form": form})


@staff_view
def history_view(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    cycle = cycle_for(member, year)
    if not can_view_history(member):
        raise Denied("変更履歴は管理者と確認者が閲覧できます / history is for administrators and reviewers")
    changes = Change.objects.filter(municipality=member.municipality, cycle=cycle).select_related("user")[:500]
    rows = [(c, history.changed_keys(c.before, c.after)) for c in changes]
    return render(request, "kouka/staff/history.html", {"cycle": cycle, "rows": rows})


@staff_view
def change_detail(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    if not can_view_history(member):
        raise Denied("変更履歴は管理者と確認者が閲覧できます / history is for administrators and reviewers")
    try:
        change = Change.objects.select_related("user", "cycle").get(pk=pk, municipality=member.municipality)
    except Change.DoesNotExist as exc:
        raise Http404("変更がありません") from exc
    import json

    return render(request, "kouka/staff/change.html", {
        "change": change,
        "before": json.dumps(change.before, ensure_ascii=False, indent=2),
        "after": json.dumps(change.after, ensure_ascii=False, indent=2),
        "keys": history.changed_keys(change.before, change.after)})


@staff_view
def staff_export(request: HttpRequest, member: Membership, year: int, fmt: str) -> HttpResponse:
    """The current (unpublished) data in a publication format, for checking before publication."""
    cycle = cycle_for(member, year)
    if member.role == Role.EDITOR:
        raise Denied("出力は管理者と確認者が行えます / exports are for administrators and reviewers")
    if fmt not in integrations.EXPORTS:
        raise Http404("形式がありません")
    return export_response(mapping.report_of(cycle), fmt, f"{cycle.municipality.slug}-{year}-draft")


def export_response(report: Any, fmt: str, stem: str) -> HttpResponse:
    spec = integrations.EXPORTS[fmt]
    try:
        body = integrations.export(fmt, report)
    except integrations.Unavailable as exc:
        return HttpResponse(f"この形式は現在利用できません / unavailable: {exc}", status=503,
                            content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type=spec.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{spec.extension}"'
    return response

