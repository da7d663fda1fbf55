"""Import by upload: preview what would be created and the findings, then an explicit confirm.

Nothing is written to the data before confirm: the preview keeps the parsed document in the session.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kouka import interchange
from kouka.domain.errors import KoukaError
from kouka.web import dbrouter, history, integrations, mapping, uploads
from kouka.web.forms import UploadForm
from kouka.web.models import Cycle, Membership, State
from kouka.web.permissions import Denied, require_admin
from kouka.web.views.common import findings_context, staff_view

SESSION_KEY = "kouka_import_preview"


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
            reports = imported.document.reports
            request.session[SESSION_KEY] = interchange.to_json(imported.document)
            conflicts = []
            for report in reports:
                if report.municipality.name != member.municipality.name:
                    conflicts.append(f"ファイルの団体名「{report.municipality.name}」が{member.municipality.name}と"
                                     f"異なります。取り込むと{member.municipality.name}の報告になります")
                existing = Cycle.objects.filter(municipality=member.municipality,
                                                fiscal_year=report.fiscal_year).first()
                if existing is not None and existing.state != State.DRAFT:
                    conflicts.append(f"{report.fiscal_year}年度は{existing.get_state_display()}のため取り込めません")
                elif existing is not None and existing.projects.exists():
                    conflicts.append(f"{report.fiscal_year}年度の作成中データは置き換えられます")
            return render(request, "kouka/staff/import_preview.html", {
                "reports": reports, "findings": findings_context(imported.findings), "conflicts": conflicts,
                "filename": uploaded.name})
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
    with transaction.atomic(using=dbrouter.current()):
        for report in document.reports:
            existing = Cycle.objects.filter(municipality=member.municipality, fiscal_year=report.fiscal_year).first()
            if existing is not None and existing.state != State.DRAFT:
                raise Denied(f"{report.fiscal_year}年度は{existing.get_state_display()}のため取り込めません")
            before = mapping.report_json(existing) if existing else None
            cycle = mapping.store_report(member.municipality, report)
            history.record(request.user, member.municipality, cycle, "import", f"{report.fiscal_year}年度 取込",
                           before, interchange.report_json(report))
    del request.session[SESSION_KEY]
    count = sum(len(r.projects) for r in document.reports)
    messages.success(request, f"{count}事業を取り込みました / imported {count} projects")
    return redirect("kouka:cycle", year=document.reports[0].fiscal_year)

