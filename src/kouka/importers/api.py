"""The entry points: bytes or a path in, a Document and its findings out."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kouka.domain.checks import Finding, Severity, check_report
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.model import Document
from kouka.importers.blocks import Block, mark_damage
from kouka.importers.errors import UnreadableDocumentError
from kouka.importers.flatform import flat_form_of
from kouka.importers.partial import Supplied, apply_supplied, draft_gaps
from kouka.importers.positions import locate
from kouka.importers.resilient import ResilientAssembler

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMATS = ("auto", "text", "html", "xlsx", "pdf")


@dataclass
class ImportResult:
    document: Document
    findings: list[Finding] = field(default_factory=list)
    format: str = ""
    encoding: str = ""
    sources: dict[str, str] = field(default_factory=dict)  # where each value came from: JSON path → 行12, 2ページ
    excerpts: dict[str, str] = field(default_factory=dict)  # and the text it was read from: JSON path → 9,600


def detect_format(data: bytes, filename: str = "") -> str:
    """text, html, xlsx or pdf, from the file's first bytes (then its name)."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"\xef\xbb\xbf<!doctype", b"\xef\xbb\xbf<html")) or (
            b"<body" in lowered or b"<table" in lowered or b"<div" in lowered):
        return "html"
    suffix = Path(filename).suffix.lower()
    return {".html": "html", ".htm": "html", ".xlsx": "xlsx", ".xlsm": "xlsx", ".pdf": "pdf"}.get(suffix, "text")


# A published report is tens of KB of text, an Excel sheet or PDF a few MB; far more is not one report and
# would keep the importer busy for minutes. The web upload form has the same limit.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# A municipality's page of a report is some hundreds of KB of HTML; the parser builds a tree about ten times the
# page's size, so 15 MB of HTML would take half a minute and gigabytes.
MAX_HTML_BYTES = 5 * 1024 * 1024


def read_blocks(data: bytes, filename: str, fmt: str, damage: list[str] | None = None) -> tuple[list[Block], str]:
    """The document's blocks and its text encoding; a reader's notes about damaged parts go to ``damage``."""
    label = filename or "入力"
    if not data.strip():
        raise UnreadableDocumentError(_("{label}: 空のファイルです").format(label=label))
    if fmt == "pdf":
        from kouka.importers.pdf import read_pdf

        return read_pdf(data, label, damage), ""
    if fmt == "xlsx":
        from kouka.importers.xlsx import read_xlsx

        return read_xlsx(data, label), ""
    from kouka.importers.decode import decode_text

    if fmt == "html" and len(data) > MAX_HTML_BYTES:
        raise UnreadableDocumentError(_("{file}: HTMLが大きすぎます（{size}バイト、上限{limit}バイト）。"
                                        "1件の報告のページとしては大きすぎるため読みません").format(
            file=label, size=f"{len(data):,}", limit=f"{MAX_HTML_BYTES:,}"))
    text, encoding = decode_text(data, label)
    if fmt == "html":
        from kouka.importers.html import read_html

        return read_html(text), encoding
    from kouka.importers.text import read_text

    return read_text(text), encoding


def damage_findings(blocks: list[Block], damage: list[str], label: str) -> list[Finding]:
    """Warnings for undecodable bytes (shown as �) and for parts of a file its parser had to skip."""
    findings: list[Finding] = []
    damaged = sum(block.text.count("\ufffd") + sum(c.count("\ufffd") for c in block.cells) for block in blocks)
    if damaged:
        findings.insert(0, Finding(Severity.WARNING, "import_damaged_bytes",
                                   _("読めない文字が{damaged}か所あります（�で示します）").format(
                                       damaged=damaged), "$", label))
    if damage:
        places = "；".join(damage[:3]) + (" …" if len(damage) > 3 else "")
        findings.insert(0, Finding(Severity.WARNING, "import_damaged_file",
                                   _("ファイルの一部が壊れていて読めませんでした。内容が欠けている可能性が"
                                     "あります（{places}）").format(places=places),
                                   "$", label))
    return findings


