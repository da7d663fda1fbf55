"""``kouka dump`` and ``kouka restore``: the whole database in one file and back (format in kouka.web.ops.backup)."""

from pathlib import Path
from typing import Annotated

import typer

from kouka.cli import app
from kouka.cli.common import console, fail
from kouka.cli.web import DataOption, prepare_data

FileArgument = Annotated[Path, typer.Argument(help="バックアップファイル（例: kouka-backup.jsonl.gz） / dump file")]


@app.command()
def dump(file: FileArgument, data: DataOption = Path("data")) -> None:
    """データベース全体（団体・利用者と役割・報告・公表版・履歴）を1つのファイルに書き出します / dump everything."""
    prepare_data(data, "127.0.0.1")
    from kouka.web.ops.backup import BackupError
    from kouka.web.ops.backup import dump as dump_database

    try:
        tables = dump_database(file)
    except (BackupError, OSError) as exc:
        fail(f"書き出せません / cannot dump: {exc}")
    console.print(f"{file} に {sum(tables.values())} 行（{len(tables)} 表）を書き出しました / dumped", highlight=False)


@app.command()
def restore(
    file: FileArgument,
    data: DataOption = Path("data"),
    accept_unsigned: Annotated[bool, typer.Option(
        "--accept-unsigned", help="署名のない・一致しないファイルも復元します（内容を確かめた場合のみ） / "
                                  "restore a file whose signature is missing or wrong")] = False,
) -> None:
    """kouka dump のファイルを空のデータベースに復元します（署名を確認） / restore a dump into an empty database."""
    if not file.is_file():
        fail(f"{file} がありません / no such file")
    prepare_data(data, "127.0.0.1")
    from kouka.web.ops.backup import BackupError, read_header, restore_bytes, signature_problem

    try:
        content = file.read_bytes()
        read_header(content, str(file))
        problem = signature_problem(content, str(file))
        if problem and not accept_unsigned:
            fail(problem + "。内容を確かめたうえで --accept-unsigned を付けると復元できます / check the file, then "
                 "use --accept-unsigned")
        if problem:
            console.print(f"[bold red]警告 / warning:[/] {problem}。--accept-unsigned の指定により復元します",
                          highlight=False)
        rows = restore_bytes(content, source=str(file), accept_unsigned=True)
    except OSError as exc:
        fail(f"{file}: 読めません / cannot read: {exc.strerror}")
    except BackupError as exc:
        fail(str(exc))
    console.print(f"{file} から {rows} 行を復元しました / restored", highlight=False)
