"""Era years and fiscal years (年度) as municipal pages write them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kouka.domain.eras import (
    YearRef,
    find_year,
    format_fiscal_period,
    format_fiscal_year,
    format_year,
    format_year_ref,
    parse_fiscal_period,
    parse_fiscal_year,
    parse_year,
)
from kouka.domain.errors import EraFormatError


@pytest.mark.parametrize(("text", "year"), [
    ("令和4年度", 2022), ("令和元年度", 2019), ("平成28年度", 2016), ("R4", 2022), ("r4", 2022),
    ("R4年度", 2022), ("2022年度", 2022), ("令和４年度", 2022), ("令和四年度", 2022), ("H31", 2019),
    ("平成元年度", 1989), ("昭和64年", 1989),
])
def test_parse_fiscal_year(text: str, year: int) -> None:
    assert parse_fiscal_year(text) == year


def test_calendar_years_and_months() -> None:
    assert parse_year("令和元年") == YearRef(2019, fiscal=False)
    assert parse_year("令和4年度") == YearRef(2022, fiscal=True)
    assert parse_year("H28.3") == YearRef(2016, fiscal=False, month=3)
    assert parse_year("平成28年3月末") == YearRef(2016, fiscal=False, month=3)
    assert find_year("11,788億円（令和元年）", default_fiscal=False) == YearRef(2019, fiscal=False)
    assert find_year("1,929万3,030円") is None


def test_formatting() -> None:
    assert format_fiscal_year(2022) == "令和4年度"
    assert format_fiscal_year(2019) == "令和元年度"
    assert format_fiscal_year(2016) == "平成28年度"
    assert format_year(2019) == "令和元年"
    assert format_year_ref(YearRef(2016, fiscal=False, month=3)) == "平成28年3月"


@pytest.mark.parametrize("text", [
    "令和4年度～令和6年度", "令和4年度 ～ 令和6年度", "令和4年度〜令和6年度", "令和４年度～６年度", "R4-R6",
    "2022年度～2024年度", "令和4年度から令和6年度まで",
])
def test_parse_period(text: str) -> None:
    assert parse_fiscal_period(text) == (2022, 2024)


def test_single_year_period_and_format() -> None:
    assert parse_fiscal_period("令和4年度") == (2022, 2022)
    assert format_fiscal_period(2022, 2024) == "令和4年度～令和6年度"
    assert format_fiscal_period(2022, 2024, spaced=True) == "令和4年度 ～ 令和6年度"


@pytest.mark.parametrize("bad", ["", "令和", "令和0年度", "令和4年度～令和2年度", "昨年度", "H28.13"])
def test_unreadable_years_are_refused(bad: str) -> None:
    with pytest.raises(EraFormatError):
        parse_fiscal_period(bad) if "～" in bad else parse_year(bad)


@given(st.integers(min_value=1868, max_value=2200))
def test_fiscal_year_round_trip(year: int) -> None:
    assert parse_fiscal_year(format_fiscal_year(year)) == year


@given(st.integers(min_value=1868, max_value=2200), st.booleans(), st.none() | st.integers(1, 12))
def test_year_ref_round_trip(year: int, fiscal: bool, month: int | None) -> None:
    ref = YearRef(year, fiscal=fiscal and month is None, month=month)
    assert parse_year(format_year_ref(ref)) == ref


@given(st.integers(min_value=1868, max_value=2150), st.integers(min_value=0, max_value=50), st.booleans())
def test_period_round_trip(start: int, length: int, spaced: bool) -> None:
    assert parse_fiscal_period(format_fiscal_period(start, start + length, spaced=spaced)) == (start, start + length)
