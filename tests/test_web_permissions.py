"""The permission matrix: every role × every page and API endpoint, with the Django test client.

Refusals must not leak: a refused response never contains the title of the project asked for, and one
municipality never sees another's data. The roles include other systems with API tokens (web_fixtures'
TOKEN_ROLES): a token is no sign-in on a page, its scope is enforced on every API endpoint, and a revoked or
expired token is refused (401) wherever it is sent.
"""

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from PIL import Image

from kouka.web import mapping
from kouka.web.forms import KpiForm, ProjectForm
from kouka.web.models import (
    ApiToken,
    Change,
    Comment,
    Cycle,
    Department,
    DepartmentPart,
    KpiRecord,
    Membership,
    ProjectRecord,
    State,
    TokenScope,
    UploadTask,
    user_label,
)
from kouka.web.services.departments import department_create
from kouka.web.services.tokens import TokenFields, token_create
from kouka.web.services.workbooks import workbook_export, workbook_upload

if TYPE_CHECKING:
    from web_fixtures import World

# every database the settings name: SQLite, and PostgreSQL when KOUKA_TEST_POSTGRES_URL is set
pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

P1_TITLE = "まちなか創業とにぎわい創出を核とした官民連携による持続的経済活力向上プロジェクト"
P2_TITLE = "Made in いせさき しごと創生プロジェクト"
OTHER_TITLE = "他市の秘密の事業"
TOKENS = ("token_read", "token_write", "token_revoked", "token_expired", "token_other")
ROLES = ("anonymous", "kikaku", "shoko", "kigyo", "yushikisha", "other", *TOKENS)
LOGIN = 302


def everyone(status: int, **tokens: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status) | tokens


def staff(anonymous: int = LOGIN, kikaku: int = 200, shoko: int = 200, kigyo: int = 200, yushikisha: int = 200,
          other: int = 200, **tokens: int) -> dict[str, int]:
    """People's answers; a token is no sign-in, so on a page it gets what the anonymous visitor gets."""
    return {"anonymous": anonymous, "kikaku": kikaku, "shoko": shoko, "kigyo": kigyo, "yushikisha": yushikisha,
            "other": other} | dict.fromkeys(TOKENS, anonymous) | tokens


def api(read: int, write: int, other: int) -> dict[str, int]:
    """What each API token gets from an endpoint: 伊勢崎市's read token, 商工労働課's write token, 他市's write
    token; a revoked or expired token is refused (401) on every endpoint that takes tokens."""
    return {"token_read": read, "token_write": write, "token_other": other, "token_revoked": 401,
            "token_expired": 401}


ADMIN_ONLY = {"shoko": 403, "kigyo": 403, "yushikisha": 403}


def ids(world: "World") -> dict[str, int]:
    """What the paths name by number: shoko's membership, an API token of 伊勢崎市 (市のCMS) and a change of no year."""
    kikaku = world.member("kikaku")
    token = ApiToken.objects.filter(name="市のCMS").first() or token_create(
        member=kikaku, fields=TokenFields("市のCMS", TokenScope.READ, None, None))[0]
    if not Change.objects.filter(action="department:create", municipality=world.isesaki).exists():
        department_create(member=kikaku, name="履歴の課")
    change = Change.objects.filter(action="department:create", municipality=world.isesaki).get()
    task = UploadTask.objects.filter(member=kikaku).first() or workbook_upload(
        member=kikaku, cycle=world.cycle(), department="商工労働課", filename="記入シート.xlsx",
        data=workbook_export(member=kikaku, cycle=world.cycle(), department="商工労働課"))
    return {"shoko": world.member("shoko").pk, "token": token.pk, "change": change.pk, "task": task.pk,
            "part": Department.objects.get(municipality=world.isesaki, name="商工労働課").pk}


def workbook_payload(world: "World", role: str) -> dict[str, Any]:
    data = workbook_export(member=world.member("kikaku"), cycle=world.cycle(), department="商工労働課")
    return {"department": "商工労働課", "file": SimpleUploadedFile("記入シート.xlsx", data)}


def uploads_of(role: str) -> int:
    return UploadTask.objects.filter(member__user__username=role).count()
def part_state(world: "World") -> str:
    part = DepartmentPart.objects.filter(cycle=world.cycle(), department__name="商工労働課").first()
    return part.state if part else "open"


