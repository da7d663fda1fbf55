"""Japanese numbers and amounts as municipal pages print them."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kouka.domain.errors import NumberFormatError
from kouka.domain.jpnumbers import (
    format_grouped,
    format_myriad,
    format_yen,
    in_unit,
    parse_kanji_integer,
    parse_number,
    parse_quantity,
    parse_yen,
)


@pytest.mark.parametrize(("text", "yen"), [
    ("1,472万7,544円", 14_727_544),
    ("996万2,058円", 9_962_058),
    ("498万1,029円", 4_981_029),
    ("1,929万3,030円", 19_293_030),
    ("20万円", 200_000),
    ("10万円", 100_000),
    ("11,788億円", 1_178_800_000_000),
    ("１，４７２万７，５４４円", 14_727_544),
    ("一千四百七十二万円", 14_720_000),
    ("△1,000円", -1_000),
    ("▲５万円", -50_000),
    ("1兆2億3円", 1_000_200_000_003),
    ("14727544", 14_727_544),
])
def test_parse_yen(text: str, yen: int) -> None:
    assert parse_yen(text) == yen


def test_scaled_tables() -> None:
    assert parse_yen("9,962", scale=1000) == 9_962_000  # a table headed (単位:千円)
    assert parse_yen("3,500千円") == 3_500_000
    assert parse_yen("12.5百万円") == 12_500_000


def test_approximate_amount_is_flagged() -> None:
    quantity = parse_quantity("約1,472万円")
    assert quantity.approximate and quantity.value == 14_720_000 and quantity.unit == "円"
    assert not parse_quantity("1,472万円").approximate


@pytest.mark.parametrize("bad", ["", "円", "abc", "1,472万万円", "5万3億円", "1万12,345円", "1.5円"])
def test_unreadable_amounts_are_refused(bad: str) -> None:
    with pytest.raises(NumberFormatError):
        parse_yen(bad)


def test_bare_number_refuses_a_unit() -> None:
    assert parse_number("27,700") == 27_700
    with pytest.raises(NumberFormatError):
        parse_number("27,700人")


def test_quantity_in_a_kpi_unit() -> None:
    assert in_unit(parse_quantity("11,788億円"), "億円") == 11_788
    assert in_unit(parse_quantity("1.5万人"), "人") == 15_000
    with pytest.raises(NumberFormatError):
        in_unit(parse_quantity("2社"), "人")


@pytest.mark.parametrize(("text", "value"), [
    ("一千四百七十二万", 14_720_000), ("十", 10), ("二十一", 21), ("百五", 105), ("二〇二二", 2022),
    ("千", 1000), ("三億五千万", 350_000_000),
])
def test_kanji_numerals(text: str, value: int) -> None:
    assert parse_kanji_integer(text) == value


def test_formatting_in_the_citys_notation() -> None:
    assert format_yen(14_727_544) == "1,472万7,544円"
    assert format_yen(200_000) == "20万円"
    assert format_yen(9_962_058) == "996万2,058円"
    assert format_yen(0) == "0円"
    assert format_yen(-50_000) == "△5万円"
    assert format_grouped(Decimal("39400")) == "39,400"
    assert format_grouped(Decimal("-1234.50")) == "-1,234.50"


@given(st.integers(min_value=-(10**16), max_value=10**16))
def test_yen_round_trip(yen: int) -> None:
    assert parse_yen(format_yen(yen)) == yen


_FULLWIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


@given(st.integers(min_value=0, max_value=10**16))
def test_full_width_round_trip(yen: int) -> None:
    assert parse_yen(format_yen(yen).translate(_FULLWIDTH)) == yen


_KANJI = "〇一二三四五六七八九"


def to_kanji(value: int) -> str:
    """An independent writer of kanji numerals, for the property test."""
    if value == 0:
        return "〇"
    out = ""
    for myriad_name, myriad in (("兆", 10**12), ("億", 10**8), ("万", 10**4), ("", 1)):
        section, value = divmod(value, myriad)
        if not section:
            continue
        for small_name, small in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            digit, section = divmod(section, small)
            if digit:
                out += ("" if digit == 1 and small_name else _KANJI[digit]) + small_name
        out += myriad_name
    return out


@given(st.integers(min_value=1, max_value=10**15))
def test_kanji_round_trip(value: int) -> None:
    assert parse_kanji_integer(to_kanji(value)) == value


@given(st.integers(min_value=0, max_value=10**16))
def test_myriad_round_trip(value: int) -> None:
    assert parse_number(format_myriad(value)) == value