def import_bytes(data: bytes, filename: str = "", fmt: str = "auto", supplied: Supplied | None = None) -> ImportResult:
    """Read one published report, with what ``supplied`` says of it (--year, --municipality); what the document
    leaves out is a finding on a draft. Raises UnreadableDocumentError when it holds nothing of a report."""
    if fmt not in FORMATS:
        raise UnreadableDocumentError(_("形式 {fmt!r} には対応していません（{value}）").format(
            fmt=fmt, value=", ".join(FORMATS)))
    label = filename or "入力"
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UnreadableDocumentError(
            _("{label}: ファイルが大きすぎます（{data:,}バイト、上限{value}MB）").format(
                label=label, data=len(data), value=MAX_DOCUMENT_BYTES // 1024 // 1024))
    chosen = detect_format(data, filename) if fmt == "auto" else fmt
    damage: list[str] = []
    try:
        if chosen == "xlsx" and data.strip():
            from kouka.importers.xlsx import open_workbook, workbook_blocks

            workbook = open_workbook(data, label)
            own = _own_workbook(workbook, label)
            if own is not None:
                return own
            blocks, encoding = workbook_blocks(workbook), ""
        else:
            blocks, encoding = read_blocks(data, filename, chosen, damage)
    except KoukaError:
        raise
    except Exception as exc:  # a parser library giving up on a damaged file
        shown = {"pdf": "PDF", "xlsx": "Excel", "html": "HTML", "text": "テキスト"}.get(chosen, chosen)
        raise UnreadableDocumentError(
            _("{label}: {shown}として読めません").format(label=label, shown=shown)) from exc
    blocks = mark_damage(blocks)
    flat = flat_form_of(blocks, supplied) if chosen in ("text", "pdf") else None  # the national form, flattened
    if flat is not None:
        report, stated_year, findings, sources = flat.report, flat.stated_year, flat.findings, flat.sources
        excerpts = flat.excerpts
    else:
        assembler = ResilientAssembler(blocks, source="")
        stated_year = assembler.build.fiscal_year
        findings = apply_supplied(assembler, supplied, label) if supplied is not None else []
        report = assembler.run()
        excerpts = {}
        sources = locate(report, assembler.build.blocks, excerpts=excerpts)
        findings += assembler.findings
    if not report.projects:
        raise UnreadableDocumentError(
            _("{label}: 効果検証の事業が見つかりません").format(label=label))
    findings += draft_gaps(report, stated_year, label)
    findings = damage_findings(blocks, damage, label) + findings
    try:  # the checks judge figures against the year: a draft without one waits for it (draft_gaps said so)
        findings += check_report(report, "$.reports[0]") if report.fiscal_year else []
    except KoukaError as exc:  # a figure the checks cannot work with (a year before 明治 …)
        message = _("{label}: 読み取った内容を検査できません（{exc}）").format(label=label, exc=exc)
        raise UnreadableDocumentError(message) from exc
    document = Document([report])
    _refuse_invalid(document, label)
    return ImportResult(document, findings, chosen, encoding, sources, excerpts)


def _refuse_invalid(document: Document, label: str) -> None:
    """What was read must be a valid interchange document (a damaged file can run a field past its length)."""
    from kouka import interchange

    try:
        interchange.validate(interchange.to_json(document))
    except interchange.InterchangeError as exc:
        reason = str(exc) if len(str(exc)) <= 300 else str(exc)[:150] + " … " + str(exc)[-150:]
        raise UnreadableDocumentError(
            _("{label}: 読み取った内容が正しい形になりません（{reason}）").format(
                label=label, reason=reason)) from exc


def import_path(path: str | Path, fmt: str = "auto", supplied: Supplied | None = None) -> ImportResult:
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise UnreadableDocumentError(_("{source}: 読み込めません（{value}）").format(
            source=source, value=exc.strerror or exc)) from exc
    return import_bytes(data, source.name, fmt, supplied)


def _own_workbook(workbook: "Workbook", label: str) -> ImportResult | None:
    """A workbook kouka exported: its embedded interchange JSON is the data, checked against the visible sheets."""
    from kouka import interchange
    from kouka.importers.xlsx import embedded_interchange

    embedded = embedded_interchange(workbook, label)
    if embedded is None:
        return None
    text, shown = embedded
    try:
        document = interchange.loads(text)
    except KoukaError as exc:
        raise UnreadableDocumentError(_("{label}: 埋め込みデータが壊れています（{exc}）").format(
            label=label, exc=exc)) from exc
    findings: list[Finding] = []
    edited = _edited_cells(document, shown)
    if edited:
        places = "、".join(edited[:5]) + (" …" if len(edited) > 5 else "")
        findings.append(Finding(
            Severity.WARNING, "import_embedded_differs",
            _("書き出し後に表示シートが変更されています（{places}）。埋め込みデータを取り込みました").format(
                places=places), "$", edited[0]))
    for r_index, report in enumerate(document.reports):
        findings += check_report(report, f"$.reports[{r_index}]")
    return ImportResult(document, findings, "xlsx", "")


def _edited_cells(document: Document, shown: dict[str, str]) -> list[str]:
    """Places where the visible sheets differ from what kouka writes for the embedded data."""
    from kouka.importers.xlsx import embedded_interchange
    from kouka.render.xlsx import render_xlsx

    if len(document.reports) != 1:
        return []
    fresh = embedded_interchange(render_xlsx(document.reports[0]))
    if fresh is None:  # kouka's workbook always embeds its data; nothing to compare otherwise
        return []
    expected = fresh[1]
    return sorted(place for place in set(expected) | set(shown) if expected.get(place) != shown.get(place))