def person_payload(world: "World", role: str) -> dict[str, Any]:
    shoko = world.member("shoko")
    return {"display_name": "商工 太郎", "email": "taro@example.jp", "role": "editor", "version": shoko.version,
            "departments": [d.pk for d in shoko.departments.all()]}


def shoko_user(world: "World") -> Any:
    return get_user_model().objects.get(username="shoko")


def project_payload(world: "World", role: str) -> dict[str, Any]:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
    data = ProjectForm.initial_for(mapping.project_of(record), record.version)
    data["departments"] = [d.pk for d in record.departments.all()
                           if role == "kikaku" or d.members.filter(user__username=role).exists()]
    data["verification"] = "権限テストのまとめ"
    return {k: v for k, v in data.items() if v is not None}


def kpi_payload(world: "World", role: str) -> dict[str, Any]:
    record = KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1)
    data = KpiForm.initial_for(mapping.kpi_of(record), record.version)
    data["actual_2023"] = "3社"
    return {k: v for k, v in data.items() if v is not None}


def actual_text(world: "World") -> str | None:
    record = KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1)
    actual = record.data["actuals"].get("2023")
    return None if actual is None else str(actual["text"])


def photo_payload(world: "World", role: str) -> dict[str, Any]:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
    return {"photo-image": SimpleUploadedFile("photo.png", photo_png()), "photo-caption": "権限テストの写真",
            "photo-alt": "権限テストの代替テキスト", "photo-after": "0", "photo-version": str(record.version)}


def photo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def photo_count(world: "World") -> int:
    return len(ProjectRecord.objects.get(cycle=world.cycle(), number=1).data.get("figures") or [])


def comment_count(world: "World") -> int:
    return Comment.objects.filter(project__cycle=world.cycle()).count()


@dataclass
class Case:
    name: str
    method: str
    path: str
    expected: dict[str, int]
    payload: Callable[["World", str], Any] | None = None
    json_body: bool = False
    secret: str = ""  # must not appear in a refused response
    effect: Callable[["World"], Any] | None = None  # observed after the request
    changed_for: tuple[str, ...] = field(default_factory=tuple)  # roles whose request changes ``effect``


