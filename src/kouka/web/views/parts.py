"""The departments' parts of a year: the planning division's status board, and each step on a department's part
(submit, return with a reason, confirm) behind a confirmation page that says what it will do."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from kouka.web import selectors
from kouka.web.forms import DeadlinesForm, PartActionForm
from kouka.web.models import Membership, Role
from kouka.web.permissions import Denied, cycle_for
from kouka.web.selectors import NOT_STARTED, BoardPart, BoardProject
from kouka.web.services.cycles import cycle_deadlines_set
from kouka.web.services.parts import PART_ACTIONS, PartRefused, ReasonMissing, part_act
from kouka.web.services.writes import StaleVersion
from kouka.web.views.common import staff_view

# The board's words for a project's status (kouka.web.selectors.cycle_board).
STATUS_WORDS = {NOT_STARTED: gettext_noop("未着手"), "open": gettext_noop("作成中"),
                "submitted": gettext_noop("提出済み"), "returned": gettext_noop("差し戻し"),
                "confirmed": gettext_noop("確認済み")}


def actions_of(member: Membership, part: BoardPart) -> list[str]:
    """The steps ``member`` may take on ``part`` now."""
    names = []
    for action in PART_ACTIONS.values():
        if part.state in action.sources and (member.role == Role.ADMIN or (
                member.role == Role.EDITOR and not action.admin_only)):
            names.append(action.name)
    return names


@staff_view
def board(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    """Per department and project: the status, what is missing, the deadline; the steps the member may take."""
    cycle = cycle_for(member, year)
    parts = selectors.cycle_board(member, cycle)
    rows = [(part, _(STATUS_WORDS[part.state]),
             [(n, _(PART_ACTIONS[n].label)) for n in actions_of(member, part)] if cycle.state != "published" else [],
             projects_words(part)) for part in parts]
    form = DeadlinesForm(initial={"version": cycle.version, "submit_deadline": cycle.submit_deadline,
                                  "review_deadline": cycle.review_deadline, "publish_date": cycle.publish_date})
    return render(request, "kouka/staff/board.html", {
        "cycle": cycle, "rows": rows, "is_admin": member.role == Role.ADMIN, "deadlines_form": form})


def projects_words(part: BoardPart) -> list[tuple[BoardProject, str, list[str]]]:
    """Each project of ``part`` with its status and what is missing, in words."""
    return [(p, _(STATUS_WORDS[p.status]), [_(m) for m in p.missing]) for p in part.projects]


@staff_view
@require_POST
def deadlines(request: HttpRequest, member: Membership, year: int) -> HttpResponse:
    """The planning division sets the year's deadlines (from the board)."""
    cycle = cycle_for(member, year)
    form = DeadlinesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("日付を「2024-06-30」の形で入力してください"))
        return redirect("kouka:board", year=year)
    try:
        cycle_deadlines_set(member=member, cycle=cycle, submit=form.cleaned_data["submit_deadline"],
                            review=form.cleaned_data["review_deadline"], publish=form.cleaned_data["publish_date"],
                            version=form.cleaned_data["version"])
    except StaleVersion as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("期限を保存しました"))
    return redirect("kouka:board", year=year)


@staff_view
def part_action(request: HttpRequest, member: Membership, year: int, department: int, name: str) -> HttpResponse:
    """GET: what the step will do (「商工労働課の2事業を提出します」) and a button; POST: do it."""
    cycle = cycle_for(member, year)
    part = selectors.cycle_part(member, cycle, department)
    action = PART_ACTIONS.get(name)
    if action is None or name not in actions_of(member, part):
        raise Denied(_("{department}の事業に対するこの操作はできません").format(department=part.department.name))
    form = PartActionForm(request.POST or None, initial={"version": part.version, "count": part.count})
    sentence = _(action.sentence).format(department=part.department.name, count=part.count)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            part_act(member=member, cycle=cycle, department=part.department, name=name,
                     reason=form.cleaned_data["reason"], version=form.cleaned_data["version"],
                     count=form.cleaned_data["count"])
        except (PartRefused, ReasonMissing) as exc:
            form.add_error("reason" if name == "return" else None, str(exc))
            status = 400
        except StaleVersion as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            messages.success(request, _(action.done).format(department=part.department.name, count=part.count))
            return redirect("kouka:board", year=year)
    return render(request, "kouka/staff/part_action.html", {
        "cycle": cycle, "part": part, "action": action, "label": _(action.label), "sentence": sentence,
        "form": form, "projects": projects_words(part)}, status=status)
