"""kouka.web.services.projects: creating and updating projects, the editor's departments, the API's まとめ."""

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka.domain.model import Project
from kouka.web import mapping
from kouka.web.models import Change, Department, ProjectRecord
from kouka.web.permissions import Denied
from kouka.web.services.projects import (
    NumberTaken,
    VerificationTooLong,
    ordered_names,
    project_create,
    project_departments,
    project_update,
    project_verification_set,
)
from kouka.web.services.writes import StaleVersion

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def record(world: "World", number: int = 1) -> ProjectRecord:
    return ProjectRecord.objects.get(cycle=world.cycle(), number=number)


def test_project_create_stores_and_records_a_new_project(world: "World") -> None:
    project = Project(9, "新しい事業", 2023, 2025, departments=["商工労働課"])
    stored = project_create(member=world.member("kikaku"), cycle=world.cycle(), project=project)
    assert mapping.project_of(stored) == project
    assert Change.objects.get(action="project:create").after == mapping.project_data(project)


def test_project_create_with_a_number_in_use_is_refused(world: "World") -> None:
    with pytest.raises(NumberTaken, match="既に使われています"):
        project_create(member=world.member("kikaku"), cycle=world.cycle(), project=Project(1, "重複", 2023, 2023))
    assert ProjectRecord.objects.filter(cycle=world.cycle(), title="重複").count() == 0


def test_project_update_overwrites_once_and_refuses_the_stale_second(world: "World") -> None:
    found = record(world)
    before = mapping.project_of(found)
    seen = found.version
    after = replace(before, title="一人目の事業名")
    project_update(member=world.member("kikaku"), cycle=world.cycle(), record=found, before=before, after=after,
                   version=seen)
    with pytest.raises(StaleVersion):
        project_update(member=world.member("shoko"), cycle=world.cycle(), record=found, before=before,
                       after=replace(before, title="二人目"), version=seen)
    assert record(world).title == "一人目の事業名" and record(world).version == seen + 1
    assert Change.objects.filter(action="project:update").count() == 1


def test_an_editor_keeps_other_departments_and_cannot_drop_their_own(world: "World") -> None:
    found = record(world)
    project = mapping.project_of(found)
    shoko = world.member("shoko")
    names = project_departments(member=shoko, record=found, project=project, chosen=list(shoko.departments.all()))
    assert names == project.departments  # the others' assignments stay, in the city's order
    with pytest.raises(Denied, match="自課"):
        project_departments(member=shoko, record=found, project=project, chosen=[])
    admin_choice = [Department.objects.get(municipality=world.isesaki, name="商工労働課")]
    assert project_departments(member=world.member("kikaku"), record=found, project=project,
                               chosen=admin_choice) == ["商工労働課"]


def test_ordered_names_keep_the_citys_order_and_put_new_ones_last() -> None:
    assert ordered_names(["企画調整課", "商工労働課"], ["新設課", "商工労働課"]) == ["商工労働課", "新設課"]


def test_verification_set_drops_blank_paragraphs_and_refuses_too_much(world: "World") -> None:
    found = record(world)
    stored = project_verification_set(member=world.member("kikaku"), cycle=world.cycle(), record=found,
                                      paragraphs=[" 一段落目 ", "", "二段落目"], version=found.version)
    assert stored.data["verification"] == ["一段落目", "二段落目"]
    with pytest.raises(VerificationTooLong):
        project_verification_set(member=world.member("kikaku"), cycle=world.cycle(), record=record(world),
                                 paragraphs=["長" * 8001], version=record(world).version)


def test_a_reviewer_cannot_set_the_verification(world: "World") -> None:
    found = record(world)
    with pytest.raises(Denied):
        project_verification_set(member=world.member("yushikisha"), cycle=world.cycle(), record=found,
                                 paragraphs=["x"], version=found.version)