CASES = [
    # public pages
    Case("index", "get", "/", everyone(200)),
    Case("search", "get", "/search/?q=まちなか", everyone(200)),
    Case("municipality", "get", "/m/isesaki/", everyone(200)),
    Case("published report", "get", "/m/isesaki/2022/", everyone(200)),
    Case("draft report", "get", "/m/isesaki/2023/", everyone(404), secret="権限テスト"),
    Case("published kpi", "get", "/m/isesaki/2022/kpi/1/3/", everyone(200)),
    Case("draft kpi", "get", "/m/isesaki/2023/kpi/1/1/", everyone(404)),
    Case("export json", "get", "/m/isesaki/2022/export/json/", everyone(200)),
    Case("export of draft", "get", "/m/isesaki/2023/export/json/", everyone(404)),
    Case("unknown municipality", "get", "/m/nowhere/", everyone(404)),
    Case("login page", "get", "/accounts/login/", everyone(200)),
    Case("national stats", "get", "/stats/", everyone(200)),
    Case("prefecture stats", "get", "/stats/群馬県/", everyone(200)),
    Case("municipality stats", "get", "/stats/m/isesaki/", everyone(200)),
    Case("stats of a body with drafts only", "get", "/stats/m/othercity/", everyone(404), secret=OTHER_TITLE),
    Case("stats sources", "get", "/stats/sources/?year=2022&judgement=not_met", everyone(200)),
    Case("stats sources of a draft year", "get", "/stats/sources/?year=2023", everyone(200)),
    # staff pages
    Case("dashboard", "get", "/staff/", staff(), secret=OTHER_TITLE),
    Case("cycle", "get", "/staff/2023/", staff()),
    Case("project 1", "get", "/staff/2023/projects/1/", staff(kigyo=404, other=404), secret=P1_TITLE),
    Case("project 2", "get", "/staff/2023/projects/2/", staff(shoko=404, other=404), secret=P2_TITLE),
    Case("kpi of project 1", "get", "/staff/2023/projects/1/kpis/1/", staff(kigyo=404, other=404),
         secret="まちなかで新たに創業した事業者の数"),
    Case("new kpi form", "get", "/staff/2023/projects/1/kpis/new/", staff(kigyo=404, other=404), secret=P1_TITLE),
    Case("new project form", "get", "/staff/2023/projects/new/", staff(shoko=403, kigyo=403, yushikisha=403)),
    Case("report form", "get", "/staff/2023/report/", staff(shoko=403, kigyo=403, yushikisha=403)),
    Case("history", "get", "/staff/2023/history/", staff(shoko=403, kigyo=403, other=200)),
    Case("departments", "get", "/staff/departments/", staff(shoko=403, kigyo=403, yushikisha=403)),
    Case("import form", "get", "/staff/import/", staff(shoko=403, kigyo=403, yushikisha=403)),
    Case("staff export", "get", "/staff/2023/export/json/", staff(shoko=403, kigyo=403), secret=P1_TITLE),
    Case("published year, staff view", "get", "/staff/2022/", staff(other=404), secret=P1_TITLE),
    Case("save project 1", "post", "/staff/2023/projects/1/", staff(kikaku=302, shoko=302, kigyo=404,
                                                                     yushikisha=403, other=404),
         payload=project_payload, secret=P1_TITLE,
         effect=lambda w: ProjectRecord.objects.get(cycle=w.cycle(), number=1).data["verification"],
         changed_for=("kikaku", "shoko")),
    Case("save kpi", "post", "/staff/2023/projects/1/kpis/1/", staff(kikaku=302, shoko=302, kigyo=404,
                                                                      yushikisha=403, other=404),
         payload=kpi_payload, effect=actual_text, changed_for=("kikaku", "shoko")),
    Case("new project", "post", "/staff/2023/projects/new/",
         staff(kikaku=302, shoko=403, kigyo=403, yushikisha=403, other=302),
         payload=lambda w, r: {"number": 9, "title": "新しい事業", "start_year": 2023, "end_year": 2024},
         effect=lambda w: ProjectRecord.objects.filter(cycle=w.cycle(), number=9).count(), changed_for=("kikaku",)),
    Case("save report", "post", "/staff/2023/report/",
         staff(kikaku=302, shoko=403, kigyo=403, yushikisha=403, other=302),
         payload=lambda w, r: {"title": "権限テストの表題", "stated_total": "", "version": Cycle.objects.get(
             municipality=w.other if r == "other" else w.isesaki, fiscal_year=2023).version},
         effect=lambda w: w.cycle().report.get("title"), changed_for=("kikaku",)),
    Case("comment", "post", "/staff/2023/projects/1/comments/",
         staff(kikaku=302, shoko=403, kigyo=404, yushikisha=302, other=404),
         payload=lambda w, r: {"text": "確認しました"},
         effect=comment_count, changed_for=("kikaku", "yushikisha")),
    Case("add photo", "post", "/staff/2023/projects/1/photos/",
         staff(kikaku=302, shoko=302, kigyo=404, yushikisha=403, other=404),
         payload=photo_payload, secret=P1_TITLE, effect=photo_count, changed_for=("kikaku", "shoko")),
    Case("remove photo", "post", "/staff/2023/projects/1/photos/0/remove/",
         staff(kikaku=302, shoko=302, kigyo=404, yushikisha=403, other=404),
         payload=lambda w, r: {"version": ProjectRecord.objects.get(cycle=w.cycle(), number=1).version},
         secret=P1_TITLE),
    Case("submit", "post", "/staff/2023/transition/submit/", staff(302, 302, 302, 302, 302, 302),
         effect=lambda w: w.cycle().state, changed_for=("kikaku",)),
    # departments' parts: the board, a step's confirmation page, the step
    Case("board", "get", "/staff/2023/board/", staff(), secret=OTHER_TITLE),
    Case("set deadlines", "post", "/staff/2023/deadlines/",
         staff(kikaku=302, shoko=403, kigyo=403, yushikisha=403, other=302),
         payload=lambda w, r: {"version": Cycle.objects.get(municipality=w.other if r == "other" else w.isesaki,
                                                            fiscal_year=2023).version, "submit_deadline": "2024-06-30"},
         effect=lambda w: w.cycle().submit_deadline, changed_for=("kikaku",)),
    Case("carry page", "get", "/staff/2024/carry/", staff(shoko=403, kigyo=403, yushikisha=403),
         secret=OTHER_TITLE),
    Case("carry", "post", "/staff/2024/carry/", staff(kikaku=302, shoko=403, kigyo=403, yushikisha=403, other=302),
         payload=lambda w, r: {"project-1": "on"},
         effect=lambda w: Cycle.objects.filter(fiscal_year=2024, municipality=w.isesaki).count(),
         changed_for=("kikaku",)),
    Case("review form", "get", "/staff/2023/projects/1/review/", staff(shoko=403, kigyo=403, other=404),
         secret=P1_TITLE),
    Case("save review", "post", "/staff/2023/projects/1/review/",
         staff(kikaku=302, shoko=403, kigyo=403, yushikisha=302, other=404),
         payload=lambda w, r: {"version": ProjectRecord.objects.get(cycle=w.cycle(), number=1).version,
                               "opinion": "権限テストの意見"},
         effect=lambda w: ProjectRecord.objects.get(cycle=w.cycle(), number=1).data.get("reviewer_opinion"),
         changed_for=("kikaku", "yushikisha")),
    Case("publish gate", "get", "/staff/2023/publish/", staff(shoko=403, kigyo=403), secret=P1_TITLE),
    Case("publish from the gate", "post", "/staff/2023/publish/",
         staff(kikaku=400, shoko=403, kigyo=403, yushikisha=400, other=400),
         payload=lambda w, r: {"version": 1}, effect=lambda w: w.cycle().state),
    Case("part submit confirmation", "get", "/staff/2023/parts/{part}/submit/",
         staff(kigyo=404, yushikisha=403, other=404), secret=P1_TITLE),
    Case("part submit", "post", "/staff/2023/parts/{part}/submit/",
         staff(kikaku=302, shoko=302, kigyo=404, yushikisha=403, other=404),
         payload=lambda w, r: {"version": 0, "count": 2}, effect=part_state, changed_for=("kikaku", "shoko")),
    Case("part return of an open part", "post", "/staff/2023/parts/{part}/return/",
         staff(kikaku=403, shoko=403, kigyo=404, yushikisha=403, other=404),
         payload=lambda w, r: {"version": 0, "count": 2, "reason": "理由"}, effect=part_state),
    Case("publish a draft", "post", "/staff/2023/transition/publish/", staff(302, 302, 302, 302, 302, 302),
         effect=lambda w: w.cycle().state),
    Case("add department", "post", "/staff/departments/", staff(kikaku=302, shoko=403, kigyo=403, yushikisha=403,
                                                                 other=302),
         payload=lambda w, r: {"name": "新設課"},
         effect=lambda w: w.isesaki.departments.filter(name="新設課").count(), changed_for=("kikaku",)),
    Case("import confirm without preview", "post", "/staff/import/confirm/",
         staff(kikaku=302, shoko=403, kigyo=403, yushikisha=403, other=302)),
    # the department workbook (記入シート) and uploads read by the task queue (private to who uploaded them)
    Case("workbook page", "get", "/staff/2023/workbook/", staff(), secret=P1_TITLE),
    Case("workbook download", "get", "/staff/2023/workbook/download/?department=商工労働課",
         staff(kigyo=403, yushikisha=403, other=302), secret=P1_TITLE),
    Case("workbook of every department", "get", "/staff/2023/workbook/download/",
         staff(shoko=403, kigyo=403, yushikisha=403), secret=P2_TITLE),
    Case("workbook upload", "post", "/staff/2023/workbook/",
         staff(kikaku=200, shoko=200, kigyo=400, yushikisha=400, other=400), payload=workbook_payload,
         effect=lambda w: sum(uploads_of(r) for r in ("kikaku", "shoko", "kigyo", "yushikisha", "other")),
         changed_for=("kikaku", "shoko")),
    Case("an upload's page", "get", "/staff/tasks/{task}/", staff(shoko=404, kigyo=404, yushikisha=404, other=404),
         secret="事業①"),
    Case("an upload's status", "get", "/staff/tasks/{task}/status/",
         staff(shoko=404, kigyo=404, yushikisha=404, other=404)),
    Case("confirm an upload", "post", "/staff/tasks/{task}/confirm/",
         staff(kikaku=200, shoko=404, kigyo=404, yushikisha=404, other=404), payload=lambda w, r: {"digest": "x"},
         effect=lambda w: Change.objects.filter(action="workbook:import").count()),
    Case("cancel an upload", "post", "/staff/tasks/{task}/cancel/",
         staff(kikaku=302, shoko=404, kigyo=404, yushikisha=404, other=404),
         effect=lambda w: uploads_of("kikaku"), changed_for=("kikaku",)),
    # people and API tokens (the administrator's), a user's own account, the language switch, error pages
    Case("people", "get", "/staff/people/", staff(**ADMIN_ONLY)),
    Case("new person form", "get", "/staff/people/new/", staff(**ADMIN_ONLY)),
    Case("person page", "get", "/staff/people/{shoko}/", staff(**ADMIN_ONLY, other=404)),
    Case("add person", "post", "/staff/people/new/", staff(**ADMIN_ONLY, kikaku=200, other=200),
         payload=lambda w, r: {"username": "hanako", "display_name": "新人 花子", "email": "hanako@example.jp",
                               "role": "reviewer"},
         effect=lambda w: Membership.objects.filter(user__username="hanako").values_list("municipality", flat=True)
         .first(), changed_for=("kikaku", "other")),
    Case("save person", "post", "/staff/people/{shoko}/", staff(**ADMIN_ONLY, kikaku=302, other=404),
         payload=person_payload, effect=lambda w: w.member("shoko").display_name, changed_for=("kikaku",)),
    Case("reset a password", "post", "/staff/people/{shoko}/password/", staff(**ADMIN_ONLY, kikaku=200, other=404),
         secret="kouka-demo", effect=lambda w: shoko_user(w).password, changed_for=("kikaku",)),
    Case("deactivate", "post", "/staff/people/{shoko}/active/", staff(**ADMIN_ONLY, kikaku=302, other=404),
         payload=lambda w, r: {"active": "0"}, effect=lambda w: shoko_user(w).is_active, changed_for=("kikaku",)),
    Case("unlock", "post", "/staff/people/{shoko}/unlock/", staff(**ADMIN_ONLY, kikaku=302, other=404),
         effect=lambda w: Change.objects.filter(action="user:unlock").count(), changed_for=("kikaku",)),
    Case("tokens", "get", "/staff/tokens/", staff(**ADMIN_ONLY), secret="市のCMS"),
    Case("create a token", "post", "/staff/tokens/", staff(**ADMIN_ONLY, kikaku=200, other=200),
         payload=lambda w, r: {"name": "権限テストのトークン", "scope": "read"},
         effect=lambda w: ApiToken.objects.filter(name="権限テストのトークン").count(),
         changed_for=("kikaku", "other")),
    Case("revoke a token", "post", "/staff/tokens/{token}/revoke/", staff(**ADMIN_ONLY, kikaku=302, other=404),
         effect=lambda w: ApiToken.objects.get(name="市のCMS").revoked is None, changed_for=("kikaku",)),
    Case("history of no year", "get", "/staff/history/", staff(**ADMIN_ONLY), secret="履歴の課"),
    Case("a change of no year", "get", "/staff/changes/{change}/", staff(**ADMIN_ONLY, other=404), secret="履歴の課"),
    Case("own account", "get", "/staff/me/", staff()),
    Case("own password form", "get", "/accounts/password/", staff()),
    Case("language switch", "get", "/i18n/en/?next=/", everyone(302)),
    Case("an address that does not exist", "get", "/no-such-page/", everyone(404)),
    # API
    Case("api public list", "get", "/api/public/reports", everyone(200, **api(200, 200, 200)), secret="2023"),
    Case("api published report", "get", "/api/public/reports/isesaki/2022", everyone(200, **api(200, 200, 403))),
    Case("api draft report", "get", "/api/public/reports/isesaki/2023", everyone(404, **api(404, 404, 403)),
         secret=P1_TITLE),
    Case("api openapi", "get", "/api/openapi.json", everyone(200)),
    Case("api docs", "get", "/api/docs", everyone(200)),
    Case("api reading", "get", "/api/staff/reading?text=3社&unit=社", staff(anonymous=401, **api(403, 200, 200))),
    Case("api cycle", "get", "/api/staff/cycles/2023", staff(anonymous=401, **api(403, 200, 200)),
         secret=OTHER_TITLE),
    Case("api project 1", "get", "/api/staff/cycles/2023/projects/1", staff(anonymous=401, kigyo=404, other=404,
                                                                           **api(403, 200, 404)), secret=P1_TITLE),
    Case("api project 2", "get", "/api/staff/cycles/2023/projects/2", staff(anonymous=401, shoko=404, other=404,
                                                                           **api(403, 404, 404)), secret=P2_TITLE),
    Case("api put actual", "put", "/api/staff/cycles/2023/projects/1/kpis/1/actuals/2023",
         staff(anonymous=401, kikaku=200, shoko=200, kigyo=404, yushikisha=403, other=404, **api(403, 200, 404)),
         payload=lambda w, r: {"text": "3社", "version": 1}, json_body=True, effect=actual_text,
         changed_for=("kikaku", "shoko", "token_write")),
    Case("api put verification", "put", "/api/staff/cycles/2023/projects/1/verification",
         staff(anonymous=401, kikaku=200, shoko=200, kigyo=404, yushikisha=403, other=404, **api(403, 200, 404)),
         payload=lambda w, r: {"paragraphs": ["API からのまとめ"], "version": 1}, json_body=True,
         effect=lambda w: ProjectRecord.objects.get(cycle=w.cycle(), number=1).data["verification"],
         changed_for=("kikaku", "shoko", "token_write")),
    Case("api comment", "post", "/api/staff/cycles/2023/projects/1/comments",
         staff(anonymous=401, kikaku=201, shoko=403, kigyo=404, yushikisha=201, other=404, **api(403, 403, 403)),
         payload=lambda w, r: {"text": "API からの確認"}, json_body=True,
         effect=comment_count, changed_for=("kikaku", "yushikisha")),
    Case("api submit", "post", "/api/staff/cycles/2023/transitions/submit",
         staff(anonymous=401, kikaku=200, shoko=409, kigyo=409, yushikisha=409, other=200, **api(403, 403, 403)),
         payload=lambda w, r: {}, json_body=True, effect=lambda w: w.cycle().state, changed_for=("kikaku",)),
    Case("api grant advice", "get", "/api/staff/cycles/2023/grant-advice?cost=100&grant=50",
         staff(anonymous=401, **api(403, 200, 200))),
    Case("api departments", "get", "/api/staff/cycles/2023/departments",
         staff(anonymous=401, **api(403, 200, 200)), secret=OTHER_TITLE),
    Case("api part submit", "post", "/api/staff/cycles/2023/departments/{part}/submit",
         staff(anonymous=401, kikaku=200, shoko=200, kigyo=404, yushikisha=403, other=404, **api(403, 403, 403)),
         payload=lambda w, r: {"version": 0}, json_body=True, effect=part_state, changed_for=("kikaku", "shoko")),
    Case("api part confirm of an open part", "post", "/api/staff/cycles/2023/departments/{part}/confirm",
         staff(anonymous=401, kikaku=409, shoko=403, kigyo=404, yushikisha=403, other=404, **api(403, 403, 403)),
         payload=lambda w, r: {"version": 0}, json_body=True, effect=part_state),
    Case("api publish a draft", "post", "/api/staff/cycles/2023/transitions/publish",
         staff(anonymous=401, kikaku=409, shoko=409, kigyo=409, yushikisha=409, other=409, **api(403, 403, 403)),
         payload=lambda w, r: {}, json_body=True, effect=lambda w: w.cycle().state),
]


