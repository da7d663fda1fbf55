"""Records ↔ domain core: the example survives storing and reading back, in every database."""

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka import interchange
from kouka.domain.checks import check_report
from kouka.web import mapping
from kouka.web.models import KpiRecord, ProjectRecord, Publication, State
from kouka.web.ops.demo import with_placeholders

if TYPE_CHECKING:
    from web_fixtures import World

# every database the settings name: SQLite, and PostgreSQL when KOUKA_TEST_POSTGRES_URL is set
pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "isesaki-2022.json"


def test_published_example_round_trips_exactly(world: "World") -> None:
    """The demo publishes the example, with the image kouka draws under 事業①'s caption (the seed's photo is not
    at hand); taken away again, what is left is the example as it is."""
    original = interchange.load(EXAMPLE).reports[0]
    demo = with_placeholders(interchange.load(EXAMPLE).reports[0])
    publication = Publication.objects.get(cycle=world.cycle(2022))
    assert publication.document == interchange.to_json(interchange.Document([demo]))
    stored = mapping.report_of(world.cycle(2022))
    assert stored == demo
    [figure] = stored.projects[0].figures
    stored.projects[0].figures, stored.projects[0].figure_captions = [], [f"▲{figure.caption}"]
    assert stored == original


def test_records_hold_the_example(world: "World") -> None:
    cycle = world.cycle(2022)
    assert cycle.state == State.PUBLISHED and cycle.revision == 1
    assert ProjectRecord.objects.filter(cycle=cycle).count() == 3
    assert KpiRecord.objects.filter(project__cycle=cycle).count() == 11
    project = ProjectRecord.objects.get(cycle=cycle, number=1)
    assert sorted(d.name for d in project.departments.all()) == ["企画調整課", "商工労働課", "都市開発課"]


def test_carried_draft_is_checked_by_the_core(world: "World") -> None:
    report = mapping.report_of(world.cycle(2023))
    assert report.fiscal_year == 2023
    assert [p.number for p in report.projects] == [1, 2, 3]
    assert all(not kpi.actuals for p in report.projects for kpi in p.kpis)
    codes = {f.code for f in check_report(report)}
    assert "cost_missing" in codes  # the new year's cost is not entered yet


def test_kpi_of_reads_one_record(world: "World") -> None:
    record = KpiRecord.objects.get(project__cycle=world.cycle(2022), project__number=1, number=3)
    kpi = mapping.kpi_of(record)
    assert kpi.name == "まちなかにおけるにぎわいづくりに資する事業への来場者数"
    assert str(kpi.actuals[2022].value) == "39400"
