"""A new year from the last: the Isesaki 令和4年度 projects carried into 令和5年度 by the administrator's choice."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka.web import mapping
from kouka.web.models import Change, Cycle, ProjectRecord

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def fresh_2023(world: "World") -> None:
    """The world's 令和5年度 draft removed, so that the year is started anew from 令和4年度."""
    Cycle.objects.filter(municipality=world.isesaki, fiscal_year=2023).delete()


def test_the_isesaki_projects_are_offered_by_their_period_and_carried_only_when_chosen(world: "World") -> None:
    fresh_2023(world)
    admin = world.client("kikaku")
    response = admin.post("/staff/", {"fiscal_year": 2023})
    assert response.status_code == 302 and response["Location"] == "/staff/2023/carry/"
    assert not Cycle.objects.filter(municipality=world.isesaki, fiscal_year=2023).exists()  # nothing yet
    page = admin.get("/staff/2023/carry/").content.decode()
    for number in (1, 2, 3):  # 1 and 2 run to 令和6年度, 3 to 令和5年度: all cover 令和5年度
        assert f'name="project-{number}"' in page
    assert 'checked' not in page  # nothing is chosen for the administrator
    assert "まちなかで新たに創業した事業者の数" in page and "（事業開始前）" in page  # KPI and baseline
    assert "12,025億円（令和2年）" in page  # 令和4年度's actual beside the entry fields, read-only
    assert 'name="target-1-1"' in page
    response = admin.post("/staff/2023/carry/", {"project-1": "on", "target-1-1": "6社", "project-3": "on"})
    assert response.status_code == 302
    cycle = Cycle.objects.get(municipality=world.isesaki, fiscal_year=2023)
    assert sorted(cycle.projects.values_list("number", flat=True)) == [1, 3]  # 2 was not chosen
    before = mapping.report_from_document(world.cycle(2022).publications.get().document)
    after = mapping.report_of(cycle)
    for number in (1, 3):
        old, new = before.project(number), after.project(number)
        assert new.departments == old.departments and (new.start_year, new.end_year) == (old.start_year,
                                                                                         old.end_year)
        for o, n in zip(old.kpis, new.kpis, strict=True):
            assert (n.name, n.unit, n.baseline, n.targets[2022]) == (o.name, o.unit, o.baseline, o.targets[2022])
            assert n.key and n.actuals == {}
    assert str(after.project(1).kpi(1).targets[2023].value) == "6"
    assert 2023 not in after.project(3).kpi(1).targets  # no target typed: none invented
    assert after.project(1).cost_yen is None and after.project(1).verification == []
    assert Change.objects.filter(action="cycle:carry", cycle=cycle).count() == 1
    # the year exists now: starting it again is refused and changes nothing
    again = admin.post("/staff/2023/carry/", {"project-2": "on"})
    assert again.status_code == 400 and ProjectRecord.objects.filter(cycle=cycle).count() == 2


def test_an_unreadable_target_is_refused_and_nothing_is_made(world: "World") -> None:
    fresh_2023(world)
    response = world.client("kikaku").post("/staff/2023/carry/", {"project-1": "on", "target-1-1": "たくさん"})
    assert response.status_code == 400 and "数として読めません" in response.content.decode()
    assert not Cycle.objects.filter(municipality=world.isesaki, fiscal_year=2023).exists()


def test_only_the_administrator_starts_a_year(world: "World") -> None:
    fresh_2023(world)
    for role in ("shoko", "yushikisha"):
        assert world.client(role).post("/staff/2023/carry/", {"project-1": "on"}).status_code == 403
    assert not Cycle.objects.filter(municipality=world.isesaki, fiscal_year=2023).exists()


def test_the_carry_page_shows_the_series_of_targets_and_carries_it_whole(world: "World") -> None:
    fresh_2023(world)
    publication = world.cycle(2022).publications.get()
    document = publication.document
    kpi = document["reports"][0]["projects"][0]["kpis"][0]  # 事業① まちなかで新たに創業した事業者の数, 4社 in 令和4年度
    kpi["target_kind"] = "increment"
    kpi["targets"]["2023"] = {**kpi["targets"]["2022"], "value": "5", "text": "5社"}
    kpi["targets"]["2024"] = {**kpi["targets"]["2022"], "value": "6", "text": "6社"}
    type(publication).objects.filter(pk=publication.pk).update(document=document)
    admin = world.client("kikaku")
    page = admin.get("/staff/2023/carry/").content.decode()
    assert "目標値の推移（地域再生計画）" in page and "各年度の増加分" in page
    for label, value in (("開始前", "（事業開始前）"), ("1年目（令和4年度）", "4社"), ("2年目（令和5年度）", "5社"),
                         ("3年目（令和6年度）", "6社")):
        assert f'<span class="label">{label}</span> {value}</li>' in page
    assert 'name="target-1-1" value="5社"' in page  # the plan's target of the year is offered for entry
    assert admin.post("/staff/2023/carry/", {"project-1": "on"}).status_code == 302
    carried = mapping.report_of(Cycle.objects.get(municipality=world.isesaki, fiscal_year=2023)).project(1).kpi(1)
    assert carried.target_kind.value == "increment"
    assert {year: str(m.value) for year, m in carried.targets.items()} == {2022: "4", 2023: "5", 2024: "6"}