def _request(world: "World", client: Client, role: str, case: Case, path: str) -> HttpResponse:
    payload = case.payload(world, role) if case.payload else {}
    if case.json_body:
        response: HttpResponse = getattr(client, case.method)(path, data=json.dumps(payload),
                                                              content_type="application/json")
    elif case.method == "get":
        response = client.get(path)
    else:
        response = getattr(client, case.method)(path, data=payload)
    return response


# Every role × every case, but an API token only where tokens are read: the API (on a page a token is no
# sign-in, which test_a_token_is_no_sign_in_on_a_page shows once for every page case).
MATRIX = [(case, role) for case in CASES for role in ROLES if role not in TOKENS or case.path.startswith("/api/")]


@pytest.mark.parametrize(("case", "role"), MATRIX, ids=[f"{c.name}-{r}" for c, r in MATRIX])
def test_permission_matrix(world: "World", case: Case, role: str) -> None:
    path = case.path.format(**ids(world)) if "{" in case.path else case.path
    client = world.client(role)  # (a token role's token is made here, before anything is counted)
    before = case.effect(world) if case.effect else None
    changes_before = Change.objects.count()
    response = _request(world, client, role, case, path)
    expected = case.expected[role]
    assert response.status_code == expected, (case.name, role, response.content[:300])
    if expected == LOGIN and role == "anonymous" and not path.startswith("/i18n/"):  # the switch goes back
        assert response["Location"].startswith("/accounts/login/")
    content = response.content.decode("utf-8", "replace")
    if expected >= 300 and case.secret:
        assert case.secret not in content
    if role not in ("other", "token_other"):
        assert OTHER_TITLE not in content
    if role in ("other", "token_other", "token_read") and case.path.startswith(("/staff", "/api/staff")):
        assert P1_TITLE not in content and P2_TITLE not in content
    if case.effect is not None:
        after = case.effect(world)
        if role in case.changed_for:
            assert after != before, (case.name, role)
        else:
            assert after == before, (case.name, role)
    if role not in case.changed_for and case.method != "get" and role not in ("other", "token_other"):
        assert Change.objects.filter(municipality=world.isesaki).count() <= changes_before


