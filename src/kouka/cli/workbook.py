"""kouka workbook export / import: the department workbook (記入シート) on files.

``export`` writes a department's workbook for a year from an interchange file; ``import`` reads a filled one back,
prints what it would change (changes, conflicts, values it cannot read, what it will not touch) and writes the
updated interchange file only when asked (``--yes``, or a yes at the prompt on a terminal). The web application
offers the same on a year's staff page; the core is :mod:`kouka.exchange`.
"""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kouka import interchange
from kouka.atomicfile import write_atomically
from kouka.cli import app
from kouka.cli.common import EXIT_FINDINGS, EXIT_OK, console, fail, load_document, pick_report
from kouka.domain.eras import format_fiscal_year
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _

if TYPE_CHECKING:  # the plan (and openpyxl under it) is imported by ``workbook import`` when it runs
    from kouka.exchange.plan import Notice, Plan

workbook_app = typer.Typer(no_args_is_help=True, help=_("部署別の記入シート（Excel）の書き出しと取り込み"))
app.add_typer(workbook_app, name="workbook")

YearOpt = Annotated[int | None, typer.Option("--year", help=_("年度（西暦）"))]


def _write(target: Path, data: str | bytes) -> None:
    try:
        write_atomically(target, data)
    except OSError as exc:
        fail(_("{path}: 書き込めません（{reason}）").format(path=target, reason=exc.strerror or exc))


@workbook_app.command("export", help=_("担当課の記入シート（Excel）を書き出します"))
def export_command(
    file: Annotated[Path, typer.Argument(help=_("交換形式のJSONファイル"))],
    output: Annotated[Path, typer.Option("--output", "-o", help=_("出力先"))],
    department: Annotated[
        str | None, typer.Option("--department", "-d", help="e.g. 商工労働課; every department when left out")
    ] = None,
    year: YearOpt = None,
) -> None:
    """担当課の記入シート（Excel）を書き出します"""
    from kouka.exchange.export import export_workbook  # openpyxl: imported by the commands that write or read Excel

    report = pick_report(load_document(file), file, year)
    try:
        data = export_workbook(report, department)
    except KoukaError as exc:
        fail(f"{file}: {exc}")
    _write(output, data)
    console.print(_("{department}の{year}記入シートを書き出しました（{count}事業） → {path}").format(
        department=department or _("全課"), year=format_fiscal_year(report.fiscal_year),
        count=sum(1 for p in report.projects if department is None or department in p.departments), path=output),
        highlight=False)


def _section(title: str, notices: list[str], style: str) -> None:
    if not notices:
        return
    console.print(f"[bold {style}]{title}[/]", highlight=False)
    for sentence in notices:
        console.print(f"  {sentence}", highlight=False, markup=False, soft_wrap=True)


def print_plan(plan: "Plan") -> None:
    """The plan as the city reads it: changes, conflicts, errors, what is not touched."""
    from kouka.exchange.export import JST

    meta = plan.meta
    console.print(_("記入シート: {body} {department} {year}（{moment:%Y-%m-%d %H:%M} 作成）").format(
        body=meta.municipality.prefecture + meta.municipality.name, department=meta.department or _("全課"),
        year=format_fiscal_year(meta.fiscal_year), moment=meta.exported_at.astimezone(JST)), highlight=False)

    def said(notices: "tuple[Notice, ...]") -> list[str]:
        return [n.sentence for n in notices]

    _section(_("変更（{count}件）").format(count=len(plan.changes)), [c.sentence for c in plan.changes], "green")
    _section(_("取り込まない変更: 記入シートの作成後に kouka で変更された欄（{count}件）").format(
        count=len(plan.conflicts)), said(plan.conflicts), "yellow")
    _section(_("読めない値・保存できない値（{count}件）").format(count=len(plan.errors)), said(plan.errors), "red")
    _section(_("取り込まない欄（{count}件）").format(count=len(plan.untouched)), said(plan.untouched), "yellow")


def _confirmed(yes: bool) -> bool:
    if yes:
        return True
    if sys.stdin.isatty():
        return typer.confirm(_("この変更を保存しますか？"), default=False)
    console.print(_("保存していません。保存するには --yes を付けて実行してください"), highlight=False)
    return False


@workbook_app.command("import", help=_("記入シートの内容を取り込みます（変更点を表示し、確認してから保存）"))
def import_command(
    workbook: Annotated[Path, typer.Argument(help=_("記入済みの記入シート"))],
    file: Annotated[Path, typer.Argument(help=_("更新する交換形式のJSONファイル"))],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write the updated file here (default: FILE itself)")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=_("確認せずに保存"))] = False,
    department: Annotated[
        str | None, typer.Option("--department", "-d", help="the department it is for (default: the workbook's)")
    ] = None,
    year: YearOpt = None,
) -> None:
    """記入シートの内容を取り込みます（変更点を表示し、確認してから保存）"""
    from kouka.exchange.plan import apply_plan, plan_changes
    from kouka.exchange.reading import read_workbook

    try:
        edit = read_workbook(workbook.read_bytes())
    except OSError as exc:
        fail(_("{path}: 読めません（{reason}）").format(path=workbook, reason=exc.strerror or exc))
    except KoukaError as exc:
        fail(f"{workbook}: {exc}")
    document = load_document(file)
    report = pick_report(document, file, year or edit.meta.fiscal_year)
    try:
        plan = plan_changes(edit, report, department=department or edit.meta.department)
    except KoukaError as exc:
        fail(f"{workbook}: {exc}")
    print_plan(plan)
    code = EXIT_FINDINGS if plan.conflicts or plan.errors else EXIT_OK
    if not plan.changes:
        console.print(_("取り込む変更はありません"), highlight=False)
        raise typer.Exit(code)
    if not _confirmed(yes):
        raise typer.Exit(code)
    try:
        updated = apply_plan(plan, report)
    except KoukaError as exc:
        fail(str(exc))
    document.reports = [updated if item is report else item for item in document.reports]
    target = output or file
    _write(target, interchange.dumps(document))
    console.print(_("{count}件の変更を保存しました → {path}").format(count=len(plan.changes), path=target),
                  highlight=False)
    raise typer.Exit(code)
