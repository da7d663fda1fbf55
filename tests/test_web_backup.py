"""kouka dump / kouka restore: a rich state dumped, restored into a fresh empty database (SQLite, PostgreSQL and
across them) and compared table by table, row by row, field by field; refusals of a non-empty database and of
damaged or foreign files, leaving nothing behind."""

import gzip
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.apps import apps as current_apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections

from database_support import ENGINES, fresh_database
from kouka.web import mapping
from kouka.web.forms import KpiForm
from kouka.web.models import Comment, Cycle, KpiRecord, Publication, State
from kouka.web.ops import backup

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

Snapshot = dict[str, list[dict[str, Any]]]
NOT_DATA = {"django_migrations", "django_session"}  # migration bookkeeping; sign-ins are not backed up
# SQLite's FTS5 index of the search rows (migration 0008_search): derived from kouka_searchentry by triggers
NOT_DATA |= {"kouka_search_fts", *(f"kouka_search_fts_{part}" for part in ("data", "idx", "docsize", "config"))}


def snapshot(alias: str) -> Snapshot:
    """Every table of the database, every row in primary-key order, every column as Django reads it.

    Content types and permissions (numbered by migrate in each database) are compared by natural key, and so
    are the columns that point to them.
    """
    models = {m._meta.db_table: m for m in current_apps.get_models(include_auto_created=True)}
    tables = set(connections[alias].introspection.table_names())
    assert tables - NOT_DATA <= set(models), f"tables no model describes: {tables - NOT_DATA - set(models)}"
    types = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.using(alias).all()}
    perms = {p.pk: (p.codename, *types[p.content_type_id]) for p in Permission.objects.using(alias).all()}
    natural = {"contenttypes.contenttype": types, "auth.permission": perms}
    result: Snapshot = {}
    for table in sorted(tables - NOT_DATA):
        model = models[table]
        label = model._meta.label_lower
        if label in natural:
            result[table] = [{"key": key} for key in sorted(natural[label].values())]
            continue
        fields = model._meta.local_concrete_fields
        rows = []
        for row in model._base_manager.using(alias).order_by("pk").values(*[f.attname for f in fields]):
            for field in fields:
                target = field.related_model._meta.label_lower if field.related_model else None
                if target in natural and row[field.attname] is not None:
                    row[field.attname] = natural[target][row[field.attname]]
            rows.append(row)
        result[table] = rows
    return result


def kpi_form(world: "World", year: int, **values: str) -> dict[str, Any]:
    record = KpiRecord.objects.get(project__cycle=world.cycle(year), project__number=1, number=1)
    data = KpiForm.initial_for(mapping.kpi_of(record), record.version) | values
    return {k: v for k, v in data.items() if v is not None}


def build_rich_state(world: "World") -> None:
    """Demo data, an edited KPI, まとめ through the API, comments, a correction revision, history, roles."""
    admin, editor, reviewer = world.client("kikaku"), world.client("shoko"), world.client("yushikisha")
    assert editor.post("/staff/2023/projects/1/kpis/1/", kpi_form(world, 2023, actual_2023="90社(速報値)")
                       ).status_code == 302
    version = admin.get("/api/staff/cycles/2023/projects/1").json()["version"]
    assert admin.put("/api/staff/cycles/2023/projects/1/verification", json.dumps(
        {"paragraphs": ["目標を達成した。", "引き続き支援する。"], "version": version}),
        content_type="application/json").status_code == 200
    reviewer.post("/staff/2023/projects/1/comments/", {"text": "数値の根拠を示してください。<script>"})
    admin.post("/staff/2023/projects/2/comments/", {"text": "確認しました"})
    admin.post("/staff/2022/transition/correct/")
    version = KpiRecord.objects.get(project__cycle=world.cycle(2022), project__number=1, number=1).version
    assert admin.put("/api/staff/cycles/2022/projects/1/kpis/1/actuals/2022", json.dumps(
        {"text": "3社", "version": version}), content_type="application/json").status_code == 200
    for step in ("submit", "review"):
        admin.post(f"/staff/2022/transition/{step}/")
    admin.post("/staff/2022/transition/publish/", {"note": "成果目標①の実績値を訂正しました。"})
    assert world.cycle(2022).revision == 2 and world.cycle(2022).state == State.PUBLISHED
    user = get_user_model().objects.create_user("kansa", "kansa@example.jp", "x-kansa-password",
                                                first_name="花子", last_name="監査", is_staff=True, is_active=False)
    group = Group.objects.create(name="監査担当")
    group.permissions.add(Permission.objects.get(codename="view_cycle"))
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="change_kpirecord"))
    LogEntry.objects.create(user=user, content_type=ContentType.objects.get_for_model(Cycle),
                            object_id=str(world.cycle(2023).pk), object_repr="2023", action_flag=CHANGE,
                            change_message="[]")


