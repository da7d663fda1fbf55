"""Import by upload: preview what would be created and the findings, then an explicit confirm.

Nothing is written to the data before confirm: the preview keeps the parsed document in the session, with a
fingerprint of each year it would replace. Confirm is refused when such a year changed after the preview (someone
saved a KPI meanwhile): the preview is shown again with what would now be replaced, so nothing is lost unseen.
"""

import hashlib
import json
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kouka import interchange
from kouka.domain.errors import KoukaError
from kouka.domain.model import Document
from kouka.web import dbrouter, history, integrations, mapping, uploads
from kouka.web.forms import UploadForm
from kouka.web.models import Cycle, Membership, State
from kouka.web.permissions import Denied, require_admin
from kouka.web.views.common import findings_context, staff_view

SESSION_KEY = "kouka_import_preview"
SEEN_KEY = "kouka_import_seen"  # fiscal year → fingerprint of the existing cycle when the preview was shown
SHOWN_KEY = "kouka_import_shown"  # the preview's findings and file name, to show it again
CHANGED = ("{year}年度のデータは、取込内容の確認の後に他の人が変更しました。取り込むとその変更は置き換えられます。"
           "下の内容を確認し、よければもう一度「取り込む」を押してください / the year changed after the preview; "
           "review and confirm again")


def fingerprint(cycle: Cycle | None) -> str | None:
    """What an import would replace, in one hash: the cycle's version, state and whole content."""
    if cycle is None:
        return None
    content = [cycle.version, cycle.state, mapping.report_json(cycle)]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def _preview(request: HttpRequest, member: Membership, document: Document, shown: dict[str, Any],
             status: int = 200) -> HttpResponse:
    """The preview page; remembers what each year holds now, which confirm checks again."""
    conflicts = []
    seen: dict[str, str | None] = {}
    for report in document.reports:
        if report.municipality.name and report.municipality.name != member.municipality.name:
            conflicts.append(f"ファイルの団体名「{report.municipality.name}」が{member.municipality.name}と"
                             f"異なります。取り込むと{member.municipality.name}の報告になります")
        existing = Cycle.objects.filter(municipality=member.municipality, fiscal_year=report.fiscal_year).first()
        seen[str(report.fiscal_year)] = fingerprint(existing)
        if existing is not None and existing.state != State.DRAFT:
            conflicts.append(f"{report.fiscal_year}年度は{existing.get_state_display()}のため取り込めません")
        elif existing is not None and existing.projects.exists():
            conflicts.append(f"{report.fiscal_year}年度の作成中データは置き換えられます")
    request.session[SEEN_KEY] = seen
    request.session[SHOWN_KEY] = shown
    return render(request, "kouka/staff/import_preview.html", {
        "reports": document.reports, "findings": shown["findings"], "conflicts": conflicts,
        "filename": shown["filename"]}, status=status)


class _Changed(Exception):
    def __init__(self, year: int) -> None:
        super().__init__(CHANGED.format(year=year))


@staff_view
def upload(request: HttpRequest, member: Membership) -> HttpResponse:
    require_admin(member)
    posted = request.method == "POST"  # bound even when the upload handler dropped the file
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None,
                      refusal=uploads.refusal(request))
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            imported = integrations.import_bytes(uploaded.read(), uploaded.name)
        except KoukaError as exc:
            form.add_error("file", f"読み込めません / cannot read: {exc}")
        else:
            request.session[SESSION_KEY] = interchange.to_json(imported.document)
            return _preview(request, member, imported.document, {
                "findings": findings_context(imported.findings), "filename": uploaded.name})
    return render(request, "kouka/staff/import.html", {"form": form})


@staff_view
@require_POST
def confirm(request: HttpRequest, member: Membership) -> HttpResponse:
    require_admin(member)
    data = request.session.get(SESSION_KEY)
    if data is None:
        messages.error(request, "取り込むデータがありません。もう一度アップロードしてください / nothing to import")
        return redirect("kouka:import")
    document = interchange.from_json(data)
    seen = request.session.get(SEEN_KEY, {})
    try:
        with transaction.atomic(using=dbrouter.current()):
            for report in document.reports:
                existing = Cycle.objects.select_for_update().filter(
                    municipality=member.municipality, fiscal_year=report.fiscal_year).first()
                if fingerprint(existing) != seen.get(str(report.fiscal_year), "not previewed"):
                    raise _Changed(report.fiscal_year)
                if existing is not None and existing.state != State.DRAFT:
                    raise Denied(f"{report.fiscal_year}年度は{existing.get_state_display()}のため取り込めません")
                before = mapping.report_json(existing) if existing else None
                cycle = mapping.store_report(member.municipality, report)
                Cycle.objects.filter(pk=cycle.pk).update(version=F("version") + 1)  # open report forms are stale
                history.record(request.user, member.municipality, cycle, "import", f"{report.fiscal_year}年度 取込",
                               before, interchange.report_json(report))
    except _Changed as exc:
        messages.error(request, str(exc))
        shown = request.session.get(SHOWN_KEY) or {"findings": [], "filename": ""}
        return _preview(request, member, document, shown, status=409)
    for key in (SESSION_KEY, SEEN_KEY, SHOWN_KEY):
        request.session.pop(key, None)
    count = sum(len(r.projects) for r in document.reports)
    messages.success(request, f"{count}事業を取り込みました / imported {count} projects")
    return redirect("kouka:cycle", year=document.reports[0].fiscal_year)

