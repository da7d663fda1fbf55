"""kouka.web.services.cycles: creating a year and moving it along draft → submitted → reviewed → published."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka import interchange
from kouka.domain.model import Document
from kouka.web import mapping
from kouka.web.models import Change, Cycle, KpiFact, Publication, State
from kouka.web.permissions import Denied
from kouka.web.services.cycles import WorkflowError, cycle_create, cycle_transition, cycle_transitions
from kouka.web.services.writes import StaleVersion

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def test_cycle_create_makes_the_year_once_and_records_it(world: "World") -> None:
    admin = world.member("kikaku")
    first = cycle_create(member=admin, fiscal_year=2024)
    again = cycle_create(member=admin, fiscal_year=2024)
    assert first.pk == again.pk and first.state == State.DRAFT
    assert Change.objects.filter(action="cycle:create", cycle=first).count() == 1


def test_cycle_create_is_for_administrators(world: "World") -> None:
    with pytest.raises(Denied):
        cycle_create(member=world.member("shoko"), fiscal_year=2024)
    assert not Cycle.objects.filter(fiscal_year=2024).exists()


def test_a_stale_version_is_refused_and_changes_nothing(world: "World") -> None:
    cycle = world.cycle()
    seen = cycle.version
    cycle_transition(member=world.member("kikaku"), cycle=cycle, name="submit", version=seen)
    assert cycle.state == State.SUBMITTED and cycle.version == seen + 1
    with pytest.raises(StaleVersion, match="他の人が変更しました"):
        cycle_transition(member=world.member("kikaku"), cycle=world.cycle(), name="return", version=seen)
    stored = world.cycle()
    assert stored.state == State.SUBMITTED and stored.version == seen + 1
    assert Change.objects.filter(action="workflow:return").count() == 0


def test_a_transition_the_role_may_not_take_is_refused(world: "World") -> None:
    reviewer = world.member("yushikisha")
    assert cycle_transitions(reviewer, world.cycle()) == []
    with pytest.raises(WorkflowError, match="提出する"):
        cycle_transition(member=reviewer, cycle=world.cycle(), name="submit")
    assert world.cycle().state == State.DRAFT


def test_publishing_freezes_the_records_and_counts_them_from_what_it_wrote(world: "World") -> None:
    admin = world.member("kikaku")
    cycle = world.cycle(2022)
    cycle_transition(member=admin, cycle=cycle, name="correct")
    before = mapping.document_json(cycle)
    for step in ("submit", "review"):
        cycle_transition(member=admin, cycle=cycle, name=step)
    cycle_transition(member=admin, cycle=cycle, name="publish", note="訂正の記録")
    latest = Publication.objects.get(cycle=cycle, revision=2)
    assert latest.document == before and latest.note == "訂正の記録"
    report = interchange.from_json(latest.document).reports[0]
    assert interchange.to_json(Document([report])) == before
    facts = KpiFact.objects.filter(cycle=cycle)
    assert facts.filter(kpi_number__isnull=False).count() == sum(len(p.kpis) for p in report.projects)
    assert cycle.state == State.PUBLISHED and cycle.revision == 2


def test_a_correction_is_not_published_without_a_note(world: "World") -> None:
    admin = world.member("kikaku")
    cycle = world.cycle(2022)
    for step in ("correct", "submit", "review"):
        cycle_transition(member=admin, cycle=cycle, name=step)
    with pytest.raises(WorkflowError, match="訂正内容"):
        cycle_transition(member=admin, cycle=cycle, name="publish", note="  ")
    assert world.cycle(2022).state == State.REVIEWED and not Publication.objects.filter(revision=2).exists()
