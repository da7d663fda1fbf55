"""Issue 12, item 1: every write that broke a year in the hardening probe, replayed at each door it went through
(the project, KPI, report and department forms, the JSON API, an import's confirmation, a restore), on SQLite and
PostgreSQL. Each hostile value is made in the test. The write is refused with a Japanese message naming the field,
the database is the same as before (a snapshot of every row), and every page of the year still answers 200.

Records made invalid behind kouka's back (by hand in the database, or before these checks) never take a page down:
the pages show the finding naming the field, and the administrator fixes the values through the forms.
"""

import gzip
import hashlib
import hmac
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.db import connections

import db_snapshot
from database_support import fresh_database
from kouka import interchange
from kouka.domain.aggregate import wide_area_key
from kouka.domain.model import Body, Document, Project, Report
from kouka.domain.validation import report_problems
from kouka.web import mapping
from kouka.web.models import Cycle, KpiFact, KpiRecord, ProjectRecord, Publication, State, TaskState, UploadTask
from kouka.web.ops import backup
from kouka.web.services.imports import import_confirm, import_preview
from kouka.web.services.writes import Invalid
from web_fixtures import complete_year
from write_support import (
    API,
    STAFF,
    YEAR,
    failing_pages,
    kpi_post,
    kpi_version,
    project_post,
    put_json,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

PROJECT = f"{STAFF}/projects/1/"
KPI = f"{STAFF}/projects/1/kpis/1/"
ACTUAL = f"{API}/projects/1/kpis/1/actuals"
UPLOAD_TASKS = UploadTask._meta.db_table


def refused_at(response: "Response", field: str, words: str) -> None:
    """The form came back with ``words`` in the error shown at ``field``."""
    assert response.status_code in (200, 400), response.status_code
    errors = response.context["form"].errors
    assert field in errors, dict(errors)
    assert any(words in error for error in errors[field]), errors[field]
    assert words in response.content.decode()  # on the page, beside the field


def refused_by_api(response: "Response", words: str, path: str = "") -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert words in body["detail"], body
    if path:
        assert any(path in finding["path"] for finding in body["findings"]), body


def unchanged(world: "World", before: dict[str, list[str]]) -> None:
    """Nothing stored, and the year still answers on every page."""
    assert db_snapshot.through_django() == before
    assert failing_pages(world.client("kikaku"), world.cycle(YEAR)) == {}


def upload_refused(world: "World", before: dict[str, list[str]], words: str) -> None:
    """An upload read by the task queue and refused: its task (the record of the attempt, kept with the file
    and why it failed; no content of a report) ended failed with ``words``, and nothing else is stored."""
    tasks = list(UploadTask.objects.all())
    assert [(t.state, words in t.message) for t in tasks] == [(TaskState.FAILED, True)], [t.message for t in tasks]
    assert "$." not in tasks[0].message and "title" not in tasks[0].message  # the place in words, not a JSON path
    after = db_snapshot.through_django()
    assert after.pop(UPLOAD_TASKS) != before.pop(UPLOAD_TASKS)
    assert after == before
    assert failing_pages(world.client("kikaku"), world.cycle(YEAR)) == {}


@pytest.fixture
def before(world: "World") -> dict[str, list[str]]:
    return db_snapshot.through_django()


# --- the project form -------------------------------------------------------------------------------------


def test_cost_written_with_a_triangle_minus_is_refused(world: "World", before: Any) -> None:
    response = world.client("kikaku").post(PROJECT, project_post(world, cost="△" + "100"))
    refused_at(response, "cost", "事業費が負の額です")
    unchanged(world, before)


def test_grant_of_minus_one_is_refused(world: "World", before: Any) -> None:
    response = world.client("kikaku").post(PROJECT, project_post(world, grant=str(-1)))
    refused_at(response, "grant", "交付金充当額が負の額です")
    unchanged(world, before)


def test_thirty_digit_cost_is_refused_not_rounded(world: "World", before: Any) -> None:
    response = world.client("kikaku").post(PROJECT, project_post(world, cost="9" * 30))
    refused_at(response, "cost", "事業費が大きすぎます")
    unchanged(world, before)


def test_partner_body_line_of_250_characters_is_refused(world: "World", before: Any) -> None:
    response = world.client("kikaku").post(PROJECT, project_post(world, kind="wide_area",
                                                                  partner_bodies="前橋市\n" + "桐" * 250))
    refused_at(response, "partner_bodies", "連携団体が長すぎます（250文字、上限60文字）")
    unchanged(world, before)


@pytest.mark.parametrize("field", ["title", "verification", "summary"])
def test_control_character_in_a_project_text_is_refused(world: "World", before: Any, field: str) -> None:
    response = world.client("kikaku").post(PROJECT, project_post(world, **{field: "創業支援" + chr(1) + "事業"}))
    refused_at(response, field, "制御文字 U+0001")
    unchanged(world, before)


def test_a_new_project_with_a_control_character_is_refused(world: "World", before: Any) -> None:
    data = project_post(world, number="9", title="新規" + chr(0x1B) + "事業")
    response = world.client("kikaku").post(f"{STAFF}/projects/new/", data)
    refused_at(response, "title", "事業名に使えない文字（制御文字 U+001B）")
    unchanged(world, before)


def test_a_period_outside_the_program_is_refused(world: "World", before: Any) -> None:
    response = world.client("kikaku").post(PROJECT, project_post(world, start_year="1989", end_year="2117"))
    assert response.context["form"].errors.keys() >= {"start_year", "end_year"}
    unchanged(world, before)


# --- the KPI form -----------------------------------------------------------------------------------------


def test_unit_of_60_characters_is_refused(world: "World", before: Any) -> None:
    response = world.client("shoko").post(KPI, kpi_post(world, unit="個" * 60))
    refused_at(response, "unit", "20")
    unchanged(world, before)


def test_thirty_digit_actual_is_refused_not_rounded(world: "World", before: Any) -> None:
    response = world.client("shoko").post(KPI, kpi_post(world, actual_2023="1" * 30 + "社"))
    refused_at(response, "actual_2023", "桁数が多すぎます")
    unchanged(world, before)


def test_exponent_1e400_is_refused_not_stored_as_one(world: "World", before: Any) -> None:
    response = world.client("shoko").post(KPI, kpi_post(world, actual_2023="1e" + "400社"))
    refused_at(response, "actual_2023", "指数表記")
    unchanged(world, before)


def test_reiwa_99_is_refused(world: "World", before: Any) -> None:
    response = world.client("shoko").post(KPI, kpi_post(world, actual_2023="3社（令和" + "99年度）"))
    refused_at(response, "actual_2023", "対象時点の年 2117 は扱える範囲の外です")
    unchanged(world, before)


def test_heisei_40_is_refused(world: "World", before: Any) -> None:
    response = world.client("shoko").post(KPI, kpi_post(world, target_2023="5社（平成" + "40年度）"))
    refused_at(response, "target_2023", "平成は31年までです")
    unchanged(world, before)


def test_the_reading_beside_the_field_says_heisei_40_is_no_year(world: "World") -> None:
    reading = world.client("shoko").get("/api/staff/reading",
                                        {"text": "5社（平成" + "40年度）", "unit": "社"}).json()
    assert reading == {"ok": False, "reading": "平成は31年までです: 「平成40年度」", "advice": []}


def test_control_character_in_a_kpi_name_is_refused(world: "World", before: Any) -> None:
    response = world.client("shoko").post(KPI, kpi_post(world, name="創業" + chr(0x7F) + "件数"))
    refused_at(response, "name", "制御文字 U+007F")
    unchanged(world, before)


# --- the report and department forms ----------------------------------------------------------------------


def test_report_title_with_a_control_character_and_a_negative_total_are_refused(world: "World", before: Any
                                                                                 ) -> None:
    cycle = world.cycle(YEAR)
    data = {"version": cycle.version, "title": "効果検証" + chr(2), "introduction": "", "stated_total_label": "",
            "stated_total": "△5"}
    response = world.client("kikaku").post(f"{STAFF}/report/", data)
    refused_at(response, "title", "表題に使えない文字")
    refused_at(response, "stated_total", "交付額が負の額です")
    unchanged(world, before)


def test_department_name_with_a_control_character_is_refused(world: "World", before: Any) -> None:
    response = world.client("kikaku").post("/staff/departments/", {"name": "総務" + chr(7) + "課"})
    refused_at(response, "name", "担当課に使えない文字")
    unchanged(world, before)


# --- the API ----------------------------------------------------------------------------------------------


def test_actual_for_year_99999_is_refused_before_anything_is_written(world: "World", before: Any) -> None:
    response = put_json(world.client("shoko"), f"{ACTUAL}/{99999}", {"text": "3社", "version": kpi_version(world)})
    refused_by_api(response, "成果目標の年度の年 99999 は扱える範囲（1868年～2070年）の外です", "actuals.99999")
    unchanged(world, before)


@pytest.mark.parametrize("year", [1800, 9999])
def test_actual_for_an_implausible_year_is_refused(world: "World", before: Any, year: int) -> None:
    response = put_json(world.client("shoko"), f"{ACTUAL}/{year}", {"text": "3社", "version": kpi_version(world)})
    refused_by_api(response, f"年 {year} は扱える範囲", f"actuals.{year}")
    unchanged(world, before)


@pytest.mark.parametrize(("text", "words"), [
    ("9" * 30 + "社", "桁数が多すぎます"),
    ("1e" + "400社", "指数表記"),
    ("3社（令和" + "99年度）", "対象時点の年 2117"),
    ("3社（平成" + "40年度）", "平成は31年までです"),
    ("3" + "個" * 60, "単位が長すぎます（60文字、上限20文字）"),
], ids=["30_digits", "1e400", "reiwa_99", "heisei_40", "unit_60"])
def test_api_actual_that_may_not_be_stored_is_refused(world: "World", before: Any, text: str, words: str) -> None:
    response = put_json(world.client("shoko"), f"{ACTUAL}/{YEAR}", {"text": text, "version": kpi_version(world)})
    assert response.status_code == 400, response.content
    assert words in response.json()["detail"]
    unchanged(world, before)


def test_api_verification_with_a_control_character_is_refused(world: "World", before: Any) -> None:
    version = ProjectRecord.objects.get(cycle=world.cycle(YEAR), number=1).version
    response = put_json(world.client("shoko"), f"{API}/projects/1/verification",
                        {"paragraphs": ["目標を達成した。", "課題" + chr(1)], "version": version})
    refused_by_api(response, "まとめ（検証結果）に使えない文字（制御文字 U+0001）", "verification[1]")
    unchanged(world, before)


# --- an import's confirmation and a restore ---------------------------------------------------------------


def test_import_confirmation_refuses_a_report_that_may_not_be_stored(world: "World", before: Any) -> None:
    """What an importer read from a published file (no schema in between) is checked when it is confirmed."""
    report = Report(Body("伊勢崎市", "群馬県"), 2024, projects=[
        Project(1, "題" * 400, 2024, 2024, departments=["商工労働課"], cost_yen=-100)])
    with pytest.raises(Invalid) as refused:
        import_confirm(member=world.member("kikaku"), document=Document([report]), seen={"2024": None})
    words = str(refused.value)
    assert "事業名が長すぎます（400文字、上限300文字）" in words and "事業費が負の額です" in words
    unchanged(world, before)


def test_a_400_character_title_in_an_uploaded_file_is_refused_with_a_message(world: "World", before: Any,
                                                                            tmp_path: Path) -> None:
    document = mapping.document_json(world.cycle(YEAR))
    document["reports"][0]["projects"][0]["title"] = "題" * 400
    upload = tmp_path / "long.json"
    upload.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with upload.open("rb") as handle:
        response = world.client("kikaku").post("/staff/import/", {"file": handle})
    assert response.status_code == 200 and "読み込めません" in response.content.decode()
    assert "事業名が長すぎます（400文字、上限300文字）" in response.content.decode()
    upload_refused(world, before, "事業名が長すぎます（400文字、上限300文字）")


def _with_kpi_actual(data: bytes, year: str) -> bytes:
    lines = [json.loads(line) for line in gzip.decompress(data).decode().splitlines()]
    for line in lines:
        if line.get("model") == "kouka.kpirecord":
            actual = {"value": "3", "unit": "社", "status": "final", "reference": None, "text": "3社", "note": "",
                      "approximate": False}
            line["row"]["data"] = {**line["row"]["data"], "actuals": {year: actual}}
            break
    # Signed again with the backup key, as a dump kouka made itself (before these checks): the signature
    # passes, and the record is refused for its value.
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines[:-1]).encode()
    footer = lines[-1]
    footer["signature"] = {**footer["signature"],
                           "mac": hmac.new(backup.backup_key(), body, hashlib.sha256).hexdigest()}
    return gzip.compress(body + (json.dumps(footer, ensure_ascii=False) + "\n").encode())


