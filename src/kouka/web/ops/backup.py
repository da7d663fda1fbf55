"""Backup and restore of a whole kouka database in one file (``kouka dump`` / ``kouka restore``).

Format ``kouka-dump/1``: a gzip-compressed UTF-8 text of JSON lines.

* Line 1, the header: ``{"format": "kouka-dump", "version": 1, "created_at": ISO 8601, "kouka": version,
  "engine": "sqlite"|"postgresql", "migrations": {app: [applied migration names, sorted]},
  "tables": {model label: row count}}``.
* Then one line per row, table by table: ``{"model": "kouka.cycle", "row": {column attname: value}}``.
  Every concrete column is there, the primary key included. Values are JSON: JSON fields as they are,
  dates and times in ISO 8601, decimals and UUIDs as strings, bytes in base64. A foreign key to a table
  that ``migrate`` rebuilds (content types, permissions) is written as that row's natural key, a list
  (``["kouka", "cycle"]``, ``["add_cycle", "kouka", "cycle"]``), since its number differs between databases.
* Last line, the footer: ``{"end": true, "rows": total, "signature": {"algorithm": "hmac-sha256", "mac": hex}}``
  (a cut-off file is recognised). The signature is the HMAC-SHA256 of every byte before the footer line
  (uncompressed), keyed with the administrator's backup key (:func:`backup_key`: ``KOUKA_BACKUP_KEY``, else
  one derived from ``DJANGO_SECRET_KEY``). Restore checks it before it changes anything and refuses a file
  whose signature is missing or does not match (an edited file: a new superuser, a forged publication)
  unless told to accept it (``accept_unsigned``, ``kouka restore --accept-unsigned``).

Decompression is bounded: a restore reads the file as a stream, line by line, and refuses one that inflates
past ``KOUKA_RESTORE_MAX_BYTES`` (default 8 GiB), more than :data:`MAX_RATIO` times its compressed size, or
holds a line longer than :data:`MAX_LINE_BYTES`, as soon as it does (a gzip bomb costs little).

Every table of every installed app is dumped as the database's applied migrations describe it (many-to-many
tables are tables of their own), so a model added later is dumped without changing this module. Left out:
content types and permissions (``migrate`` rebuilds them) and sessions (everyone signs in again).

Restore needs an empty database. It brings the schema to the migrations the dump was made at, inserts every
row with its primary key in one transaction (a failure leaves the database empty), resets PostgreSQL's
sequences and then migrates to the latest schema, so a dump of an older release restores into this one.
"""

import base64
import datetime
import gzip
import hashlib
import hmac
import io
import json
import zlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.apps.registry import Apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from kouka import __version__, interchange
from kouka.atomicfile import write_atomically
from kouka.domain.checks import Finding
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.model import Project
from kouka.domain.validation import kpi_problems, project_problems, report_problems
from kouka.web.mapping import DEFAULT_PROGRAM, REPORT_FIELDS

FORMAT = "kouka-dump"
VERSION = 1
# Tables left out of a dump: migrate rebuilds the first two, sessions are sign-ins, not data.
REBUILT = ("contenttypes.contenttype", "auth.permission")
SKIPPED = (*REBUILT, "sessions.session")

Row = dict[str, Any]
SIGNATURE = "hmac-sha256"
MAX_RATIO = 100  # JSON lines compress 5 to 30 times; a file that inflates 100 times more is a bomb
RATIO_AFTER = 16 * 1024 * 1024  # the ratio is judged once this much is inflated (a tiny file may compress well)
MAX_LINE_BYTES = 256 * 1024 * 1024  # one row: a publication's whole document is a few megabytes
CHUNK = 1024 * 1024


def backup_key() -> bytes:
    """The key backups are signed with: ``KOUKA_BACKUP_KEY``, else one derived from ``DJANGO_SECRET_KEY``."""
    configured: str = getattr(settings, "KOUKA_BACKUP_KEY", "")
    if configured:
        return configured.encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), b"kouka-backup-signature", hashlib.sha256).digest()


def _signer() -> "hmac.HMAC":
    return hmac.new(backup_key(), digestmod=hashlib.sha256)