def test_a_department_neither_acts_on_nor_reads_the_return_of_another(world: "World") -> None:
    """商工労働課's part returned with a reason: 企業誘致課 cannot see the reason, submit or return it; the
    reviewer cannot return or confirm; 企業誘致課's own part is untouched."""
    shoko_part = Department.objects.get(municipality=world.isesaki, name="商工労働課").pk
    kigyo_part = Department.objects.get(municipality=world.isesaki, name="企業誘致課").pk
    reason = "成果目標②の実績値の根拠を添えてください"
    for role, part in (("shoko", shoko_part), ("kigyo", kigyo_part)):
        assert world.client(role).post(f"/staff/2023/parts/{part}/submit/", {"version": 0, "count": 1}
                                       ).status_code == 302
    admin = world.client("kikaku")
    version = DepartmentPart.objects.get(cycle=world.cycle(), department_id=shoko_part).version
    assert admin.post(f"/staff/2023/parts/{shoko_part}/return/", {"version": version, "count": 2,
                                                                  "reason": reason}).status_code == 302
    assert reason in world.client("shoko").get("/staff/2023/").content.decode()
    assert reason in world.client("shoko").get("/staff/2023/board/").content.decode()
    for path in ("/staff/2023/", "/staff/2023/board/", "/api/staff/cycles/2023/departments"):
        assert reason not in world.client("kigyo").get(path).content.decode(), path
    for name in ("submit", "return"):
        assert world.client("kigyo").post(f"/staff/2023/parts/{shoko_part}/{name}/",
                                          {"version": 0, "count": 2, "reason": "x"}).status_code == 404
    reviewer = world.client("yushikisha")
    assert reviewer.post(f"/staff/2023/parts/{kigyo_part}/confirm/", {"version": 2, "count": 1}).status_code == 403
    assert reviewer.post(f"/api/staff/cycles/2023/departments/{kigyo_part}/return", json.dumps(
        {"reason": "x"}), content_type="application/json").status_code == 403
    assert reviewer.post("/staff/2023/transition/publish/").status_code == 302
    states = dict(DepartmentPart.objects.filter(cycle=world.cycle()).values_list("department_id", "state"))
    assert (states[shoko_part], states[kigyo_part]) == ("returned", "submitted")
    assert world.cycle().state == State.DRAFT


