"""Web security (issue 7 point 4): CSRF on every write, hardened cookies and `check --deploy`, password hashing
and login throttling, bounded form fields, upload checks, no stored markup rendered, no formulas in
spreadsheets, security headers with a CSP that allows nothing inline.

Every test runs the real application (Django test client or a live server and Debian's chromium) on the real
databases of the suite (SQLite, and PostgreSQL when KOUKA_TEST_POSTGRES_URL is set).
"""

import csv
import inspect
import io
import json
import os
import re
import secrets
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import fields, is_dataclass, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from bs4 import BeautifulSoup
from django import forms as django_forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kouka import interchange
from kouka.web import forms as kouka_forms
from kouka.web import mapping
from kouka.web.models import Change, Comment, Cycle, Department, KpiRecord, Membership, ProjectRecord, Publication

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "isesaki-2022.json"
WRITE_METHODS = ("post", "put", "patch", "delete")


# ---------------------------------------------------------------------------------------------------------------
# The site's URLs, from Django's resolver, with sample values for their parameters.

def routes() -> list[str]:
    """Every URL pattern of the site as a route string (``staff/<int:year>/``), admin and API included."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                assert isinstance(pattern, URLPattern)
                yield prefix + str(pattern.pattern)

    return list(walk(get_resolver().url_patterns, ""))


def expand(route: str, samples: dict[str, list[str]]) -> list[str]:
    """The paths of ``route`` with each parameter replaced by each of its sample values."""
    paths = ["/" + route]
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route):
        converter, name = match.group(1) or "str", match.group(2)
        values = samples.get(name) or (["1"] if converter == "int" else ["x"])  # a new route: any value
        paths = [p.replace(match.group(0), v, 1) for p in paths for v in values]
    return paths


def samples_for(slug: str = "isesaki") -> dict[str, list[str]]:
    return {"slug": [slug], "year": ["2023"], "project": ["1"], "number": ["1"], "kpi": ["1"],
            "actual_year": ["2023"], "fmt": ["csv"], "name": ["submit"], "pk": ["1"], "object_id": ["1"],
            "content_type_id": ["1"], "id": ["1"], "prefecture": ["群馬県"]}


def snapshot() -> dict[str, Any]:
    """Everything a write could change, to compare before and after."""
    return {
        "cycles": sorted((c.pk, c.state, c.revision, json.dumps(c.report, sort_keys=True))
                         for c in Cycle.objects.all()),
        "projects": sorted((p.pk, p.version, p.title, json.dumps(p.data, sort_keys=True))
                           for p in ProjectRecord.objects.all()),
        "kpis": sorted((k.pk, k.version, json.dumps(k.data, sort_keys=True)) for k in KpiRecord.objects.all()),
        "comments": Comment.objects.count(), "changes": Change.objects.count(),
        "publications": Publication.objects.count(), "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
    }


def signed_in(username: str, enforce_csrf: bool = True) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(get_user_model().objects.get(username=username))
    return client


# ---------------------------------------------------------------------------------------------------------------
# 1. CSRF on every write

def test_every_url_refuses_writes_without_a_csrf_token(world: "World") -> None:
    """A signed-in administrator (also a Django superuser) writes to every URL of the site, admin and API
    included, without a CSRF token: every one is refused and nothing changes."""
    user = get_user_model().objects.get(username="kikaku")
    user.is_staff = user.is_superuser = True
    user.save()
    client = signed_in("kikaku")
    before = snapshot()
    paths = [p for route in routes() for p in expand(route, samples_for())]
    assert len(paths) > 60  # the admin's and the API's too
    accepted = {}
    for path in paths:
        for method in WRITE_METHODS:
            response = getattr(client, method)(path, data={"title": "CSRF", "text": "CSRF"})
            if response.status_code not in (403, 405):
                accepted[f"{method.upper()} {path}"] = response.status_code
            elif response.status_code == 403:
                said = response.content.decode()
                assert "CSRF検証に失敗しました" in said or (path.startswith("/api/") and "CSRF" in said), \
                    f"{method} {path}: refused, but not for CSRF"
    assert accepted == {}
    assert snapshot() == before


def csrf_token(client: Client) -> str:
    """The token a signed-in page carries (the cookie is HttpOnly, so scripts cannot read it)."""
    page = client.get("/staff/").content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, "no CSRF token in the staff page"
    return found.group(1)


API_BODIES = {
    "actuals": {"text": "3社", "version": 1},
    "verification": {"paragraphs": ["CSRFで書き換え"], "version": 1},
    "comments": {"text": "CSRFで書き込み"},
    "transitions": {"note": ""},
    "departments": {"reason": "", "version": None},
}


def api_writes() -> list[tuple[str, str]]:
    """(method, path) of every write operation in the API's OpenAPI document."""
    from kouka.web.api import api

    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in WRITE_METHODS:
                found.append((method, expand(path.lstrip("/").replace("{", "<").replace("}", ">"), samples_for())[0]))
    return found


