"""Import by upload: preview what would be created and the findings, then an explicit confirm.

The preview keeps the parsed document in the session, with a fingerprint of each year it would replace
(:mod:`kouka.web.services.imports`); confirm is refused when such a year changed after the preview, and
the preview is shown again with what would now be replaced.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kouka import interchange
from kouka.domain.errors import KoukaError
from kouka.domain.model import Document
from kouka.web import integrations, uploads
from kouka.web.forms import UploadForm
from kouka.web.models import Membership
from kouka.web.permissions import require_admin
from kouka.web.services.imports import import_confirm, import_preview
from kouka.web.services.writes import StaleVersion
from kouka.web.views.common import findings_context, staff_view

SESSION_KEY = "kouka_import_preview"
SEEN_KEY = "kouka_import_seen"  # fiscal year → fingerprint of the existing cycle when the preview was shown
SHOWN_KEY = "kouka_import_shown"  # the preview's findings and file name, to show it again


def preview_page(request: HttpRequest, member: Membership, document: Document, shown: dict[str, Any],
                 status: int = 200) -> HttpResponse:
    """The preview page; remembers what each year holds now, which confirm checks again."""
    preview = import_preview(member=member, document=document)
    request.session[SEEN_KEY] = preview.seen
    request.session[SHOWN_KEY] = shown
    return render(request, "kouka/staff/import_preview.html", {
        "reports": document.reports, "findings": shown["findings"], "conflicts": preview.conflicts,
        "filename": shown["filename"]}, status=status)


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
            form.add_error("file", _("読み込めません: {reason}").format(reason=exc))
        else:
            request.session[SESSION_KEY] = interchange.to_json(imported.document)
            return preview_page(request, member, imported.document, {
                "findings": findings_context(imported.findings), "filename": uploaded.name})
    return render(request, "kouka/staff/import.html", {"form": form})


@staff_view
@require_POST
def confirm(request: HttpRequest, member: Membership) -> HttpResponse:
    require_admin(member)
    data = request.session.get(SESSION_KEY)
    if data is None:
        messages.error(request, _("取り込むデータがありません。もう一度アップロードしてください"))
        return redirect("kouka:import")
    document = interchange.from_json(data)
    try:
        count = import_confirm(member=member, document=document, seen=request.session.get(SEEN_KEY, {}))
    except StaleVersion as exc:
        messages.error(request, str(exc))
        shown = request.session.get(SHOWN_KEY) or {"findings": [], "filename": ""}
        return preview_page(request, member, document, shown, status=409)
    for key in (SESSION_KEY, SEEN_KEY, SHOWN_KEY):
        request.session.pop(key, None)
    messages.success(request, _("{count}事業を取り込みました").format(count=count))
    return redirect("kouka:cycle", year=document.reports[0].fiscal_year)
