"""Notices by e-mail (Django's locmem backend): one per event and recipient, also when the command runs twice."""

from datetime import date
from io import StringIO
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from kouka.web.models import Department, Notice
from kouka.web.services.cycles import cycle_deadlines_set
from kouka.web.services.parts import part_act

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


@pytest.fixture(autouse=True)
def locmem(settings: object) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]


def addresses(world: "World") -> None:
    for name in ("kikaku", "shoko", "kigyo", "yushikisha"):
        get_user_model().objects.filter(username=name).update(email=f"{name}@city.example.jp")


def department(world: "World", name: str) -> Department:
    found: Department = Department.objects.get(municipality=world.isesaki, name=name)
    return found


def test_submission_return_and_confirmation_notify_the_right_people_once(world: "World") -> None:
    addresses(world)
    cycle, shoko_department = world.cycle(), department(world, "商工労働課")
    part_act(member=world.member("shoko"), cycle=cycle, department=shoko_department, name="submit", count=2)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["kikaku@city.example.jp"], "【kouka】商工労働課が令和5年度の2事業を提出しました")]
    part_act(member=world.member("kikaku"), cycle=cycle, department=shoko_department, name="return",
             reason="成果目標②の根拠を添えてください", count=2)
    assert mail.outbox[1].to == ["shoko@city.example.jp"] and "成果目標②の根拠を添えてください" in mail.outbox[1].body
    assert all("kigyo@city.example.jp" not in m.to for m in mail.outbox)  # the other department is not told
    part_act(member=world.member("shoko"), cycle=cycle, department=shoko_department, name="submit", count=2)
    part_act(member=world.member("kikaku"), cycle=cycle, department=shoko_department, name="confirm", count=2)
    assert [m.to for m in mail.outbox[2:]] == [["kikaku@city.example.jp"], ["shoko@city.example.jp"]]
    assert "確認済み" in mail.outbox[3].subject
    assert Notice.objects.count() == 4


def test_the_deadline_command_sends_one_notice_per_event_and_recipient_even_when_run_twice(world: "World") -> None:
    addresses(world)
    cycle = world.cycle()
    cycle_deadlines_set(member=world.member("kikaku"), cycle=cycle, submit=date(2024, 6, 30),
                        review=date(2024, 7, 15), publish=date(2024, 9, 30), version=cycle.version)
    part_act(member=world.member("kigyo"), cycle=world.cycle(), department=department(world, "企業誘致課"),
             name="submit")
    mail.outbox.clear()
    out = StringIO()
    call_command("kouka_notices", "--days", "7", "--today", "2024-06-25", stdout=out)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["shoko@city.example.jp"], "【kouka】令和5年度の提出期限は2024-06-30です")]  # 企業誘致課 has submitted
    assert "通知を1件送りました" in out.getvalue()
    call_command("kouka_notices", "--days", "7", "--today", "2024-06-26", stdout=StringIO())
    assert len(mail.outbox) == 1  # run again: nothing new
    call_command("kouka_notices", "--days", "20", "--today", "2024-06-26", stdout=StringIO())
    assert [m.to for m in mail.outbox[1:]] == [["kikaku@city.example.jp"]]  # 確認期限 now within 20 days
    call_command("kouka_notices", "--days", "20", "--today", "2024-06-26", stdout=StringIO())
    assert len(mail.outbox) == 2
    call_command("kouka_notices", "--days", "7", "--today", "2024-07-01", stdout=StringIO())
    assert len(mail.outbox) == 2  # a passed deadline is not announced


def test_the_deadline_command_speaks_the_language_kouka_language_asks_for(
        world: "World", monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOUKA_LANGUAGE", "en")
    out = StringIO()
    call_command("kouka_notices", "--today", "2024-06-25", stdout=out)
    assert out.getvalue().strip() == "Sent 0 notices"
