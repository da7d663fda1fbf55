"""kouka import: published reports (text, HTML, Excel, PDF) into interchange JSON files plus findings lists."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from kouka import interchange
from kouka.atomicfile import write_atomically
from kouka.cli import app
from kouka.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    FINDINGS_SUFFIX,
    SOURCES_SUFFIX,
    console,
    error_console,
    fail,
)
from kouka.domain.checks import Severity
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.importers.api import FORMATS, ImportResult
from kouka.importers.bounded import import_bounded
from kouka.importers.partial import Supplied, supplied_from

IMPORTABLE_SUFFIXES = (".txt", ".text", ".tsv", ".html", ".htm", ".xlsx", ".xlsm", ".pdf")


@dataclass
class Outcome:
    source: Path
    output: Path | None = None
    findings_file: Path | None = None
    findings: list[dict[str, str]] = field(default_factory=list)
    error: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # projects, kpis, amounts read

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f["severity"] == Severity.ERROR.value)

    def as_dict(self) -> dict[str, Any]:
        if self.error:
            return {"input": str(self.source), "ok": False, "error": self.error}
        return {"input": str(self.source), "ok": True, "output": str(self.output),
                "findings_file": str(self.findings_file), "findings": len(self.findings), "errors": self.errors,
                **self.counts}

    def line(self) -> str:
        """The one-line summary of a document: 入力.txt: 事業3件、成果目標5件、金額6件、指摘2件（エラー0件）."""
        if self.error:
            return _("{name}: 取り込めませんでした").format(name=self.source.name)
        return _("{name}: 事業{projects}件、成果目標{kpis}件、金額{amounts}件、指摘{findings}件（エラー{errors}件）"
                 ).format(name=self.source.name, findings=len(self.findings), errors=self.errors, **self.counts)


def read_counts(result: ImportResult) -> dict[str, int]:
    """How much was read: projects, KPIs, and amounts (事業費, 交付金充当額, the stated total)."""
    projects = [p for r in result.document.reports for p in r.projects]
    amounts = sum((p.cost_yen is not None) + (p.grant_yen is not None) for p in projects) + sum(
        r.stated_total_yen is not None for r in result.document.reports)
    return {"projects": len(projects), "kpis": sum(len(p.kpis) for p in projects), "amounts": amounts}


def collect_inputs(paths: list[Path]) -> list[Path]:
    """Files named, and importable files inside directories named (sorted, not recursive into outputs)."""
    inputs: list[Path] = []
    for path in paths:
        if path.is_dir():
            inputs += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMPORTABLE_SUFFIXES)
        else:
            inputs.append(path)
    return inputs


def output_paths(source: Path, outdir: Path | None) -> tuple[Path, Path]:
    folder = outdir if outdir is not None else source.parent
    return folder / f"{source.stem}.json", folder / f"{source.stem}{FINDINGS_SUFFIX}"


def import_one(source: Path, outdir: Path | None, fmt: str, supplied: Supplied | None = None) -> Outcome:
    outcome = Outcome(source)
    try:
        data = source.read_bytes()
    except OSError as exc:
        outcome.error = _("{source}: 読み込めません（{value}）").format(source=source, value=exc.strerror or exc)
        return outcome
    try:
        result = import_bounded(data, fmt, filename=source.name, supplied=supplied)
    except KoukaError as exc:
        outcome.error = str(exc)
        return outcome
    except Exception:  # a reader library failing on hostile input must not end the batch; no internals shown
        outcome.error = _("{path}: 読み込めません（内容を読み取る途中で処理できない形に出会いました）").format(
            path=source)
        return outcome
    outcome.counts = read_counts(result)
    output, findings_file = output_paths(source, outdir)
    outcome.findings = [finding.as_dict() for finding in result.findings]
    try:
        document_text = interchange.dumps(result.document)
        findings_text = json.dumps(outcome.findings, ensure_ascii=False, indent=2) + "\n"
        write_atomically(output, document_text)
        write_atomically(findings_file, findings_text)
        # where each value came from (JSON path → 行12, 表2 行3, Sheet1!C7), for a person checking the draft
        write_atomically(findings_file.with_name(f"{source.stem}{SOURCES_SUFFIX}"),
                         json.dumps(result.sources, ensure_ascii=False, indent=2) + "\n")
    except (OSError, KoukaError) as exc:
        outcome.error = _("{output}: 書き込めません（{exc}）").format(output=output, exc=exc)
        return outcome
    outcome.output, outcome.findings_file = output, findings_file
    return outcome


@app.command("import", help=_("公表済みの効果検証（テキスト・HTML・Excel・PDF）を取り込みます"))
def import_command(
    paths: Annotated[list[Path], typer.Argument(help=_("取り込むファイルまたはフォルダ"))],
    outdir: Annotated[Path | None, typer.Option("-o", "--outdir", help=_("出力先フォルダ"))] = None,
    fmt: Annotated[str, typer.Option("--format", help="auto|text|html|xlsx|pdf")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help=_("JSONで要約"))] = False,
    year: Annotated[str, typer.Option("--year", help=_("対象年度（文書に書かれていないとき）: 令和4年度"))] = "",
    municipality: Annotated[str, typer.Option("--municipality",
                                              help=_("団体名（文書に書かれていないとき）: 伊勢崎市"))] = "",
    prefecture: Annotated[str, typer.Option("--prefecture",
                                            help=_("都道府県（文書に書かれていないとき）: 群馬県"))] = "",
) -> None:
    """公表済みの効果検証（テキスト・HTML・Excel・PDF）を取り込みます"""
    if fmt not in FORMATS:
        fail(_("--format は {value} のいずれかです（{fmt!r}）").format(value=", ".join(FORMATS), fmt=fmt))
    try:
        supplied = supplied_from(year, municipality, prefecture)
    except KoukaError as exc:
        fail(str(exc))
    inputs = collect_inputs(paths)
    if not inputs:
        fail(_("取り込むファイルがありません"))
    outcomes: list[Outcome] = []
    show_progress = len(inputs) > 1
    with Progress(TextColumn(f"[bold]{_('取り込み')}[/]"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), console=error_console, transient=True,
                  disable=not show_progress) as progress:
        task = progress.add_task("", total=len(inputs))
        for source in inputs:
            progress.update(task, description=source.name)
            outcome = import_one(source, outdir, fmt, supplied)
            if outcome.error and not as_json:
                error_console.print(f"[bold red]{_('エラー')}:[/] {outcome.error}", highlight=False, soft_wrap=True)
            outcomes.append(outcome)
            progress.advance(task)
    failed = [o for o in outcomes if o.error]
    if as_json:
        summary = {"imported": sum(1 for o in outcomes if not o.error), "failed": len(failed),
                   "files": [o.as_dict() for o in outcomes]}
        console.print_json(json.dumps(summary, ensure_ascii=False))
    else:
        _print_summary(outcomes)
    if failed:
        raise typer.Exit(EXIT_UNREADABLE)
    if any(o.errors for o in outcomes):
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


def _print_summary(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        console.print(outcome.line(), highlight=False, soft_wrap=True)
