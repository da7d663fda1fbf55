"""Issue 12, item 4: each failed probe of the hardening review replayed as a named test, with its hostile
input made here, on SQLite and PostgreSQL where a database is involved."""

import os
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

from kouka.domain.model import Kpi, Project
from kouka.web import mapping
from kouka.web.models import Change, Cycle, KpiRecord, ProjectRecord, State
from kouka.web.permissions import Denied
from kouka.web.services.cycles import cycle_transition
from kouka.web.services.kpis import kpi_actual_set, kpi_create, kpi_update
from kouka.web.services.projects import project_create, project_update, project_verification_set
from kouka.web.services.reports import report_update
from kouka.web.services.writes import StaleVersion

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


# --- saves that started before a submission, review or publication --------------------------------------

Save = Callable[["World", str, Cycle], Any]


def _project(world: "World") -> ProjectRecord:
    return ProjectRecord.objects.get(cycle=world.cycle(), number=1)


def _kpi(world: "World") -> KpiRecord:
    return KpiRecord.objects.get(project=_project(world), number=1)


def save_project(world: "World", role: str, seen: Cycle) -> Any:
    record = _project(world)
    before = mapping.project_of(record)
    return project_update(member=world.member(role), cycle=seen, record=record, before=before,
                          after=replace(before, title="遅れて届いた事業名"), version=record.version)


def save_summary(world: "World", role: str, seen: Cycle) -> Any:
    record = _project(world)
    return project_verification_set(member=world.member(role), cycle=seen, record=record,
                                    paragraphs=["遅れて届いたまとめ"], version=record.version)


def save_kpi(world: "World", role: str, seen: Cycle) -> Any:
    record = _kpi(world)
    before = mapping.kpi_of(record)
    return kpi_update(member=world.member(role), cycle=seen, record=record, before=before,
                      after=replace(before, name="遅れて届いた成果目標"), version=record.version)


def save_actual(world: "World", role: str, seen: Cycle) -> Any:
    record = _kpi(world)
    return kpi_actual_set(member=world.member(role), cycle=seen, record=record, year=2023, text="99社",
                          version=record.version)


def create_project(world: "World", role: str, seen: Cycle) -> Any:
    return project_create(member=world.member(role), cycle=seen,
                          project=Project(9, "遅れて届いた新規事業", 2023, 2024, departments=["商工労働課"]))


def create_kpi(world: "World", role: str, seen: Cycle) -> Any:
    return kpi_create(member=world.member(role), cycle=seen, project=_project(world),
                      kpi=Kpi(9, "遅れて届いた新規成果目標", "社"))


def save_report(world: "World", role: str, seen: Cycle) -> Any:
    return report_update(member=world.member(role), cycle=seen, fields={"title": "遅れて届いた表題"},
                         version=seen.version)


SAVES: list[tuple[str, Save, str]] = [
    ("project", save_project, "shoko"), ("summary", save_summary, "shoko"), ("kpi", save_kpi, "shoko"),
    ("actual", save_actual, "shoko"), ("new_kpi", create_kpi, "shoko"), ("project_admin", save_project, "kikaku"),
    ("new_project", create_project, "kikaku"), ("report", save_report, "kikaku"),
]
STEPS = {"submit": ("submit",), "review": ("submit", "review"), "publish": ("submit", "review", "publish")}


def _stored() -> Any:
    return (list(ProjectRecord.objects.order_by("pk").values_list("title", "data", "version")),
            list(KpiRecord.objects.order_by("pk").values_list("name", "data", "version")),
            list(Cycle.objects.order_by("pk").values_list("report", flat=True)))


@pytest.mark.parametrize("steps", list(STEPS), ids=list(STEPS))
@pytest.mark.parametrize(("save", "role"), [(s, r) for _, s, r in SAVES], ids=[n for n, _, _ in SAVES])
def test_a_save_started_before_a_transition_is_refused_after_it(world: "World", save: Save, role: str,
                                                                 steps: str) -> None:
    seen = world.cycle()  # the save's request read the year while it was a draft
    assert seen.state == State.DRAFT
    admin = world.member("kikaku")
    moving = world.cycle()
    for step in STEPS[steps]:  # meanwhile the year moves on
        if step == "publish":  # the carried draft's checks may find errors: publish what the records hold
            Cycle.objects.filter(pk=moving.pk).update(state=State.PUBLISHED)
            continue
        cycle_transition(member=admin, cycle=moving, name=step)
    stored, changes = _stored(), Change.objects.count()
    with pytest.raises((StaleVersion, Denied)) as refused:  # the departments' parts moved too: refused at once
        save(world, role, seen)
    words = ("保存されていません", "提出済み", "編集できません")
    assert any(word in str(refused.value) for word in words), refused.value
    assert _stored() == stored and Change.objects.count() == changes


