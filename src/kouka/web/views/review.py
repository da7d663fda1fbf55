"""The reviewers' part of a project: the 外部有識者's opinion (or the 推進会議の評価), the council's remarks and
the 対応, which the publication shows; the comment thread beside it stays internal."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kouka.web import selectors
from kouka.web.forms import ReviewForm
from kouka.web.models import Membership, Role, State
from kouka.web.permissions import Denied, cycle_for
from kouka.web.services.projects import project_review_set
from kouka.web.services.writes import StaleVersion
from kouka.web.views.common import staff_view


@staff_view
def review_edit(request: HttpRequest, member: Membership, year: int, number: int) -> HttpResponse:
    cycle = cycle_for(member, year)
    if member.role not in (Role.REVIEWER, Role.ADMIN):
        raise Denied(_("意見は外部有識者と企画担当が書けます"))
    report, record = selectors.cycle_project(member, cycle, number)
    project = report.project(number)
    form = ReviewForm(request.POST or None, initial=ReviewForm.initial_for(project, record.version))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            project_review_set(member=member, cycle=cycle, record=record, review=form.review(),
                               version=form.cleaned_data["version"])
        except StaleVersion as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            messages.success(request, _("意見を保存しました"))
            return redirect("kouka:project", year=year, number=number)
    return render(request, "kouka/staff/review_form.html", {
        "cycle": cycle, "record": record, "project": project, "form": form,
        "can_edit": cycle.state != State.PUBLISHED}, status=status)
