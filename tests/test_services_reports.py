"""kouka.web.services.reports: the report-level fields, with optimistic locking."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka.web.models import Change
from kouka.web.permissions import Denied
from kouka.web.services.reports import report_update
from kouka.web.services.writes import StaleVersion

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def test_report_update_sets_the_fields_moves_the_version_and_records_both_sides(world: "World") -> None:
    cycle = world.cycle()
    seen, title_before = cycle.version, cycle.report.get("title")
    stored = report_update(member=world.member("kikaku"), cycle=cycle, fields={"title": "新しい表題"}, version=seen)
    assert stored.version == seen + 1 and world.cycle().report["title"] == "新しい表題"
    change = Change.objects.get(action="report:update")
    assert change.before.get("title") == title_before and change.after["title"] == "新しい表題"


def test_report_update_with_an_old_version_is_refused(world: "World") -> None:
    cycle = world.cycle()
    seen = cycle.version
    report_update(member=world.member("kikaku"), cycle=cycle, fields={"title": "一人目"}, version=seen)
    with pytest.raises(StaleVersion):
        report_update(member=world.member("kikaku"), cycle=world.cycle(), fields={"title": "二人目"}, version=seen)
    assert world.cycle().report["title"] == "一人目"


def test_report_update_is_for_administrators(world: "World") -> None:
    cycle = world.cycle()
    with pytest.raises(Denied):
        report_update(member=world.member("shoko"), cycle=cycle, fields={"title": "x"}, version=cycle.version)
