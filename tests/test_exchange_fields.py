"""The department workbook's cells read as a clerk types them; what cannot be read is a reason, never an exception."""

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kouka.domain.eras import format_fiscal_year
from kouka.domain.jpnumbers import format_grouped, format_yen
from kouka.domain.model import Categorised, EffectLevel, Measurement, MeasurementStatus, NextDirection
from kouka.exchange.errors import CellUnreadable
from kouka.exchange.fields import DIRECTION, EFFECT, FIGURE, PARAGRAPHS, YEAR, YEN, CellValue, same_cell


@pytest.mark.parametrize(("typed", "yen"), [
    ("1,929万3,030円", 19293030), (19293030, 19293030), (19293030.0, 19293030), ("19,293,030", 19293030),
    ("１，９２９万３，０３０円", 19293030), ("20万円", 200000), ("1億円", 100000000), ("△500円", -500),
])
def test_money_as_typed(typed: CellValue, yen: int) -> None:
    assert YEN.read(typed, "") == yen


@pytest.mark.parametrize(("typed", "reason"), [
    ("約1,929万円", "『約1,929万円』は概数のため金額として使えません"),
    ("未定", "『未定』は金額（円）として読めません"),
    ("30人", "『30人』は金額（円）として読めません"),
    (1.5, "『1.5』は金額（円）として読めません"),
    (datetime(2023, 4, 1), "『2023-04-01T00:00:00』は金額（円）として読めません"),
])
def test_money_that_cannot_be_read_says_why(typed: CellValue, reason: str) -> None:
    with pytest.raises(CellUnreadable) as unreadable:
        YEN.read(typed, "")
    assert str(unreadable.value) == reason


@pytest.mark.parametrize(("typed", "unit", "expected"), [
    ("27人", "人", Measurement(Decimal(27), "人", text="27人")),
    (27, "人", Measurement(Decimal(27), "人", text="27人")),
    (39400, "人", Measurement(Decimal(39400), "人", text="39,400人")),
    (2.5, "億円", Measurement(Decimal("2.5"), "億円", text="2.5億円")),
    ("90社(速報値)", "社", Measurement(Decimal(90), "社", MeasurementStatus.PRELIMINARY, text="90社(速報値)",
                                   note="速報値")),
    ("県において集計中", "件", Measurement(None, "件", MeasurementStatus.PENDING, text="県において集計中",
                                     note="県において集計中")),
    ("約30件", "件", Measurement(Decimal(30), "件", text="約30件", approximate=True)),
])
def test_figures_as_typed(typed: CellValue, unit: str, expected: Measurement) -> None:
    assert FIGURE.read(typed, unit) == expected


@pytest.mark.parametrize(("typed", "unit", "reason"), [
    ("未定", "件", "『未定』は数値として読めません"),
    ("30件くらい", "件", "『30件くらい』の単位が成果目標の単位（件）と違います"),
    ("3件", "社", "『3件』の単位が成果目標の単位（社）と違います"),
    ("あ" * 60, "件", f"『{'あ' * 40}…』は数値として読めません"),
])
def test_figures_that_cannot_be_read_say_why(typed: str, unit: str, reason: str) -> None:
    with pytest.raises(CellUnreadable) as unreadable:
        FIGURE.read(typed, unit)
    assert str(unreadable.value) == reason


@pytest.mark.parametrize(("typed", "year"), [("令和5年度", 2023), ("R5", 2023), ("令和５年度", 2023),
                                             ("2023年度", 2023), (2023, 2023), ("平成27年度", 2015)])
def test_fiscal_years_as_typed(typed: CellValue, year: int) -> None:
    assert YEAR.read(typed, "") == year


def test_a_year_that_cannot_be_read_says_why() -> None:
    with pytest.raises(CellUnreadable, match="『来年度』は年度として読めません（例: 令和5年度）"):
        YEAR.read("来年度", "")


def test_choices_read_the_drop_down_s_wording_or_the_bare_label() -> None:
    effective = Categorised(EffectLevel.EFFECTIVE, "地方創生に効果があった")
    assert EFFECT.read("③地方創生に効果があった", "") == effective == EFFECT.read("地方創生に効果があった", "")
    assert DIRECTION.read("事業の継続", "") == Categorised(NextDirection.CONTINUE, "事業の継続")
    with pytest.raises(CellUnreadable, match="『まあまあ効果があった』は一覧にない値です（一覧から選んでください）"):
        EFFECT.read("まあまあ効果があった", "")


def test_a_choice_is_the_same_when_its_category_is_whatever_the_wording() -> None:
    city = Categorised(EffectLevel.EFFECTIVE, "総じて効果があったものと考えられる。")
    assert EFFECT.same(city, EFFECT.read(EFFECT.write(city), ""))
    assert EFFECT.write(city) == "③地方創生に効果があった"


def test_paragraphs_are_the_cell_s_lines_without_blank_ones() -> None:
    assert PARAGRAPHS.read(" 一つ目。\r\n\n二つ目。 \n", "") == ("一つ目。", "二つ目。")
    assert PARAGRAPHS.write(("一つ目。", "二つ目。")) == "一つ目。\n二つ目。"


@pytest.mark.parametrize(("shown", "found", "same"), [
    (9962058, 9962058.0, True), (9962058, "9962058", True), ("27人", "27人 ", True), ("a\nb", "a\r\nb", True),
    (None, "", True), ("27人", "27", False), (None, 0, False), (1, True, False),
])
def test_a_cell_is_unchanged_when_it_shows_what_was_written(shown: CellValue, found: CellValue, same: bool) -> None:
    assert same_cell(shown, found) is same


@given(st.integers(min_value=0, max_value=10**13 - 1))
def test_money_written_either_way_reads_back(yen: int) -> None:
    assert YEN.read(YEN.write(yen), "") == yen
    assert YEN.read(format_yen(yen), "") == yen
    assert YEN.read(format_grouped(yen), "") == yen


@given(st.decimals(min_value=0, max_value=10**12, places=2), st.sampled_from(["人", "社", "件", "億円", "%"]))
def test_a_figure_written_by_the_export_reads_back_as_the_same_figure(value: Decimal, unit: str) -> None:
    written = Measurement(value.normalize() if value == value.to_integral_value() else value, unit)
    read = FIGURE.read(FIGURE.write(written), unit)
    assert FIGURE.same(read, written) and FIGURE.same(FIGURE.read(value, unit), written)


@given(st.integers(min_value=1868, max_value=2070))
def test_a_year_written_by_the_export_reads_back(year: int) -> None:
    assert YEAR.read(YEAR.write(year), "") == year == YEAR.read(format_fiscal_year(year), "")


@given(st.one_of(st.text(max_size=60), st.integers(), st.floats(allow_nan=True), st.none()))
def test_no_cell_raises_anything_but_a_reason(typed: CellValue) -> None:
    for kind, unit in ((YEN, ""), (FIGURE, "人"), (YEAR, ""), (EFFECT, ""), (DIRECTION, ""), (PARAGRAPHS, "")):
        try:
            kind.read(typed, unit)
        except CellUnreadable as exc:
            assert str(exc)
