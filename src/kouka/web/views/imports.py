"""Uploads: a published report or data file (import), and a department's filled workbook (記入シート).

Every upload is kept as a task and read outside the request by the task queue (:mod:`kouka.web.queue`); the
user watches the task's status page (it asks a small JSON endpoint, or reloads itself without JavaScript) and
then reviews what was read. Nothing is saved before an explicit confirmation.

A report import's preview keeps the parsed document in the session, with a fingerprint of each year it would
replace (:mod:`kouka.web.services.imports`); confirm is refused when such a year changed after the preview, and
the preview is shown again with what would now be replaced. A workbook's review shows the plan field by field;
confirming plans again from the kept bytes and is refused when the plan changed (:mod:`kouka.web.services
.workbooks`).
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kouka import interchange
from kouka.domain.eras import format_fiscal_year
from kouka.domain.errors import KoukaError
from kouka.domain.model import Document
from kouka.web import queue, selectors, uploads
from kouka.web.forms import (
    REVIEW_KPI,
    REVIEW_PROJECT,
    REVIEW_REPORT,
    ImportReviewForm,
    ReportUploadForm,
    WorkbookUploadForm,
    review_field,
)
from kouka.web.models import Membership, TaskKind, TaskState, UploadTask
from kouka.web.permissions import cycle_for, require_admin
from kouka.web.services.imports import import_confirm, import_preview, report_upload
from kouka.web.services.tasks import task_forget
from kouka.web.services.workbooks import workbook_apply, workbook_cancel, workbook_export, workbook_upload
from kouka.web.services.writes import Invalid, StaleVersion
from kouka.web.views.common import findings_context, staff_view

SESSION_KEY = "kouka_import_preview"
SEEN_KEY = "kouka_import_seen"  # fiscal year → fingerprint of the existing cycle when the preview was shown
TASK_KEY = "kouka_import_task"  # the upload whose reading the preview shows, forgotten at confirmation
SHOWN_KEY = "kouka_import_shown"  # the preview's findings and file name, to show it again


def source_of(path: str, places: dict[str, str]) -> str:
    """What ``places`` (sources or excerpts) says of ``path`` or of a value under it (targets → targets.2022)."""
    if path in places:
        return places[path]
    return next((text for key, text in places.items() if key.startswith((path + ".", path + "["))), "")


def field_path(name: str) -> str:
    """The JSON path of a review field: p0_k1_target → $.reports[0].projects[0].kpis[1].targets."""
    parts = name.split("_")
    path, rest = "$.reports[0]", parts[-1]
    if name in REVIEW_REPORT.values():
        return path + next(key for key, value in REVIEW_REPORT.items() if value == name)
    path += f".projects[{parts[0][1:]}]"
    table = REVIEW_PROJECT
    if len(parts) == 3:
        path, table = path + f".kpis[{parts[1][1:]}]", REVIEW_KPI
    return path + next(key for key, value in table.items() if value == rest)


def review_row(form: ImportReviewForm, name: str, shown: dict[str, Any], notes: dict[str, list[dict[str, str]]]
               ) -> dict[str, Any]:
    """One field of the review with the place and text it was read from and the findings about it."""
    path = field_path(name)
    place, excerpt = source_of(path, shown.get("sources", {})), source_of(path, shown.get("excerpts", {}))
    if place or excerpt:
        form.fields[name].widget.attrs["aria-describedby"] = f"source-{name}"
    return {"field": form[name], "place": place, "excerpt": excerpt, "notes": notes.get(name, [])}


def review_sections(form: ImportReviewForm, shown: dict[str, Any], findings: list[dict[str, Any]]
                    ) -> dict[str, Any]:
    """The review screen's rows: the report's fields, then each project's and its KPIs' (with their checkboxes)."""
    notes: dict[str, list[dict[str, str]]] = {}
    for finding in findings:
        name = review_field(str(finding.get("path", "")))
        if name is not None:
            notes.setdefault(name, []).append(finding)
    projects = []
    for i, project in enumerate(form.report.projects):
        kpis = [{"number": kpi.number, "drop": form[f"p{i}_k{j}_drop"], "rows": [
            review_row(form, f"p{i}_k{j}_{name}", shown, notes) for name in REVIEW_KPI.values()]}
            for j, kpi in enumerate(project.kpis)]
        projects.append({"number": project.number, "drop": form[f"p{i}_drop"], "kpis": kpis, "rows": [
            review_row(form, f"p{i}_{name}", shown, notes) for name in ("title", "start", "end", "cost", "grant")]})
    return {"report": [review_row(form, name, shown, notes) for name in REVIEW_REPORT.values()],
            "projects": projects}


def preview_page(request: HttpRequest, member: Membership, document: Document, shown: dict[str, Any],
                 status: int = 200, form: ImportReviewForm | None = None) -> HttpResponse:
    """The review page: each value read as a field beside where it came from (one report), or the summary of a
    document of several years; remembers what each year holds now, which confirm checks again."""
    single = len(document.reports) == 1
    if single and form is None:
        form = ImportReviewForm(report=document.reports[0])
    review = form.to_review() if form is not None and form.is_bound and form.is_valid() else None
    preview = import_preview(member=member, document=document, review=review)
    request.session[SEEN_KEY] = preview.seen
    request.session[SHOWN_KEY] = shown
    findings = shown["findings"] + findings_context(preview.problems)
    return render(request, "kouka/staff/import_preview.html", {
        "reports": document.reports, "findings": findings, "conflicts": preview.conflicts,
        "filename": shown["filename"], "refused": bool(preview.problems) and not single, "form": form,
        "sections": review_sections(form, shown, findings) if form is not None else None}, status=status)


@staff_view
def upload(request: HttpRequest, member: Membership) -> HttpResponse:
    require_admin(member)
    posted = request.method == "POST"  # bound even when the upload handler dropped the file
    form = ReportUploadForm(request.POST if posted else None, request.FILES if posted else None,
                            refusal=uploads.refusal(request))
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        return started(request, member, report_upload(member=member, filename=uploaded.name, data=uploaded.read(),
                                                      supplied=form.supplied()))
    return render(request, "kouka/staff/import.html", {"form": form})


@staff_view
@require_POST
def confirm(request: HttpRequest, member: Membership) -> HttpResponse:
    require_admin(member)
    data = request.session.get(SESSION_KEY)
    if data is None:
        messages.error(request, _("取り込むデータがありません。もう一度アップロードしてください"))
        return redirect("kouka:import")
    try:
        document = interchange.from_json(data)
    except KoukaError as exc:  # kept by an earlier version of kouka, or values the schema refuses
        messages.error(request, _("取り込めません: {reason}").format(reason=exc))
        return redirect("kouka:import")
    shown = request.session.get(SHOWN_KEY) or {"findings": [], "filename": ""}
    form = None
    if "review" in request.POST and len(document.reports) == 1:
        form = ImportReviewForm(request.POST, report=document.reports[0])
        if not form.is_valid():
            return preview_page(request, member, document, shown, status=400, form=form)
    try:
        count = import_confirm(member=member, document=document, seen=request.session.get(SEEN_KEY, {}),
                               review=form.to_review() if form is not None else None)
    except Invalid as exc:
        if form is None:
            messages.error(request, _("保存できない値があるため取り込めません: {reason}").format(reason=exc))
        else:
            messages.error(request, _("保存できない値があるため、まだ保存していません。各項目の誤りを直してください"))
            form.add_problems(exc.findings)
        return preview_page(request, member, document, shown, status=400, form=form)
    except StaleVersion as exc:
        messages.error(request, str(exc))
        return preview_page(request, member, document, shown, status=409, form=form)
    year = form.cleaned_data["fiscal_year"] if form is not None else document.reports[0].fiscal_year
    task_forget(member=member, task_id=request.session.get(TASK_KEY))
    for key in (SESSION_KEY, SEEN_KEY, SHOWN_KEY, TASK_KEY):
        request.session.pop(key, None)
    messages.success(request, _("{count}事業を{year}の下書きとして取り込みました。公表の前に内容を確認して"
                                "ください").format(count=count, year=format_fiscal_year(year)))
    return redirect("kouka:cycle", year=year)


# --- the task queue: status, then the review ------------------------------------------------------------------


def started(request: HttpRequest, member: Membership, task: UploadTask) -> HttpResponse:
    """Queue the reading of ``task``; its status page (or, when it was read at once, what it found)."""
    queue.enqueue(task.pk)
    task.refresh_from_db()
    if task.state in (TaskState.DONE, TaskState.FAILED):
        return task_page(request, member, task)
    return redirect("kouka:task", pk=task.pk)


def overdue(task: UploadTask) -> bool:
    """Still waiting or being read after KOUKA_UPLOAD_PATIENCE seconds: no worker runs, or the file is too much."""
    waited = (timezone.now() - task.created).total_seconds()
    return task.state in (TaskState.QUEUED, TaskState.RUNNING) and waited > settings.KOUKA_UPLOAD_PATIENCE


def status_json(task: UploadTask) -> dict[str, Any]:
    return {"state": task.state, "label": str(task.get_state_display()), "finished": task.state in (
        TaskState.DONE, TaskState.FAILED) or overdue(task), "url": reverse("kouka:task", kwargs={"pk": task.pk})}


@staff_view
def task_status(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    """How far reading an upload has got, as JSON for the status page's script."""
    return JsonResponse(status_json(selectors.upload_task_get(member, pk)))