def test_restore_refuses_a_record_that_may_not_be_stored_naming_its_line(world: "World", tmp_path: Path) -> None:
    damaged = _with_kpi_actual(backup.dump_bytes(world.alias), "99999")
    with fresh_database("sqlite", tmp_path) as alias:
        refusal = r"backup\.jsonl\.gz \d+行目 kouka\.kpirecord: .*成果目標の年度の年 99999"
        with pytest.raises(backup.BackupError, match=refusal):
            backup.restore_bytes(damaged, alias, "backup.jsonl.gz")
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM kouka_kpirecord")
            assert cursor.fetchone() == (0,)


# --- records made invalid behind kouka's back -------------------------------------------------------------


def _break_by_hand(cycle: Cycle) -> None:
    """What the probe left in the database, written with the ORM (no service, no check)."""
    project = ProjectRecord.objects.get(cycle=cycle, number=1)
    project.title = "創業支援" + chr(1) + "事業"
    project.data = {**project.data, "cost_yen": -100, "verification": ["達成" + chr(1)],
                    "partner_bodies": ["桐" * 250]}
    project.save()
    kpi = KpiRecord.objects.get(project=project, number=1)
    actual = {"value": "1" * 30, "unit": "社" * 60, "status": "final", "reference": None, "text": "3社", "note": "",
              "approximate": False}
    kpi.data = {**kpi.data, "actuals": {**kpi.data["actuals"], "99999": actual, "1800": actual, "2023": actual}}
    kpi.save()
    Cycle.objects.filter(pk=cycle.pk).update(report={**cycle.report, "title": "報告" + chr(2)})


