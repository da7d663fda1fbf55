"""Migrations: a new empty database migrates to the latest schema, the models need no new migration, a migration
once written never changes what it does, and data of the previous release's schema (kouka 0001_initial) survives
the migrations to the latest, on SQLite and PostgreSQL (fresh databases of their own, so the shared test databases
are untouched)."""

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation

from database_support import ENGINES, fresh_database
from kouka.web.models import Change, Comment, Cycle, KpiRecord, Membership, ProjectRecord, Publication

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))
PREVIOUS = ("kouka", "0001_initial")

# What each migration does, as the SHA-256 (first 16 hex digits) of its dependencies and operations in the
# canonical form below, recorded when it was written. Databases and the backups of older releases hold these
# migrations as applied; one that changed would leave their schema different from a new database's. The
# migrations were rewritten compactly once (with kouka.web.migrations.shapes); their digests, and the SQL
# `sqlmigrate` prints on SQLite and PostgreSQL, were the same before and after.
SHIPPED = {
    "0001_initial": "2b04b97c7ca007c5",
    "0002_cycle_version": "789a919dc2c819a2",
    "0003_kpi_fact": "d769c073864feea6",
    "0004_publication_digest": "8e8d278598ed43e8",
    "0005_rollups": "5f6ed724df4ccca0",
    "0006_people": "af93d70dbd39d1d2",
    "0008_search": "3e4dcc6b53bc23ca",
    "0009_cycle": "e4af5a0e6aa48180",
    "0011_tasks": "edd3fe085f22dd0f",
    "0012_review_supplied": "630f4b9e41ec7799",
}


def canonical(value: Any) -> Any:
    """Operations, fields, indexes and constraints by what they deconstruct to; functions by their name."""
    if isinstance(value, Operation):
        name, args, kwargs = value.deconstruct()
        return [name, canonical(list(args)), canonical(kwargs)]
    if isinstance(value, models.Field | models.Index | models.BaseConstraint):
        path, args, kwargs = value.deconstruct()[-3:]
        return [path, canonical(list(args)), canonical(kwargs)]
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [type(value).__name__, [canonical(item) for item in value]]
    if callable(value):
        return f"{value.__module__}.{value.__qualname__}"
    return repr(value)


def test_a_migration_once_written_does_the_same_for_ever() -> None:
    """Every migration's digest is the one recorded (a new migration's is added to SHIPPED when it is written)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    done = {}
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app == "kouka":
            text = json.dumps(canonical({"dependencies": migration.dependencies, "initial": migration.initial,
                                         "replaces": migration.replaces, "operations": migration.operations}),
                              ensure_ascii=False, sort_keys=True)
            done[name] = hashlib.sha256(text.encode()).hexdigest()[:16]
    assert done == SHIPPED


def test_models_need_no_new_migration_and_have_one_leaf() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # SystemExit(1) if a change is missing
    assert len(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("kouka")) == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_an_empty_database_migrates_to_the_latest(engine: str, tmp_path: Path) -> None:
    with fresh_database(engine, tmp_path) as alias:
        assert connections[alias].introspection.table_names() == []
        call_command("migrate", database=alias, verbosity=0)
        executor = MigrationExecutor(connections[alias])
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
        tables = set(connections[alias].introspection.table_names())
        for model in current_apps.get_models(include_auto_created=True):
            assert model._meta.db_table in tables, model._meta.label
            assert model._base_manager.using(alias).count() == 0 or model._meta.label in (
                "contenttypes.ContentType", "auth.Permission")


@pytest.mark.parametrize("engine", ENGINES)
def test_data_of_the_previous_schema_survives_the_migrations(engine: str, tmp_path: Path) -> None:
    with fresh_database(engine, tmp_path) as alias:
        call_command("migrate", database=alias, verbosity=0)
        executor = MigrationExecutor(connections[alias])
        executor.migrate([PREVIOUS])  # the previous release's schema
        executor.loader.build_graph()
        assert "version" not in {c.name for c in connections[alias].introspection.get_table_description(
            connections[alias].cursor(), "kouka_cycle")}
        old = executor.loader.project_state(sorted(executor.loader.applied_migrations or {})).apps

        def make(model: str, **values: object) -> int:
            app, name = model.split(".")
            pk: int = old.get_model(app, name)._base_manager.using(alias).create(**values).pk
            return pk

        user = make("auth.User", username="kikaku", password="md5$x$y", email="kikaku@example.jp",
                    first_name="太郎", last_name="企画", is_staff=True, date_joined=datetime.datetime(
                        2023, 4, 1, 9, 0, tzinfo=datetime.UTC))
        town = make("kouka.Municipality", slug="isesaki", name="伊勢崎市", prefecture="群馬県", code="102040")
        department = make("kouka.Department", municipality_id=town, name="商工労働課")
        member = make("kouka.Membership", user_id=user, municipality_id=town, role="admin")
        old.get_model("kouka", "Membership").departments.through._base_manager.using(alias).create(
            membership_id=member, department_id=department)
        cycle = make("kouka.Cycle", municipality_id=town, fiscal_year=2022, state="published", revision=1,
                     report={"title": "地方創生推進交付金事業の効果検証", "stated_total_yen": 14727544})
        project = make("kouka.ProjectRecord", cycle_id=cycle, number=1, title="産業ニューノーマル創出事業",
                       data={"verification": ["目標を達成した。"]}, version=3)
        make("kouka.KpiRecord", project_id=project, number=1, name="創業者数", unit="社",
             data={"actuals": {"2022": {"text": "2社"}}}, version=2)
        make("kouka.Comment", project_id=project, author_id=user, text="確認しました")
        make("kouka.Publication", cycle_id=cycle, revision=1, note="", document={"schema": "kouka/1"},
             published_by_id=user)
        make("kouka.Change", municipality_id=town, cycle_id=cycle, user_id=user, action="workflow:publish",
             target="2022年度 公表する", before={"state": "reviewed"}, after={"state": "published"})

        call_command("migrate", database=alias, verbosity=0)  # to the latest

        executor = MigrationExecutor(connections[alias])
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
        stored = Cycle.objects.using(alias).get(pk=cycle)
        assert (stored.state, stored.revision, stored.report["stated_total_yen"]) == ("published", 1, 14727544)
        assert stored.version == 1  # the field 0002 added, at its default
        publication = Publication.objects.using(alias).get(cycle=stored)
        assert publication.document == {"schema": "kouka/1"} and publication.digest == ""  # 0004's default
        record = ProjectRecord.objects.using(alias).get(pk=project)
        assert record.version == 3 and record.data == {"verification": ["目標を達成した。"]}
        kpi = KpiRecord.objects.using(alias).get(project=record)
        assert kpi.version == 2 and kpi.data["actuals"]["2022"]["text"] == "2社"
        membership = Membership.objects.using(alias).select_related("user").get(pk=member)
        assert membership.user.email == "kikaku@example.jp" and membership.user.check_password("wrong") is False
        assert [d.name for d in membership.departments.using(alias).all()] == ["商工労働課"]
        assert Comment.objects.using(alias).get().text == "確認しました"
        assert Change.objects.using(alias).get().after == {"state": "published"}