@staff_view
def task_view(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    return task_page(request, member, selectors.upload_task_get(member, pk))


def task_page(request: HttpRequest, member: Membership, task: UploadTask, status: int = 200) -> HttpResponse:
    """While the file is read: the status page; then its review (or why it could not be read)."""
    if task.state == TaskState.DONE and task.kind == TaskKind.REPORT:
        document = interchange.from_json(task.result["document"])
        request.session[SESSION_KEY] = task.result["document"]
        request.session[TASK_KEY] = task.pk
        findings = [f | {"label": {"error": _("誤り"), "warning": _("注意"), "info": _("情報")}[f["severity"]]}
                    for f in task.result["findings"]]
        return preview_page(request, member, document, {
            "findings": findings, "filename": task.filename, "sources": task.result.get("sources", {}),
            "excerpts": task.result.get("excerpts", {})})
    if task.state == TaskState.DONE:
        return render(request, "kouka/staff/workbook_review.html", {
            "task": task, "plan": task.result, "year": task.fiscal_year}, status=status)
    back = reverse("kouka:workbook", kwargs={"year": task.fiscal_year}) if task.kind == TaskKind.WORKBOOK \
        else reverse("kouka:import")
    message = task.message if task.state == TaskState.FAILED else _(
        "{minutes}分たっても読み込みが終わりません。ファイルが大きすぎるか、読み込むワーカー（kouka worker）が動いて"
        "いません。管理者に連絡してください").format(minutes=settings.KOUKA_UPLOAD_PATIENCE // 60)
    return render(request, "kouka/staff/task.html", {
        "task": task, "status": status_json(task), "back": back, "message": message,
        "failed": task.state == TaskState.FAILED or overdue(task)}, status=status)


# --- the department workbook ----------------------------------------------------------------------------------


@staff_view
def workbook(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    """The year's workbook: download one for a department, upload it filled."""
    cycle = cycle_for(member, year)
    departments = selectors.workbook_departments(member, cycle)
    posted = request.method == "POST"
    form = WorkbookUploadForm(request.POST if posted else None, request.FILES if posted else None,
                              refusal=uploads.refusal(request), departments=departments)
    if posted and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            task = workbook_upload(member=member, cycle=cycle, department=form.cleaned_data["department"] or None,
                                   filename=uploaded.name, data=uploaded.read())
        except KoukaError as exc:
            form.add_error("file", str(exc))
        else:
            return started(request, member, task)
    return render(request, "kouka/staff/workbook.html", {
        "cycle": cycle, "departments": departments, "form": form}, status=400 if posted else 200)


@staff_view
def workbook_download(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    cycle = cycle_for(member, year)
    department = request.GET.get("department", "") or None
    try:
        data = workbook_export(member=member, cycle=cycle, department=department)
    except KoukaError as exc:
        messages.error(request, str(exc))
        return redirect("kouka:workbook", year=year)
    name = _("{year}_{department}_記入シート.xlsx").format(year=format_fiscal_year(year),
                                                         department=department or _("全課"))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@staff_view
@require_POST
def workbook_confirm(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    task = selectors.upload_task_get(member, pk)
    year = task.fiscal_year
    try:
        count = workbook_apply(member=member, task=task, digest=request.POST.get("digest", ""))
    except StaleVersion as exc:  # the year changed since the review: read it again, show the new plan
        messages.error(request, str(exc))
        UploadTask.objects.filter(pk=task.pk).update(state=TaskState.QUEUED, result=None)
        return started(request, member, selectors.upload_task_get(member, pk))
    except KoukaError as exc:
        messages.error(request, str(exc))
        return redirect("kouka:task", pk=pk)
    messages.success(request, _("記入シートの{count}件の変更を保存しました").format(count=count))
    return redirect("kouka:cycle", year=year)


@staff_view
@require_POST
def workbook_cancel_view(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    task = selectors.upload_task_get(member, pk)
    year = task.fiscal_year
    workbook_cancel(member=member, task=task)
    messages.info(request, _("記入シートの取込をやめました。何も保存していません"))
    return redirect("kouka:workbook", year=year)
