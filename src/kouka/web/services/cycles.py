"""The yearly cycle per municipality and fiscal year: draft → submitted → reviewed → published.

A published report is frozen (a :class:`Publication` snapshot); a correction reopens the draft and the
next publication becomes a new revision with a note that the public page shows.
"""

from dataclasses import dataclass
from datetime import date
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka import interchange
from kouka.domain.carry import CarryError, carry_project
from kouka.domain.checks import Finding, Severity, project_label
from kouka.domain.eras import format_fiscal_year
from kouka.domain.errors import KoukaError
from kouka.domain.gate import publication_findings
from kouka.domain.model import MeasurementStatus, Report
from kouka.domain.notation import read_measurement
from kouka.domain.validation import report_problems
from kouka.web import dbrouter, mapping, queue
from kouka.web.dbrouter import atomic
from kouka.web.models import Cycle, Membership, PartState, Publication, Role, State
from kouka.web.permissions import require_admin
from kouka.web.services.parts import set_all_parts
from kouka.web.services.writes import STALE, Written, recorded, version_of, write
from kouka.web.stats import facts


class WorkflowError(KoukaError):
    """A transition that is not allowed now."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[State, ...]
    target: State
    roles: tuple[Role, ...]


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    # the whole city at once, by the planning division; a department submits its own part (services.parts)
    Transition("submit", gettext_noop("提出する"), (State.DRAFT,), State.SUBMITTED, (Role.ADMIN,)),
    Transition("review", gettext_noop("確認済みにする"), (State.SUBMITTED,), State.REVIEWED, (Role.ADMIN,)),
    Transition("return", gettext_noop("差し戻す"), (State.SUBMITTED, State.REVIEWED), State.DRAFT, (Role.ADMIN,)),
    Transition("publish", gettext_noop("公表する"), (State.REVIEWED,), State.PUBLISHED, (Role.ADMIN,)),
    Transition("correct", gettext_noop("訂正を開始する"), (State.PUBLISHED,), State.DRAFT, (Role.ADMIN,)),
)}


# What the year's own transitions do to every department's part (None: back to not submitted).
PART_FOLLOWS: dict[str, PartState | None] = {
    "submit": PartState.SUBMITTED, "review": PartState.CONFIRMED, "return": PartState.RETURNED,
    "publish": PartState.CONFIRMED, "correct": None,
}


def cycle_transitions(member: Membership, cycle: Cycle) -> list[Transition]:
    """The transitions ``member`` may take from the cycle's state now."""
    if member.municipality_id != cycle.municipality_id:
        return []
    return [t for t in TRANSITIONS.values() if cycle.state in t.sources and member.role in t.roles]


def cycle_create(*, member: Membership, fiscal_year: int) -> Cycle:
    """The municipality's cycle of ``fiscal_year``, created (and recorded) when there is none yet."""
    require_admin(member)
    with atomic():
        cycle, created = Cycle.objects.get_or_create(municipality=member.municipality, fiscal_year=fiscal_year)
        if created:
            recorded(member, Written(cycle, cycle, "cycle:create", f"{fiscal_year}年度", None,
                                     {"fiscal_year": fiscal_year}))
    return cycle


def _stale(cycle: Cycle | None) -> str:
    if cycle is None:
        return _(STALE)
    return _("{year}年度の報告は、画面を開いた後に他の人が変更しました（現在の状態: {state}）。画面を読み込み直して"
             "内容を確認してから、もう一度操作してください").format(year=cycle.fiscal_year,
                                                        state=cycle.get_state_display())


