"""Before 公表する: the publication checklist and a preview of the exact public page and downloads; the
administrator publishes from here."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kouka.domain.checks import Severity
from kouka.domain.eras import format_fiscal_year
from kouka.web import integrations, selectors
from kouka.web.artifacts import report_body
from kouka.web.forms import TransitionForm
from kouka.web.models import Membership, Role, State
from kouka.web.permissions import Denied, cycle_for
from kouka.web.services.cycles import PublishRefused, WorkflowError, cycle_transition, cycle_transitions
from kouka.web.services.writes import StaleVersion
from kouka.web.views.common import findings_context, staff_view


@staff_view
def publish_gate(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    """GET: the checklist (errors block, warnings to acknowledge), the downloads and the page as the public
    will see it. POST: publish (the administrator); a refusal shows the page again with what was typed."""
    cycle = cycle_for(member, year)
    if member.role == Role.EDITOR:
        raise Denied(_("公表前の確認は企画担当と確認者が行えます"))
    form = TransitionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            cycle_transition(member=member, cycle=cycle, name="publish", note=form.cleaned_data["note"],
                             version=form.cleaned_data["version"], acknowledged=form.cleaned_data["acknowledged"])
        except (PublishRefused, StaleVersion, WorkflowError) as exc:
            messages.error(request, str(exc))
            status = 409 if isinstance(exc, StaleVersion) else 400
            cycle = cycle_for(member, year)
        else:
            messages.success(request, _("{year}の報告を公表しました（第{revision}版）").format(
                year=format_fiscal_year(cycle.fiscal_year), revision=cycle.revision))
            return redirect("kouka:cycle", year=year)
    report, findings = selectors.cycle_checklist(cycle)
    errors = [f for f in findings if f.severity == Severity.ERROR]
    warnings = [f for f in findings if f.severity == Severity.WARNING]
    can_publish = any(t.name == "publish" for t in cycle_transitions(member, cycle))
    body = report_body(selectors.publication_preview(cycle))  # the public page's body, autoescaped
    return render(request, "kouka/staff/publish.html", {
        "cycle": cycle, "report": report, "errors": findings_context(errors),
        "warnings": findings_context(warnings), "can_publish": can_publish and not errors,
        "not_reviewed": cycle.state != State.REVIEWED, "kept_note": form["note"].value() or "",
        "exports": list(integrations.EXPORTS.values()),
        "body": mark_safe(body),
    }, status=status)
