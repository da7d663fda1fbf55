"""kouka.web.services.kpis: KPIs created and updated from the form, one actual set from the API."""

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka import interchange
from kouka.domain.errors import KoukaError
from kouka.domain.model import Kpi, MeasurementStatus
from kouka.web import mapping
from kouka.web.models import Change, KpiRecord, ProjectRecord
from kouka.web.permissions import Denied
from kouka.web.services.kpis import kpi_actual_set, kpi_create, kpi_update
from kouka.web.services.writes import StaleVersion

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def kpi_record(world: "World") -> KpiRecord:
    return KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1)


def test_kpi_actual_set_reads_the_figure_as_staff_type_it(world: "World") -> None:
    found = kpi_record(world)
    stored = kpi_actual_set(member=world.member("shoko"), cycle=world.cycle(), record=found, year=2023,
                            text="90社(速報値)", version=found.version)
    actual = mapping.kpi_of(stored).actuals[2023]
    assert str(actual.value) == "90" and actual.status is MeasurementStatus.PRELIMINARY
    change = Change.objects.get(action="kpi:update")
    assert "2023" not in change.before["actuals"] and change.after["actuals"]["2023"]["text"] == "90社(速報値)"


def test_kpi_actual_set_with_an_old_version_or_unreadable_text_changes_nothing(world: "World") -> None:
    found = kpi_record(world)
    seen = found.version
    kpi_actual_set(member=world.member("shoko"), cycle=world.cycle(), record=found, year=2023, text="3社",
                   version=seen)
    with pytest.raises(StaleVersion):
        kpi_actual_set(member=world.member("kikaku"), cycle=world.cycle(), record=found, year=2023, text="4社",
                       version=seen)
    with pytest.raises(KoukaError):
        kpi_actual_set(member=world.member("kikaku"), cycle=world.cycle(), record=kpi_record(world), year=2023,
                       text="たくさん", version=seen + 1)
    assert kpi_record(world).data["actuals"]["2023"]["text"] == "3社" and kpi_record(world).version == seen + 1


def test_kpi_update_and_create_record_the_interchange_json(world: "World") -> None:
    found = kpi_record(world)
    before = mapping.kpi_of(found)
    after = replace(before, name="名前を変えた成果目標")
    kpi_update(member=world.member("kikaku"), cycle=world.cycle(), record=found, before=before, after=after,
               version=found.version)
    change = Change.objects.get(action="kpi:update")
    assert change.before == interchange.kpi_json(before) and change.after == interchange.kpi_json(after)
    project = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
    created = kpi_create(member=world.member("kikaku"), cycle=world.cycle(), project=project,
                         kpi=Kpi(number=9, name="新しい成果目標", unit="人"))
    assert mapping.kpi_of(created).name == "新しい成果目標"
    with pytest.raises(StaleVersion):  # the number was taken meanwhile
        kpi_create(member=world.member("kikaku"), cycle=world.cycle(), project=project,
                   kpi=Kpi(number=9, name="同じ番号", unit="人"))


def test_a_reviewer_cannot_set_an_actual(world: "World") -> None:
    found = kpi_record(world)
    with pytest.raises(Denied):
        kpi_actual_set(member=world.member("yushikisha"), cycle=world.cycle(), record=found, year=2023,
                       text="3社", version=found.version)
