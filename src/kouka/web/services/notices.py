"""Notices by e-mail: on a department's submission (to the planning division), a return and a confirmation (to
the department's editors), and a deadline a set number of days ahead (to everyone who still has to act).

Each notice is one event to one recipient and is sent exactly once: a :class:`Notice` row is written first
(unique per event and recipient) and the mail is sent only when the row is new, so the command that a cron or
systemd timer runs may run any number of times.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError
from django.utils.translation import gettext as _

from kouka.domain.eras import format_fiscal_year
from kouka.web import mapping
from kouka.web.dbrouter import atomic
from kouka.web.models import Cycle, Department, DepartmentPart, Membership, Notice, PartState, Role

MAX_NOTICES = 1000  # one run sends at most this many (bounded)


@dataclass(frozen=True)
class Message:
    event: str  # what makes it unique, with the recipients: submit:<cycle>:<department>:<part version>
    subject: str
    body: str


def notice_send(*, cycle: Cycle, message: Message, recipients: list[Membership]) -> int:
    """Send ``message`` to each recipient with an e-mail address who has not had it; the number sent."""
    sent = 0
    for member in recipients:
        if not member.user.email or not member.user.is_active:
            continue
        try:
            with atomic():
                Notice.objects.create(cycle=cycle, event=message.event, recipient=member.user)
        except IntegrityError:
            continue  # sent before
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [member.user.email])
        sent += 1
    return sent


def administrators(cycle: Cycle) -> list[Membership]:
    return list(Membership.objects.select_related("user").filter(
        municipality_id=cycle.municipality_id, role=Role.ADMIN, api_token__isnull=True))


def editors_of(department: Department) -> list[Membership]:
    return list(Membership.objects.select_related("user").filter(
        role=Role.EDITOR, departments=department, api_token__isnull=True))


def link(cycle: Cycle) -> str:
    return f"{settings.SITE_URL}/staff/{cycle.fiscal_year}/board/"


def notice_part(*, part: DepartmentPart, name: str, count: int) -> int:
    """The notice of a step on a department's part: a submission to the planning division, a return (with the
    reason) or a confirmation to the department."""
    cycle, department = part.cycle, part.department
    year = format_fiscal_year(cycle.fiscal_year)
    event = f"{name}:{cycle.pk}:{department.pk}:{part.version}"
    if name == "submit":
        message = Message(event, _("【kouka】{department}が{year}の{count}事業を提出しました").format(
            department=department.name, year=year, count=count),
            _("{department}が{year}の{count}事業を提出しました。確認してください。\n{link}").format(
                department=department.name, year=year, count=count, link=link(cycle)))
        return notice_send(cycle=cycle, message=message, recipients=administrators(cycle))
    if name == "return":
        message = Message(event, _("【kouka】{year}の{department}の事業が差し戻されました").format(
            department=department.name, year=year),
            _("企画担当が{year}の{department}の{count}事業を差し戻しました。\n理由:\n{reason}\n\n{link}").format(
                department=department.name, year=year, count=count, reason=part.reason, link=link(cycle)))
    else:
        message = Message(event, _("【kouka】{year}の{department}の事業が確認済みになりました").format(
            department=department.name, year=year),
            _("企画担当が{year}の{department}の{count}事業を確認済みにしました。\n{link}").format(
                department=department.name, year=year, count=count, link=link(cycle)))
    return notice_send(cycle=cycle, message=message, recipients=editors_of(department))


def notice_deadlines(*, today: date, days: int) -> int:
    """The notices of deadlines ``days`` days ahead or less (not past): 提出期限 to the editors of every
    department that has not submitted, 確認期限 and 公表予定日 to the planning division. At most
    :data:`MAX_NOTICES` are sent in one call; what was sent is never sent again."""
    sent = 0
    horizon = today + timedelta(days=days)
    cycles = Cycle.objects.select_related("municipality").exclude(state="published")
    for cycle in cycles.filter(submit_deadline__range=(today, horizon)):
        parts = dict(DepartmentPart.objects.filter(cycle=cycle).values_list("department_id", "state"))
        for department_id, records in mapping.lead_projects(cycle).items():
            if parts.get(department_id, PartState.OPEN) not in (PartState.OPEN, PartState.RETURNED):
                continue
            department = Department.objects.get(pk=department_id)
            message = Message(f"deadline:submit:{cycle.pk}:{cycle.submit_deadline}:{department_id}",
                              _("【kouka】{year}の提出期限は{day}です").format(
                                  year=format_fiscal_year(cycle.fiscal_year), day=cycle.submit_deadline),
                              _("{department}の{count}事業がまだ提出されていません。提出期限は{day}です。\n{link}").format(
                                  department=department.name, count=len(records), day=cycle.submit_deadline,
                                  link=link(cycle)))
            sent += notice_send(cycle=cycle, message=message, recipients=editors_of(department))
            if sent >= MAX_NOTICES:
                return sent
    for field, label in (("review_deadline", _("確認期限")), ("publish_date", _("公表予定日"))):
        for cycle in cycles.filter(**{f"{field}__range": (today, horizon)}):
            day = getattr(cycle, field)
            message = Message(f"deadline:{field}:{cycle.pk}:{day}", _("【kouka】{year}の{label}は{day}です").format(
                year=format_fiscal_year(cycle.fiscal_year), label=label, day=day),
                _("{year}の{label}は{day}です。担当課ごとの提出状況を確認してください。\n{link}").format(
                    year=format_fiscal_year(cycle.fiscal_year), label=label, day=day, link=link(cycle)))
            sent += notice_send(cycle=cycle, message=message, recipients=administrators(cycle))
            if sent >= MAX_NOTICES:
                return sent
    return sent
