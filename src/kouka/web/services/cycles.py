"""The yearly cycle per municipality and fiscal year: draft → submitted → reviewed → published.

A published report is frozen (a :class:`Publication` snapshot); a correction reopens the draft and the
next publication becomes a new revision with a note that the public page shows.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka import interchange
from kouka.domain.checks import Finding, check_report, has_errors
from kouka.domain.errors import KoukaError
from kouka.web import mapping
from kouka.web.dbrouter import atomic
from kouka.web.models import Cycle, Membership, Publication, Role, State
from kouka.web.permissions import require_admin
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
    Transition("submit", gettext_noop("提出する"), (State.DRAFT,), State.SUBMITTED, (Role.ADMIN, Role.EDITOR)),
    Transition("review", gettext_noop("確認済みにする"), (State.SUBMITTED,), State.REVIEWED, (Role.ADMIN,)),
    Transition("return", gettext_noop("差し戻す"), (State.SUBMITTED, State.REVIEWED), State.DRAFT, (Role.ADMIN,)),
    Transition("publish", gettext_noop("公表する"), (State.REVIEWED,), State.PUBLISHED, (Role.ADMIN,)),
    Transition("correct", gettext_noop("訂正を開始する"), (State.PUBLISHED,), State.DRAFT, (Role.ADMIN,)),
)}


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


def _publish(member: Membership, cycle: Cycle, note: str) -> list[Finding]:
    """Freeze the cycle's records as its next revision and count it in the dashboards; refused with errors.

    The document is read from the records once: the checks, the publication and the facts use that one.
    """
    document = mapping.document_json(cycle)
    report = interchange.report_from_json(document["reports"][0])
    findings = check_report(report)
    if has_errors(findings):
        raise WorkflowError(_("検証で誤りが見つかったため公表できません: {errors}").format(
            errors="; ".join(f.message for f in findings if f.severity.value == "error")))
    if cycle.revision > 0 and not note:
        raise WorkflowError(_("訂正版の公表には訂正内容の記載が必要です"))
    cycle.revision += 1
    Publication.objects.create(cycle=cycle, revision=cycle.revision, note=note, document=document,
                               published_by=member.user)
    facts.replace_facts([(cycle, report)])  # the dashboards count the new revision instead of the old
    return findings


def cycle_transition(*, member: Membership, cycle: Cycle, name: str, note: str = "",
                     version: int | None = None) -> list[Finding]:
    """Move ``cycle`` along transition ``name``; :class:`WorkflowError` when not allowed.

    Publishing is refused while the core's checks find errors; those findings are returned in the error.
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
            findings.extend(_publish(member, locked, note))
        locked.state = transition.target
        locked.save()
        return Written(locked, locked, f"workflow:{name}", f"{locked.fiscal_year}年度 {transition.label}",
                       {"state": before}, {"state": locked.state, "revision": locked.revision, "note": note})

    rows = Cycle.objects.select_related("municipality").filter(pk=cycle.pk)
    written = write(member, rows, version, change, stale=_stale,
                    compare=version_of if version is not None else lambda _: None)
    stored = written.row
    assert isinstance(stored, Cycle)
    cycle.state, cycle.revision, cycle.version = stored.state, stored.revision, stored.version
    return findings
