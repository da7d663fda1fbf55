"""Import confirmed after a review: each year of the document replaces that year's draft.

An upload may say what the file leaves out (対象年度, 団体名, 都道府県: :class:`Supplied`, as ``kouka import
--year``); what is still missing is a finding on an imported draft, not a refusal. The review screen shows each
value read beside the text it came from and lets the planning division correct, fill and drop
(:mod:`kouka.importers.review`); confirming stores the corrected report as the year's draft (never published: the
publication checklist still has to pass), after the one validation (:func:`require_valid`), or nothing.

Nothing is written before the confirmation: the review remembers a fingerprint of each year it would
replace. Confirmation is refused (:class:`StaleVersion`) when such a year changed after the review (someone
saved a KPI meanwhile), or when the year filled in holds projects the review did not show, so nothing is lost
unseen.
"""

import contextlib
import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from kouka import interchange
from kouka.domain.checks import Finding, Severity, check_report
from kouka.domain.eras import format_fiscal_year
from kouka.domain.model import Document, Report
from kouka.domain.validation import CODE, report_problems
from kouka.importers.partial import Supplied, fill_supplied
from kouka.importers.review import Review, apply_review
from kouka.web import mapping
from kouka.web.dbrouter import atomic
from kouka.web.models import Cycle, Membership, State, TaskKind, UploadTask
from kouka.web.permissions import Denied, require_admin
from kouka.web.services.writes import StaleVersion, Written, require_valid, write

NOT_SHOWN = gettext_noop("{year}には既に事業があり、取り込むと置き換えられます。下の内容を確認し、よければもう一度"
                         "「下書きとして取り込む」を押してください")
NO_YEAR = gettext_noop("対象年度を入力してください（例: 令和4年度）。年度がないと、どの年度の下書きにするか"
                       "決まりません")
CHANGED = gettext_noop("{year}年度のデータは、取込内容の確認の後に他の人が変更しました。取り込むとその変更は置き換え"
                       "られます。下の内容を確認し、よければもう一度「下書きとして取り込む」を押してください")
NOT_PREVIEWED = "not previewed"
NOT_DRAFT = gettext_noop("{year}年度は{state}のため取り込めません")


@dataclass(frozen=True)
class Parsed:
    """An uploaded file read: the document, what the checks found in it, and where each value came from (a JSON
    path → its place, 12行目 or 2ページ, and the text it was read from)."""

    document: Document
    findings: list[Finding]
    sources: dict[str, str] = field(default_factory=dict)
    excerpts: dict[str, str] = field(default_factory=dict)


def import_parse(data: bytes, filename: str, supplied: Supplied | None = None) -> Parsed:
    """Read an uploaded file into a document: THE one call of the importers for the site's uploads (run by the
    task queue, outside any request). kouka JSON is read directly; anything else by :mod:`kouka.importers`, with
    what the uploader ``supplied`` (a document leaving out its year is read as a draft with a finding)."""
    if filename.lower().endswith(".json"):
        document = interchange.load_bytes(data, source=filename)
        filled = fill_supplied(document.reports, supplied, filename) if supplied else []
        return Parsed(document, filled + [f for r in document.reports for f in check_report(r)])
    from kouka.importers.bounded import import_bounded  # a worker process within memory, CPU and time limits

    result = import_bounded(data, "auto", filename=filename, supplied=supplied)
    return Parsed(result.document, list(result.findings), result.sources, result.excerpts)


def supplied_json(supplied: Supplied | None) -> dict[str, Any]:
    """What an upload keeps of :class:`Supplied` (only what was given)."""
    if supplied is None:
        return {}
    kept = {"fiscal_year": supplied.fiscal_year, "municipality": supplied.municipality,
            "prefecture": supplied.prefecture}
    return {key: value for key, value in kept.items() if value}


def report_upload(*, member: Membership, filename: str, data: bytes, supplied: Supplied | None = None
                  ) -> UploadTask:
    """Keep an uploaded report file, and what the uploader said of it, for reading by the task queue; nothing
    else is written."""
    require_admin(member)
    return UploadTask.objects.create(member=member, kind=TaskKind.REPORT, filename=filename[:255],
                                     language=get_language() or "", data=bytes(data),
                                     digest=hashlib.sha256(data).hexdigest(), supplied=supplied_json(supplied))


def import_read(*, task: UploadTask) -> dict[str, Any]:
    """Read a kept report upload (the task queue's work): the document as kouka JSON, its findings, and where each
    value came from."""
    given = task.supplied or {}
    supplied = Supplied(given.get("fiscal_year"), given.get("municipality", ""), given.get("prefecture", "")
                        ) if given else None
    parsed = import_parse(bytes(task.data), task.filename, supplied)
    return {"document": interchange.to_json(parsed.document),
            "findings": [f.as_dict() | {"sentence": f.sentence} for f in parsed.findings],
            "sources": parsed.sources, "excerpts": parsed.excerpts}


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