class BackupError(KoukaError):
    """A dump or restore that cannot be done: a damaged or foreign file, a database that is not empty."""


def _migration_state(using: str) -> dict[str, list[str]]:
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    state: dict[str, list[str]] = {}
    for app, name in sorted(loader.applied_migrations or {}):
        state.setdefault(app, []).append(name)
    return state


def _leaves(loader: MigrationLoader, state: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The last applied migration of every app in ``state`` (those no other applied one of the app follows)."""
    applied = {(app, name) for app, names in state.items() for name in names} & set(loader.graph.node_map)
    graph = loader.graph.node_map
    return sorted(node for node in applied
                  if not any(child in applied and child[0] == node[0] for child in graph[node].children))


def _state_apps(using: str, state: dict[str, list[str]]) -> Apps:
    """The models as the migrations in ``state`` shape them (the historical models)."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return loader.project_state(_leaves(loader, state), at_end=True).apps


def _tables(apps: Apps) -> list[type[models.Model]]:
    """Every table to dump, in an order where a row's foreign keys point to tables listed before it."""
    found = [m for m in apps.get_models(include_auto_created=True)
             if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in SKIPPED]
    ordered: list[type[models.Model]] = []
    pending = sorted(found, key=lambda m: m._meta.label_lower)
    while pending:
        for model in pending:
            targets = {f.related_model._meta.label_lower for f in model._meta.local_concrete_fields
                       if f.is_relation and f.related_model is not None and f.related_model is not model}
            if all(t not in {p._meta.label_lower for p in pending} for t in targets):
                break
        else:  # a cycle of foreign keys: constraints are checked at commit, so any order will do
            model = pending[0]
        ordered.append(model)
        pending.remove(model)
    return ordered


def _natural_keys(apps: Apps, using: str) -> dict[str, dict[Any, list[str]]]:
    """pk → natural key of the rebuilt tables."""
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    types = {pk: [app, model] for pk, app, model in
             content_type._base_manager.using(using).values_list("pk", "app_label", "model")}
    perms = {pk: [codename, *types[ct]] for pk, codename, ct in
             permission._base_manager.using(using).values_list("pk", "codename", "content_type_id")}
    return {"contenttypes.contenttype": types, "auth.permission": perms}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _rows(model: type[models.Model], using: str, keys: dict[str, dict[Any, list[str]]]) -> Iterator[Row]:
    fields = model._meta.local_concrete_fields
    names = [f.attname for f in fields]
    for values in model._base_manager.using(using).order_by("pk").values_list(*names).iterator(chunk_size=2000):
        row: Row = {}
        for field, value in zip(fields, values, strict=True):
            target = field.related_model._meta.label_lower if field.is_relation and field.related_model else None
            if target in REBUILT and value is not None:
                row[field.attname] = keys[target][value]
            elif isinstance(field, models.JSONField):
                row[field.attname] = value
            else:
                row[field.attname] = _encode(value)
        yield row


def dump_bytes(using: str) -> bytes:
    """The whole database ``using`` as a ``kouka-dump/1`` file (gzip'd JSON lines), read in one transaction.

    The tables are read as the applied migrations shape them, so a database not yet migrated to this
    release's schema is dumped as it is (and restored at that schema, then migrated).
    """
    connection = connections[using]
    state = _migration_state(using)
    if not state:
        raise BackupError(_("データベースが初期化されていません（migrate 前）"))
    apps = _state_apps(using, state)
    fresh = not connection.in_atomic_block
    buffer = io.BytesIO()
    with transaction.atomic(using=using):
        if fresh and connection.vendor == "postgresql":  # one consistent snapshot of every table
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        tables = _tables(apps)
        keys = _natural_keys(apps, using)
        counts = {m._meta.label_lower: m._base_manager.using(using).count() for m in tables}
        header = {"format": FORMAT, "version": VERSION, "created_at": timezone.now().isoformat(),
                  "kouka": __version__, "engine": connection.vendor, "migrations": state, "tables": counts}
        total = 0
        signer = _signer()
        with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as out:
            def write(line: bytes) -> None:
                signer.update(line)
                out.write(line)

            write(_line(header))
            for model in tables:
                label = model._meta.label_lower
                for row in _rows(model, using, keys):
                    write(_line({"model": label, "row": row}))
                    total += 1
            out.write(_line({"end": True, "rows": total,
                             "signature": {"algorithm": SIGNATURE, "mac": signer.hexdigest()}}))
    if total != sum(counts.values()):
        raise BackupError(_("読み取り中にデータが変わりました"))
    return buffer.getvalue()


def _line(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def dump(path: str | Path, using: str = "default") -> dict[str, int]:
    """Write the dump of ``using`` to ``path`` atomically; the row count of every table."""
    data = dump_bytes(using)
    write_atomically(path, data)
    header = read_header(data)
    tables: dict[str, int] = header["tables"]
    return tables


# --- restore -------------------------------------------------------------------------------------------


def _not_gzip(source: str, reason: object) -> BackupError:
    return BackupError(_("{source}: kouka のバックアップファイルではないか、壊れています（gzip として読めません）（"
                         "{reason}）").format(source=source, reason=reason))


def _inflated(data: bytes, source: str) -> Iterator[bytes]:
    """The uncompressed bytes of a gzip file, a megabyte at a time, refused as soon as they grow past the limits."""
    limit: int = getattr(settings, "KOUKA_RESTORE_MAX_BYTES", 8 * 1024 ** 3)
    inflater = zlib.decompressobj(wbits=31)  # gzip
    pending, total = data, 0
    while not inflater.eof:
        try:
            chunk = inflater.decompress(pending, CHUNK)
        except zlib.error as exc:
            raise _not_gzip(source, exc) from exc
        pending = inflater.unconsumed_tail
        if not chunk and not pending:
            raise _not_gzip(source, _("圧縮データが途中で終わっています"))
        total += len(chunk)
        if total > limit or (total > RATIO_AFTER and total > MAX_RATIO * (len(data) - len(pending))):
            raise BackupError(_("{source}: 展開後の大きさが上限を超えます（{total:,} MiB を超えたところで中止、"
                                "圧縮後 {size:,} MiB）").format(source=source, total=total // 1024 ** 2,
                                                              size=len(data) // 1024 ** 2))
        yield chunk


def _too_long(source: str) -> BackupError:
    return BackupError(_("{source}: 1行が長すぎます（{limit} MiB 超）").format(source=source,
                                                                            limit=MAX_LINE_BYTES // 1024 ** 2))


def _raw_lines(data: bytes, source: str) -> Iterator[bytes]:
    """The non-empty lines of a dump file (without their newline), one at a time."""
    held: list[bytes] = []  # the start of a line that continues in the next chunk
    held_bytes = 0
    for chunk in _inflated(data, source):
        lines = chunk.split(b"\n")
        if len(lines) > 1:
            lines[0] = b"".join([*held, lines[0]])
            held, held_bytes = [], 0
            yield from filter(None, lines[:-1])
        held.append(lines[-1])
        held_bytes += len(lines[-1])
        if held_bytes > MAX_LINE_BYTES:
            raise _too_long(source)
    if held_bytes:
        yield b"".join(held)


def _signed_part(data: bytes, source: str) -> tuple["hmac.HMAC", bytes]:
    """The HMAC of every byte before the last line, and that last line (the footer), read as a stream in time
    proportional to the file (each chunk is searched for its last two newlines; nothing is split per line)."""
    signer = _signer()
    last = b""  # the last complete line seen (with its newline), not hashed yet: it may be the footer
    partial: list[bytes] = []  # the line begun after it
    partial_bytes = 0
    for chunk in _inflated(data, source):
        newline = chunk.rfind(b"\n")
        if newline < 0:
            partial.append(chunk)
            partial_bytes += len(chunk)
            if partial_bytes > MAX_LINE_BYTES:
                raise _too_long(source)
            continue
        signer.update(last)
        before = chunk.rfind(b"\n", 0, newline)
        if before < 0:
            last = b"".join([*partial, chunk[:newline + 1]])
        else:
            signer.update(b"".join([*partial, chunk[:before + 1]]))
            last = chunk[before + 1:newline + 1]
        partial = [chunk[newline + 1:]]
        partial_bytes = len(partial[0])
    tail = b"".join(partial)
    if tail.strip():  # a file that does not end with a newline: its last line is the footer
        signer.update(last)
        return signer, tail.strip()
    return signer, last.strip()


def signature_problem(data: bytes, source: str = "dump") -> str:
    """Why the signature of a dump cannot be trusted ("" when it matches the backup key): no signature (a file
    of an older kouka, or one rewritten by hand), or one that does not match (edited, or signed with another
    key). Reads the whole file once (bounded as a restore is)."""
    signer, last = _signed_part(data, source)
    try:
        footer = json.loads(last)
    except (UnicodeDecodeError, json.JSONDecodeError):
        footer = None
    signature = footer.get("signature") if isinstance(footer, dict) else None
    if not isinstance(signature, dict) or signature.get("algorithm") != SIGNATURE:
        return _("{source}: 署名がありません（古い kouka のファイルか、書き換えられたファイルです）").format(
            source=source)
    if not hmac.compare_digest(str(signature.get("mac", "")), signer.hexdigest()):
        return _("{source}: 署名が一致しません。ファイルが書き換えられたか、別の鍵（KOUKA_BACKUP_KEY）で"
                 "作られています").format(source=source)
    return ""


def _lines(data: bytes, source: str) -> Iterator[Any]:
    """The decoded JSON lines of a dump file; :class:`BackupError` for anything that is not one."""
    for number, line in enumerate(_raw_lines(data, source), start=1):
        if not line:
            continue
        try:
            yield json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BackupError(_("{source} {number}行目: JSON として読めません（ファイルが壊れています）（"
                                "{exc}）").format(source=source, number=number, exc=exc)) from exc


def read_header(data: bytes, source: str = "dump") -> dict[str, Any]:
    """The header of a dump, checked to be a ``kouka-dump`` of a version this kouka reads."""
    try:
        header = next(iter(_lines(data, source)), None)
    except BackupError as exc:
        if "JSON" not in str(exc):
            raise
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(_("{source}: kouka のバックアップファイルではありません").format(source=source))
    if header.get("version") != VERSION:
        raise BackupError(_("{source}: 形式の版 {value!r} は読めません（{VERSION} のみ）").format(
            source=source, value=header.get("version"), VERSION=VERSION))
    migrations = header.get("migrations")
    if not isinstance(migrations, dict) or not all(
            isinstance(names, list) and all(isinstance(n, str) for n in names) for names in migrations.values()):
        raise BackupError(_("{source}: ヘッダーのマイグレーション情報が壊れています").format(source=source))
    return header


def _check_known(header: dict[str, Any], loader: MigrationLoader, source: str) -> None:
    unknown = [f"{app}.{name}" for app, names in header["migrations"].items() for name in names
               if (app, name) not in loader.graph.nodes]
    if unknown:
        raise BackupError(_("{source}: このバージョンの kouka が知らないスキーマで作られています（新しい k"
                            "ouka か別のアプリのファイル）（{value}）").format(
            source=source, value=", ".join(unknown[:5])))


def _data_rows(using: str) -> dict[str, int]:
    """Tables of the current schema that hold rows (sessions, content types and permissions aside)."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    apps = _state_apps(using, _migration_state(using))
    counts = {model._meta.label_lower: model._base_manager.using(using).count()
              for model in _tables(apps) if model._meta.db_table in existing}
    return {label: count for label, count in counts.items() if count}


def _migrate_back(using: str, targets: list[tuple[str, str]]) -> None:
    """Unapply migrations of an empty database down to ``targets`` (no post-migrate signals at an old schema)."""
    if targets:
        executor = MigrationExecutor(connections[using])
        executor.migrate(targets)


def _resolver(apps: Apps, using: str) -> Callable[[str, list[Any]], Any]:
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    found: dict[tuple[str, tuple[Any, ...]], Any] = {}

    def resolve(target: str, key: list[Any]) -> Any:
        cached = (target, tuple(key))
        if cached not in found:
            query = (content_type._base_manager.filter(app_label=key[0], model=key[1])
                     if target == "contenttypes.contenttype" and len(key) == 2 else
                     permission._base_manager.filter(codename=key[0], content_type__app_label=key[1],
                                                     content_type__model=key[2])
                     if target == "auth.permission" and len(key) == 3 else None)
            pk = query.using(using).values_list("pk", flat=True).first() if query is not None else None
            if pk is None:
                raise BackupError(_("{target} {key} が復元先にありません").format(target=target, key=key))
            found[cached] = pk
        return found[cached]

    return resolve


def _instance(model: type[models.Model], row: Any, resolve: Callable[[str, list[Any]], Any],
              number: int) -> models.Model:
    fields = {f.attname: f for f in model._meta.local_concrete_fields}
    if not isinstance(row, dict) or set(row) != set(fields):
        extra = sorted(set(row) - set(fields)) if isinstance(row, dict) else []
        missing = sorted(set(fields) - set(row)) if isinstance(row, dict) else []
        raise BackupError(_("{number}行目 {label_lower}: 列が一致しません（余分 {extra}、不足 {missing}）").format(
            number=number, label_lower=model._meta.label_lower, extra=extra, missing=missing))
    values: dict[str, Any] = {}
    for name, value in row.items():
        field = fields[name]
        target = field.related_model._meta.label_lower if field.is_relation and field.related_model else None
        try:
            if target in REBUILT and value is not None:
                values[name] = resolve(target, value)
            elif isinstance(field, models.JSONField) or value is None:
                values[name] = value
            elif isinstance(field, models.DurationField):
                values[name] = datetime.timedelta(seconds=value)
            else:
                values[name] = field.to_python(value)
        except (TypeError, ValueError, IndexError, ValidationError) as exc:
            raise BackupError(_("{number}行目 {label_lower}.{name}: 値 {value!r} が読めません").format(
                number=number, label_lower=model._meta.label_lower, name=name, value=value)) from exc
    return model(**values)


def _content_problems(label: str, row: Any, projects: dict[Any, int]) -> list[Finding]:
    """What a restored row of report content (a year's report, a project, a KPI: what staff edit) holds that
    may not be stored (:mod:`kouka.domain.validation`).

    ``projects`` maps each restored project's key to its number (for naming a KPI: 事業① 成果目標②)."""
    if label == "kouka.cycle":
        report = {"program": dict(DEFAULT_PROGRAM), "introduction": [],
                  **{k: v for k, v in dict(row.report).items() if k in REPORT_FIELDS},
                  "municipality": {"name": "－"}, "fiscal_year": row.fiscal_year, "projects": []}
        return report_problems(interchange.report_from_json(report))
    if label == "kouka.projectrecord":
        projects[row.pk] = row.number
        project = {**dict(row.data), "number": row.number, "title": row.title, "kpis": []}
        project.setdefault("departments", [])
        return project_problems(interchange.project_from_json(project), "$", with_kpis=False)
    if label == "kouka.kpirecord":
        kpi = interchange.kpi_from_json({**dict(row.data), "number": row.number, "name": row.name,
                                         "unit": row.unit})
        return kpi_problems(kpi, Project(projects.get(row.project_id, 0), "", 0, 0), "$")
    return []  # a publication is a frozen copy of records that passed this check (its signature: the backup's)


def _check_content(label: str, row: Any, projects: dict[Any, int], where: str) -> None:
    """Refuse a restored record of report content that may not be stored, naming its line and field."""
    try:
        problems = _content_problems(label, row, projects)
    except (KoukaError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BackupError(_("{where} {label}: 報告の内容が読めません（{exc}）").format(
            where=where, label=label, exc=exc)) from exc
    if problems:
        raise BackupError(_("{where} {label}: 保存できない値があります: {items}").format(
            where=where, label=label, items="／".join(f.sentence for f in problems)))


def holds_nul(value: Any) -> bool:
    """Whether ``value`` (a restored row's column: text, or JSON of lists and objects) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(v) for v in value)
    return False


def _refuse_nul(row: Any, label: str, number: int) -> None:
    """PostgreSQL cannot store a NUL character (SQLite can, when it was written there by hand): name the line
    and column that holds one, before anything of the file is stored."""
    for name, value in (row.items() if isinstance(row, dict) else ()):
        if holds_nul(value):
            raise BackupError(_("{number}行目 {label}.{name}: PostgreSQL に保存できない文字（NUL、0x00）があります。"
                                "元のデータベースでこの値を直してから、もう一度バックアップしてください").format(
                number=number, label=label, name=name))


def _load(data: bytes, using: str, apps: Apps, header: dict[str, Any], source: str) -> int:
    tables = {m._meta.label_lower: m for m in _tables(apps)}
    resolve = _resolver(apps, using)
    counts: dict[str, int] = {}
    total = -1
    ended = False
    projects: dict[Any, int] = {}
    for number, item in enumerate(_lines(data, source), start=1):
        if number == 1:
            continue
        if ended:
            raise BackupError(_("{source} {number}行目: 終端の後にデータがあります").format(
                source=source, number=number))
        if isinstance(item, dict) and item.get("end") is True:
            ended, total = True, item.get("rows", -1)
            continue
        label = item.get("model") if isinstance(item, dict) else None
        model = tables.get(label) if isinstance(label, str) else None
        if model is None:
            raise BackupError(_("{source} {number}行目: 不明な表 {label!r}").format(
                source=source, number=number, label=label))
        if connections[using].vendor == "postgresql":
            _refuse_nul(item.get("row"), model._meta.label_lower, number)
        instance = _instance(model, item.get("row"), resolve, number)
        _check_content(model._meta.label_lower, instance, projects, _("{source} {number}行目").format(
            source=source, number=number))
        instance.save_base(raw=True, force_insert=True, using=using)
        counts[model._meta.label_lower] = counts.get(model._meta.label_lower, 0) + 1
    if not ended:
        raise BackupError(_("{source}: ファイルが途中で切れています（終端がありません）").format(source=source))
    expected = {k: v for k, v in header.get("tables", {}).items() if v}
    if total != sum(counts.values()) or counts != expected:
        raise BackupError(_("{source}: 行数がヘッダーと一致しません").format(source=source))
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(tables.values()))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return total


def restore_bytes(data: bytes, using: str = "default", source: str = "dump", *, accept_unsigned: bool = False) -> int:
    """Restore a dump into the empty database ``using``; the number of rows restored.

    The database may be new (no tables) or migrated; it must hold no data. On any failure nothing stays. A file
    whose signature is missing or wrong (:func:`signature_problem`) is refused before anything is changed,
    unless ``accept_unsigned``.
    """
    header = read_header(data, source)
    problem = "" if accept_unsigned else signature_problem(data, source)
    if problem:
        raise BackupError(problem + _("。信頼できるファイルであることを確かめたうえで --accept-unsigned を付けると"
                                      "復元できます"))
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError(_("復元はトランザクションの外で実行してください"))
    call_command("migrate", database=using, interactive=False, verbosity=0)  # creates the tables of a new one
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    _check_known(header, loader, source)
    occupied = _data_rows(using)
    if occupied:
        raise BackupError(_("復元先のデータベースが空ではありません（{tables}）。空のデータベースにのみ復"
                            "元できます").format(
            tables=_("、").join(_("{table} {count}行").format(table=label, count=count)
                                for label, count in sorted(occupied.items())[:5])))
    latest = _leaves(loader, _migration_state(using))
    wanted = _leaves(loader, header["migrations"])
    back = [target for target in wanted if target not in latest]
    try:
        _migrate_back(using, back)  # an empty database: the schema the dump was made at
        apps = _state_apps(using, header["migrations"])
        try:
            with transaction.atomic(using=using):
                return _load(data, using, apps, header, source)
        except IntegrityError as exc:
            raise BackupError(_("{source}: 整合しないデータです（参照先のない行など）（{exc}）").format(
                source=source, exc=exc)
                              ) from exc
        except DatabaseError as exc:
            raise BackupError(_("{source}: 復元できません（{exc}）").format(source=source, exc=exc)) from exc
    finally:
        if back:
            call_command("migrate", database=using, interactive=False, verbosity=0)


def restore(path: str | Path, using: str = "default", *, accept_unsigned: bool = False) -> int:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BackupError(_("{path}: 読めません（{strerror}）").format(path=path, strerror=exc.strerror)) from exc
    return restore_bytes(data, using, str(path), accept_unsigned=accept_unsigned)
