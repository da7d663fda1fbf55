"""kouka.web.services.imports: a previewed import replaces the year's draft, unless the year changed since."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka import interchange
from kouka.web import mapping
from kouka.web.models import Change, KpiRecord, State
from kouka.web.permissions import Denied
from kouka.web.services.imports import import_confirm, import_preview
from kouka.web.services.kpis import kpi_actual_set
from kouka.web.services.writes import StaleVersion
from paths import EXAMPLE

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def document_for(year: int) -> interchange.Document:
    document = interchange.load(EXAMPLE)
    document.reports[0].fiscal_year = year
    return document


def test_import_confirm_replaces_the_draft_the_preview_saw(world: "World") -> None:
    admin = world.member("kikaku")
    document = document_for(2023)
    preview = import_preview(member=admin, document=document)
    assert preview.conflicts == ["2023年度の作成中データは置き換えられます"]
    version = world.cycle().version
    assert import_confirm(member=admin, document=document, seen=preview.seen) == 3
    assert mapping.report_of(world.cycle()) == document.reports[0]
    assert world.cycle().version == version + 1
    assert Change.objects.get(action="import").after == interchange.report_json(document.reports[0])


def test_import_confirm_after_the_year_changed_is_refused_whole(world: "World") -> None:
    admin = world.member("kikaku")
    document = document_for(2023)
    preview = import_preview(member=admin, document=document)
    record = KpiRecord.objects.get(project__cycle=world.cycle(), project__number=1, number=1)
    kpi_actual_set(member=world.member("shoko"), cycle=world.cycle(), record=record, year=2023, text="9社",
                   version=record.version)
    with pytest.raises(StaleVersion, match="取込内容の確認の後に他の人が変更しました"):
        import_confirm(member=admin, document=document, seen=preview.seen)
    record.refresh_from_db()
    assert record.data["actuals"]["2023"]["text"] == "9社" and not Change.objects.filter(action="import").exists()


def test_a_published_year_is_not_replaced(world: "World") -> None:
    admin = world.member("kikaku")
    document = document_for(2022)
    preview = import_preview(member=admin, document=document)
    assert preview.conflicts == ["2022年度は公表済みのため取り込めません"]
    with pytest.raises(Denied):
        import_confirm(member=admin, document=document, seen=preview.seen)
    assert world.cycle(2022).state == State.PUBLISHED
