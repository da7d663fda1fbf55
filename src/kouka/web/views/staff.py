"""Staff pages: the year's report, projects and KPIs with findings beside the form, comments, workflow, history."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from kouka.domain import limits
from kouka.domain.checks import check_kpi, check_project, check_report
from kouka.domain.draft import draft_verification
from kouka.domain.eras import format_fiscal_year
from kouka.domain.model import Kpi, Project, Report
from kouka.domain.notation import write_measurement
from kouka.domain.rules import judge_kpi
from kouka.domain.validation import kpi_problems, project_problems, report_problems
from kouka.web import history_text, integrations, selectors
from kouka.web.figures import PhotoRefused
from kouka.web.forms import (
    CommentForm,
    DepartmentForm,
    KpiForm,
    NewCycleForm,
    PhotoForm,
    ProjectForm,
    ReportForm,
    TransitionForm,
    add_findings,
)
from kouka.web.models import Cycle, KpiRecord, Membership, ProjectRecord, Role
from kouka.web.permissions import (
    Denied,
    can_comment,
    can_edit,
    can_view_history,
    cycle_for,
    project_for,
    require_admin,
    require_edit,
)
from kouka.web.services.comments import CommentInvalid, comment_create
from kouka.web.services.cycles import (
    TRANSITIONS,
    PublishRefused,
    WorkflowError,
    cycle_create,
    cycle_transition,
    cycle_transitions,
)
from kouka.web.services.departments import department_create
from kouka.web.services.kpis import kpi_create, kpi_update
from kouka.web.services.photos import PhotoTextRefused, photo_add, photo_remove
from kouka.web.services.projects import NumberTaken, project_create, project_departments, project_update
from kouka.web.services.reports import report_update
from kouka.web.services.writes import Invalid, StaleVersion
from kouka.web.uploads import refusal
from kouka.web.views.common import export_response, findings_context, staff_view

STALE = gettext_noop("他の人が先にこの内容を保存しました。あなたの入力は下に残してあります。最新の内容を確認して"
                     "からもう一度保存してください")
HISTORY_ONLY = gettext_lazy("変更履歴は管理者と確認者が閲覧できます")


def saved(request: HttpRequest, form: forms.Form, save: Callable[[], object]) -> int:
    """0 when ``save`` (a service call) saved (a message says so); else the status of the form shown again
    with the user's input kept: 409 for a stale version (the form's error), 400 for values that may not be
    stored (each at its field)."""
    try:
        save()
    except StaleVersion:
        form.add_error(None, _(STALE))
        return 409
    except Invalid as exc:
        add_findings(form, exc.findings)
        return 400
    messages.success(request, _("保存しました"))
    return 0


@staff_view
def dashboard(request: HttpRequest, member: Membership) -> HttpResponse:
    form = NewCycleForm(request.POST or None)
    if request.method == "POST":
        require_admin(member)
        if form.is_valid():
            year = form.cleaned_data["fiscal_year"]
            if selectors.carry_source(member, year) is not None and not Cycle.objects.filter(
                    municipality=member.municipality, fiscal_year=year).exists():
                return redirect("kouka:carry", year=year)  # the administrator chooses what goes on
            cycle = cycle_create(member=member, fiscal_year=year)
            return redirect("kouka:cycle", year=cycle.fiscal_year)
    cycles = Cycle.objects.filter(municipality=member.municipality)
    return render(request, "kouka/staff/dashboard.html", {"cycles": cycles, "form": form})


@staff_view
def cycle_view(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    return cycle_page(request, member, year)


def cycle_page(request: HttpRequest, member: Membership, year: int, note: str = "", status: int = 200
               ) -> HttpResponse:
    """The year's page; ``note`` is a correction note typed before a refused transition, kept for the retry."""
    cycle = cycle_for(member, year)
    report, projects = selectors.cycle_report(member, cycle)
    findings = selectors.cycle_findings(member, report, projects)
    return render(request, "kouka/staff/cycle.html", {
        "cycle": cycle, "projects": projects, "findings": findings_context(findings),
        "transitions": cycle_transitions(member, cycle), "transition_form": TransitionForm(),
        "can_edit": can_edit(member, cycle), "is_admin": member.role == Role.ADMIN,
        "can_view_history": can_view_history(member), "publication": selectors.publication_of_cycle(cycle),
        "exports": list(integrations.EXPORTS.values()), "kept_note": note,
        "parts": selectors.cycle_board(member, cycle) if member.role == Role.EDITOR else [],
    }, status=status)


