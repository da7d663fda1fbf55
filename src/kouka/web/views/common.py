"""What the views share: sign-in and the member for staff pages, refusal as a page, findings, downloads.

Not a view itself: every view module may import it (and no view module imports another)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kouka.domain.checks import Finding
from kouka.domain.model import Report
from kouka.web import integrations
from kouka.web.models import Membership
from kouka.web.permissions import Denied, request_member

StaffView = Callable[..., HttpResponse]


def staff_view(view: StaffView) -> Callable[..., HttpResponse]:
    """Require a signed-in member; pass the :class:`Membership` as ``member``; a :class:`Denied` is a 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        member: Membership | None = request_member(request)
        if member is None:
            return refused(request, _("職員としての所属が登録されていません"))
        if member.must_change_password:  # signed in with a one-time password: their own one first
            return redirect("password_change")
        try:
            return view(request, member, *args, **kwargs)
        except Denied as exc:
            return refused(request, str(exc))

    return wrapper


def refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "kouka/refused.html", {"message": message}, status=403)


def findings_context(findings: list[Finding]) -> list[dict[str, str]]:
    return [f.as_dict() | {"label": {"error": _("誤り"), "warning": _("注意"), "info": _("情報")}[f.severity.value],
                           "sentence": f.sentence} for f in findings]


def export_response(report: Report, fmt: str, stem: str, *, bom: bool = True) -> HttpResponse:
    """``report`` in publication format ``fmt`` as a download named ``stem``; 404 for an unknown format.
    ``bom=False`` leaves the byte-order mark out of a CSV (for programs)."""
    spec = integrations.EXPORTS.get(fmt)
    if spec is None:
        raise Http404(_("形式がありません"))
    try:
        body = integrations.export(fmt, report)
    except integrations.Unavailable as exc:
        return HttpResponse(_("この形式は現在利用できません: {reason}").format(reason=exc), status=503,
                            content_type="text/plain; charset=utf-8")
    if not bom:
        body = integrations.without_bom(body)
    response = HttpResponse(body, content_type=spec.content_type)
    suffix = "-ja" if fmt == "csv-ja" else ""
    response["Content-Disposition"] = f'attachment; filename="{stem}{suffix}.{spec.extension}"'
    return response
