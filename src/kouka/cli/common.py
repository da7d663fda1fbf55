"""What every command shares: loading documents with one-line errors, exit codes, the console."""

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from kouka import interchange
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.model import Document, Report

# Exit codes: 0 fine, 1 the data has errors (findings), 2 the input could not be read.

# ``kouka import`` writes X.json and X.findings.json side by side; the second is not an interchange file.
FINDINGS_SUFFIX = ".findings.json"
SOURCES_SUFFIX = ".sources.json"  # and X.sources.json: where each imported value came from
EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2

console = Console()
error_console = Console(stderr=True)


def fail(message: str, code: int = EXIT_UNREADABLE) -> NoReturn:
    """One line on standard error, then exit; never a traceback."""
    error_console.print(f"[bold red]{_('エラー')}:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_document(path: Path) -> Document:
    try:
        return interchange.load(path)
    except KoukaError as exc:
        fail(str(exc))


def pick_report(document: Document, path: Path, year: int | None) -> Report:
    try:
        return document.report_for(year)
    except KeyError:
        if year:
            fail(_("{path}: {year}年度の報告がありません").format(path=path, year=year))
        fail(_("{path}: 報告がありません").format(path=path))
