"""Calls into the other parts of kouka the web application uses: the drafter, the publication renderers
and the importers. They are imported when first needed, so the web application still runs (with the
feature reported as unavailable) where a part is not installed."""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kouka.domain.checks import Finding
from kouka.domain.errors import KoukaError
from kouka.domain.model import Document, Project, Report


class Unavailable(KoukaError):
    """A part of kouka this feature needs is not available."""


def _function(module: str, name: str) -> Callable[..., Any]:
    try:
        found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise Unavailable(f"{module}.{name} が利用できません / not available: {exc}") from exc
    return found


def draft_verification(project: Project, fiscal_year: int) -> list[str]:
    """まとめ drafted from the data (kouka.domain.draft)."""
    lines: list[str] = _function("kouka.domain.draft", "draft_verification")(project, fiscal_year)
    return lines


def render_fragment(report: Report) -> str:
    """The publication renderer's HTML for one report (escaped by the renderer)."""
    html: str = _function("kouka.render.html", "render_fragment")(report)
    return html


def publication_stylesheet() -> str:
    """The publication renderer's CSS for its fragment."""
    css: str = _function("kouka.render.html", "stylesheet")()
    return css


@dataclass(frozen=True)
class Export:
    name: str
    label: str
    module: str
    function: str
    extension: str
    content_type: str


EXPORTS: dict[str, Export] = {e.name: e for e in (
    Export("pdf", "PDF", "kouka.render.pdf", "render_pdf", "pdf", "application/pdf"),
    Export("xlsx", "Excel", "kouka.render.xlsx", "render_xlsx", "xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    Export("csv", "オープンデータ（CSV）", "kouka.render.opendata", "render_csv", "csv", "text/csv; charset=utf-8"),
    Export("json", "kouka JSON", "kouka.interchange", "dumps", "json", "application/json; charset=utf-8"),
)}


def export(name: str, report: Report) -> bytes:
    spec = EXPORTS[name]
    function = _function(spec.module, spec.function)
    result = function(Document([report])) if name == "json" else function(report)
    if isinstance(result, str):
        return result.encode("utf-8")
    if isinstance(result, bytes | bytearray):
        return bytes(result)
    raise Unavailable(f"{spec.module}.{spec.function} の戻り値が不明です / unexpected result type")


def export_available(name: str) -> bool:
    spec = EXPORTS[name]
    try:
        _function(spec.module, spec.function)
    except Unavailable:
        return False
    return True


@dataclass(frozen=True)
class Imported:
    document: Document
    findings: list[Finding]


def import_bytes(data: bytes, filename: str) -> Imported:
    """Read an uploaded file with kouka.importers (kouka JSON is read directly)."""
    if filename.lower().endswith(".json"):
        from kouka import interchange
        from kouka.domain.checks import check_report

        document = interchange.load_bytes(data, source=filename)
        return Imported(document, [f for r in document.reports for f in check_report(r)])
    result = _function("kouka.importers", "import_bytes")(data, filename, fmt="auto")
    return Imported(result.document, list(result.findings))