def import_preview(*, member: Membership, document: Document, review: Review | None = None) -> Preview:
    """What confirming ``document`` (with the corrections of ``review``, when it has the document's shape) would
    replace, and the values of the document as read that may not be stored as they are."""
    preview = Preview()
    name = member.municipality.name
    reports = document.reports
    preview.problems = import_problems(document)[1]
    if review is not None and len(reports) == 1:
        with contextlib.suppress(ValueError):  # a review of another reading: what was read would be stored
            reports = import_problems(document, review)[0].reports
    for report in reports:
        if report.municipality.name and report.municipality.name != name:
            preview.conflicts.append(_("ファイルの団体名「{found}」が{name}と異なります。取り込むと{name}の報告になります")
                                     .format(found=report.municipality.name, name=name))
        if not report.fiscal_year:  # no year yet: nothing of a year is replaced
            continue
        existing = Cycle.objects.filter(municipality=member.municipality, fiscal_year=report.fiscal_year).first()
        preview.seen[str(report.fiscal_year)] = import_fingerprint(existing)
        if existing is not None and existing.state != State.DRAFT:
            preview.conflicts.append(_(NOT_DRAFT).format(year=report.fiscal_year, state=existing.get_state_display()))
        elif existing is not None and existing.projects.exists():
            preview.conflicts.append(_("{year}年度の作成中データは置き換えられます").format(year=report.fiscal_year))
    return preview


def document_problems(document: Document) -> list[Finding]:
    """What of ``document`` may not be stored (:mod:`kouka.domain.validation`), each naming its field."""
    return [problem for index, report in enumerate(document.reports)
            for problem in report_problems(report, f"$.reports[{index}]")]


def _replace_year(member: Membership, report: Report, seen: object) -> None:
    def change(existing: Cycle | None) -> Written:
        if existing is not None and existing.state != State.DRAFT:
            raise Denied(_(NOT_DRAFT).format(year=report.fiscal_year, state=existing.get_state_display()))
        before = mapping.report_json(existing) if existing else None
        data = interchange.report_json(report)
        cycle = mapping.store_report(member.municipality, report, data)  # open report forms become stale
        return Written(cycle, cycle, "import", f"{report.fiscal_year}年度 取込", before, data)

    rows = Cycle.objects.filter(municipality=member.municipality, fiscal_year=report.fiscal_year)
    write(member, rows, seen, change, compare=import_fingerprint,
          stale=lambda __: _(CHANGED).format(year=report.fiscal_year))


def import_problems(document: Document, review: Review | None = None) -> tuple[Document, list[Finding]]:
    """``document`` with the review's corrections (:func:`kouka.importers.review.apply_review`) and what of it may
    not be stored: the values :mod:`kouka.domain.validation` refuses, the figures typed that cannot be read, and a
    missing fiscal year (an empty period follows the year, so it waits for it). With a review, each finding's
    path names the field of the review screen (dropped projects and KPIs still counted)."""
    reviewed = apply_review(document.reports[0], review) if review is not None else None
    corrected = Document([reviewed.report]) if reviewed is not None else document
    problems = document_problems(corrected)
    for index, report in enumerate(corrected.reports):
        if not report.fiscal_year:
            path = f"$.reports[{index}]"
            waiting = [f for f in problems if f.path == f"{path}.fiscal_year"
                       or (f.path.startswith(f"{path}.projects") and ".period." in f.path)]
            problems = [f for f in problems if f not in waiting]
            problems.append(Finding(Severity.ERROR, CODE, _(NO_YEAR), f"{path}.fiscal_year", _("報告")))
    if reviewed is not None:
        problems = reviewed.problems + [replace(f, path=reviewed.review_path(f.path)) for f in problems]
    return corrected, problems


def import_reviewed(document: Document, review: Review | None) -> Document:
    """``document`` with the review's corrections; :class:`Invalid` (:func:`import_problems`) while a value may
    not be stored or the year is missing."""
    corrected, problems = import_problems(document, review)
    require_valid(problems)
    return corrected


def _seen_of(member: Membership, report: Report, seen: dict[str, str | None]) -> object:
    """The fingerprint the review saw of ``report``'s year. A year filled in on the review was not shown: it is
    written only when it holds nothing that would be replaced unseen (else :class:`StaleVersion`, and the review
    shows it)."""
    key = str(report.fiscal_year)
    if key in seen:
        return seen[key]
    existing = Cycle.objects.filter(municipality=member.municipality, fiscal_year=report.fiscal_year).first()
    if existing is not None and (existing.state != State.DRAFT or existing.projects.exists()):
        raise StaleVersion(_(NOT_SHOWN).format(year=format_fiscal_year(report.fiscal_year)))
    return import_fingerprint(existing)


def import_confirm(*, member: Membership, document: Document, seen: dict[str, str | None],
                   review: Review | None = None) -> int:
    """Store each report of ``document`` (with the corrections of ``review``) as its year's draft, all or none;
    the number of projects imported.

    ``seen`` is the review's fingerprints (:func:`import_preview`). :class:`Invalid` when a corrected value may
    not be stored or the year is missing, :class:`StaleVersion` when a year changed since the review or holds
    projects the review did not show; nothing is written then.
    """
    require_admin(member)
    corrected = import_reviewed(document, review)
    with atomic():
        for report in corrected.reports:
            _replace_year(member, report, _seen_of(member, report, seen))
    return sum(len(r.projects) for r in corrected.reports)
