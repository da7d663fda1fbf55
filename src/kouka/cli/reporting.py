"""kouka report / draft: publish an interchange file (HTML, CMS fragment, PDF, Excel, the national reporting
form, CSV, JSON) and draft each project's まとめ（検証結果） from its judgements."""

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kouka import interchange
from kouka.atomicfile import write_atomically
from kouka.cli import app
from kouka.cli.common import EXIT_UNREADABLE, console, fail, load_document, pick_report
from kouka.domain.checks import circled
from kouka.domain.draft import draft_verification, has_gaps
from kouka.domain.eras import format_fiscal_year
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.model import Document, Report
from kouka.render.opendata import Headers

YearOpt = Annotated[int | None, typer.Option("--year", help=_("年度（西暦）"))]


class Format(StrEnum):
    HTML = "html"
    FRAGMENT = "fragment"
    PDF = "pdf"
    XLSX = "xlsx"
    NATIONAL_XLSX = "national-xlsx"  # 様式: the national reporting form
    CSV = "csv"
    JSON = "json"


EXTENSIONS = {Format.HTML: "html", Format.FRAGMENT: "html", Format.PDF: "pdf", Format.XLSX: "xlsx",
              Format.NATIONAL_XLSX: "xlsx", Format.CSV: "csv", Format.JSON: "json"}
BINARY = (Format.PDF, Format.XLSX, Format.NATIONAL_XLSX)


def _selected(document: Document, path: Path, year: int | None) -> Document:
    """The whole document, or only the report of ``year``."""
    return document if year is None else Document([pick_report(document, path, year)])


def render(document: Document, path: Path, fmt: Format, year: int | None, bom: bool,
           headers: Headers = Headers.NAMES) -> str | bytes:
    """One file's output in ``fmt`` (the latest report unless ``year`` picks one; CSV and JSON take all)."""
    if fmt is Format.JSON:
        return interchange.dumps(_selected(document, path, year))
    if fmt is Format.CSV:
        from kouka.render.opendata import render_csv

        return render_csv(_selected(document, path, year), bom=bom, headers=headers)
    report = pick_report(document, path, year)
    renderer = _renderer(fmt)
    return renderer(report)


def _renderer(fmt: Format) -> Callable[[Report], str | bytes]:
    if fmt is Format.HTML:
        from kouka.render.html import render_page

        return render_page
    if fmt is Format.FRAGMENT:
        from kouka.render.html import render_fragment

        return render_fragment
    if fmt is Format.PDF:
        from kouka.render.pdf import render_pdf

        return render_pdf
    if fmt is Format.NATIONAL_XLSX:
        from kouka.render.national import render_national_xlsx

        return render_national_xlsx
    from kouka.render.xlsx import render_xlsx

    return render_xlsx


def _write(target: Path, data: str | bytes) -> None:
    try:
        write_atomically(target, data)
    except OSError as exc:
        fail(_("{target}: 書き込めません（{value}）").format(target=target, value=exc.strerror or exc))


def _output_for(source: Path, output: Path | None, fmt: Format, several: bool) -> Path | None:
    if not several:
        return output
    assert output is not None
    return output / f"{source.stem}.{EXTENSIONS[fmt]}"


@app.command(help=_("公表資料（HTML・PDF・Excel・国の様式・CSV・JSON）を作成します"))
def report(
    files: Annotated[list[Path], typer.Argument(help=_("交換形式のJSONファイル"))],
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="html|fragment|pdf|xlsx|national-xlsx|csv|json")
    ] = Format.HTML,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("出力先"))
    ] = None,
    year: YearOpt = None,
    bom: Annotated[bool, typer.Option("--bom", help=_("Excel向けにBOM付きCSV"))] = False,
    headers: Annotated[
        Headers, typer.Option("--headers", help="CSV header row: names (municipality …) or ja (地方公共団体名 …)")
    ] = Headers.NAMES,
) -> None:
    """公表資料（HTML・PDF・Excel・国の様式・CSV・JSON）を作成します"""
    several = len(files) > 1
    if several and output is None:
        fail(_("複数のファイルには -o で出力先のディレクトリを指定してください"))
    if fmt in BINARY and output is None:
        fail(_("{value} は -o で出力先を指定してください").format(value=fmt.value))
    if several and output is not None and output.exists() and not output.is_dir():
        fail(_("{output}: ディレクトリではありません").format(output=output))
    for path in files:
        document = load_document(path)
        try:
            data = render(document, path, fmt, year, bom, headers)
        except KoukaError as exc:
            fail(f"{path}: {exc}")
        target = _output_for(path, output, fmt, several)
        if target is None:
            typer.echo(data if isinstance(data, str) else "", nl=False)
            continue
        _write(target, data)
        console.print(f"{path} → {target}", highlight=False)


@app.command(help=_("まとめ（検証結果）の下書きを作成します"))
def draft(
    file: Annotated[Path, typer.Argument(help=_("交換形式のJSONファイル"))],
    year: YearOpt = None,
    project: Annotated[int | None, typer.Option("--project", help=_("事業番号"))] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=_("下書きを入れたJSONの出力先")),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help=_("記入済みのまとめも置き換える"))
    ] = False,
) -> None:
    """まとめ（検証結果）の下書きを作成します"""
    document = load_document(file)
    chosen = pick_report(document, file, year)
    projects = chosen.projects
    if project is not None:
        projects = [p for p in projects if p.number == project]
        if not projects:
            fail(_("{file}: 事業{project}がありません").format(file=file, project=project), EXIT_UNREADABLE)
    filled, kept = [], []
    for item in projects:
        paragraphs = draft_verification(item, chosen.fiscal_year)
        if output is None:
            console.print(f"[bold]事業{circled(item.number)} {item.title}[/] まとめ（検証結果）の下書き"
                          f"（{format_fiscal_year(chosen.fiscal_year)}）", highlight=False, soft_wrap=True)
            if item.verification:
                console.print("[yellow]※記入済みのまとめがあります（-o で書き出しても --overwrite なしでは"
                              "置き換えません）[/]", soft_wrap=True)
            for paragraph in paragraphs:
                console.print(paragraph, highlight=False, markup=False, soft_wrap=True)
            console.print()
            continue
        if item.verification and not overwrite:
            kept.append(item)
            continue
        item.verification = paragraphs
        filled.append(item)
    if output is None:
        return
    _write(output, interchange.dumps(document))
    for item in filled:
        gaps = _("（【要記入】あり）") if has_gaps(item.verification) else ""
        console.print(_("事業{number}: 下書きを記入しました{gaps}").format(
            number=circled(item.number), gaps=gaps), highlight=False)
    for item in kept:
        console.print(_("事業{number}: 記入済みのため変更しません（--overwrite で置き換え）").format(
            number=circled(item.number)),
                      highlight=False)
    console.print(f"→ {output}", highlight=False)