def test_invalid_records_never_take_down_a_page_and_the_administrator_fixes_them(world: "World") -> None:
    cycle = world.cycle(YEAR)
    _break_by_hand(cycle)
    for role in ("kikaku", "yushikisha"):
        assert failing_pages(world.client(role), cycle, ("xlsx", "csv", "json", "pdf"), role == "kikaku") == {}
    admin = world.client("kikaku")
    page = admin.get(f"{STAFF}/").content.decode()
    for words in ("事業① 事業名に使えない文字（制御文字 U+0001）", "事業① 事業費が負の額です", "連携団体が長すぎます",
                  "まとめ（検証結果）に使えない文字", "成果目標の年度の年 99999", "成果目標の年度の年 1800",
                  "表題に使えない文字"):
        assert words in page, words
    assert "事業費が負の額です" in admin.get(PROJECT).content.decode()
    kpi_page = admin.get(KPI).content.decode()
    assert "桁数が多すぎます" in kpi_page and "単位が長すぎます" in kpi_page and "成果目標の年度の年 99999" in kpi_page

    # publishing is refused with the findings named
    for name in ("submit", "review", "publish"):
        admin.post(f"{STAFF}/transition/{name}/", {"version": Cycle.objects.get(pk=cycle.pk).version})
    assert Publication.objects.filter(cycle=cycle).count() == 0
    assert "事業費が負の額です" in admin.get(f"{STAFF}/").content.decode()
    Cycle.objects.filter(pk=cycle.pk).update(state=State.DRAFT)

    # the administrator fixes every value from the site
    fixed = project_post(world, title="創業支援事業", cost="100", verification="達成", partner_bodies="")
    assert admin.post(PROJECT, fixed).status_code == 302
    kpi = kpi_post(world, actual_99999="", actual_1800="", actual_2023="3社")
    assert admin.post(KPI, kpi).status_code == 302
    report = Cycle.objects.get(pk=cycle.pk)
    assert admin.post(f"{STAFF}/report/", {"version": report.version, "title": "効果検証報告"}).status_code == 302
    assert report_problems(mapping.report_of(Cycle.objects.get(pk=cycle.pk))) == []
    assert failing_pages(admin, cycle) == {}


