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


@app.command(help=_("kouka dump のファイルを空のデータベースに復元します（署名を確認）"))
def restore(
    file: FileArgument,
    data: DataOption = Path("data"),
    accept_unsigned: Annotated[bool, typer.Option(
        "--accept-unsigned", help=_("署名のない・一致しないファイルも復元します（内容を確かめた場合のみ）"))] = False,
) -> None:
    """kouka dump のファイルを空のデータベースに復元します（署名を確認）"""
    if not file.is_file():
        fail(_("{file} がありません").format(file=file))
    prepare_data(data, "127.0.0.1")
    from kouka.web.ops.backup import BackupError, read_header, restore_bytes, signature_problem

    try:
        content = file.read_bytes()
        read_header(content, str(file))
        problem = signature_problem(content, str(file))
        if problem and not accept_unsigned:
            fail(problem + _("。内容を確かめたうえで --accept-unsigned を付けると復元できます"))
        if problem:
            console.print("[bold red]" + _("警告:") + "[/] "
                          + _("{problem}。--accept-unsigned の指定により復元します").format(problem=problem),
                          highlight=False)
        rows = restore_bytes(content, source=str(file), accept_unsigned=True)
    except OSError as exc:
        fail(_("{file}: 読めません（{strerror}）").format(file=file, strerror=exc.strerror))
    except BackupError as exc:
        fail(str(exc))
    console.print(_("{file} から {rows} 行を復元しました").format(file=file, rows=rows), highlight=False)
