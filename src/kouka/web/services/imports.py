"""Import confirmed after a preview: each year of the document replaces that year's draft.

Nothing is written before the confirmation: the preview remembers a fingerprint of each year it would
replace. Confirmation is refused (:class:`StaleVersion`) when such a year changed after the preview (someone
saved a KPI meanwhile), so nothing is lost unseen.
"""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from kouka import interchange
from kouka.domain.checks import Finding, check_report
from kouka.domain.model import Document, Report
from kouka.domain.validation import report_problems
from kouka.importers.errors import UnreadableDocumentError
from kouka.web import mapping
from kouka.web.dbrouter import atomic
from kouka.web.models import Cycle, Membership, State, TaskKind, UploadTask
from kouka.web.permissions import Denied, require_admin
from kouka.web.services.writes import Written, require_valid, write

CHANGED = gettext_noop("{year}年度のデータは、取込内容の確認の後に他の人が変更しました。取り込むとその変更は置き換え"
                       "られます。下の内容を確認し、よければもう一度「取り込む」を押してください")
NOT_PREVIEWED = "not previewed"


@dataclass(frozen=True)
class Parsed:
    """An uploaded file read: the document and what the checks found in it."""

    document: Document
    findings: list[Finding]


def import_parse(data: bytes, filename: str) -> Parsed:
    """Read an uploaded file into a document: THE one call of the importers for the site's uploads (run by the
    task queue, outside any request). kouka JSON is read directly; anything else by :mod:`kouka.importers`."""
    if filename.lower().endswith(".json"):
        document = interchange.load_bytes(data, source=filename)
        return Parsed(document, [f for r in document.reports for f in check_report(r)])
    from kouka.importers.bounded import import_bounded  # a worker process within memory, CPU and time limits

    result = import_bounded(data, "auto", filename=filename)
    if any(report.draft for report in result.document.reports):  # a year or a name the document leaves out
        raise UnreadableDocumentError(_(
            "{name}: 対象年度・団体名・事業名のいずれかが読み取れません。kouka import の --year などで補って"
            "取り込んでください").format(name=filename))
    return Parsed(result.document, list(result.findings))


def report_upload(*, member: Membership, filename: str, data: bytes) -> UploadTask:
    """Keep an uploaded report file for reading by the task queue; nothing else is written."""
    require_admin(member)
    return UploadTask.objects.create(member=member, kind=TaskKind.REPORT, filename=filename[:255],
                                     language=get_language() or "", data=bytes(data),
                                     digest=hashlib.sha256(data).hexdigest())


def import_read(*, task: UploadTask) -> dict[str, Any]:
    """Read a kept report upload (the task queue's work): the document as kouka JSON and its findings."""
    parsed = import_parse(bytes(task.data), task.filename)
    return {"document": interchange.to_json(parsed.document),
            "findings": [f.as_dict() | {"sentence": f.sentence} for f in parsed.findings]}


def import_fingerprint(cycle: Cycle | None) -> str | None:
    """What an import would replace, in one hash: the cycle's version, state and whole content."""
    if cycle is None:
        return None
    content = [cycle.version, cycle.state, mapping.report_json(cycle)]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Preview:
    """What confirming would do: the conflicts to show, each year's fingerprint now (by fiscal year), and the
    values that may not be stored (confirmation is refused while there are any)."""

    conflicts: list[str] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    seen: dict[str, str | None] = field(default_factory=dict)


def import_preview(*, member: Membership, document: Document) -> Preview:
    preview = Preview()
    name = member.municipality.name
    preview.problems = document_problems(document)
    for report in document.reports:
        if report.municipality.name and report.municipality.name != name:
            preview.conflicts.append(f"ファイルの団体名「{report.municipality.name}」が{name}と"
                                     f"異なります。取り込むと{name}の報告になります")
        existing = Cycle.objects.filter(municipality=member.municipality, fiscal_year=report.fiscal_year).first()
        preview.seen[str(report.fiscal_year)] = import_fingerprint(existing)
        if existing is not None and existing.state != State.DRAFT:
            preview.conflicts.append(f"{report.fiscal_year}年度は{existing.get_state_display()}のため取り込めません")
        elif existing is not None and existing.projects.exists():
            preview.conflicts.append(f"{report.fiscal_year}年度の作成中データは置き換えられます")
    return preview


def document_problems(document: Document) -> list[Finding]:
    """What of ``document`` may not be stored (:mod:`kouka.domain.validation`), each naming its field."""
    return [problem for index, report in enumerate(document.reports)
            for problem in report_problems(report, f"$.reports[{index}]")]


def _replace_year(member: Membership, report: Report, seen: object) -> None:
    def change(existing: Cycle | None) -> Written:
        if existing is not None and existing.state != State.DRAFT:
            raise Denied(f"{report.fiscal_year}年度は{existing.get_state_display()}のため取り込めません")
        before = mapping.report_json(existing) if existing else None
        data = interchange.report_json(report)
        cycle = mapping.store_report(member.municipality, report, data)  # open report forms become stale
        return Written(cycle, cycle, "import", f"{report.fiscal_year}年度 取込", before, data)

    rows = Cycle.objects.filter(municipality=member.municipality, fiscal_year=report.fiscal_year)
    write(member, rows, seen, change, compare=import_fingerprint,
          stale=lambda __: _(CHANGED).format(year=report.fiscal_year))


def import_confirm(*, member: Membership, document: Document, seen: dict[str, str | None]) -> int:
    """Store each report of ``document`` as its year's draft, all or none; the number of projects imported.

    ``seen`` is the preview's fingerprints (:func:`import_preview`).
    """
    require_admin(member)
    require_valid(document_problems(document))
    with atomic():
        for report in document.reports:
            _replace_year(member, report, seen.get(str(report.fiscal_year), NOT_PREVIEWED))
    return sum(len(r.projects) for r in document.reports)
