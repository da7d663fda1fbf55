"""The yearly cycle per municipality and fiscal year: draft → submitted → reviewed → published.

A published report is frozen (a :class:`Publication` snapshot); a correction reopens the draft and the
next publication becomes a new revision with a note that the public page shows.
"""

from dataclasses import dataclass

from django.db import transaction

from kouka.domain.checks import Finding, check_report, has_errors
from kouka.domain.errors import KoukaError
from kouka.web import dbrouter, history, mapping
from kouka.web.models import Cycle, Membership, Publication, Role, State
from kouka.web.stats import facts


class WorkflowError(KoukaError):
    """A transition that is not allowed now."""


class StaleCycle(WorkflowError):
    """The cycle changed since the page the user acted on was loaded (optimistic locking)."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[State, ...]
    target: State
    roles: tuple[Role, ...]


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("submit", "提出する", (State.DRAFT,), State.SUBMITTED, (Role.ADMIN, Role.EDITOR)),
    Transition("review", "確認済みにする", (State.SUBMITTED,), State.REVIEWED, (Role.ADMIN,)),
    Transition("return", "差し戻す", (State.SUBMITTED, State.REVIEWED), State.DRAFT, (Role.ADMIN,)),
    Transition("publish", "公表する", (State.REVIEWED,), State.PUBLISHED, (Role.ADMIN,)),
    Transition("correct", "訂正を開始する", (State.PUBLISHED,), State.DRAFT, (Role.ADMIN,)),
)}


def available(member: Membership, cycle: Cycle) -> list[Transition]:
    if member.municipality_id != cycle.municipality_id:
        return []
    return [t for t in TRANSITIONS.values() if cycle.state in t.sources and member.role in t.roles]


def apply(member: Membership, cycle: Cycle, name: str, note: str = "", version: int | None = None) -> list[Finding]:
    """Move ``cycle`` along transition ``name``; raise :class:`WorkflowError` when not allowed.

    Publishing is refused while the core's checks find errors; those findings are returned in the error.
    ``version`` is the cycle's version the user saw: when the cycle changed since (another transition, the
    report-level form, an import), :class:`StaleCycle` is raised. Every transition moves the version on.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise WorkflowError(f"不明な操作です / unknown transition: {name}")
    with transaction.atomic(using=dbrouter.current()):
        locked = Cycle.objects.select_for_update().select_related("municipality").get(pk=cycle.pk)
        if version is not None and locked.version != version:
            raise StaleCycle(f"{locked.fiscal_year}年度の報告は、画面を開いた後に他の人が変更しました（現在の状態: "
                             f"{locked.get_state_display()}）。画面を読み込み直して内容を確認してから、もう一度操作して"
                             f"ください / the report changed since you loaded the page; reload and try again")
        if transition not in available(member, locked):
            raise WorkflowError(f"「{transition.label}」は現在の状態（{locked.get_state_display()}）または役割では"
                                f"できません / not allowed now")
        findings: list[Finding] = []
        before = locked.state
        if transition.name == "publish":
            report = mapping.report_of(locked)
            findings = check_report(report)
            if has_errors(findings):
                raise WorkflowError("検証で誤りが見つかったため公表できません / cannot publish with errors: "
                                    + "; ".join(f.message for f in findings if f.severity.value == "error"))
            if locked.revision > 0 and not note.strip():
                raise WorkflowError("訂正版の公表には訂正内容の記載が必要です / a correction needs a note")
            locked.revision += 1
            Publication.objects.create(cycle=locked, revision=locked.revision, note=note.strip()[:2000],
                                       document=mapping.document_json(locked), published_by=member.user)
            facts.rebuild([locked])  # the dashboards count the new revision instead of the old
        locked.state = transition.target
        locked.version += 1
        locked.save()
        history.record(member.user, locked.municipality, locked, f"workflow:{name}",
                       f"{locked.fiscal_year}年度 {transition.label}", {"state": before},
                       {"state": locked.state, "revision": locked.revision, "note": note.strip()[:2000]})
        cycle.state, cycle.revision, cycle.version = locked.state, locked.revision, locked.version
        return findings


def latest_publication(cycle: Cycle) -> Publication | None:
    found: Publication | None = cycle.publications.order_by("-revision").first()
    return found