def test_a_token_is_no_sign_in_on_a_page(world: "World") -> None:
    """Each page case, asked with a valid write token: the answer is the anonymous visitor's."""
    pages = [case for case in CASES if not case.path.startswith("/api/") and case.method == "get"]
    token, anonymous = world.client("token_write"), world.client("anonymous")
    found = {case.name: token.get(case.path.format(**ids(world))).status_code for case in pages}
    assert found == {case.name: anonymous.get(case.path.format(**ids(world))).status_code for case in pages}
    assert found["dashboard"] == LOGIN and found["published report"] == 200


def test_editor_sees_only_own_projects(world: "World") -> None:
    content = world.client("shoko").get("/staff/2023/").content.decode()
    assert P1_TITLE in content and P2_TITLE not in content
    data = world.client("kigyo").get("/api/staff/cycles/2023").json()
    assert [p["number"] for p in data["projects"]] == [2]
    assert all("事業②" in f["where"] for f in data["findings"])


def test_published_year_is_frozen_for_everyone(world: "World") -> None:
    for role in ("kikaku", "shoko"):
        response = world.client(role).post("/staff/2022/projects/1/", data={"title": "x"})
        assert response.status_code == 403
        assert "公表済み" in response.content.decode()
    assert world.cycle(2022).state == State.PUBLISHED