def test_a_published_revision_holding_a_control_character_still_exports(world: "World") -> None:
    publication = Publication.objects.filter(cycle__fiscal_year=2022).first()
    assert publication is not None
    document = publication.document
    document["reports"][0]["projects"][0]["title"] = "創業" + chr(1) + "支援"
    Publication.objects.filter(pk=publication.pk).update(document=document)
    visitor = world.client("anonymous")
    response = visitor.get("/m/isesaki/2022/export/xlsx/")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    for path in ("/m/isesaki/2022/", "/m/isesaki/2022/export/csv/", "/m/isesaki/2022/export/json/"):
        assert visitor.get(path).status_code == 200, path


def test_the_longest_values_the_schema_allows_are_stored_and_published(world: "World") -> None:
    """Every text at its limit (a title of characters NFKC makes eighteen each, so the dashboards' derived keys
    are long too) is imported, published and counted on every database: the columns hold what the schema allows."""
    publication = Publication.objects.get(cycle__fiscal_year=2022, revision=1)
    document = json.loads(json.dumps(publication.document))
    report = document["reports"][0]
    report["fiscal_year"] = 2025
    report["title"] = "表" * 300
    project = report["projects"][0]
    project.pop("key", None)
    project |= {"title": "\ufdfa" * 300, "kind": "wide_area", "lead_body": "桐" * 60, "partner_bodies": ["桐" * 60],
                "departments": ["課" * 60], "kpi_scope_label": "対" * 100, "cost_label": "費" * 50}
    kpi = project["kpis"][0]
    kpi |= {"name": "標" * 300, "unit": "単" * 20}
    kpi.pop("key", None)
    for measurement in [kpi["baseline"], *kpi["targets"].values(), *kpi["actuals"].values()]:
        if measurement and measurement.get("value") is not None:
            measurement["unit"] = kpi["unit"]
    admin = world.member("kikaku")
    parsed = interchange.from_json(document)  # the schema accepts it
    import_confirm(member=admin, document=parsed, seen=import_preview(member=admin, document=parsed).seen)
    complete_year(world, 2025)  # the year's targets and actuals the publish gate asks for; the texts are kept
    client = world.client("kikaku")
    for name in ("submit", "review", "publish"):
        response = client.post(f"/staff/2025/transition/{name}/",
                               {"version": Cycle.objects.get(municipality=world.isesaki, fiscal_year=2025).version,
                                "acknowledged": "on"})
        assert response.status_code == 302
    cycle = Cycle.objects.get(municipality=world.isesaki, fiscal_year=2025)
    assert cycle.revision == 1, [str(m) for m in client.get("/staff/2025/").context["messages"]]
    fact = KpiFact.objects.filter(cycle=cycle, project_number=project["number"]).first()
    assert fact is not None and len(fact.wide_key) <= 400 and fact.wide_key.endswith(
        hashlib.sha256(wide_area_key(parsed.reports[0].projects[0]).encode()).hexdigest())
    assert ProjectRecord.objects.get(cycle=cycle, number=project["number"]).title == "\ufdfa" * 300
    for path in ("/m/isesaki/2025/", "/m/isesaki/2025/export/xlsx/", "/m/isesaki/2025/export/csv/"):
        assert world.client("anonymous").get(path).status_code == 200, path