ENDS = {"submit": State.SUBMITTED, "review": State.REVIEWED, "publish": State.PUBLISHED}


@pytest.mark.parametrize("end", list(ENDS), ids=list(ENDS))
@pytest.mark.parametrize(("save", "role"), [(s, r) for _, s, r in SAVES], ids=[n for n, _, _ in SAVES])
def test_a_year_that_moved_between_the_check_and_the_lock_refuses_the_save(world: "World", save: Save, role: str,
                                                                           end: str) -> None:
    """The narrowest race: the service's first checks saw an open year, the year's state changed before the row
    was locked (the departments' parts not yet moved); the state read again under the lock refuses the save."""
    seen = world.cycle()
    Cycle.objects.filter(pk=seen.pk).update(state=ENDS[end])
    stored, changes = _stored(), Change.objects.count()
    with pytest.raises(StaleVersion, match="保存されていません"):
        save(world, role, seen)
    assert _stored() == stored and Change.objects.count() == changes


@pytest.mark.parametrize(("save", "role"), [(s, r) for _, s, r in SAVES], ids=[n for n, _, _ in SAVES])
def test_a_save_in_a_year_that_did_not_move_still_lands(world: "World", save: Save, role: str) -> None:
    changes = Change.objects.count()
    save(world, role, world.cycle())
    assert Change.objects.count() == changes + 1


# --- public pages and malformed query parameters ---------------------------------------------------------

PUBLIC_PAGES = ["/", "/search/", "/m/isesaki/", "/m/isesaki/2022/", "/m/isesaki/2022/kpi/1/1/",
                "/m/isesaki/2022/export/csv/", "/m/isesaki/2022/export/json/", "/stats/", "/stats/sources/",
                "/stats/m/isesaki/", "/stats/群馬県/"]
PARAMETERS = ["year", "q", "m", "page", "unit", "kind", "prefecture", "judgement", "what"]
MALFORMED = ["²", "\x00", "2022\x00", "9" * 30, "-1", "２０２２", "%'\"<>", "\u202e\ud7ff"]


def test_public_pages_answer_malformed_parameters_without_a_500(world: "World") -> None:
    client = world.client("anonymous")
    answers: dict[tuple[str, str, str], int] = {}
    for page in PUBLIC_PAGES:
        for name in PARAMETERS:
            for value in MALFORMED:
                answers[(page, name, value)] = client.get(page, {name: value}).status_code
        answers[(page, "\x00", "1")] = client.get(page, {"\x00": "1"}).status_code
    assert {key: code for key, code in answers.items() if code not in (200, 400, 404)} == {}
    nul = {key: code for key, code in answers.items() if "\x00" in key[1] + key[2]}
    assert set(nul.values()) == {400}
    assert answers[("/stats/", "year", "²")] == 200  # a year that is no year is ignored: everything is shown


@pytest.mark.parametrize("path", ["/stats/%00/", "/m/isesaki/%00/", "/stats/m/%00/", "/search/%00"])
def test_a_nul_byte_in_the_path_is_a_400_or_404(world: "World", path: str) -> None:
    assert world.client("anonymous").get(path).status_code in (400, 404)


@pytest.mark.parametrize("path", ["/stats/sources/?m=othercity", "/stats/sources/?m=othercity&year=2023",
                                  "/stats/m/othercity/", "/stats/m/othercity/?year=2023", "/m/othercity/",
                                  "/m/othercity/2023/", "/search/?q=秘密の事業", "/stats/", "/stats/群馬県/", "/"])
def test_no_public_page_names_a_municipality_that_published_nothing(world: "World", path: str) -> None:
    response = world.client("anonymous").get(path)
    assert response.status_code in (200, 404)
    assert "他市" not in response.content.decode()


# --- passwords ------------------------------------------------------------------------------------------

WEAK_PASSWORDS = [("password", "よく使われる"), ("12345678", "数字だけ"), ("kikaku2024", "似すぎています"),
                  ("short", "短すぎます")]


@pytest.mark.parametrize(("password", "message"), WEAK_PASSWORDS)
def test_the_password_change_page_refuses_a_weak_password(world: "World", password: str, message: str) -> None:
    from django.contrib.auth import get_user_model

    from kouka.web.ops.demo import DEMO_PASSWORD

    client = world.client("kikaku")
    response = client.post("/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": password,
                                                   "new_password2": password})
    assert response.status_code == 200 and message in response.content.decode()
    assert get_user_model().objects.get(username="kikaku").check_password(DEMO_PASSWORD)


@pytest.mark.parametrize(("password", "message"), [("password", "一般的すぎます"), ("12345678", "数字しか"),
                                                   ("tanaka2024", "似すぎています")])