def test_restore_brings_back_every_table_row_and_field(world: "World", tmp_path: Path) -> None:
    build_rich_state(world)
    before = snapshot(world.alias)
    assert Publication.objects.count() == 2 and Comment.objects.count() == 2
    assert len(before["kouka_change"]) > 10 and before["auth_user_groups"] and before["django_admin_log"]
    path = tmp_path / "kouka.jsonl.gz"
    tables = backup.dump(path, world.alias)
    assert tables["kouka.publication"] == 2 and tables["auth.user"] == 6
    header = backup.read_header(path.read_bytes())
    assert header["migrations"]["kouka"][0] == "0001_initial" and header["engine"] == connections[world.alias].vendor
    for engine in ENGINES:  # the same engine and across engines (SQLite ⇄ PostgreSQL)
        with fresh_database(engine, tmp_path) as alias:
            rows = backup.restore(path, alias)
            after = snapshot(alias)
            assert rows == sum(tables.values())
            assert set(after) == set(before)
            for table in before:
                assert after[table] == before[table], f"{table} differs after {world.alias} → {engine}"
            # primary keys continue after the restored ones (PostgreSQL's sequences were reset)
            municipality = current_apps.get_model("kouka", "Municipality").objects.using(alias).create(
                slug="new", name="新市")
            assert municipality.pk > max(r["id"] for r in before["kouka_municipality"])
            restored = snapshot(alias)
            with pytest.raises(backup.BackupError, match="空ではありません"):  # only into an empty database
                backup.restore(path, alias)
            assert snapshot(alias) == restored


def _rewrite(data: bytes, change: Any) -> bytes:
    lines = [json.loads(line) for line in gzip.decompress(data).splitlines()]
    return gzip.compress(b"\n".join(json.dumps(x, ensure_ascii=False).encode() for x in change(lines)))


def _damage(lines: list[Any]) -> list[Any]:
    last = max(i for i, x in enumerate(lines) if x.get("model") == "kouka.change")
    lines[last]["row"]["at"] = "昨日"
    return lines


def _dangling(lines: list[Any]) -> list[Any]:
    for line in lines:
        if line.get("model") == "kouka.kpirecord":
            line["row"]["project_id"] = 99999
    return lines


def _future(lines: list[Any]) -> list[Any]:
    lines[0]["migrations"]["kouka"].append("0999_from_the_future")
    return lines


def _extra_column(lines: list[Any]) -> list[Any]:
    lines[-2]["row"]["unknown"] = 1
    return lines


EXPECTED = {"junk": "壊れています", "cut": "壊れています", "no_end": "途中で切れています", "foreign": "ではありません",
            "interchange": "ではありません", "bad_value": "読めません", "dangling": "整合しない",
            "future": "知らないスキーマ", "extra_column": "列が一致しません", "not_json": "JSON として読めません",
            "version": "形式の版"}


