"""The reviewers' part: the 外部有識者 writes the opinion (or the 推進会議の評価), the council's remarks and
the 対応; the publication shows them where the seed's shape and the national form put them, and the comment
thread stays internal."""

import io
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from openpyxl import load_workbook

from kouka.render.national import render_national_xlsx
from kouka.web import mapping
from kouka.web.models import Change, Comment, ProjectRecord, State
from kouka.web.services.cycles import cycle_transition
from web_fixtures import complete_year

if TYPE_CHECKING:
    from web_fixtures import World

pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))

OPINION = "創業支援の成果が表れており、空き店舗の活用を更に進められたい。"
COUNCIL = "にぎわいの指標を来年度も報告されたい。"
RESPONSE = "来年度は空き店舗の活用件数を成果目標に加えます。"
INTERNAL = "内部だけの相談：数字の出典を確認"


def review(world: "World", role: str = "yushikisha", label: str = "") -> int:
    record = ProjectRecord.objects.get(cycle=world.cycle(), number=1)
    return world.client(role).post("/staff/2023/projects/1/review/", {
        "version": record.version, "label": label, "opinion": OPINION, "council": COUNCIL,
        "response": RESPONSE}).status_code


def test_the_reviewer_writes_the_opinion_and_the_publication_shows_it_but_not_the_comments(world: "World") -> None:
    complete_year(world)
    assert world.client("shoko").get("/staff/2023/projects/1/review/").status_code == 403
    assert review(world, "shoko") == 403
    assert review(world) == 302
    data = ProjectRecord.objects.get(cycle=world.cycle(), number=1).data
    assert (data["reviewer_opinion"], data["council_remarks"], data["review_response"]) == (
        [OPINION], [COUNCIL], [RESPONSE])
    assert Change.objects.filter(action="project:update", user__username="yushikisha").count() == 1
    world.client("yushikisha").post("/staff/2023/projects/1/comments/", {"text": INTERNAL})
    assert Comment.objects.filter(text=INTERNAL).exists()
    staff_page = world.client("shoko").get("/staff/2023/projects/1/").content.decode()
    assert OPINION in staff_page and RESPONSE in staff_page  # the department sees what it is to answer
    admin = world.member("kikaku")
    for step in ("submit", "review", "publish"):
        cycle_transition(member=admin, cycle=world.cycle(), name=step)
    public = world.client("anonymous").get("/m/isesaki/2023/").content.decode()
    assert OPINION in public and COUNCIL in public and RESPONSE in public
    assert "外部有識者の意見" in public and "議会の意見" in public and "意見への対応" in public
    assert INTERNAL not in public
    for fmt in ("json", "csv", "html"):
        assert INTERNAL not in world.client("anonymous").get(f"/m/isesaki/2023/export/{fmt}/").content.decode()
    published = mapping.report_of(world.cycle())  # the national form: its one cell of outside opinion
    sheet = load_workbook(io.BytesIO(render_national_xlsx(published))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any(OPINION in c and COUNCIL in c and RESPONSE in c for c in cells)
    assert not any(INTERNAL in c for c in cells)


def test_a_council_heading_and_a_published_year_is_frozen(world: "World") -> None:
    assert review(world, "kikaku", label="推進会議の評価") == 302
    page = world.client("kikaku").get("/staff/2023/projects/1/").content.decode()
    assert "推進会議の評価" in page
    cycle = world.cycle(2022)
    assert cycle.state == State.PUBLISHED
    record = ProjectRecord.objects.get(cycle=cycle, number=1)
    response = world.client("yushikisha").post("/staff/2022/projects/1/review/", {
        "version": record.version, "opinion": "公表後の書き換え"})
    assert response.status_code == 403
    assert "公表後の書き換え" not in str(ProjectRecord.objects.get(pk=record.pk).data)
