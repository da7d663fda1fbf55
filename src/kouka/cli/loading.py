"""kouka load / export-db: the database in bulk — many interchange files in, every published report out.

Both work on the database of ``kouka serve`` (the SQLite file in ``--data``) or on ``--database-url``
(``postgresql://…``), applying migrations first. What ``kouka load`` does with each report, and with one that is
already there, is described in :mod:`kouka.web.ops.bulkload`.
"""

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kouka.cli import app
from kouka.cli.common import EXIT_OK, EXIT_UNREADABLE, console, error_console, fail
from kouka.cli.national import interchange_files
from kouka.cli.web import prepare_data

DataOption = Annotated[Path, typer.Option("--data", help="データフォルダ（SQLite） / data folder (SQLite)")]
UrlOption = Annotated[str | None, typer.Option("--database-url", help="postgresql://… (default: DATABASE_URL or "
                                                                      "the SQLite file in --data)")]


def _database(data: Path, url: str | None) -> None:
    if url:
        os.environ["DATABASE_URL"] = url
    prepare_data(data, "127.0.0.1")


def _refresh_rollups() -> None:
    """Remake the dashboards' rollups now if the load changed the facts, so the first dashboard request
    after a load does not have to (:mod:`kouka.web.stats.rollup`)."""
    from kouka.web.stats import rollup

    try:
        with error_console.status("集計表を更新しています / updating the dashboards' rollups"):
            rollup.ensure_fresh()
    except KeyboardInterrupt:
        error_console.print("中断しました。読み込んだ報告は保存済みで、集計表は最初の集計画面の表示で作り直されます / "
                            "interrupted: the reports are saved; the rollups are remade on the first dashboard view")
        raise typer.Exit(130) from None


@app.command("load")
def load_command(
    paths: Annotated[list[Path], typer.Argument(help="kouka JSON files or directories / 交換形式のファイル・フォルダ")],
    batch: Annotated[int, typer.Option("--batch", help="reports per transaction / 1トランザクションの報告数")] = 200,
    atomic: Annotated[bool, typer.Option("--atomic", help="all or nothing: one transaction for the whole load / "
                                                          "全部読み込むか何もしないか")] = False,
    revise: Annotated[bool, typer.Option("--revise/--refuse-changed",
                                         help="a report published before with other content: publish a new "
                                              "revision, or refuse the file / 内容の異なる公表済み報告の扱い")]
    = True,
    data: DataOption = Path("data"),
    database_url: UrlOption = None,
) -> None:
    """交換形式のファイルを公表済みの報告として一括で読み込みます（再実行で続きから） / bulk-load published reports."""
    files = list(interchange_files(paths))
    if not files:
        fail("交換形式のファイルがありません / no kouka JSON files found in " + ", ".join(map(str, paths)))
    if batch < 1:
        fail(f"--batch は1以上です / --batch must be at least 1, not {batch}")
    _database(data, database_url)
    from django.db import DatabaseError

    from kouka.web.ops.bulkload import FaultInjected, LoadSummary, ParsedFile, load

    columns = (TextColumn("[bold]読み込み / load[/]"), BarColumn(), MofNCompleteColumn(),
               TextColumn("報告 {task.fields[reports]:,}・失敗 {task.fields[failed]}"), TimeElapsedColumn())
    with Progress(*columns, console=error_console, transient=True) as progress:
        task = progress.add_task("", total=len(files), reports=0, failed=0)

        def advance(group: list[ParsedFile], summary: LoadSummary) -> None:
            progress.update(task, advance=len(group), reports=summary.reports, failed=len(summary.failures))

        try:
            summary = load(files, batch_reports=batch, atomic=atomic, revise=revise, progress=advance)
        except (DatabaseError, FaultInjected) as exc:
            kept = ("何も書き込んでいません / nothing was written" if atomic else
                    "書き込み中のバッチは取り消し、それまでのバッチは保存済みです。再実行で続きから読み込みます / "
                    "the batch in progress was rolled back; run again to continue")
            fail(f"読み込みが途中で止まりました / the load stopped: {exc}（{kept}）")
        except KeyboardInterrupt:
            error_console.print("中断しました。再実行で続きから読み込みます / interrupted; run again to continue")
            raise typer.Exit(130) from None
    if not summary.rolled_back:
        _refresh_rollups()
    table = Table(title="一括読み込みの結果 / load summary")
    table.add_column("項目 / item")
    table.add_column("件数 / count", justify="right")
    for label, count in (("ファイル / files", summary.files), ("読み込んだ / files loaded", summary.files_loaded),
                         ("新規公表 / reports published", summary.created), ("訂正版 / new revisions", summary.revised),
                         ("変更なし / unchanged (skipped)", summary.unchanged), ("事業 / projects", summary.projects),
                         ("成果目標 / KPIs", summary.kpis), ("集計行 / fact rows", summary.facts),
                         ("失敗 / failed files", len(summary.failures))):
        table.add_row(label, f"{count:,}")
    console.print(table)
    for failure in summary.failures:
        error_console.print(f"[bold red]失敗 / failed:[/] {failure.message}", highlight=False, soft_wrap=True)
    if summary.rolled_back:
        error_console.print("--atomic のため何も書き込んでいません / --atomic: nothing was written")
    if summary.failures:
        error_console.print(f"{summary.files}件中{len(summary.failures)}件を読み込めませんでした / "
                            f"{len(summary.failures)} of {summary.files} files failed")
    raise typer.Exit(EXIT_UNREADABLE if summary.failures else EXIT_OK)


@app.command("export-db")
def export_db_command(
    out: Annotated[Path, typer.Option("-o", "--out", help="output .parquet file / 出力ファイル")],
    data: DataOption = Path("data"),
    database_url: UrlOption = None,
) -> None:
    """データベースの公表済み報告をすべて、オープンデータCSVと同じ列でParquetに書き出します / the whole database."""
    _database(data, database_url)
    from kouka.analytics import ExportError
    from kouka.web.ops.export import export_database

    try:
        summary = export_database(out)
    except ExportError as exc:
        fail(f"{exc}（出力は作成していません / nothing was written）")
    console.print(f"{summary.reports}報告・{summary.rows}行を {out} に書き出しました / wrote {summary.rows} rows",
                  highlight=False)