def test_kouka_adduser_refuses_a_weak_password(tmp_path: Any, password: str, message: str) -> None:
    import subprocess
    import sys
    from pathlib import Path

    kouka = Path(sys.executable).parent / "kouka"
    done = subprocess.run([str(kouka), "adduser", "tanaka", "--municipality", "前橋市", "--slug", "maebashi",
                           "--role", "admin", "--data", str(tmp_path)], input=f"{password}\n{password}\n",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


# --- errors are logged ------------------------------------------------------------------------------------


@pytest.mark.urls("error_urls")
def test_a_500_is_logged_with_its_traceback_to_the_file_and_the_console(tmp_path: Any,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import logging.config

    from django.test import Client

    from kouka.web.settings import logging_config

    log = tmp_path / "logs" / "kouka.log"  # a folder that does not exist yet
    logging.config.dictConfig(logging_config(str(log), "WARNING"))
    try:
        response = Client(raise_request_exception=False).get("/fail/")
    finally:
        logging.config.dictConfig(settings.LOGGING)
    assert response.status_code == 500
    written = log.read_text(encoding="utf-8")
    assert "ERROR django.request" in written and "/fail/" in written
    assert "Traceback (most recent call last)" in written and "RuntimeError: a fault in the server" in written
    assert "RuntimeError: a fault in the server" in capsys.readouterr().err


def test_the_log_file_and_level_come_from_the_environment(tmp_path: Any) -> None:
    import subprocess
    import sys

    script = ("import logging, django; django.setup(); "
              "logging.getLogger('kouka').info('an info line'); logging.getLogger('kouka').error('an error line')")
    log = tmp_path / "site.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kouka.web.settings", "KOUKA_DATA_DIR": str(tmp_path),
           "KOUKA_LOG_FILE": str(log), "KOUKA_LOG_LEVEL": "error"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "an error line" in log.read_text(encoding="utf-8") and "an info line" not in log.read_text(encoding="utf-8")
    assert "an error line" in done.stderr


# --- huge integers in JSON --------------------------------------------------------------------------------

HUGE = "9" * 5000  # past Python's 4,300-digit limit of int(), which json.loads would raise a ValueError on


def huge_document() -> str:
    from paths import EXAMPLE

    text = EXAMPLE.read_text(encoding="utf-8")
    assert '"fiscal_year": 2022' in text
    return text.replace('"fiscal_year": 2022', f'"fiscal_year": {HUGE}', 1)


@pytest.mark.parametrize("command", ["check", "show", "judge"])
def test_a_huge_integer_in_a_json_file_is_exit_2_with_a_message(tmp_path: Any, command: str) -> None:
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "huge.json"
    path.write_text(huge_document(), encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).parent / "kouka"), command, str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "数値の桁数が多すぎます（5,000桁" in done.stderr and "Traceback" not in done.stderr


def test_a_huge_integer_in_an_upload_is_refused_with_a_message(world: "World") -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    stored = _stored()
    response = world.client("kikaku").post(
        "/staff/import/", {"file": SimpleUploadedFile("huge.json", huge_document().encode())})
    assert response.status_code in (200, 400)
    assert "数値の桁数が多すぎます" in response.content.decode()
    assert _stored() == stored


def test_a_huge_integer_in_an_api_body_is_a_400(world: "World") -> None:
    record = _kpi(world)
    response = world.client("token_write").put(
        "/api/staff/cycles/2023/projects/1/kpis/1/actuals/2023",
        data='{"text": "1社", "version": ' + HUGE + "}", content_type="application/json")
    assert response.status_code in (400, 422), response.content[:500]
    record.refresh_from_db()
    assert record.version == _kpi(world).version


# --- backups: signed, and bounded when restored -----------------------------------------------------------


def _edited(data: bytes, change: Callable[[list[Any]], list[Any]]) -> bytes:
    """The dump with its lines changed as someone editing the file would (the footer's signature kept)."""
    import gzip
    import json

    lines = [json.loads(line) for line in gzip.decompress(data).splitlines()]
    return gzip.compress(b"".join(json.dumps(x, ensure_ascii=False).encode() + b"\n" for x in change(lines)))


def _new_superuser(lines: list[Any]) -> list[Any]:
    user = next(line for line in lines[1:-1] if line.get("model") == "auth.user")
    intruder = {"model": "auth.user", "row": user["row"] | {"id": 999, "username": "intruder", "is_superuser": True,
                                                          "is_staff": True}}
    lines[0]["tables"]["auth.user"] += 1
    lines[-1]["rows"] += 1
    return [*lines[:-1], intruder, lines[-1]]


def _forged_title(lines: list[Any]) -> list[Any]:
    for line in lines:
        if line.get("model") == "kouka.publication":
            line["row"]["document"]["reports"][0]["projects"][0]["title"] = "偽の事業名"
    return lines


def _unsigned(lines: list[Any]) -> list[Any]:
    del lines[-1]["signature"]
    return lines


@pytest.mark.parametrize(("edit", "message"), [(_new_superuser, "署名が一致しません"),
                                               (_forged_title, "署名が一致しません"), (_unsigned, "署名がありません")])
def test_a_tampered_backup_is_refused_unless_accepted(world: "World", tmp_path: Any, edit: Any, message: str) -> None:
    from database_support import fresh_database
    from kouka.web.ops import backup

    data = backup.dump_bytes(world.alias)
    assert backup.signature_problem(data) == ""
    tampered = _edited(data, edit)
    with fresh_database("sqlite", tmp_path) as alias:
        with pytest.raises(backup.BackupError, match=message):
            backup.restore_bytes(tampered, alias)
        assert backup._data_rows(alias) == {}
        assert backup.restore_bytes(tampered, alias, accept_unsigned=True) > 50  # told to accept it: restored


def test_a_backup_signed_with_another_key_is_refused(world: "World", settings: Any) -> None:
    from kouka.web.ops import backup

    data = backup.dump_bytes(world.alias)
    settings.KOUKA_BACKUP_KEY = "the key of another installation"
    assert "署名が一致しません" in backup.signature_problem(data)


def test_kouka_restore_refuses_a_tampered_file_and_accepts_it_when_told(world: "World", tmp_path: Any) -> None:
    import subprocess
    import sys
    from pathlib import Path

    from kouka.web.ops import backup

    if world.alias != "default":
        pytest.skip("the command restores into its own SQLite file; the dump's engine does not matter here")
    path = tmp_path / "forged.jsonl.gz"
    path.write_bytes(_edited(backup.dump_bytes(world.alias), _forged_title))
    kouka = str(Path(sys.executable).parent / "kouka")
    refused = subprocess.run([kouka, "restore", str(path), "--data", str(tmp_path / "a")], capture_output=True,
                             text=True, timeout=300)
    assert refused.returncode == 2 and "署名が一致しません" in refused.stderr and "--accept-unsigned" in refused.stderr
    accepted = subprocess.run([kouka, "restore", str(path), "--data", str(tmp_path / "b"), "--accept-unsigned"],
                              capture_output=True, text=True, timeout=300)
    assert accepted.returncode == 0, accepted.stderr
    assert "警告" in accepted.stdout + accepted.stderr and "復元しました" in accepted.stdout


BOMB_CHILD = """
import json, os, resource, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import gzip, zlib
from kouka.web.ops import backup
header = gzip.decompress(backup.dump_bytes("default")).split(b"\\n", 1)[0] + b"\\n"  # a real header of this schema
filler = bytes.fromhex(sys.argv[1])
packer = zlib.compressobj(9, zlib.DEFLATED, 31)
block = filler * (1024 * 1024 // len(filler))
data = b"".join([packer.compress(header), *(packer.compress(block) for _ in range(1024)), packer.flush()])
assert len(data) < 4 * 1024 * 1024, len(data)  # a megabyte or three that inflates to a gigabyte
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    backup.restore_bytes(data, accept_unsigned=sys.argv[2] == "accept")
    outcome = "restored"
except backup.BackupError as exc:
    outcome = str(exc)
print(json.dumps({"seconds": time.perf_counter() - started, "outcome": outcome,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "before_mib": before / 1024}))
"""


@pytest.mark.parametrize("accept", ["check", "accept"])
@pytest.mark.parametrize("filler", [b"\x00", b"\n", b'{"model":"kouka.change","row":{}}\n'],
                         ids=["nul", "lines", "rows"])
def test_a_gzip_bomb_is_refused_early_in_time_and_memory(tmp_path: Any, filler: bytes, accept: str) -> None:
    """A 1 GiB bomb of about a megabyte (the probe's): refused within 5 s and 512 MiB (the signature check,
    and the restore itself when told to accept an unsigned file)."""
    import json
    import subprocess
    import sys

    (tmp_path / "data").mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kouka.web.settings", "KOUKA_DATA_DIR": str(tmp_path / "data"),
           "KOUKA_LOG_FILE": ""}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", BOMB_CHILD, filler.hex(), accept], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # refused for its size, or (restoring rows as they come) for its first row that is no row
    assert result["outcome"] != "restored" and ("行" in result["outcome"] or "上限" in result["outcome"]), result
    if accept == "check" or filler != b'{"model":"kouka.change","row":{}}\n':
        assert "上限を超えます" in result["outcome"], result
    assert result["seconds"] < 5 and result["peak_mib"] < 512, result