@staff_view
def report_edit(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    """The report as a whole (title, introduction, stated total); administrators only."""
    cycle = cycle_for(member, year)
    require_admin(member)
    report = selectors.cycle_report_whole(cycle)
    form = ReportForm(request.POST or None, initial=ReportForm.initial_for(report, cycle.version))
    status = 200
    latest = None
    if request.method == "POST":
        require_edit(member, cycle)
        if form.is_valid():
            status = saved(request, form, lambda: report_update(
                member=member, cycle=cycle, fields=form.fields_json(), version=form.cleaned_data["version"]))
            if not status:
                return redirect("kouka:cycle", year=year)
            if status == 409:
                cycle.refresh_from_db()
                report = selectors.cycle_report_whole(cycle)
                latest = ReportForm.initial_for(report, cycle.version)
    return render(request, "kouka/staff/report_form.html", {
        "cycle": cycle, "form": form, "can_edit": can_edit(member, cycle), "latest": latest,
        "findings": findings_context([f for f in report_problems(report) if not f.path.startswith("$.projects")]
                                     + [f for f in check_report(report) if f.code == "total_mismatch"])},
        status=status)


@staff_view
@require_POST
def transition(request: HttpRequest, member: Membership, year: int, name: str) -> HttpResponse:
    cycle = cycle_for(member, year)
    form = TransitionForm(request.POST)
    valid = form.is_valid()
    note = form.cleaned_data["note"] if valid else ""
    version = form.cleaned_data["version"] if valid else None
    acknowledged = bool(form.cleaned_data["acknowledged"]) if valid else False
    try:
        cycle_transition(member=member, cycle=cycle, name=name, note=note, version=version, acknowledged=acknowledged)
    except PublishRefused as exc:  # the checklist and the preview, with what is refused
        messages.error(request, str(exc))
        return redirect("kouka:publish", year=year)
    except StaleVersion as exc:  # the page again with what is true now, the typed note kept
        messages.error(request, str(exc))
        return cycle_page(request, member, year, note, status=409)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("{action}: 完了しました（{state}）").format(action=_(TRANSITIONS[name].label),
                                                                     state=cycle.get_state_display()))
    return redirect("kouka:cycle", year=year)


