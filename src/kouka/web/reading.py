"""How kouka read a figure staff typed, said back in words (shown beside the field as they type)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka.domain.eras import format_year_ref, year_mistake
from kouka.domain.errors import EraFormatError
from kouka.domain.jpnumbers import format_quantity
from kouka.domain.model import Measurement, MeasurementStatus
from kouka.domain.notation import read_measurement

STATUS_LABELS: dict[MeasurementStatus, str] = {
    MeasurementStatus.FINAL: gettext_noop("確定値"),
    MeasurementStatus.PRELIMINARY: gettext_noop("速報値"),
    MeasurementStatus.PENDING: gettext_noop("集計中"),
    MeasurementStatus.BEFORE_START: gettext_noop("事業開始前"),
    MeasurementStatus.NOT_APPLICABLE: gettext_noop("該当なし"),
}


def describe(measurement: Measurement) -> str:
    """90社(速報値) → 「値 90社・速報値」; 11,788億円（令和元年） → 「値 11,788億円・確定値・令和元年の数値」."""
    parts = []
    if measurement.value is not None:
        template = _("約値 {quantity}") if measurement.approximate else _("値 {quantity}")
        parts.append(template.format(quantity=format_quantity(measurement.value, measurement.unit)))
    parts.append(_(STATUS_LABELS[measurement.status]))
    if measurement.reference is not None:
        parts.append(_("{year}の数値").format(year=format_year_ref(measurement.reference)))
    if measurement.note and measurement.note not in parts:
        parts.append(measurement.note)
    return _("・").join(parts)


def read_aloud(text: str, unit: str) -> str:
    """The description of ``text`` read in ``unit``; raises the core's error when it is not a figure (or names
    a year no era has, 平成40年度, which the forms refuse too)."""
    if why := year_mistake(text):
        raise EraFormatError(why)
    return describe(read_measurement(text, unit))
