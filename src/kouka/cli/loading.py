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
from kouka.domain.i18n import _

DataOption = Annotated[Path, typer.Option("--data", help=_("データフォルダ（SQLite）"))]
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
        with error_console.status(_("集計表を更新しています")):
            rollup.ensure_fresh()
    except KeyboardInterrupt:
        error_console.print(_("中断しました。読み込んだ報告は保存済みで、集計表は最初の集計画面の表示で作り直されま"
                              "す"))
        raise typer.Exit(130) from None


@app.command("load", help=_("交換形式のファイルを公表済みの報告として一括で読み込みます（再実行で続きから）"))
def load_command(
    paths: Annotated[list[Path], typer.Argument(help=_("交換形式のファイル・フォルダ"))],
    batch: Annotated[int, typer.Option("--batch", help=_("1トランザクションの報告数"))] = 200,
    atomic: Annotated[bool, typer.Option("--atomic", help=_("全部読み込むか何もしないか"))] = False,
    revise: Annotated[bool, typer.Option("--revise/--refuse-changed",
                                         help=_("内容の異なる公表済み報告の扱い"))]
    = True,
    data: DataOption = Path("data"),
    database_url: UrlOption = None,
) -> None:
    """交換形式のファイルを公表済みの報告として一括で読み込みます（再実行で続きから）"""
    files = list(interchange_files(paths))
    if not files:
        fail(_("交換形式のファイルがありません（{paths}）").format(paths=", ".join(map(str, paths))))
    if batch < 1:
        fail(_("--batch は1以上です（{batch}）").format(batch=batch))
    _database(data, database_url)
    from django.db import DatabaseError

    from kouka.web.ops.bulkload import FaultInjected, LoadSummary, ParsedFile, load

    columns = (TextColumn(f"[bold]{_('読み込み')}[/]"), BarColumn(), MofNCompleteColumn(),
               TextColumn("報告 {task.fields[reports]:,}・失敗 {task.fields[failed]}"), TimeElapsedColumn())
    with Progress(*columns, console=error_console, transient=True) as progress:
        task = progress.add_task("", total=len(files), reports=0, failed=0)

        def advance(group: list[ParsedFile], summary: LoadSummary) -> None:
            progress.update(task, advance=len(group), reports=summary.reports, failed=len(summary.failures))

        try:
            summary = load(files, batch_reports=batch, atomic=atomic, revise=revise, progress=advance)
        except (DatabaseError, FaultInjected) as exc:
            kept = (_("何も書き込んでいません") if atomic else
                    _("書き込み中のバッチは取り消し、それまでのバッチは保存済みです。再実行で続きから読み込みます"))
            fail(_("読み込みが途中で止まりました（{reason}）。{kept}").format(reason=exc, kept=kept))
        except KeyboardInterrupt:
            error_console.print(_("中断しました。再実行で続きから読み込みます"))
            raise typer.Exit(130) from None
    if not summary.rolled_back:
        _refresh_rollups()
    table = Table(title=_("一括読み込みの結果"))
    table.add_column(_("項目"))
    table.add_column(_("件数"), justify="right")
    for label, count in ((_("ファイル"), summary.files), (_("読み込んだ"), summary.files_loaded),
                         (_("新規公表"), summary.created), (_("訂正版"), summary.revised),
                         (_("変更なし"), summary.unchanged), (_("事業"), summary.projects),
                         (_("成果目標"), summary.kpis), (_("集計行"), summary.facts),
                         (_("失敗"), len(summary.failures))):
        table.add_row(label, f"{count:,}")
    console.print(table)
    for failure in summary.failures:
        error_console.print(f"[bold red]{_('失敗')}:[/] {failure.message}", highlight=False, soft_wrap=True)
    if summary.rolled_back:
        error_console.print(_("--atomic のため何も書き込んでいません"))
    if summary.failures:
        error_console.print(_("{files}件中{failures}件を読み込めませんでした").format(
            files=summary.files, failures=len(summary.failures)))
    raise typer.Exit(EXIT_UNREADABLE if summary.failures else EXIT_OK)


@app.command("export-db", help=_("データベースの公表済み報告をすべて、オープンデータCSVと同じ列でParquetに書き出し"
                                 "ます"))
def export_db_command(
    out: Annotated[Path, typer.Option("-o", "--out", help=_("出力ファイル"))],
    data: DataOption = Path("data"),
    database_url: UrlOption = None,
) -> None:
    """データベースの公表済み報告をすべて、オープンデータCSVと同じ列でParquetに書き出します"""
    _database(data, database_url)
    from kouka.analytics import ExportError
    from kouka.web.ops.export import export_database

    try:
        summary = export_database(out)
    except ExportError as exc:
        fail(_("{reason}（出力は作成していません）").format(reason=exc))
    console.print(_("{reports}報告・{rows}行を {out} に書き出しました").format(
        reports=summary.reports, rows=summary.rows, out=out),
                  highlight=False)
