"""The public search's index (issue 12): SearchEntry, its full-text index on each backend, and its rows made
from every cycle's latest publication.

SQLite: an FTS5 table with the trigram tokenizer over ``kouka_searchentry.text`` (external content), kept by
triggers. PostgreSQL: a GIN index with pg_trgm's ``gin_trgm_ops``; when the extension is neither installed
nor installable by this role (it is a trusted extension from PostgreSQL 13, so a database owner may create
it), the index is left out and the search scans the table.

A later migration that makes Django remake ``kouka_searchentry`` on SQLite (altering a column) must create
these triggers again.
"""

from django.db import DatabaseError, migrations, models, transaction

from kouka.web.migrations.shapes import after, belongs_to, indexes, key

SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE kouka_search_fts USING fts5(text, content='kouka_searchentry', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER kouka_search_ai AFTER INSERT ON kouka_searchentry BEGIN "
    "INSERT INTO kouka_search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER kouka_search_ad AFTER DELETE ON kouka_searchentry BEGIN "
    "INSERT INTO kouka_search_fts(kouka_search_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER kouka_search_au AFTER UPDATE ON kouka_searchentry BEGIN "
    "INSERT INTO kouka_search_fts(kouka_search_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO kouka_search_fts(rowid, text) VALUES (new.id, new.text); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS kouka_search_ai", "DROP TRIGGER IF EXISTS kouka_search_ad",
               "DROP TRIGGER IF EXISTS kouka_search_au", "DROP TABLE IF EXISTS kouka_search_fts"]
POSTGRES_INDEX = "CREATE INDEX kouka_search_trgm ON kouka_searchentry USING gin (text gin_trgm_ops)"


def pg_trgm_available(connection) -> bool:  # type: ignore[no-untyped-def]
    """pg_trgm is installed, or this role may install it now (tried in a savepoint: a refusal is no error)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            return True
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:  # not available on this server, or not allowed to this role
            return False
    return True


def create_index(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for statement in SQLITE_INDEX:
            schema_editor.execute(statement)
    elif connection.vendor == "postgresql" and pg_trgm_available(connection):
        schema_editor.execute(POSTGRES_INDEX)


def drop_index(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kouka_search_trgm")


def fill(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    """The rows of every latest publication stored before this migration."""
    from kouka.interchange import document_from_json
    from kouka.web.stats.search import entry_values

    alias = schema_editor.connection.alias
    publication = apps.get_model("kouka", "Publication")
    entry = apps.get_model("kouka", "SearchEntry")
    latest = (publication.objects.using(alias).filter(revision=models.F("cycle__revision"))
              .values_list("cycle_id", "cycle__municipality_id", "document"))
    batch = []
    for cycle_id, municipality_id, document in latest.iterator(chunk_size=200):
        if not isinstance(document, dict) or not document.get("reports"):
            continue  # nothing to find in a publication without a report
        for row in entry_values(document_from_json(document).reports[0]):
            batch.append(entry(cycle_id=cycle_id, municipality_id=municipality_id, **row))
        if len(batch) >= 2000:
            entry.objects.using(alias).bulk_create(batch)
            batch = []
    entry.objects.using(alias).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [after("0006_people")]
    operations = [
        migrations.CreateModel(name="SearchEntry", fields=[
            key(),
            ("fiscal_year", models.PositiveSmallIntegerField(verbose_name="年度")),
            ("project_number", models.PositiveSmallIntegerField(verbose_name="事業番号")),
            ("title", models.TextField(verbose_name="事業名")),
            ("kpis", models.JSONField(default=list)),
            ("text", models.TextField()),
            belongs_to("cycle", "search_entries"),
            belongs_to("municipality", "search_entries"),
        ], options={"indexes": indexes(("search_order", ["-fiscal_year", "cycle", "project_number"]))}),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
