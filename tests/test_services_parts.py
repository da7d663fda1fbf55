"""kouka.web.services.parts: each department submits its own projects, the planning division returns one
department's part with a reason or confirms it, and the city's year follows its departments."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka.web.models import Change, Department, DepartmentPart, PartState, State
from kouka.web.permissions import Denied, can_edit_project
from kouka.web.selectors import NOT_STARTED, cycle_board
from kouka.web.services.cycles import cycle_transition
from kouka.web.services.parts import PartRefused, ReasonMissing, part_act
from kouka.web.services.writes import StaleVersion

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def department(world: "World", name: str) -> Department:
    found: Department = Department.objects.get(municipality=world.isesaki, name=name)
    return found


def state_of(world: "World", name: str) -> PartState:
    part = DepartmentPart.objects.filter(cycle=world.cycle(), department=department(world, name)).first()
    return PartState(part.state) if part else PartState.OPEN


def test_a_department_submits_only_its_own_projects_and_the_year_follows(world: "World") -> None:
    shoko, kigyo, admin = world.member("shoko"), world.member("kigyo"), world.member("kikaku")
    cycle = world.cycle()
    board = {p.department.name: p for p in cycle_board(admin, cycle)}
    assert sorted(board) == ["企業誘致課", "商工労働課"]  # the lead departments (the first listed)
    assert [p.record.number for p in board["商工労働課"].projects] == [1, 3]
    assert {p.status for p in board["商工労働課"].projects} <= {NOT_STARTED, "open"}
    assert "実績値" in board["商工労働課"].projects[0].missing
    with pytest.raises(Denied):
        part_act(member=kigyo, cycle=cycle, department=department(world, "商工労働課"), name="submit")
    part_act(member=shoko, cycle=cycle, department=department(world, "商工労働課"), name="submit", version=0, count=2)
    assert state_of(world, "商工労働課") == PartState.SUBMITTED and state_of(world, "企業誘致課") == PartState.OPEN
    assert world.cycle().state == State.DRAFT  # 企業誘致課 has not submitted
    project1 = cycle.projects.get(number=1)
    assert not can_edit_project(shoko, world.cycle(), project1)  # submitted: locked for the department
    assert can_edit_project(kigyo, world.cycle(), cycle.projects.get(number=2))
    part_act(member=kigyo, cycle=cycle, department=department(world, "企業誘致課"), name="submit")
    assert world.cycle().state == State.SUBMITTED
    change = Change.objects.get(action="part:submit", target="商工労働課")
    assert change.after["count"] == 2


def test_a_return_needs_a_reason_and_touches_one_department_only(world: "World") -> None:
    shoko, kigyo, admin = world.member("shoko"), world.member("kigyo"), world.member("kikaku")
    cycle = world.cycle()
    for member, name in ((shoko, "商工労働課"), (kigyo, "企業誘致課")):
        part_act(member=member, cycle=cycle, department=department(world, name), name="submit")
    with pytest.raises(Denied):
        part_act(member=shoko, cycle=cycle, department=department(world, "企業誘致課"), name="return", reason="x")
    with pytest.raises(ReasonMissing, match="理由"):
        part_act(member=admin, cycle=cycle, department=department(world, "商工労働課"), name="return", reason="  ")
    assert state_of(world, "商工労働課") == PartState.SUBMITTED
    part_act(member=admin, cycle=cycle, department=department(world, "商工労働課"), name="return",
             reason="事業①のまとめが空です")
    assert state_of(world, "商工労働課") == PartState.RETURNED and state_of(world, "企業誘致課") == PartState.SUBMITTED
    assert world.cycle().state == State.DRAFT
    assert can_edit_project(shoko, world.cycle(), cycle.projects.get(number=1))  # returned: open again
    own = cycle_board(shoko, world.cycle())
    assert [p.department.name for p in own] == ["商工労働課"] and own[0].reason == "事業①のまとめが空です"
    assert cycle_board(kigyo, world.cycle())[0].reason == ""  # the other department does not see it


def test_the_year_is_confirmed_only_when_every_department_is(world: "World") -> None:
    shoko, kigyo, admin = world.member("shoko"), world.member("kigyo"), world.member("kikaku")
    cycle = world.cycle()
    with pytest.raises(PartRefused, match="作成中"):
        part_act(member=admin, cycle=cycle, department=department(world, "商工労働課"), name="confirm")
    for member, name in ((shoko, "商工労働課"), (kigyo, "企業誘致課")):
        part_act(member=member, cycle=cycle, department=department(world, name), name="submit")
    part_act(member=admin, cycle=cycle, department=department(world, "商工労働課"), name="confirm")
    assert world.cycle().state == State.SUBMITTED
    part_act(member=admin, cycle=cycle, department=department(world, "企業誘致課"), name="confirm")
    assert world.cycle().state == State.REVIEWED


def test_a_stale_part_is_refused(world: "World") -> None:
    shoko, admin = world.member("shoko"), world.member("kikaku")
    cycle = world.cycle()
    shown = 0
    part_act(member=shoko, cycle=cycle, department=department(world, "商工労働課"), name="submit", version=shown)
    with pytest.raises(StaleVersion, match="商工労働課"):
        part_act(member=shoko, cycle=cycle, department=department(world, "商工労働課"), name="submit", version=shown)
    assert Change.objects.filter(action="part:submit").count() == 1
    part_act(member=admin, cycle=cycle, department=department(world, "商工労働課"), name="return", reason="r")


def test_the_year_transitions_move_every_part(world: "World") -> None:
    admin = world.member("kikaku")
    cycle = world.cycle()
    cycle_transition(member=admin, cycle=cycle, name="submit")
    assert {state_of(world, n) for n in ("商工労働課", "企業誘致課")} == {PartState.SUBMITTED}
    cycle_transition(member=admin, cycle=cycle, name="review")
    assert {state_of(world, n) for n in ("商工労働課", "企業誘致課")} == {PartState.CONFIRMED}
    with pytest.raises(PartRefused):
        part_act(member=world.member("shoko"), cycle=world.cycle(), department=department(world, "商工労働課"),
                 name="submit")