def test_api_write_needs_csrf_token(world: "World") -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.get(username="kikaku"))
    response = client.put("/api/staff/cycles/2023/projects/1/kpis/1/actuals/2023",
                          data=json.dumps({"text": "3社", "version": 1}), content_type="application/json")
    assert response.status_code == 403
    assert actual_text(world) is None


def test_token_requests_need_no_csrf_token_and_session_requests_still_do(world: "World") -> None:
    def put(client: Client) -> HttpResponse:
        response: HttpResponse = client.put("/api/staff/cycles/2023/projects/1/kpis/1/actuals/2023",
                                            data=json.dumps({"text": "3社", "version": 1}),
                                            content_type="application/json")
        return response

    assert put(world.client("kikaku", enforce_csrf_checks=True)).status_code == 403
    assert actual_text(world) is None
    assert put(world.client("token_write", enforce_csrf_checks=True)).status_code == 200
    assert actual_text(world) == "3社"
    change = Change.objects.select_related("user__membership__api_token").get(action="kpi:update")
    assert user_label(change.user) == "APIトークン「token_write」"  # the use is the token's in the history


def test_a_refused_token_is_told_why_in_japanese(world: "World") -> None:
    for role, words in (("token_revoked", "取り消されています"), ("token_expired", "有効期限が切れています")):
        response = world.client(role).get("/api/public/reports")
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
        assert words in response.json()["detail"]
    unknown = Client(headers={"Authorization": "Bearer kouka_not-a-token"}).get("/api/staff/cycles/2023")
    assert unknown.status_code == 401 and "正しくありません" in unknown.json()["detail"]
    nobody = Client().get("/api/staff/cycles/2023")
    assert nobody.status_code == 401 and "APIトークン" in nobody.json()["detail"]
    scoped = world.client("token_read").post("/api/staff/cycles/2023/transitions/submit", data="{}",
                                             content_type="application/json")
    assert scoped.status_code == 403 and "公表データの読み取り" in scoped.json()["detail"]