def test_an_uploaded_publication_with_a_value_that_may_not_be_stored_is_refused(
        world: "World", before: Any, tmp_path: Path, seed_path: Path) -> None:
    """A published report (the city's text) with a 400-character title: refused at the upload with the field
    named, no confirmation offered; confirming anyway finds nothing to import, and nothing is stored."""
    text = seed_path.read_text(encoding="utf-8").replace(
        "事業①\tまちなか創業とにぎわい創出を核とした官民連携による持続的経済活力向上プロジェクト",
        "事業①\t" + "題" * 400, 1)
    upload = tmp_path / "isesaki.txt"
    upload.write_text(text, encoding="utf-8")
    client = world.client("kikaku")
    with upload.open("rb") as handle:
        preview = client.post("/staff/import/", {"file": handle})
    page = preview.content.decode()
    assert preview.status_code == 200 and "事業名が長すぎます（400文字、上限300文字）" in page
    assert "取り込む</button>" not in page
    assert client.post("/staff/import/confirm/").status_code == 302  # nothing to import
    upload_refused(world, before, "事業名が長すぎます（400文字、上限300文字）")


def test_a_preview_kept_from_before_the_checks_is_not_imported(world: "World", before: Any) -> None:
    """A document kept in the session by an earlier preview (before these checks) that the schema now refuses:
    confirming it is refused with the field named, not a 500, and nothing is stored."""
    document = mapping.document_json(world.cycle(YEAR))
    document["reports"][0]["fiscal_year"] = 2025
    document["reports"][0]["projects"][0]["title"] = "題" * 400
    client = world.client("kikaku")
    session = client.session
    session["kouka_import_preview"] = document
    session.save()
    response = client.post("/staff/import/confirm/", follow=True)
    assert "取り込めません" in response.content.decode() and "事業名" in response.content.decode()
    unchanged(world, before)