def test_damaged_or_foreign_file_is_refused_and_leaves_the_database_empty(world: "World", tmp_path: Path) -> None:
    data = backup.dump_bytes(world.alias)
    variants = {
        "junk": b"\x00\xffPK\x03\x04 not a dump",
        "cut": data[: len(data) // 2],
        "no_end": gzip.compress(gzip.decompress(data).rsplit(b"\n", 2)[0] + b"\n"),
        "foreign": gzip.compress(b'{"format": "something-else"}\n'),
        "interchange": gzip.compress(Path("examples/isesaki-2022.json").read_bytes()),
        "bad_value": _rewrite(data, _damage),
        "dangling": _rewrite(data, _dangling),
        "future": _rewrite(data, _future),
        "extra_column": _rewrite(data, _extra_column),
        "not_json": gzip.compress(gzip.decompress(data)[:-40] + b"{oops\n"),
        "version": _rewrite(data, lambda lines: [lines[0] | {"version": 2}, *lines[1:]]),
    }
    assert set(variants) == set(EXPECTED)
    with fresh_database("sqlite", tmp_path) as alias:
        for name, damaged in variants.items():
            with pytest.raises(backup.BackupError, match=EXPECTED[name]):
                backup.restore_bytes(damaged, alias, "backup.jsonl.gz", accept_unsigned=True)
            assert backup._data_rows(alias) == {}, name
            if backup._migration_state(alias):  # the file got past its header: the schema is back at the latest
                call_command("migrate", database=alias, verbosity=0, check_unapplied=True)
        assert backup.restore_bytes(data, alias) > 50  # and the undamaged file restores there


def test_a_dump_made_at_an_older_schema_restores_into_this_one(tmp_path: Path) -> None:
    """Data of the previous release (kouka 0001_initial) dumped there, restored, migrated to the latest."""
    with fresh_database("sqlite", tmp_path) as source:
        call_command("migrate", database=source, verbosity=0)  # the previous release: kouka at 0001_initial
        call_command("migrate", "kouka", "0001_initial", database=source, verbosity=0)
        old = backup._state_apps(source, backup._migration_state(source))
        municipality = old.get_model("kouka", "Municipality").objects.using(source).create(
            slug="isesaki", name="伊勢崎市", code="102040")
        cycle = old.get_model("kouka", "Cycle").objects.using(source).create(
            municipality=municipality, fiscal_year=2022, state="published", revision=1, report={"title": "効果検証"})
        old.get_model("kouka", "Publication").objects.using(source).create(
            cycle=cycle, revision=1, document={"schema": "kouka/1"})
        data = backup.dump_bytes(source)
    assert "0002_cycle_version" not in backup.read_header(data)["migrations"]["kouka"]
    with fresh_database("sqlite", tmp_path) as target:
        backup.restore_bytes(data, target)
        restored = current_apps.get_model("kouka", "Cycle").objects.using(target).get()
        assert restored.report == {"title": "効果検証"} and restored.version == 1  # the new field's default
        assert restored.publications.using(target).get().digest == ""
        call_command("migrate", database=target, verbosity=0, check_unapplied=True)


def test_a_nul_stored_on_sqlite_is_refused_by_a_postgresql_restore_naming_its_line(world: "World",
                                                                                    tmp_path: Path) -> None:
    """Issue 12.4: SQLite keeps a NUL byte that no door let in (written by hand in the database); PostgreSQL's
    text columns cannot hold one. Restoring such a dump there is refused with the line, table and field, and
    the database stays empty; a restore into SQLite takes it as it is."""
    if world.alias != "default" or connections[world.alias].vendor != "sqlite":
        pytest.skip("the NUL is written into a SQLite database")
    if "postgresql" not in ENGINES:
        pytest.skip("no PostgreSQL to restore into (KOUKA_TEST_POSTGRES_URL)")
    build_rich_state(world)
    with connections[world.alias].cursor() as cursor:
        cursor.execute("UPDATE kouka_comment SET text = 'a' || char(0) || 'b' WHERE text = %s", ["確認しました"])
    data = backup.dump_bytes(world.alias)
    with fresh_database("postgresql", tmp_path) as alias:
        with pytest.raises(backup.BackupError, match=r"行目 kouka\.comment\.text: .*NUL"):
            backup.restore_bytes(data, alias, "backup.jsonl.gz")
        assert backup._data_rows(alias) == {}
    with fresh_database("sqlite", tmp_path) as alias:
        assert backup.restore_bytes(data, alias) > 50
        assert Comment.objects.using(alias).filter(text="a\x00b").exists()
