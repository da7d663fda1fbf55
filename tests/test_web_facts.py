"""The fact table: filled from publications only, replaced on a new revision, wide-area projects settled once."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka.domain.rules import judge_kpi
from kouka.web import facts, mapping, workflow
from kouka.web.models import KpiFact, Membership, Publication

if TYPE_CHECKING:
    from web_fixtures import World

pytest_plugins = ["web_fixtures"]
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
    workflow.apply(admin, cycle, "correct")
    record = cycle.projects.get(number=1)
    record.title = "訂正後の事業名"
    record.save()
    before = KpiFact.objects.filter(cycle=cycle).count()
    assert set(KpiFact.objects.filter(cycle=cycle, project_number=1).values_list("project_title", flat=True)) != {
        "訂正後の事業名"}  # the draft is not counted yet
    for step in ("submit", "review"):
        workflow.apply(admin, cycle, step)
    workflow.apply(admin, cycle, "publish", note="事業名の訂正")
    assert KpiFact.objects.filter(cycle=cycle).count() == before
    assert set(KpiFact.objects.filter(cycle=cycle, project_number=1).values_list("project_title", flat=True)) == {
        "訂正後の事業名"}
    assert facts.rebuild([cycle]) == before  # rebuilding again gives the same rows, not twice as many
    assert KpiFact.objects.filter(cycle=cycle).count() == before
