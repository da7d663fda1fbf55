"""Shared set-up for the web tests: the demo world on SQLite and (when KOUKA_TEST_POSTGRES_URL is set) PostgreSQL.

The world: 伊勢崎市 with the example published for 令和4年度 and carried into a 令和5年度 draft, one user per
role (kikaku admin, shoko editor of 商工労働課 = projects 1 and 3, kigyo editor of 企業誘致課 = project 2,
yushikisha reviewer), and a second municipality (othercity) with its own administrator and draft.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from database_support import fresh_database
from kouka.domain.model import Body, Project, Report
from kouka.web import dbrouter, mapping
from kouka.web.forms import KpiForm
from kouka.web.models import ApiToken, Cycle, Department, KpiRecord, Membership, Municipality, Role, TokenScope
from kouka.web.ops.demo import load_demo
from kouka.web.services.tokens import TokenFields, token_create, token_revoke
from paths import EXAMPLE

ALIASES = ["default"] + (["postgres"] if os.environ.get("KOUKA_TEST_POSTGRES_URL") else [])
ROLES = ("anonymous", "kikaku", "shoko", "kigyo", "yushikisha", "other")
# Other systems with API tokens: 伊勢崎市's read token and 商工労働課's write token, a revoked and an expired write
# token of 商工労働課, and a write token of 他市's 総務課.
TOKEN_ROLES = ("token_read", "token_write", "token_revoked", "token_expired", "token_other")
OTHER_TITLE = "他市の秘密の事業"


@dataclass
class World:
    alias: str
    isesaki: Municipality
    other: Municipality

    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, role: str, **options: Any) -> Client:
        """A person signed in as ``role``, or another system sending the API token of a token role."""
        if role in TOKEN_ROLES:
            return Client(headers={"Authorization": f"Bearer {self.token(role)}"}, **options)
        client = Client(**options)
        if role != "anonymous":
            client.force_login(get_user_model().objects.get(username=role))
        return client

    def token(self, role: str) -> str:
        """The secret of the API token of ``role``, made on first use."""
        if role not in self.tokens:
            self.tokens[role] = make_token(self, role)
        return self.tokens[role]

    def member(self, role: str) -> Membership:
        found: Membership = Membership.objects.select_related("municipality", "user").get(user__username=role)
        return found

    def cycle(self, year: int = 2023) -> Cycle:
        return Cycle.objects.get(municipality=self.isesaki, fiscal_year=year)


def make_token(world: World, role: str) -> str:
    municipality = world.other if role == "token_other" else world.isesaki
    admin = Membership.objects.get(municipality=municipality, role=Role.ADMIN, user__username__in=("kikaku", "other"))
    department = Department.objects.get_or_create(municipality=municipality,
                                                  name="総務課" if role == "token_other" else "商工労働課")[0]
    scope = TokenScope.READ if role == "token_read" else TokenScope.WRITE
    token, secret = token_create(member=admin, fields=TokenFields(role, scope, department, None))
    if role == "token_revoked":
        token_revoke(member=admin, token=token)
    if role == "token_expired":
        ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(minutes=1))
    return secret


@contextmanager
def world_committed(engine: str, folder: Path, django_db_blocker: Any) -> Iterator[World]:
    """The demo world committed in a fresh database of ``engine``, so other connections (threads) see it."""
    with django_db_blocker.unblock(), fresh_database(engine, folder) as alias:
        call_command("migrate", database=alias, verbosity=0)
        with dbrouter.using_database(alias), override_settings(PASSWORD_HASHERS=[
                "django.contrib.auth.hashers.MD5PasswordHasher"]):
            world = build_world(alias)
        with dbrouter.using_database(alias):
            yield world


def kpi_form_2022(**values: str) -> dict[str, Any]:
    """The form of 伊勢崎市 2022 事業① 成果目標① as its page fills it, with ``values`` changed."""
    record = KpiRecord.objects.get(project__cycle__fiscal_year=2022, project__cycle__municipality__slug="isesaki",
                                   project__number=1, number=1)
    data = KpiForm.initial_for(mapping.kpi_of(record), record.version)
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def correct_2022(admin: Client, actual: str, note: str) -> None:
    """Reopen 2022, change 成果目標① of 事業① and publish the correction as the next revision."""
    assert admin.post("/staff/2022/transition/correct/").status_code == 302
    assert admin.post("/staff/2022/projects/1/kpis/1/", kpi_form_2022(actual_2022=actual)).status_code == 302
    for step in ("submit", "review"):
        admin.post(f"/staff/2022/transition/{step}/")
    admin.post("/staff/2022/transition/publish/", {"note": note})


def build_world(alias: str) -> World:
    isesaki, _ = load_demo(EXAMPLE)
    other = Municipality.objects.create(slug="othercity", name="他市", prefecture="群馬県")
    project = Project(5, OTHER_TITLE, 2023, 2024, departments=["総務課"])
    report = Report(Body("他市", "群馬県"), 2023, projects=[project])
    mapping.store_report(other, report)
    user = get_user_model().objects.create_user("other", password="x-other-password")
    Membership.objects.create(user=user, municipality=other, role=Role.ADMIN)
    return World(alias, isesaki, other)


@pytest.fixture
def media(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The storage's folder for the photos of the まとめ (kouka.web.figures), one per test."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture(params=ALIASES)
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    """The demo world in each database; every query of the test (and its test client) goes to that database."""
    alias: str = request.param
    request.applymarker(pytest.mark.django_db(databases=ALIASES))
    request.getfixturevalue("django_db_setup")
    request.getfixturevalue("_django_db_helper")
    # fast hashing for the test users (the real hasher costs a third of a second a user)
    request.getfixturevalue("settings").PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    request.getfixturevalue("media")
    with dbrouter.using_database(alias):
        yield build_world(alias)


@pytest.fixture
def site(request: pytest.FixtureRequest, transactional_db: Any, settings: Any) -> str:
    """The address of a live server holding the demo world on SQLite (for the browser tests)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    request.getfixturevalue("media")
    build_world("default")
    server = request.getfixturevalue("live_server")
    return str(server.url)


def complete_year(world: World, year: int = 2023) -> None:
    """Write what the publication checklist still misses of ``year`` into its records, as the departments
    would have entered it: cost and grant (cost × rate), a まとめ, each KPI's target and actual of the year
    (last year's target as both). What is written already is kept."""
    cycle = world.cycle(year)
    report = mapping.report_of(cycle)
    for project in report.projects:
        if project.cost_yen is None:
            project.cost_yen = 1_000_000
        if project.grant_yen is None:
            project.grant_yen = project.cost_yen // 2
        project.verification = project.verification or [f"事業{project.number}の{year}年度の検証結果。"]
        record = cycle.projects.get(number=project.number)
        mapping.save_project(cycle, project, record)
        for kpi in project.kpis:
            figure = kpi.targets.get(year - 1) or next(iter(kpi.targets.values()))
            kpi.targets.setdefault(year, figure)
            kpi.actuals.setdefault(year, figure)
            mapping.save_kpi(record, kpi, record.kpis.get(number=kpi.number))
