"""The fact table: filled from publications only, replaced on a new revision, wide-area projects settled once."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka import interchange, synth
from kouka.domain.model import Body, Document, ProjectKind, Report
from kouka.domain.rules import judge_kpi
from kouka.web import mapping
from kouka.web.models import Cycle, KpiFact, Membership, Municipality, Publication, State
from kouka.web.services.cycles import cycle_transition
from kouka.web.stats import facts

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def test_publishing_fills_the_facts_and_drafts_never_count(world: "World") -> None:
    published = world.cycle(2022)
    report = mapping.report_from_document(Publication.objects.get(cycle=published).document)
    rows = KpiFact.objects.filter(cycle=published).order_by("project_number", "kpi_number")
    expected = [(p.number, k.number, judge_kpi(k, 2022).judgement.value) for p in report.projects for k in p.kpis]
    assert [(r.project_number, r.kpi_number, r.judgement) for r in rows] == expected
    assert sum(r.grant_yen or 0 for r in rows if r.project_row) == 14727544  # 本市交付額 of the seed
    assert set(KpiFact.objects.values_list("cycle__fiscal_year", flat=True)) == {2022}  # 2023 is a draft
    assert not KpiFact.objects.filter(municipality=world.other).exists()


def test_a_correction_replaces_the_facts_of_the_cycle(world: "World") -> None:
    cycle = world.cycle(2022)
    admin = Membership.objects.get(user__username="kikaku")
    cycle_transition(member=admin, cycle=cycle, name="correct")
    record = cycle.projects.get(number=1)
    record.title = "訂正後の事業名"
    record.save()
    before = KpiFact.objects.filter(cycle=cycle).count()
    assert set(KpiFact.objects.filter(cycle=cycle, project_number=1).values_list("project_title", flat=True)) != {
        "訂正後の事業名"}  # the draft is not counted yet
    for step in ("submit", "review"):
        cycle_transition(member=admin, cycle=cycle, name=step)
    cycle_transition(member=admin, cycle=cycle, name="publish", note="事業名の訂正")
    assert KpiFact.objects.filter(cycle=cycle).count() == before
    assert set(KpiFact.objects.filter(cycle=cycle, project_number=1).values_list("project_title", flat=True)) == {
        "訂正後の事業名"}
    assert facts.rebuild([cycle]) == before  # rebuilding again gives the same rows, not twice as many
    assert KpiFact.objects.filter(cycle=cycle).count() == before


def _publish(documents: list[tuple[Body, Report]]) -> list[Cycle]:
    cycles = []
    for body, report in documents:
        municipality, _ = Municipality.objects.get_or_create(
            slug=f"body-{body.code}", defaults={"name": body.name, "prefecture": body.prefecture, "code": body.code})
        cycle = Cycle.objects.create(municipality=municipality, fiscal_year=report.fiscal_year,
                                     state=State.PUBLISHED, revision=1)
        Publication.objects.create(cycle=cycle, revision=1, document=interchange.to_json(Document([report])))
        cycles.append(cycle)
    facts.rebuild(cycles)
    return cycles


def counted_copies() -> dict[tuple[str, int], set[str]]:
    found: dict[tuple[str, int], set[str]] = {}
    for key, year, code in KpiFact.objects.filter(counted=True, project_row=True).exclude(wide_key="").values_list(
            "wide_key", "fiscal_year", "body_code"):
        found.setdefault((key, year), set()).add(code)
    return found


def test_a_wide_area_project_counts_once_with_or_without_its_lead(world: "World") -> None:
    reports = [(d.reports[0].municipality, d.reports[0]) for _, d in synth.generate(bodies=40, years=1, seed=7)]
    wide = {(p.key, r.fiscal_year): (r.municipality.name == p.lead_body, r.municipality.code)
            for _, r in reports for p in r.projects if p.kind is ProjectKind.WIDE_AREA}
    assert wide
    leads = {body.code for body, r in reports for p in r.projects
             if p.kind is ProjectKind.WIDE_AREA and p.lead_body == body.name}
    partners = _publish([(b, r) for b, r in reports if b.code not in leads])
    # Without the lead's report, one partner's copy (the lowest code) counts, once per project.
    without_lead = {key: codes for key, codes in counted_copies().items() if key in wide}
    assert set(without_lead) == set(wide)
    for key, codes in without_lead.items():
        partner_codes = set(KpiFact.objects.filter(wide_key=key[0], fiscal_year=key[1]).values_list(
            "body_code", flat=True))
        assert codes == {min(partner_codes)} and not codes & leads
    _publish([(b, r) for b, r in reports if b.code in leads])
    with_lead = {key: codes for key, codes in counted_copies().items() if key in wide}
    assert set(with_lead) == set(wide)
    for codes in with_lead.values():
        assert len(codes) == 1 and codes <= leads
    # Rebuilding the partners changes nothing: the lead's copy stays the counted one.
    facts.rebuild(partners)
    assert {key: codes for key, codes in counted_copies().items() if key in wide} == with_lead
    # Each KPI of a shared project counts once: the counted copy's KPI rows only.
    for (wide_key, year), codes in with_lead.items():
        rows = KpiFact.objects.filter(wide_key=wide_key, fiscal_year=year).exclude(judgement="")
        assert set(rows.filter(counted=True).values_list("body_code", flat=True)) == codes
        assert rows.exclude(counted=True).exists()  # the partners' copies are there, not counted
