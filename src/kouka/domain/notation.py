"""A KPI figure as a city writes it, both directions.

``27,700人`` · ``11,788億円（令和元年）`` · ``90社(速報値)`` · ``（事業開始前）`` ·
``県において集計中`` · ``－``: :func:`read_measurement` turns each into a
:class:`Measurement` that keeps the original text; :func:`write_measurement`
writes a Measurement back in the same notation.
"""

import re
from decimal import Decimal

from kouka.domain.eras import YearRef, find_year, format_year_ref
from kouka.domain.errors import NumberFormatError
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import format_quantity, in_unit, parse_quantity
from kouka.domain.model import Measurement, MeasurementStatus
from kouka.domain.textnorm import halfwidth, squeeze_spaces

# Qualifier words, each mapped to the status it gives a figure. One table, read in order.
PENDING_WORDS = ("集計中", "調査中", "未確定", "未集計", "確定前", "公表前", "算出中")
PRELIMINARY_WORDS = ("速報値", "速報", "暫定値", "暫定", "見込値", "見込み", "見込", "推計値", "推計")
BEFORE_START_WORDS = ("事業開始前", "開始前")
NOT_APPLICABLE_TEXTS = ("-", "－", "―", "—", "ー", "‐", "該当なし", "対象外", "なし", "―――", "/", "／", "")

# What a page shows where a text (a まとめ) has not been written yet.
NOTHING_WRITTEN = "（未記入）"

_PAREN = re.compile(r"[（(]([^（）()]*)[）)]")


def _status_of(words: str) -> MeasurementStatus | None:
    if any(word in words for word in PENDING_WORDS):
        return MeasurementStatus.PENDING
    if any(word in words for word in BEFORE_START_WORDS):
        return MeasurementStatus.BEFORE_START
    if any(word in words for word in PRELIMINARY_WORDS):
        return MeasurementStatus.PRELIMINARY
    return None


def read_measurement(text: str, unit: str) -> Measurement:
    """Read one cell of a KPI table for a KPI measured in ``unit``.

    Raises :class:`NumberFormatError` when the cell holds neither a figure nor a
    known qualifier.
    """
    original = text.strip()
    normal = squeeze_spaces(halfwidth(original))
    if normal in NOT_APPLICABLE_TEXTS:
        return Measurement(None, unit, MeasurementStatus.NOT_APPLICABLE, text=original)
    qualifiers = _PAREN.findall(normal)
    bare = _PAREN.sub(" ", normal).strip()
    status = _status_of(normal)
    reference: YearRef | None = None
    for qualifier in qualifiers:
        found = find_year(qualifier, default_fiscal=False)
        if found is not None:
            reference = found
    if not bare or not re.search(r"[0-9〇一二三四五六七八九十百千]", bare):
        if status in (MeasurementStatus.PENDING, MeasurementStatus.BEFORE_START):
            return Measurement(None, unit, status, reference, text=original, note=bare or "・".join(qualifiers))
        raise NumberFormatError(_("数値として読めません: 「{text}」").format(text=original[:40]))
    quantity = parse_quantity(bare)
    try:
        value = in_unit(quantity, unit)
        value_unit = unit
    except NumberFormatError:
        value, value_unit = quantity.value, quantity.unit
    note_words = [q for q in qualifiers if _status_of(q) is not None]
    return Measurement(
        value=Decimal(int(value)) if value == value.to_integral_value() else value,
        unit=value_unit,
        status=status or MeasurementStatus.FINAL,
        reference=reference,
        text=original,
        note="・".join(note_words),
        approximate=quantity.approximate,
    )


def write_measurement(measurement: Measurement) -> str:
    """The city's notation for a figure; the original text when it has one."""
    if measurement.text:
        return measurement.text
    return compose_measurement(measurement)


def compose_measurement(m: Measurement) -> str:
    """Write a figure from its parts: 11,788億円（令和元年）, 90社（速報値）, 県において集計中."""
    if m.status is MeasurementStatus.PENDING and m.value is None:
        return m.note or "集計中"
    if m.status is MeasurementStatus.BEFORE_START and m.value is None:
        return "（事業開始前）"
    if m.value is None:
        return "－"
    text = ("約" if m.approximate else "") + format_quantity(m.value, m.unit)
    if m.reference is not None:
        text += f"（{format_year_ref(m.reference)}）"
    if m.status is MeasurementStatus.PRELIMINARY:
        text += f"（{m.note or '速報値'}）"
    return text
