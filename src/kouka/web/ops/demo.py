"""The demo: the Isesaki 令和4年度 example published, carried into a 令和5年度 draft, and one user per role."""

from pathlib import Path
from typing import NamedTuple

from django.contrib.auth import get_user_model

from kouka import interchange
from kouka.domain.carry import carry_report
from kouka.domain.model import Figure, Report
from kouka.web import dbrouter, mapping
from kouka.web.figures import photo_store, placeholder
from kouka.web.models import Department, Membership, Municipality, Role
from kouka.web.services.cycles import cycle_transition

DEMO_PASSWORD = "kouka-demo"
PLACEHOLDER_ALT = "写真の見本（kouka が描いた代わりの画像です。市が公表した写真はここに入ります）"


class DemoUser(NamedTuple):
    """One demo login: its role, its departments (editors) and what it is for."""

    username: str
    role: Role
    departments: tuple[str, ...]
    description: str


DEMO_USERS = (
    DemoUser("kikaku", Role.ADMIN, (), "企画調整課（管理者）: すべての事業の確認・公表"),
    DemoUser("shoko", Role.EDITOR, ("商工労働課",), "商工労働課（編集者）: 自課の事業の入力"),
    DemoUser("kigyo", Role.EDITOR, ("企業誘致課",), "企業誘致課（編集者）: 自課の事業の入力"),
    DemoUser("yushikisha", Role.REVIEWER, (), "外部有識者（確認者）: 閲覧とコメント"),
)


def load_demo(example: Path) -> tuple[Municipality, list[DemoUser]]:
    """Load ``example`` (a kouka JSON file) as published, carry it into next year's draft, create the users."""
    document = interchange.load(example)
    report = document.report_for(None)
    with dbrouter.atomic():
        body = report.municipality
        municipality, _ = Municipality.objects.get_or_create(
            slug=mapping.municipality_slug(body.name, body.code),
            defaults={"name": body.name, "prefecture": body.prefecture, "code": body.code})
        for project in report.projects:
            for name in project.departments:
                mapping.department(municipality, name)
        users = create_users(municipality)
        admin = Membership.objects.get(user__username=DEMO_USERS[0].username)
        cycle = mapping.store_report(municipality, with_placeholders(report))
        for step in ("submit", "review", "publish"):
            cycle_transition(member=admin, cycle=cycle, name=step)
        mapping.store_report(municipality, carry_report(report, report.fiscal_year + 1))
    return municipality, users


def with_placeholders(report: Report) -> Report:
    """Each caption the seed published without its photo (事業①'s 表彰式の様子) gets an image kouka draws, put
    where the seed printed the caption: before the まとめ's first paragraph."""
    for project in report.projects:
        figures = []
        for caption in project.figure_captions:
            photo = placeholder(caption)
            photo_store(photo)
            figures.append(Figure(photo.name, caption.lstrip("▲"), PLACEHOLDER_ALT, 0, photo.width, photo.height,
                                  photo.media_type))
        project.figures, project.figure_captions = figures + project.figures, []
    return report


def demo_present() -> bool:
    """Whether the database holds the demo already (its municipality and its users)."""
    model = get_user_model()
    return (Municipality.objects.filter(slug="isesaki").exists()
            and model.objects.filter(username__in=[u.username for u in DEMO_USERS]).count() == len(DEMO_USERS))


def create_users(municipality: Municipality) -> list[DemoUser]:
    model = get_user_model()
    for demo in DEMO_USERS:
        user, _ = model.objects.get_or_create(username=demo.username)
        user.set_password(DEMO_PASSWORD)
        user.save()
        member, _ = Membership.objects.update_or_create(
            user=user, defaults={"municipality": municipality, "role": demo.role})
        member.departments.set([Department.objects.get_or_create(municipality=municipality, name=name)[0]
                                for name in demo.departments])
    return list(DEMO_USERS)


DEMO_RETURN_REASON = "成果目標②・③の令和5年度の実績値が入っていません。入力してから提出し直してください。"


def demo_year_in_progress(municipality: Municipality) -> None:
    """令和5年度 under way beside the published 令和4年度: deadlines set, 商工労働課's projects submitted and
    企業誘致課's returned with a reason (what ``kouka demo`` shows; the test worlds start from a plain draft)."""
    from datetime import date

    from kouka.web.models import Cycle
    from kouka.web.services.cycles import cycle_deadlines_set
    from kouka.web.services.parts import part_act

    admin = Membership.objects.get(user__username="kikaku")
    cycle = Cycle.objects.get(municipality=municipality, fiscal_year=2023)
    cycle_deadlines_set(member=admin, cycle=cycle, submit=date(2024, 6, 28), review=date(2024, 7, 31),
                        publish=date(2024, 9, 30), version=None)
    for username, name in (("shoko", "商工労働課"), ("kigyo", "企業誘致課")):
        department = Department.objects.get(municipality=municipality, name=name)
        part_act(member=Membership.objects.get(user__username=username), cycle=cycle, department=department,
                 name="submit")
    part_act(member=admin, cycle=cycle, department=Department.objects.get(municipality=municipality, name="企業誘致課"),
             name="return", reason=DEMO_RETURN_REASON)