def test_api_session_auth_enforces_csrf(world: "World") -> None:
    """Every API write with the session but without the token is refused; with the token the same request
    is taken (so the refusal was the CSRF check, not something else)."""
    part = str(Department.objects.get(municipality=world.isesaki, name="商工労働課").pk)  # a department's part
    writes = [(m, p.replace("/departments/x/", f"/departments/{part}/")) for m, p in api_writes()]
    assert {m for m, _ in writes} >= {"put", "post"} and len(writes) >= 4
    client = signed_in("kikaku")
    before = snapshot()
    for method, path in writes:
        body = next(b for key, b in API_BODIES.items() if key in path)
        response = getattr(client, method)(path, data=json.dumps(body), content_type="application/json")
        assert response.status_code == 403, (method, path, response.status_code)
        assert "CSRF" in response.json()["detail"]
    assert snapshot() == before
    token = csrf_token(client)
    taken = {}
    for method, path in writes:
        body = next(b for key, b in API_BODIES.items() if key in path)
        response = getattr(client, method)(path, data=json.dumps(body), content_type="application/json",
                                           headers={"X-CSRFToken": token})
        taken[path] = response.status_code
    assert all(status in (200, 201, 409) for status in taken.values()), taken
    assert Comment.objects.filter(text="CSRFで書き込み").count() == 1


def test_form_post_with_token_is_taken(world: "World") -> None:
    """The control for the walk above: the same client with the page's token can write."""
    client = signed_in("kikaku")
    response = client.post("/staff/2023/projects/1/comments/", data={
        "text": "トークン付きのコメント", "csrfmiddlewaretoken": csrf_token(client)})
    assert response.status_code == 302
    assert Comment.objects.filter(text="トークン付きのコメント").exists()


# ---------------------------------------------------------------------------------------------------------------
# 2. Sessions, cookies, HTTPS and `check --deploy`

def test_session_and_csrf_cookies_are_hardened(world: "World") -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token
    csrf_cookie = client.cookies["csrftoken"]
    assert csrf_cookie["httponly"] and csrf_cookie["samesite"] == "Lax"
    response = client.post("/accounts/login/", data={
        "username": "kikaku", "password": "kouka-demo", "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    session = response.cookies["sessionid"]
    assert session["httponly"] is True and session["samesite"] == "Lax"
    assert session["max-age"] == "" and session["expires"] == ""  # a browser-session cookie
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600  # and the server forgets it after a working day
    assert client.get("/staff/").status_code == 200


def test_secure_cookies_and_hsts_behind_https(world: "World", settings: Any) -> None:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client()
    client.force_login(get_user_model().objects.get(username="kikaku"))
    assert client.cookies["sessionid"]["secure"] is True
    over_https = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert over_https["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert over_https.cookies["csrftoken"]["secure"] is True
    plain = client.get("/accounts/login/")
    assert "Strict-Transport-Security" not in plain  # never over plain HTTP


def production_environment() -> dict[str, str]:
    """The environment file of docs/production.md, with a fresh secret for its placeholder."""
    text = (ROOT / "docs" / "production.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(DJANGO_SETTINGS_MODULE=kouka\.web\.settings\n.*?)```", text, re.S)
    assert block, "docs/production.md has no environment file"
    env = {}
    for line in block.group(1).splitlines():
        name, _, value = line.partition("=")
        env[name] = secrets.token_urlsafe(50) if name == "DJANGO_SECRET_KEY" else value.replace("…", "secret")
    return env


def clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KOUKA_", "DATABASE_URL"))}


def test_check_deploy_is_clean_with_the_documented_production_environment() -> None:
    env = production_environment()
    assert env["DJANGO_SECURE_COOKIES"] == "1" and int(env["DJANGO_HSTS_SECONDS"]) >= 31536000
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "django-admin"), "check", "--deploy", "--fail-level",
                           "WARNING"], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env=clean_environment() | env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    shown = subprocess.run([sys.executable, "-c", (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps(["
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.DEBUG]))")],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=clean_environment() | env)
    assert json.loads(shown.stdout) == [True, True, True, True, "Lax", 31536000, True, False], shown.stderr


def test_check_deploy_warns_without_the_production_environment() -> None:
    """The control: the development defaults are not deployable, and check --deploy says so."""
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "django-admin"), "check", "--deploy", "--fail-level",
                           "WARNING"], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env=clean_environment() | {"DJANGO_SETTINGS_MODULE": "kouka.web.settings"})
    assert done.returncode != 0
    assert "security.W009" in done.stderr + done.stdout  # the development secret key