@staff_view
def project_new(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    cycle = cycle_for(member, year)
    require_admin(member)
    require_edit(member, cycle)
    form = ProjectForm(request.POST or None, departments=selectors.department_choices(member),
                       initial={"number": selectors.project_next_number(cycle), "start_year": year, "end_year": year})
    if request.method == "POST" and form.is_valid():
        empty = Project(number=1, title="", start_year=year, end_year=year)
        project = form.apply_to(empty, [d.name for d in form.cleaned_data["departments"]])
        try:
            record = project_create(member=member, cycle=cycle, project=project)
        except NumberTaken as exc:
            form.add_error("number", str(exc))
        except Invalid as exc:
            add_findings(form, exc.findings)
        else:
            return redirect("kouka:project", year=year, number=record.number)
    return render(request, "kouka/staff/project_form.html", {"cycle": cycle, "form": form, "new": True,
                                                              "can_edit": True})


def project_page(request: HttpRequest, member: Membership, cycle: Cycle, record: ProjectRecord, report: Report,
                 form: ProjectForm, status: int = 200, photo_form: PhotoForm | None = None) -> HttpResponse:
    project = report.project(record.number)
    photo_form = photo_form or PhotoForm(initial={"version": record.version, "after": len(project.verification)},
                                         paragraphs=project.verification)
    path = f"$.projects[{report.projects.index(project)}]"
    return render(request, "kouka/staff/project_form.html", {
        "cycle": cycle, "record": record, "project": project, "form": form, "can_edit": can_edit(member, cycle),
        "findings": findings_context(project_problems(project, path) + check_project(project, report, path)),
        "kpis": [(k, judge_kpi(project.kpi(k.number), cycle.fiscal_year)) for k in record.kpis.all()],
        "comments": record.comments.select_related("author__membership__api_token"), "comment_form": CommentForm(),
        "can_comment": can_comment(member), "photo_form": photo_form,
        "can_review": member.role in (Role.ADMIN, Role.REVIEWER), "figures": selectors.project_figures(project),
    }, status=status)


@staff_view
def project_edit(request: HttpRequest, member: Membership, year: int, number: int) -> HttpResponse:
    cycle = cycle_for(member, year)
    report, record = selectors.cycle_project(member, cycle, number)
    project = report.project(number)
    choices = selectors.department_choices(member)
    form = ProjectForm(request.POST or None, departments=choices,
                       initial=ProjectForm.initial_for(project, record.version) | {
                           "departments": list(record.departments.all())})
    status = 200
    if request.method == "POST":
        require_edit(member, cycle)
        if "draft" in request.POST:
            return with_draft(request, member, cycle, record, report)
        if form.is_valid():
            names = project_departments(member=member, record=record, project=project,
                                        chosen=list(form.cleaned_data["departments"]))
            updated = form.apply_to(project, names)
            status = saved(request, form, lambda: project_update(
                member=member, cycle=cycle, record=record, before=project, after=updated,
                version=form.cleaned_data["version"]))
            if not status:
                return redirect("kouka:project", year=year, number=updated.number)
    return project_page(request, member, cycle, record, report, form, status)


@staff_view
@require_POST
def photo_add_view(request: HttpRequest, member: Membership, year: int, number: int) -> HttpResponse:
    """Add a photo to the まとめ; a refused file shows the project page again with the reason (400)."""
    cycle = cycle_for(member, year)
    report, record = selectors.cycle_project(member, cycle, number)
    project = report.project(number)
    form = PhotoForm(request.POST, request.FILES, paragraphs=project.verification, refusal=refusal(request))
    if form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            photo_add(member=member, cycle=cycle, record=record, data=upload.read(), filename=upload.name,
                      caption=form.cleaned_data["caption"], alt=form.cleaned_data["alt"],
                      after=form.cleaned_data["after"], version=form.cleaned_data["version"])
        except (PhotoRefused, PhotoTextRefused, StaleVersion) as exc:
            form.add_error("image" if isinstance(exc, PhotoRefused) else None, str(exc))
        else:
            messages.success(request, _("写真を追加しました"))
            return redirect("kouka:project", year=year, number=number)
    project_form = ProjectForm(initial=ProjectForm.initial_for(project, record.version) | {
        "departments": list(record.departments.all())}, departments=selectors.department_choices(member))
    return project_page(request, member, cycle, record, report, project_form, 400, photo_form=form)


@staff_view
@require_POST
def photo_remove_view(request: HttpRequest, member: Membership, year: int, number: int, index: int) -> HttpResponse:
    cycle = cycle_for(member, year)
    _report, record = selectors.cycle_project(member, cycle, number)
    try:
        photo_remove(member=member, cycle=cycle, record=record, index=index,
                     version=int(request.POST.get("version") or 0))
    except (PhotoTextRefused, StaleVersion) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("写真を削除しました"))
    return redirect("kouka:project", year=year, number=number)


def with_draft(request: HttpRequest, member: Membership, cycle: Cycle, record: ProjectRecord,
               report: Report) -> HttpResponse:
    """Fill まとめ from the data (kouka.domain.draft); nothing is saved until the user saves."""
    data = request.POST.copy()
    lines = draft_verification(report.project(record.number), cycle.fiscal_year)
    data["verification"] = "\n".join(lines)
    messages.info(request, _("データから下書きを作成しました。内容を確認して保存してください"))
    form = ProjectForm(data, departments=selectors.department_choices(member))
    form.is_valid()
    return project_page(request, member, cycle, record, report, form)


def years_of(project: Project, cycle: Cycle) -> list[int]:
    return list(range(project.start_year, max(project.end_year, project.start_year) + 1)) or [cycle.fiscal_year]


