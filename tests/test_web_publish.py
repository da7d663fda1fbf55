"""The publish gate: the checklist blocks publication on errors (naming the project and the field), asks for
warnings to be acknowledged, and previews the exact public page before 公表する."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka.domain.notation import read_measurement
from kouka.web import mapping
from kouka.web.models import Publication, State
from kouka.web.services.cycles import PublishRefused, cycle_transition
from web_fixtures import complete_year

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))


def reviewed(world: "World") -> None:
    admin = world.member("kikaku")
    for step in ("submit", "review"):
        cycle_transition(member=admin, cycle=world.cycle(), name=step)


def set_verification(world: "World", number: int, paragraphs: list[str]) -> None:
    record = world.cycle().projects.get(number=number)
    record.data = {**record.data, "verification": paragraphs}
    record.save()


def test_a_placeholder_or_an_empty_summary_blocks_publication_naming_project_and_field(world: "World") -> None:
    complete_year(world)
    set_verification(world, 2, ["【要記入：目標との差の理由】"])
    set_verification(world, 3, [])
    reviewed(world)
    admin = world.client("kikaku")
    page = admin.get("/staff/2023/publish/").content.decode()
    assert "事業② まとめ（検証結果）に記入されていない箇所が残っています" in page
    assert "事業③ まとめ（検証結果）が書かれていません" in page
    assert "公表できません" in page and "この内容で公表する" not in page
    response = admin.post("/staff/2023/publish/", {"version": world.cycle().version})
    assert response.status_code == 400 and "事業②" in response.content.decode()
    assert world.cycle().state == State.REVIEWED and not Publication.objects.filter(cycle=world.cycle()).exists()
    with pytest.raises(PublishRefused, match="事業③ まとめ"):
        cycle_transition(member=world.member("kikaku"), cycle=world.cycle(), name="publish")


def test_the_preview_is_the_public_page_and_publishing_succeeds_once_clean(world: "World") -> None:
    complete_year(world)
    set_verification(world, 1, ["プレビューで確かめるまとめ。"])
    reviewed(world)
    admin = world.client("kikaku")
    page = admin.get("/staff/2023/publish/").content.decode()
    assert "公表を止める誤りはありません" in page and "プレビューで確かめるまとめ。" in page
    assert "令和5年度の報告をこの内容で公表する" in page
    assert world.client("anonymous").get("/m/isesaki/2023/").status_code == 404  # a preview publishes nothing
    response = admin.post("/staff/2023/publish/", {"version": world.cycle().version})
    assert response.status_code == 302 and world.cycle().state == State.PUBLISHED
    public = world.client("anonymous").get("/m/isesaki/2023/").content.decode()
    assert "プレビューで確かめるまとめ。" in public


def test_warnings_must_be_acknowledged(world: "World") -> None:
    complete_year(world)
    record = world.cycle().projects.get(number=1)
    kpi = record.kpis.get(number=1)
    figure = mapping.kpi_of(kpi)
    figure.actuals[2023] = read_measurement("4社(速報値)", "社")
    mapping.save_kpi(record, figure, kpi)
    reviewed(world)
    admin = world.client("kikaku")
    page = admin.get("/staff/2023/publish/").content.decode()
    assert "注意事項" in page and 'name="acknowledged"' in page
    response = admin.post("/staff/2023/publish/", {"version": world.cycle().version})
    assert response.status_code == 400 and "注意事項を確認しました" in response.content.decode()
    assert world.cycle().state == State.REVIEWED
    response = admin.post("/staff/2023/publish/", {"version": world.cycle().version, "acknowledged": "on"})
    assert response.status_code == 302 and world.cycle().state == State.PUBLISHED


def test_a_reviewer_sees_the_preview_but_cannot_publish(world: "World") -> None:
    complete_year(world)
    reviewed(world)
    reviewer = world.client("yushikisha")
    page = reviewer.get("/staff/2023/publish/").content.decode()
    assert "公表ページのプレビュー" in page and "この内容で公表する" not in page
    assert reviewer.post("/staff/2023/publish/", {"version": world.cycle().version}).status_code == 400
    assert world.client("shoko").get("/staff/2023/publish/").status_code == 403
    assert world.cycle().state == State.REVIEWED
