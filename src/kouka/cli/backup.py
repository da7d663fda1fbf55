"""``kouka dump`` and ``kouka restore``: the whole database in one file and back (format in kouka.web.ops.backup)."""

from pathlib import Path
from typing import Annotated

import typer

from kouka.cli import app
from kouka.cli.common import console, fail
from kouka.cli.web import DataOption, prepare_data
from kouka.domain.i18n import _

FileArgument = Annotated[Path, typer.Argument(help=_("バックアップファイル（例: kouka-backup.jsonl.gz）"))]


@app.command(help=_("データベース全体（団体・利用者と役割・報告・公表版・履歴）を1つのファイルに書き出します"))
def dump(file: FileArgument, data: DataOption = Path("data")) -> None:
    """データベース全体（団体・利用者と役割・報告・公表版・履歴）を1つのファイルに書き出します"""
    prepare_data(data, "127.0.0.1")
    from kouka.web.ops.backup import BackupError
    from kouka.web.ops.backup import dump as dump_database

    try:
        tables = dump_database(file)
    except (BackupError, OSError) as exc:
        fail(_("書き出せません（{exc}）").format(exc=exc))
    console.print(_("{file} に {value} 行（{tables} 表）を書き出しました").format(
        file=file, value=sum(tables.values()), tables=len(tables)), highlight=False)


@app.command(help=_("kouka dump のファイルを空のデータベースに復元します"))
def restore(file: FileArgument, data: DataOption = Path("data")) -> None:
    """kouka dump のファイルを空のデータベースに復元します"""
    if not file.is_file():
        fail(_("{file} がありません").format(file=file))
    prepare_data(data, "127.0.0.1")
    from kouka.web.ops.backup import BackupError
    from kouka.web.ops.backup import restore as restore_database

    try:
        rows = restore_database(file)
    except BackupError as exc:
        fail(str(exc))
    console.print(_("{file} から {rows} 行を復元しました").format(file=file, rows=rows), highlight=False)
