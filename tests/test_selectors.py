"""kouka.web.selectors: the latest publication (defined once), what the public reads, what a member sees."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.http import Http404

from kouka.domain.checks import Finding, Severity, names_project
from kouka.web import selectors
from kouka.web.models import Publication
from kouka.web.services.cycles import cycle_transition

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


@pytest.mark.parametrize(("where", "number", "named"), [
    ("事業①", 1, True),
    ("事業① 成果目標②", 1, True),
    ("事業① 成果目標②", 2, False),
    ("事業⑪", 1, False),
    ("事業(21)", 2, False),
    ("事業(21) 成果目標①", 21, True),
    ("", 1, False),
    ("報告全体（事業①〜③の合計）", 1, False),
])
def test_a_finding_belongs_to_a_project_when_its_where_names_it(where: str, number: int, named: bool) -> None:
    assert names_project(where, number) is named


def test_an_editor_sees_the_findings_of_their_own_projects_only(world: "World") -> None:
    cycle = world.cycle()
    report, visible = selectors.cycle_report(world.member("shoko"), cycle)
    assert [p.number for p in visible] == [1, 3]
    everything = selectors.cycle_findings(world.member("kikaku"), report, visible)
    own = selectors.cycle_findings(world.member("shoko"), report, visible)
    assert {f.where.split(" ")[0] for f in everything} >= {"事業①", "事業②", "事業③"}
    assert own and {f.where.split(" ")[0] for f in own} == {"事業①", "事業③"}
    report_level = Finding(Severity.ERROR, "total_mismatch", "合計が合いません", "$", "")
    assert not any(names_project(report_level.where, p.number) for p in visible)


def test_another_municipalitys_member_sees_no_project(world: "World") -> None:
    _, visible = selectors.cycle_report(world.member("other"), world.cycle())
    assert visible == []
    with pytest.raises(Http404):
        selectors.cycle_project(world.member("kigyo"), world.cycle(), 1)


def test_the_latest_publication_is_the_newest_revision_everywhere(world: "World") -> None:
    admin = world.member("kikaku")
    cycle = world.cycle(2022)
    for step in ("correct", "submit", "review"):
        cycle_transition(member=admin, cycle=cycle, name=step)
    cycle_transition(member=admin, cycle=cycle, name="publish", note="第2版")
    assert Publication.objects.filter(cycle=cycle).count() == 2
    assert [p.revision for p in selectors.publications_latest()] == [2]
    assert selectors.publication_latest(slug="isesaki", year=2022).revision == 2
    found = selectors.publication_of_cycle(cycle)
    assert found is not None and found.note == "第2版"
    assert len(selectors.published_reports(world.isesaki)) == 1


def test_nothing_unpublished_is_read_for_the_public(world: "World") -> None:
    with pytest.raises(Http404):
        selectors.publication_latest(slug="isesaki", year=2023)
    with pytest.raises(Http404):
        selectors.publication_latest(slug="othercity", year=2023)
    assert [m.slug for m, _ in selectors.published_index()] == ["isesaki"]
    hits = list(selectors.published_search("まちなか"))
    assert hits and {hit.fiscal_year for hit in hits} == {2022}
    assert not selectors.published_search("他市の秘密の事業").exists()


def test_people_of_a_municipality_are_its_staff_without_the_tokens_memberships(world: "World") -> None:
    world.token("token_write")
    names = [p.user.get_username() for p in selectors.people_of(world.member("kikaku"))]
    assert names == ["kikaku", "kigyo", "shoko", "yushikisha"]  # by role (admin, editor, reviewer), then name
    assert [p.user.get_username() for p in selectors.people_of(world.member("other"))] == ["other"]
    with pytest.raises(Http404):
        selectors.person_get(world.member("other"), world.member("shoko").pk)
    assert selectors.person_get(world.member("kikaku"), world.member("shoko").pk).user.get_username() == "shoko"
    editors = {d.name: [m.user.get_username() for m in d.members.all()]
               for d in selectors.departments_with_members(world.member("kikaku"))}
    assert editors["商工労働課"] == ["shoko"]


def test_tokens_of_a_municipality_are_its_own(world: "World") -> None:
    world.token("token_read")
    world.token("token_other")
    assert [t.name for t in selectors.tokens_of(world.member("kikaku"))] == ["token_read"]
    other = selectors.tokens_of(world.member("other")).get()
    with pytest.raises(Http404):
        selectors.token_get(world.member("kikaku"), other.pk)


def test_project_numbers_and_the_changes_of_no_year(world: "World") -> None:
    from kouka.web.services.departments import department_create

    numbers = selectors.project_numbers(world.cycle())
    assert sorted(numbers.values()) == [1, 2, 3] and numbers["Made in いせさき しごと創生プロジェクト"] == 2
    department_create(member=world.member("kikaku"), name="新設課")
    department_create(member=world.member("other"), name="他市の新設課")
    assert [c.target for c in selectors.changes_outside_years(world.member("kikaku"))] == ["新設課"]
