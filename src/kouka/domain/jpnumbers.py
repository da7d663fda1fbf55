"""Japanese numbers and amounts, both directions.

Reads what municipal pages print — ``1,472万7,544円``, ``20万円``, ``11,788億円``,
``約1,472万円``, full-width digits, kanji numerals (一千四百七十二万) and the
△/▲ negatives of Japanese accounting — and writes amounts back in the same
万/億 notation. Values are Decimals; yen are integers.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from kouka.domain.errors import NumberFormatError
from kouka.domain.i18n import _
from kouka.domain.textnorm import halfwidth

KANJI_DIGITS = "〇零一二三四五六七八九"
_KANJI_DIGIT_VALUE = {ch: (0 if ch in "〇零" else "一二三四五六七八九".index(ch) + 1) for ch in KANJI_DIGITS}
_KANJI_SMALL = {"十": 10, "百": 100, "千": 1000}
MYRIADS = {"万": 10**4, "億": 10**8, "兆": 10**12}
# Scale words that can stand before a unit in a header or a unit cell: 千円, 百万円, 億円.
SCALE_PREFIXES = {"百万": 10**6, "千万": 10**7, "千": 10**3, "万": 10**4, "億": 10**8, "兆": 10**12}

_NEGATIVE_MARKS = ("△", "▲", "-", "−")
_APPROX_MARKS = ("約", "およそ", "概ね", "おおむね")

# One group: digits with thousands commas and an optional decimal part, or kanji numerals.
_GROUP = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[〇零一二三四五六七八九十百千]+"
_NUMBER_RE = re.compile(rf"(?P<group>{_GROUP})\s*(?P<myriad>[万億兆])?")
# 1e5, 2E+3: exponent notation is not how figures are published; read as "1" with a unit "e5" it would be wrong.
_EXPONENT_RE = re.compile(r"[eE][+\-]?\d")
# Far more digits than any figure (kouka.domain.limits stores 18 + 10): refused before any arithmetic.
MAX_READ_DIGITS = 40
# Arithmetic on what was read is exact: 40 digits times 兆 fit in this precision with room to spare.
_EXACT_PRECISION = 80


@dataclass(frozen=True)
class Quantity:
    """A number read from text: its value, the unit written after it, and flags."""

    value: Decimal
    unit: str
    approximate: bool = False


def parse_kanji_integer(text: str) -> int:
    """一千四百七十二万 → 14720000; 二〇二二 → 2022; 十 → 10."""
    if not text:
        raise NumberFormatError(_("空の漢数字です"))
    if all(ch in KANJI_DIGITS for ch in text):
        return int("".join(str(_KANJI_DIGIT_VALUE[ch]) for ch in text))
    total = section = digit = 0
    for ch in text:
        if ch in _KANJI_DIGIT_VALUE:
            digit = _KANJI_DIGIT_VALUE[ch]
        elif ch in _KANJI_SMALL:
            section += (digit or 1) * _KANJI_SMALL[ch]
            digit = 0
        elif ch in MYRIADS:
            total += (section + digit) * MYRIADS[ch]
            section = digit = 0
        else:
            raise NumberFormatError(_("漢数字として読めません: {text}").format(text=_clip(text)))
    return total + section + digit


def _group_value(group: str) -> Decimal:
    if group[0].isdigit():
        try:
            return Decimal(group.replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
            raise NumberFormatError(_("数値として読めません: {text}").format(text=_clip(group))) from exc
    return Decimal(parse_kanji_integer(group))


def parse_quantity(text: str) -> Quantity:
    """Read a whole string as a number with an optional unit after it.

    ``1,472万7,544円`` → 14727544 円; ``11,788億円`` → 1178800000000 円;
    ``2社`` → 2 社; ``約1,472万円`` → approximate; ``△1,000`` → -1000.
    Myriad words (万, 億, 兆) are folded into the value; the unit is what follows.
    """
    rest = halfwidth(text).strip()
    approximate = False
    for mark in _APPROX_MARKS:
        if rest.startswith(mark):
            approximate, rest = True, rest[len(mark) :].lstrip()
            break
    negative = False
    for mark in _NEGATIVE_MARKS:
        if rest.startswith(mark):
            negative, rest = True, rest[len(mark) :].lstrip()
            break
    with localcontext(prec=_EXACT_PRECISION):
        total, position, last_myriad = _sum_groups(rest, text)
    unit = rest[position:].strip()
    if unit and (unit[0].isdigit() or (last_myriad is not None and unit[0] in MYRIADS)):
        raise NumberFormatError(_("数値として読めません: {text}").format(text=_clip(text)))
    if _EXPONENT_RE.match(unit):
        raise NumberFormatError(_("指数表記（1e5 など）は使えません。数字で書いてください: {text}").format(
            text=_clip(text)))
    return Quantity(-total if negative else total, unit, approximate)


def _clip(text: str) -> str:
    """The start of a long input, for a message."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _sum_groups(rest: str, text: str) -> tuple[Decimal, int, int | None]:
    """The value of the digit groups and myriads at the start of ``rest``, where they end, the last myriad."""
    total = Decimal(0)
    last_myriad: int | None = None
    position = 0
    matched_any = False
    while True:
        match = _NUMBER_RE.match(rest, position)
        if match is None:
            break
        group = match.group("group")
        if len(group) - group.count(",") - group.count(".") > MAX_READ_DIGITS:
            raise NumberFormatError(_("桁数が多すぎます（{digits}桁まで）: {text}").format(
                digits=MAX_READ_DIGITS, text=_clip(text)))
        value = _group_value(group)
        myriad = match.group("myriad")
        if myriad is not None:
            scale = MYRIADS[myriad]
            if last_myriad is not None and scale >= last_myriad:
                raise NumberFormatError(_("万・億の順序が正しくありません: {text}").format(text=_clip(text)))
            total += value * scale
            last_myriad = scale
            position = match.end()
            matched_any = True
            continue
        if last_myriad is not None and value >= last_myriad:
            raise NumberFormatError(_("万・億の下の桁が大きすぎます: {text}").format(text=_clip(text)))
        total += value
        position = match.end()
        matched_any = True
        break
    if not matched_any:
        raise NumberFormatError(_("数値として読めません: {text}").format(text=_clip(text)))
    return total, position, last_myriad