@staff_view
def kpi_edit(request: HttpRequest, member: Membership, year: int, number: int, kpi: int | None = None) -> HttpResponse:
    cycle = cycle_for(member, year)
    report, record = selectors.cycle_project(member, cycle, number)
    project = report.project(number)
    kpi_record = selectors.kpi_get(record, kpi) if kpi is not None else None
    current = project.kpi(kpi) if kpi is not None else Kpi(
        number=selectors.kpi_next_number(record), name="", unit="", baseline_year=project.start_year - 1)
    # years that may not be stored (written before the check) get rows of their own, so they can be cleared
    years = years_of(project, cycle) + sorted({y for y in (*current.targets, *current.actuals)
                                               if y not in limits.FIGURE_YEARS})
    form = KpiForm(request.POST or None, years=years,
                   initial=KpiForm.initial_for(current, kpi_record.version if kpi_record else 0))
    status = 200
    if request.method == "POST":
        require_edit(member, cycle)
        if form.is_valid():
            updated = form.apply_to(current)
            if form.is_valid():  # reading the figures may add errors
                def save() -> object:
                    if kpi_record is None:
                        return kpi_create(member=member, cycle=cycle, project=record, kpi=updated)
                    return kpi_update(member=member, cycle=cycle, record=kpi_record, before=current, after=updated,
                                      version=form.cleaned_data["version"])

                status = saved(request, form, save)
                if not status:
                    return redirect("kouka:project", year=year, number=number)
    latest = latest_figures(kpi_record, years) if status == 409 and kpi_record is not None else []
    index = report.projects.index(project)
    findings = []
    if kpi is not None:
        findings = kpi_problems(current, project, f"$.projects[{index}].kpis[{project.kpis.index(current)}]")
        findings += check_kpi(current, project, report, f"$.projects[{index}].kpis")
    return render(request, "kouka/staff/kpi_form.html", {
        "cycle": cycle, "record": record, "project": project, "kpi": kpi_record, "form": form,
        "can_edit": can_edit(member, cycle), "findings": findings_context(findings),
        "result": judge_kpi(current, year) if kpi is not None else None, "latest": latest,
    }, status=status)


def latest_figures(record: KpiRecord, years: list[int]) -> list[tuple[str, str, str]]:
    """What is saved now, year by year, shown beside a refused stale form so the two can be merged."""
    kpi = selectors.kpi_saved(record)
    return [(format_fiscal_year(y), write_measurement(kpi.targets[y]) if y in kpi.targets else "－",
             write_measurement(kpi.actuals[y]) if y in kpi.actuals else "－") for y in years]


@staff_view
@require_POST
def comment_add(request: HttpRequest, member: Membership, year: int, number: int) -> HttpResponse:
    cycle = cycle_for(member, year)
    record = project_for(member, cycle, number)
    form = CommentForm(request.POST)
    try:
        comment_create(member=member, cycle=cycle, record=record,
                       text=form.cleaned_data["text"] if form.is_valid() else "")
    except CommentInvalid:
        messages.error(request, _("コメントを入力してください（4000字以内）"))
    else:
        messages.success(request, _("コメントを追加しました"))
    return redirect("kouka:project", year=year, number=number)


@staff_view
def departments(request: HttpRequest, member: Membership) -> HttpResponse:
    require_admin(member)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department, created = department_create(member=member, name=form.cleaned_data["name"])
        except Invalid as exc:
            add_findings(form, exc.findings)
        else:
            if created:
                messages.success(request, _("{name} を追加しました").format(name=department.name))
            return redirect("kouka:departments")
    return render(request, "kouka/staff/departments.html", {
        "departments": selectors.departments_with_members(member), "form": form})


@staff_view
def history_view(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    cycle = cycle_for(member, year)
    if not can_view_history(member):
        raise Denied(HISTORY_ONLY)
    context = history_text.Context(selectors.project_numbers(cycle))
    rows = [(c, history_text.describe(c, context)) for c in selectors.changes_of(member, cycle)]
    return render(request, "kouka/staff/history.html", {"cycle": cycle, "rows": rows})


@staff_view
def change_detail(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    if not can_view_history(member):
        raise Denied(HISTORY_ONLY)
    change = selectors.change_get(member, pk)
    if change.cycle is None:  # a department, a person, a token: the administrator's
        require_admin(member)
    context = history_text.Context(selectors.project_numbers(change.cycle) if change.cycle else {})
    with history_text.whole_texts():
        words = history_text.describe(change, context)
    return render(request, "kouka/staff/change.html", {"change": change, "words": words})


@staff_view
def staff_export(request: HttpRequest, member: Membership, year: int, fmt: str) -> HttpResponse:
    """The current (unpublished) data in a publication format, for checking before publication."""
    cycle = cycle_for(member, year)
    if member.role == Role.EDITOR:
        raise Denied(_("出力は管理者と確認者が行えます"))
    return export_response(selectors.cycle_report_whole(cycle), fmt, f"{cycle.municipality.slug}-{year}-draft")