def test_a_token_reads_only_its_own_municipality(world: "World") -> None:
    listed = world.client("token_other").get("/api/public/reports").json()
    assert listed == []  # 他市 has published nothing; 伊勢崎市's years are not listed for its token
    assert {r["slug"] for r in world.client("token_read").get("/api/public/reports").json()} == {"isesaki"}
    assert world.client("anonymous").get("/api/public/reports").status_code == 200


def test_an_administrator_sees_only_their_own_people_and_tokens(world: "World") -> None:
    world.token("token_read")
    own = world.client("other").get("/staff/people/").content.decode()
    assert "other" in own and "shoko" not in own and "kikaku" not in own
    assert "token_read" not in world.client("other").get("/staff/tokens/").content.decode()
    tokens = world.client("kikaku").get("/staff/tokens/").content.decode()
    assert "token_read" in tokens and world.token("token_read") not in tokens  # the secret is never shown again
    people = world.client("kikaku").get("/staff/people/").content.decode()
    assert "shoko" in people and "token:" not in people  # a token's own membership is not a person


DRAFT_TITLE = "下書きだけの事業名（集計に出てはならない）"


def test_stats_never_count_drafts(world: "World") -> None:
    from kouka.domain.rules import Judgement
    from kouka.web.stats import dashboards

    record = ProjectRecord.objects.get(cycle=world.cycle(2023), number=1)
    record.title = DRAFT_TITLE
    record.save()
    published = mapping.report_from_document(world.cycle(2022).publications.get().document)
    total = dashboards.summary()
    assert (total.report_count, total.projects, total.grant_yen) == (1, len(published.projects), 14727544)
    assert total.kpis.total == sum(len(p.kpis) for p in published.projects)
    assert [year for year, _ in dashboards.by_year()] == [2022]
    assert total.kpis[Judgement.NOT_MET] > 0
    for path in ("/stats/", "/stats/群馬県/", "/stats/m/isesaki/", "/stats/sources/?year=2023",
                 "/stats/sources/?what=kpis", "/stats/?year=2023"):
        for role in ("anonymous", "kikaku"):
            content = world.client(role).get(path).content.decode()
            assert DRAFT_TITLE not in content and OTHER_TITLE not in content and "他市" not in content, path
    listing = world.client("anonymous").get("/stats/sources/?year=2023").content.decode()
    assert "該当する報告はありません" in listing
