"""An implausible figure pointed out at the field before saving: an actual more than ten times, or less than a
tenth of, last year's actual or the year's target, in a clerk's words with the accepted forms."""

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka.domain.entry import figure_advice

if TYPE_CHECKING:
    from web_fixtures import World


def test_a_figure_out_of_proportion_to_last_year_or_the_target_is_pointed_out() -> None:
    assert figure_advice("60社", "社", last="2社") == [
        "「60社」は前年度の実績値（2社）の10倍を超えています。桁の誤りや、千・万の付けすぎがないか確かめてください。"
        "正しければこのまま保存できます（例: 2社、2社(速報値)、集計中、－）"]
    assert figure_advice("3社", "社", target="40社") == [
        "「3社」はこの年度の目標値（40社）の10分の1に届きません。桁の誤りや、千・万の付け忘れがないか確かめてください。"
        "正しければこのまま保存できます（例: 40社、40社(速報値)、集計中、－）"]
    both = figure_advice("150000人", "人", last="1.2万人", target="13,000人")  # 万 read as the scale it is
    assert len(both) == 2 and "前年度の実績値（12,000人）" in both[0] and "この年度の目標値（13,000人）" in both[1]


def test_a_plausible_figure_zero_or_no_reference_says_nothing() -> None:
    assert figure_advice("20社", "社", last="2社", target="4社") == []  # exactly ten times: not flagged
    assert figure_advice("1.5万人", "人", last="12,000人") == []
    assert figure_advice("0社", "社", last="5社") == []  # none this year may well be true
    assert figure_advice("60社", "社", last="0社") == []  # nothing to compare with
    assert figure_advice("60社", "社", last="（事業開始前）", target="集計中") == []
    assert figure_advice("60社", "社", last="たくさん") == []  # an unreadable reference is its own field's matter
    assert figure_advice("90社(速報値)", "社", last="85社") == []


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_the_reading_beside_the_field_warns_of_it(world: "World") -> None:
    editor = world.client("shoko")
    said = editor.get("/api/staff/reading", {"text": "60社", "unit": "社", "last": "2社", "target": "4社"}).json()
    assert not said["ok"] and said["reading"] == "値 60社・確定値"
    assert [a[:a.index("。")] for a in said["advice"]] == ["「60社」は前年度の実績値（2社）の10倍を超えています",
                                                          "「60社」はこの年度の目標値（4社）の10倍を超えています"]
    said = editor.get("/api/staff/reading", {"text": "5社", "unit": "社", "last": "2社", "target": "4社"}).json()
    assert said == {"ok": True, "reading": "値 5社・確定値", "advice": []}