class PublishRefused(WorkflowError):
    """Publication refused by the checklist: ``findings`` are its errors, or the warnings not acknowledged."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings


def _publish(member: Membership, cycle: Cycle, note: str, acknowledged: bool) -> list[Finding]:
    """Freeze the cycle's records as its next revision and count it in the dashboards; refused while the
    checklist (:func:`kouka.domain.gate.publication_findings`) finds errors, or finds warnings that the
    administrator has not acknowledged.

    The document is read from the records once: the checks, the publication and the facts use that one.
    """
    document = mapping.document_json(cycle)
    report = interchange.report_from_json(document["reports"][0])
    findings = report_problems(report) + publication_findings(report, mapping.previous_report(cycle))
    errors = [f for f in findings if f.severity == Severity.ERROR]
    if errors:
        raise PublishRefused(_("検証で誤りが見つかったため公表できません。次の点を直してください: {items}").format(
            items=_("；").join(f.message for f in errors)), errors)
    warnings = [f for f in findings if f.severity == Severity.WARNING]
    if warnings and not acknowledged:
        raise PublishRefused(_("注意事項が{count}件あります。内容を確認し、「注意事項を確認しました」に"
                               "チェックしてから公表してください").format(count=len(warnings)), warnings)
    if cycle.revision > 0 and not note:
        raise WorkflowError(_("訂正版の公表には訂正内容の記載が必要です"))
    cycle.revision += 1
    publication = Publication.objects.create(cycle=cycle, revision=cycle.revision, note=note, document=document,
                                             published_by=member.user)
    # its page and downloads rendered once, in the background once the revision is committed (a request that
    # comes first renders what it needs: kouka.web.artifacts)
    transaction.on_commit(partial(queue.enqueue_render, publication.pk), using=dbrouter.current())
    facts.replace_facts([(cycle, report)])  # the dashboards count the new revision instead of the old
    return findings


def cycle_transition(*, member: Membership, cycle: Cycle, name: str, note: str = "",
                     version: int | None = None, acknowledged: bool = False) -> list[Finding]:
    """Move ``cycle`` along transition ``name``; :class:`WorkflowError` when not allowed.

    Publishing is refused (:class:`PublishRefused`) while the publication checklist finds errors, or warnings
    not ``acknowledged``; the error holds those findings.
    ``version`` is the cycle's version the user saw (None: not checked): when the cycle changed since
    (another transition, the report-level form, an import), :class:`StaleVersion` is raised. Every
    transition moves the version on; ``cycle`` is updated to what was stored.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise WorkflowError(_("不明な操作です（{name}）").format(name=name))
    note = note.strip()[:2000]
    findings: list[Finding] = []

    def change(locked: Cycle | None) -> Written:
        assert locked is not None  # the cycle exists: the caller found it
        if transition not in cycle_transitions(member, locked):
            raise WorkflowError(_("「{action}」は現在の状態（{state}）または役割ではできません").format(
                action=_(transition.label), state=locked.get_state_display()))
        before = locked.state
        if transition.name == "publish":
            findings.extend(_publish(member, locked, note, acknowledged))
        locked.state = transition.target
        locked.save()
        set_all_parts(locked, PART_FOLLOWS[transition.name], note)
        return Written(locked, locked, f"workflow:{name}", f"{locked.fiscal_year}年度 {transition.label}",
                       {"state": before}, {"state": locked.state, "revision": locked.revision, "note": note})

    rows = Cycle.objects.select_related("municipality").filter(pk=cycle.pk)
    written = write(member, rows, version, change, stale=_stale,
                    compare=version_of if version is not None else lambda _: None)
    stored = written.row
    assert isinstance(stored, Cycle)
    cycle.state, cycle.revision, cycle.version = stored.state, stored.revision, stored.version
    return findings


class CarryRefused(KoukaError):
    """A new year that cannot be started from the last (it has projects already, a target that is unreadable)."""


def cycle_carry(*, member: Membership, fiscal_year: int, source: Report, chosen: dict[int, dict[int, str]]
                ) -> Cycle:
    """Start ``fiscal_year`` from last year's report ``source`` with the projects the administrator chose.

    ``chosen`` maps each chosen project's number to its KPIs' targets of the year as typed (number → text;
    "" keeps the target the plan already has, or none). Nothing is carried that is not chosen; each carried
    project keeps its identity, departments, period and its KPIs' identity, units, baselines and targets
    (:func:`kouka.domain.carry.carry_project`); actuals, cost and まとめ start empty.
    """
    require_admin(member)
    projects = []
    for project in source.projects:
        if project.number not in chosen:
            continue
        try:
            carried = carry_project(source.municipality, project, fiscal_year)
        except CarryError as exc:
            raise CarryRefused(str(exc)) from exc
        for kpi in carried.kpis:
            text = chosen[project.number].get(kpi.number, "").strip()
            if text:
                try:
                    figure = read_measurement(text, kpi.unit)
                except KoukaError:
                    figure = None
                if figure is None or (figure.value is None and figure.status is MeasurementStatus.FINAL):
                    raise CarryRefused(_("{project} 成果目標{kpi}の目標値「{text}」を数として読めません"
                                         "（例: 12{unit}）").format(project=project_label(project), kpi=kpi.number,
                                                                    text=text, unit=kpi.unit))
                kpi.targets[fiscal_year] = figure
        projects.append(carried)
    report = Report(municipality=source.municipality, fiscal_year=fiscal_year, program=source.program,
                    projects=projects)
    with atomic():
        cycle, _created = Cycle.objects.get_or_create(municipality=member.municipality, fiscal_year=fiscal_year)
        if cycle.projects.exists() or cycle.state != State.DRAFT:
            raise CarryRefused(_("{year}には既に事業があります").format(year=format_fiscal_year(fiscal_year)))
        mapping.store_report(member.municipality, report)
        recorded(member, Written(cycle, cycle, "cycle:carry", format_fiscal_year(fiscal_year), None, {
            "fiscal_year": fiscal_year, "from": source.fiscal_year, "projects": sorted(chosen)}))
    return cycle


def cycle_deadlines_set(*, member: Membership, cycle: Cycle, submit: date | None, review: date | None,
                        publish: date | None, version: int | None) -> Cycle:
    """The planning division's deadlines of the year (提出期限, 確認期限, 公表予定日; None: not set)."""
    require_admin(member)

    def change(locked: Cycle | None) -> Written:
        assert locked is not None
        before = {"submit_deadline": str(locked.submit_deadline or ""), "review_deadline":
                  str(locked.review_deadline or ""), "publish_date": str(locked.publish_date or "")}
        locked.submit_deadline, locked.review_deadline, locked.publish_date = submit, review, publish
        locked.save()
        return Written(locked, locked, "cycle:deadlines", format_fiscal_year(locked.fiscal_year), before,
                       {"submit_deadline": str(submit or ""), "review_deadline": str(review or ""),
                        "publish_date": str(publish or "")})

    rows = Cycle.objects.select_related("municipality").filter(pk=cycle.pk, municipality=member.municipality)
    stored = write(member, rows, version, change, stale=_stale,
                   compare=version_of if version is not None else lambda _: None).row
    assert isinstance(stored, Cycle)
    return stored