# ---------------------------------------------------------------------------------------------------------------
# 3. Passwords and login throttling

def test_passwords_are_hashed_with_djangos_default() -> None:
    from django.conf import global_settings
    from django.contrib.auth.hashers import get_hasher

    assert settings.PASSWORD_HASHERS == global_settings.PASSWORD_HASHERS  # kouka does not choose its own
    user = get_user_model().objects.create_user("hashed", password="a-long-enough-password")
    algorithm, iterations, salt, digest = user.password.split("$")
    assert algorithm == get_hasher("default").algorithm == "pbkdf2_sha256"
    assert int(iterations) >= 1_000_000 and salt and digest
    assert "a-long-enough-password" not in user.password
    assert user.check_password("a-long-enough-password")


def log_in(client: Client, username: str, password: str, address: str = "127.0.0.1") -> Any:
    return client.post("/accounts/login/", data={"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_login_is_throttled_after_repeated_failures(world: "World", settings: Any) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    assert 3 <= limit <= 10
    client = Client()
    for _ in range(limit - 1):
        refused = log_in(client, "kikaku", "wrong-password")
        assert refused.status_code == 200
        assert "正しいユーザー名とパスワードを入力してください" in refused.content.decode()
    locked = log_in(client, "kikaku", "wrong-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "ログインの失敗が続いたため、しばらくログインできません" in page and "15分後" in page
    # now even the right password is refused from that address, and no session starts
    again = log_in(client, "kikaku", "kouka-demo")
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    assert client.get("/staff/").status_code == 302
    # the same user from another address, and another user from this one, still sign in
    assert log_in(Client(), "kikaku", "kouka-demo", address="192.0.2.7").status_code == 302
    assert log_in(Client(), "shoko", "kouka-demo").status_code == 302
    from axes.utils import reset

    reset(username="kikaku")  # what an administrator does (or the cool-off time does)
    assert log_in(Client(), "kikaku", "kouka-demo").status_code == 302


def test_correct_sign_ins_never_trip_the_throttle(world: "World", settings: Any) -> None:
    """Many correct sign-ins (as a soak test or a busy office makes), with the odd typo, are never refused:
    a correct sign-in resets the count."""
    for attempt in range(settings.AXES_FAILURE_LIMIT * 4):
        client = Client()
        if attempt % 2 == 0:
            assert log_in(client, "shoko", "typo").status_code == 200
        assert log_in(client, "shoko", "kouka-demo").status_code == 302, attempt


def test_throttle_counts_the_client_address_behind_the_proxy(settings: Any) -> None:
    from django.test import RequestFactory

    from kouka.web.security import client_ip

    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1",
                                    HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.5")
    settings.KOUKA_BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.KOUKA_BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.5"  # the one the proxy appended, not the client's own claim


# ---------------------------------------------------------------------------------------------------------------
# 4. Every field bounded

def kouka_form_classes() -> list[type[django_forms.BaseForm]]:
    found = [cls for _, cls in inspect.getmembers(kouka_forms, inspect.isclass)
             if issubclass(cls, django_forms.BaseForm) and cls.__module__ == kouka_forms.__name__]
    assert len(found) >= 8
    return found


def instantiate(cls: type[django_forms.BaseForm]) -> django_forms.BaseForm:
    parameters = inspect.signature(cls.__init__).parameters
    kwargs: dict[str, Any] = {}
    if "years" in parameters:
        kwargs["years"] = [2022, 2023]
    if "request" in parameters:
        kwargs["request"] = None
    if "report" in parameters:  # the import's review: a field per value of the report read
        from kouka.domain.model import Body, Kpi, Project, Report

        kpi = Kpi(number=1, name="来場者数", unit="人")
        project = Project(1, "事業", 2022, 2022, kpis=[kpi])
        kwargs["report"] = Report(Body("伊勢崎市", "群馬県"), 2022, projects=[project])
    return cls(**kwargs)


def test_every_form_text_field_has_a_max_length_and_the_input_says_so() -> None:
    unbounded, unrendered = [], []
    for cls in kouka_form_classes():
        form = instantiate(cls)
        for name, field in form.fields.items():
            if isinstance(field, django_forms.CharField):
                if field.max_length is None:
                    unbounded.append(f"{cls.__name__}.{name}")
                elif f'maxlength="{field.max_length}"' not in str(form[name]):
                    unrendered.append(f"{cls.__name__}.{name}")
            elif isinstance(field, django_forms.IntegerField) and not field.widget.is_hidden:
                assert field.max_value is not None, f"{cls.__name__}.{name} has no upper bound"
    assert unbounded == [] and unrendered == []


def test_every_api_input_is_bounded() -> None:
    """Every string of every request body (and list) in the API's OpenAPI document has a maximum."""
    from kouka.web.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    unbounded = []

    def check(where: str, node: dict[str, Any]) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            for prop, sub in components[name].get("properties", {}).items():
                check(f"{name}.{prop}", sub)
        elif node.get("type") == "string" and "maxLength" not in node and "enum" not in node:
            unbounded.append(where)
        elif node.get("type") == "array":
            if "maxItems" not in node:
                unbounded.append(where)
            check(where + "[]", node["items"])

    bodies = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in WRITE_METHODS:
                bodies += 1
                check(f"{method} {path}", operation["requestBody"]["content"]["application/json"]["schema"])
    assert bodies >= 4 and unbounded == []


def project_post(world: "World", **changes: str) -> dict[str, Any]:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
    data = kouka_forms.ProjectForm.initial_for(mapping.project_of(record), record.version)
    data["departments"] = [d.pk for d in record.departments.all()]
    return {k: v for k, v in (data | changes).items() if v is not None}


def test_an_over_long_form_post_is_refused_and_nothing_is_stored(world: "World") -> None:
    client = world.client("kikaku")
    before = snapshot()
    response = client.post("/staff/2023/projects/1/", data=project_post(world, title="長" * 301))
    assert response.status_code == 200
    assert "300 文字以下" in response.content.decode()
    response = client.post("/staff/2023/projects/1/", data=project_post(world, verification="ま" * 8001))
    assert "8000 文字以下" in response.content.decode()
    response = client.post("/staff/2023/projects/1/comments/", data={"text": "コ" * 4001})
    assert snapshot() == before
    # the control: the same post within bounds is stored
    assert client.post("/staff/2023/projects/1/", data=project_post(world, title="長" * 300)).status_code == 302
    assert ProjectRecord.objects.get(cycle=world.cycle(), number=1).title == "長" * 300


def test_an_over_long_api_body_is_refused_and_nothing_is_stored(world: "World") -> None:
    client = world.client("kikaku")
    before = snapshot()
    response = client.post("/api/staff/cycles/2023/projects/1/comments", data=json.dumps({"text": "コ" * 4001}),
                           content_type="application/json")
    assert response.status_code == 422
    assert "入力が長すぎるか" in response.json()["detail"]
    response = client.put("/api/staff/cycles/2023/projects/1/verification", content_type="application/json",
                          data=json.dumps({"paragraphs": ["段落"] * 51, "version": 1}))
    assert response.status_code == 422
    assert snapshot() == before


def test_an_over_long_password_is_refused_without_a_sign_in_attempt(world: "World") -> None:
    from axes.models import AccessAttempt

    response = Client().post("/accounts/login/", data={"username": "kikaku", "password": "p" * 257})
    assert response.status_code == 200 and "256 文字以下" in response.content.decode()
    assert not AccessAttempt.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# 5. Uploads

def upload(client: Client, name: str, data: bytes) -> Any:
    return client.post("/staff/import/", data={"file": SimpleUploadedFile(name, data)})


def assert_refused(world: "World", response: Any, message: str) -> None:
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page[:2000]
    assert "kouka_import_preview" not in response.wsgi_request.session  # nothing kept for confirm


def zip_bomb_workbook() -> bytes:
    """An .xlsx-shaped zip of 100 KB that expands to 80 MB of sheet XML."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"<row>" + b" " * (1024 * 1024 - 11) + b"</row>"
            for _ in range(80):
                sheet.write(chunk)
    return out.getvalue()


def test_uploads_of_the_wrong_kind_are_refused(world: "World") -> None:
    client = world.client("kikaku")
    before = snapshot()
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(range(256)) * 40
    assert_refused(world, upload(client, "report.txt", program), "中身はWindowsの実行ファイル")
    assert_refused(world, upload(client, "report.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(2000)), "中身はPNG画像")
    assert_refused(world, upload(client, "report.html", b"<html>" + bytes(100) + b"</html>"),
                   "中身がテキストではありません")
    assert_refused(world, upload(client, "report.pdf", "事業名 まちなか".encode()), "中身はPDFではありません")
    assert_refused(world, upload(client, "report.exe", b"plain"), "この種類のファイルは読み込めません")
    assert_refused(world, upload(client, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
                   "この種類のファイルは読み込めません")
    assert_refused(world, upload(client, "report.xlsx", zip_bomb_workbook()), "展開後の大きさ")
    assert snapshot() == before


def test_an_oversized_upload_is_refused_while_it_streams_in(world: "World") -> None:
    from kouka.web.uploads import MAX_UPLOAD_BYTES

    client = world.client("kikaku")
    before = snapshot()
    response = upload(client, "big.txt", b"a" * (MAX_UPLOAD_BYTES + 1))
    assert_refused(world, response, "ファイルが大きすぎます（20MBまで）")
    assert "file" not in response.wsgi_request.FILES  # the handler dropped it: never held whole
    assert snapshot() == before


def test_a_valid_upload_reaches_the_preview(world: "World") -> None:
    """The control: kouka's own JSON and a UTF-16 text (Excel's "Unicode text") pass the type check."""
    client = world.client("kikaku")
    response = upload(client, "isesaki.json", EXAMPLE.read_bytes())
    assert response.status_code == 200 and "取り込む" in response.content.decode()
    from kouka.web.uploads import check_upload

    check_upload("\ufeff事業名\tまちなか".encode("utf-16"), "report.txt")  # no exception


# ---------------------------------------------------------------------------------------------------------------
# 6. No stored markup ever rendered: every text field of a published report, a draft, comments, departments,
#    the municipality, a user name and a publication note hold markup; every page is fetched.

MARKUP = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'  # 55 characters: fits every name column
SHORT_MARKUP = "<svg onload=alert()>"  # 20: fits a unit or a prefecture
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
SHORT_FIELDS = {"unit", "prefecture", "cost_label"}  # columns too narrow for MARKUP


def hostile(value: Any, name: str = "") -> Any:
    """``value`` (a domain object) with every text field replaced by markup (figures and identities kept)."""
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: hostile(getattr(value, f.name), f.name) for f in fields(value)}
        return replace(value, **changes)
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        if name in ("code", "key", "text", "") or (not value and name not in ("title", "source", "lead_body")):
            return value
        return SHORT_MARKUP if name in SHORT_FIELDS else MARKUP
    if isinstance(value, list):
        return [hostile(item, name) for item in value] or ([MARKUP] if name in ("introduction", "notes") else [])
    if isinstance(value, dict):
        return {k: hostile(v, name) for k, v in value.items()} if name != "marks" else value
    return value


def hostile_world(alias: str) -> dict[str, Any]:
    """A municipality named with markup, its report published twice (the correction's note is markup too)
    and carried into a draft; a reviewer's comment; an administrator whose user name is markup."""
    from kouka.domain.carry import carry_report
    from kouka.domain.model import Body
    from kouka.web import history
    from kouka.web.models import Department, Municipality, Role
    from kouka.web.services.cycles import cycle_transition

    report = interchange.load(EXAMPLE).report_for(None)
    report = hostile(replace(report, municipality=Body(MARKUP, SHORT_MARKUP, "102041")))
    municipality = Municipality.objects.create(slug="evil", name=MARKUP, prefecture=SHORT_MARKUP, code="102041")
    admin_user = get_user_model().objects.create_user(MARKUP, password="x-evil-password")
    admin = Membership.objects.create(user=admin_user, municipality=municipality, role=Role.ADMIN)
    admin.departments.set([Department.objects.create(municipality=municipality, name=MARKUP + "課")])
    cycle = mapping.store_report(municipality, report)
    for step in ("submit", "review", "publish", "correct", "submit", "review"):
        cycle_transition(member=admin, cycle=cycle, name=step)
    cycle_transition(member=admin, cycle=cycle, name="publish", note=MARKUP)
    draft = mapping.store_report(municipality, replace(carry_report(report, report.fiscal_year + 1),
                                                       title=MARKUP, introduction=[MARKUP]))
    record = draft.projects.order_by("number").first()
    assert record is not None
    record.comments.create(author=admin_user, text=MARKUP)
    history.record(admin_user, municipality, draft, "project:update", MARKUP, {"title": "before"},
                   {"title": MARKUP})  # as saving the project form records it
    return {"municipality": municipality, "user": admin_user, "report": report, "draft": draft}


def site_pages(report: Any, changes: list[int]) -> list[str]:
    """Every page a GET can show: each route of the site with each project, KPI, year and change of the
    hostile world (the API's JSON and the admin are not HTML pages of stored text; the admin is checked in
    the browser)."""
    numbers = [str(p.number) for p in report.projects]
    kpis = sorted({str(k.number) for p in report.projects for k in p.kpis})
    samples = samples_for("evil") | {"year": ["2022", "2023"], "project": numbers, "number": numbers,
                                     "kpi": kpis, "pk": [str(pk) for pk in changes], "fmt": ["csv"]}
    pages = []
    for route in routes():
        if route.startswith(("admin/", "api/", "accounts/logout")) or "transition/" in route:
            continue
        pages += expand(route, samples)
    return [*pages, "/search/?q=" + MARKUP, "/search/?q=script", "/search/?q=alert"]


def assert_no_live_markup(path: str, html: str) -> None:
    """No element or attribute of the page came from stored text: scripts are only the site's own files,
    no event handler attributes, no <img src=x>, no <svg onload>."""
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html, path
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        handlers = [a for a in tag.attrs if a.lower().startswith("on")]
        assert handlers == [], f"{path}: <{tag.name} {handlers}>"
        if tag.name == "script":
            assert tag.get("src", "").startswith("/static/") and not tag.string, f"{path}: {tag}"
        assert not (tag.name == "img" and tag.get("src") == "x"), f"{path}: {tag}"


def fetch_all(client: Client, pages: list[str]) -> dict[str, Any]:
    responses = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        responses[path] = response
    return responses


def test_stored_markup_is_never_rendered(world: "World") -> None:
    evil = hostile_world(world.alias)
    changes = list(Change.objects.filter(municipality=evil["municipality"]).values_list("pk", flat=True))
    pages = site_pages(evil["report"], changes)
    staff = Client()
    staff.force_login(evil["user"])
    shown: dict[str, str] = {}
    for who, client in (("staff", staff), ("visitor", Client())):
        for path, response in fetch_all(client, pages).items():
            if response["Content-Type"].startswith("text/html"):
                html = response.content.decode()
                assert_no_live_markup(f"{who} {path}", html)
                shown[f"{who} {path}"] = html
    preview = upload(staff, "evil.json", interchange.dumps(interchange.Document([evil["report"]])).encode())
    assert_no_live_markup("import preview", preview.content.decode())
    shown["import preview"] = preview.content.decode()
    # the markup was there to be shown, as text, on the pages that show each field
    with_text = {path for path, html in shown.items() if ESCAPED in html}
    for expected in ("visitor /m/evil/2022/", "visitor /m/evil/2022/kpi/1/1/", "visitor /", "staff /staff/",
                     "staff /staff/2023/projects/1/", "staff /staff/2023/projects/1/kpis/1/", "staff /staff/2023/",
                     "staff /staff/2023/report/", "staff /staff/2023/history/", "staff /staff/departments/",
                     "visitor /search/?q=script", "import preview"):
        assert expected in with_text, expected
    assert len(shown) >= 40


def test_exports_are_downloads_never_pages(world: "World") -> None:
    """The exports hold stored text as data: each is an attachment of a non-HTML type, never sniffed."""
    from kouka.web.integrations import EXPORTS

    hostile_world(world.alias)
    for fmt in EXPORTS:
        response = Client().get(f"/m/evil/2022/export/{fmt}/")
        assert response.status_code == 200, fmt
        assert response["Content-Disposition"].startswith("attachment;")
        assert "html" not in response["Content-Type"] and response["X-Content-Type-Options"] == "nosniff"


def test_every_remaining_mark_safe_is_justified() -> None:
    """Each place that marks text safe is one of these, with why; a new one fails until it is reviewed."""
    reviewed = {
        # kouka.render.html escapes every text of the report itself (tests/test_render_formats.py, and the
        # public report page in test_stored_markup_is_never_rendered)
        r"mark_safe\(integrations\.render_fragment\(report\)\)": "the renderer escapes",
        # the judgement mark: a fixed symbol and the label in the page's language, escaped by kouka.render.html
        r"mark_safe\(html\.judgement_mark\(result, word\)\)": "the renderer escapes",
        # kouka.render.charts builds SVG from numbers and escapes the KPI's name and unit (the KPI page above)
        r"mark_safe\(charts\.svg\(": "the chart escapes",
        # kouka.web.stats.charts draws the dashboards' SVG from counts, escaping the year labels and prefecture
        # names (tests/test_web_stats_charts.py reads them back)
        r"mark_safe\(shares\)": "the chart escapes",
        r"mark_safe\(japan\)": "the chart escapes",
        # a report page's body stored by kouka.web.artifacts: the output of an autoescaped template
        r"mark_safe\(body\)": "rendered by an autoescaped template",
    }
    unreviewed, seen = [], set()
    for path in sorted((ROOT / "src" / "kouka").rglob("*")):
        if path.suffix not in (".py", ".html") or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lstrip().startswith(("from ", "import ")):
                continue
            if re.search(r"mark_safe\(|format_html\(|\|\s*safe\b|SafeString\(|autoescape\s+off", line):
                matched = [pattern for pattern in reviewed if re.search(pattern, line)]
                seen.update(matched)
                if not matched:
                    unreviewed.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert unreviewed == []
    assert seen, "the review list no longer matches the code"


# ---------------------------------------------------------------------------------------------------------------
# 7. No formula injection in Excel or CSV output

FORMULA_STARTS = ("=", "+", "-", "@", "\t=", "\r=", "＝", "＋", "－", "＠")


def formula_report(start: str) -> Any:
    """The example with every text field (titles, KPI names, notes, departments, まとめ …) starting a formula."""
    payload = f'{start}HYPERLINK("http://x","y")'

    def poison(value: Any, name: str = "") -> Any:
        if is_dataclass(value) and not isinstance(value, type):
            return replace(value, **{f.name: poison(getattr(value, f.name), f.name) for f in fields(value)})
        if isinstance(value, dict):
            return {k: poison(v, name) for k, v in value.items()} if name != "marks" else value
        if isinstance(value, Enum) or not isinstance(value, str | list):
            return value
        if isinstance(value, list):
            return [poison(item, name) for item in value] or ([payload] if name in ("notes", "introduction") else [])
        if name in ("code", "key", "text", "prefecture", "cost_label") or (not value and name != "title"):
            return value
        return f"{start}1+1" if name == "unit" else payload

    return poison(interchange.load(EXAMPLE).report_for(None))


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=[repr(s) for s in FORMULA_STARTS])
def test_xlsx_text_that_starts_a_formula_stays_text(start: str) -> None:
    from openpyxl import load_workbook

    from kouka.render.xlsx import render_xlsx

    data = render_xlsx(formula_report(start))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
    book = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    shown = start.replace("\r", "\n")  # XML reads a carriage return back as a line feed
    poisoned = [c for c in cells if isinstance(c.value, str) and c.value.startswith(shown + "HYPERLINK")]
    assert len(poisoned) >= 10 and all(c.data_type == "s" for c in poisoned)


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=[repr(s) for s in FORMULA_STARTS])
def test_csv_text_that_starts_a_formula_gets_an_apostrophe(start: str) -> None:
    from kouka.render.opendata import render_csv

    rows = list(csv.reader(io.StringIO(render_csv(formula_report(start)), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells.count("'" + start + 'HYPERLINK("http://x","y")') >= len(rows) - 1  # each row's KPI name at least
    assert "'" + start + "1+1" in cells  # the unit
    for cell in cells:
        if cell.startswith(("=", "+", "@", "\t", "\r", "＝", "＋", "＠")):
            raise AssertionError(f"a formula in the CSV: {cell!r}")
        if cell.startswith(("-", "－")):
            assert cell.strip() in ("-", "－") or re.fullmatch(r"-\d+(\.\d+)?", cell), cell  # a number or a dash


def test_downloads_from_the_site_carry_no_formula(world: "World") -> None:
    """The same through the public export links of a published report."""
    from openpyxl import load_workbook

    from kouka.web.models import Municipality, Role
    from kouka.web.services.cycles import cycle_transition

    report = formula_report("=")
    municipality = Municipality.objects.create(slug="formula", name="数式市")
    user = get_user_model().objects.create_user("formula-admin", password="x-formula-password")
    admin = Membership.objects.create(user=user, municipality=municipality, role=Role.ADMIN)
    cycle = mapping.store_report(municipality, report)
    for step in ("submit", "review", "publish"):
        cycle_transition(member=admin, cycle=cycle, name=step)
    workbook = Client().get("/m/formula/2022/export/xlsx/")
    book = load_workbook(io.BytesIO(workbook.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(c.value == '=HYPERLINK("http://x","y")' and c.data_type == "s" for c in cells)
    text = Client().get("/m/formula/2022/export/csv/").content.decode("utf-8-sig")
    cells_csv = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in cells_csv and not any(c.startswith("=") for c in cells_csv)


# ---------------------------------------------------------------------------------------------------------------
# 8. Security headers, and a CSP that allows nothing inline

def csp_directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_security_headers(path: str, response: Any) -> None:
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"], path
    assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"], path
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"], path
    assert "'unsafe-inline'" not in response["Content-Security-Policy"], path
    assert "'unsafe-eval'" not in response["Content-Security-Policy"], path
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["Referrer-Policy"] == "same-origin", path
    if response.get("Content-Type", "").startswith("text/html"):  # (static files: frame-ancestors alone)
        assert response["X-Frame-Options"] == "DENY", path
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", path


def assert_nothing_inline(path: str, html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("style") is None, f"{path}: a <style> element"
    styled = [tag.name for tag in soup.find_all(style=True)]
    assert styled == [], f"{path}: style attributes on {styled}"
    inline = [str(tag)[:80] for tag in soup.find_all("script") if not tag.get("src")
              and tag.get("type") not in ("application/json",)]
    assert inline == [], f"{path}: inline scripts {inline}"


def test_every_response_carries_the_security_headers(world: "World") -> None:
    """Every page of the site (public, staff, errors, the API, the admin, static files) as a visitor and as
    staff: the headers are there, and no HTML page carries an inline script, a <style> or a style attribute
    (the charts' SVG and the publication fragment included)."""
    user = get_user_model().objects.get(username="kikaku")
    user.is_staff = user.is_superuser = True
    user.save()
    staff = Client()
    staff.force_login(user)
    report = interchange.load(EXAMPLE).report_for(None)
    changes = list(Change.objects.values_list("pk", flat=True)[:3])
    samples = samples_for("isesaki") | {"year": ["2022", "2023"], "pk": [str(pk) for pk in changes],
                                        "project": [str(p.number) for p in report.projects],
                                        "number": [str(p.number) for p in report.projects], "kpi": ["1", "2", "3"],
                                        "fmt": ["csv", "json"]}
    pages = [p for route in routes() if "transition/" not in route for p in expand(route, samples)]
    pages += ["/no/such/page/", "/static/kouka/style.css", "/static/kouka/entry.js", "/static/ninja/swagger-ui.css",
              "/api/staff/cycles/2023", "/search/?q=まちなか"]
    html_pages = 0
    for who, client in (("visitor", Client()), ("staff", staff)):
        for path in pages:
            response = client.get(path)
            if response.status_code >= 500:
                raise AssertionError(f"{who} {path}: {response.status_code}")
            assert_security_headers(f"{who} {path}", response)
            if response.get("Content-Type", "").startswith("text/html") and response.status_code == 200:
                assert_nothing_inline(f"{who} {path}", response.content.decode())
                html_pages += 1
    assert html_pages >= 60


def test_templates_hold_no_inline_script_or_style() -> None:
    templates = sorted((ROOT / "src" / "kouka" / "web" / "templates").rglob("*.html"))
    assert len(templates) >= 15
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert "<style" not in text and not re.search(r"\sstyle=", text), template
        assert not re.search(r"\son[a-z]+=", text), template


def test_api_docs_work_under_the_site_policy(world: "World") -> None:
    """Swagger UI is served from the site itself (django-ninja's own static files, no CDN), so /api/docs
    needs no policy of its own."""
    from kouka.web.security import policy_for

    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    sources = [tag["src"] for tag in BeautifulSoup(html, "html.parser").find_all("script", src=True)]
    assert sources and all(src.startswith("/static/") for src in sources)
    assert_security_headers("/api/docs", response)
    assert policy_for("/api/docs") == settings.KOUKA_CSP


# ---------------------------------------------------------------------------------------------------------------
# 8 (continued). In a real browser: no page of the site reports a CSP violation, scripts still work.

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
# Recorded before any script of the page runs (an init script comes from the browser, not the page, so the
# policy does not apply to it).
LISTEN = """window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_csp_violation_in_the_browser(live_server: Any, settings: Any) -> None:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/setup-system")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from web_fixtures import build_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_world("default")
    admin = get_user_model().objects.get(username="kikaku")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    site = str(live_server.url)
    found: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        page = browser.new_page(locale="ja-JP")
        page.set_default_timeout(15_000)
        page.add_init_script(LISTEN)
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)

        def visit(path: str, ready: str = "main") -> None:
            console.clear()
            page.goto(site + path)
            page.locator(ready).first.wait_for()
            violations = page.evaluate("window.__violations") + [c for c in console if "Content Security" in c]
            if violations:
                found[path] = violations

        for path in ("/", "/m/isesaki/", "/m/isesaki/2022/", "/m/isesaki/2022/kpi/1/3/", "/search/?q=まちなか",
                     "/accounts/login/"):
            visit(path)
        # a real sign-in through the form (the login throttle lets a correct one through)
        page.get_by_label("ユーザー名").fill("kikaku")
        page.get_by_label("パスワード").fill("kouka-demo")
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(f"{site}/staff/")
        for path in ("/staff/", "/staff/2023/", "/staff/2023/projects/1/", "/staff/2023/history/",
                     "/staff/2023/report/", "/staff/departments/", "/staff/import/"):
            visit(path)
        visit("/staff/2023/projects/1/kpis/1/")
        page.get_by_label("令和5年度 実績値").fill("5社(速報値)")
        page.get_by_text("値 5社・速報値").wait_for()  # entry.js ran and fetched the reading from the API
        found_after_typing = page.evaluate("window.__violations")
        if found_after_typing:
            found["/staff/2023/projects/1/kpis/1/ typing"] = found_after_typing
        visit("/admin/", "#content")
        visit("/admin/kouka/municipality/", "#changelist")
        visit("/admin/kouka/municipality/1/change/", "#content-main")
        visit("/api/docs", "#swagger-ui .info")  # Swagger UI drew the API's description
        browser.close()
    assert found == {}