def parse_number(text: str) -> Decimal:
    """A bare number (no unit): ``1,472万7,544`` → 14727544."""
    quantity = parse_quantity(text)
    if quantity.unit:
        raise NumberFormatError(_("数値の後に余分な文字（{extra}）があります: {text}").format(
            extra=quantity.unit, text=_clip(text)))
    return quantity.value


def split_scale(unit: str) -> tuple[int, str]:
    """百万円 → (1000000, 円); 千円 → (1000, 円); 億円 → (10**8, 円); 社 → (1, 社)."""
    for prefix, scale in SCALE_PREFIXES.items():
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return scale, unit[len(prefix) :]
    return 1, unit


def in_unit(quantity: Quantity, unit: str) -> Decimal:
    """The quantity's value expressed in ``unit``: 11,788億円 in 億円 → 11788.

    Raises :class:`NumberFormatError` when the base units differ (人 against 社).
    A quantity written without a unit is taken to be in ``unit`` already.
    """
    if not quantity.unit:
        return quantity.value
    have_scale, have_base = split_scale(quantity.unit)
    want_scale, want_base = split_scale(unit)
    if have_base != want_base:
        raise NumberFormatError(_("単位が違います（{have}、求める単位は{want}）").format(have=quantity.unit, want=unit))
    with localcontext(prec=_EXACT_PRECISION):
        return quantity.value * have_scale / want_scale


def parse_yen(text: str, *, scale: int = 1) -> int:
    """An amount of money as integer yen: ``1,472万7,544円`` → 14727544.

    ``scale`` multiplies a bare figure from a table headed (単位:千円) and the like.
    """
    quantity = parse_quantity(text)
    unit_scale, base = split_scale(quantity.unit) if quantity.unit else (scale, "円")
    if base != "円":
        raise NumberFormatError(_("金額として読めません: {text}").format(text=_clip(text)))
    with localcontext(prec=_EXACT_PRECISION):
        yen = quantity.value * unit_scale
    if yen != yen.to_integral_value():
        raise NumberFormatError(_("1円未満の端数があります: {text}").format(text=_clip(text)))
    return int(yen)


def format_grouped(value: Decimal | int) -> str:
    """39400 → 39,400; 1.5 → 1.5; -1000 → -1,000 (no exponent, no trailing zeros added)."""
    number = Decimal(value)
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}"
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"


def format_myriad(value: int) -> str:
    """14727544 → 1,472万7,544; 200000 → 20万; 1178800000000 → 1兆1,788億."""
    if value < 0:
        return "△" + format_myriad(-value)
    if value == 0:
        return "0"
    parts: list[str] = []
    rest = value
    for name, scale in (("兆", 10**12), ("億", 10**8), ("万", 10**4)):
        high, rest = divmod(rest, scale)
        if high:
            parts.append(f"{high:,}{name}")
    if rest:
        parts.append(f"{rest:,}")
    return "".join(parts)


def format_yen(value: int) -> str:
    """14727544 → 1,472万7,544円; 200000 → 20万円; 100000 → 10万円."""
    return f"{format_myriad(value)}円"


def format_quantity(value: Decimal | int, unit: str) -> str:
    """11788, 億円 → 11,788億円; 2, 社 → 2社."""
    return f"{format_grouped(value)}{unit}"
