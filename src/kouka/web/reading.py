"""How kouka read a figure staff typed, said back in words (shown beside the field as they type)."""

from kouka.domain.eras import format_year_ref, year_mistake
from kouka.domain.errors import EraFormatError
from kouka.domain.jpnumbers import format_quantity
from kouka.domain.model import Measurement, MeasurementStatus
from kouka.domain.notation import read_measurement

STATUS_LABELS: dict[MeasurementStatus, str] = {
    MeasurementStatus.FINAL: "確定値",
    MeasurementStatus.PRELIMINARY: "速報値",
    MeasurementStatus.PENDING: "集計中",
    MeasurementStatus.BEFORE_START: "事業開始前",
    MeasurementStatus.NOT_APPLICABLE: "該当なし",
}


def describe(measurement: Measurement) -> str:
    """90社(速報値) → 「値 90社・速報値」; 11,788億円（令和元年） → 「値 11,788億円・確定値・令和元年の数値」."""
    parts = []
    if measurement.value is not None:
        parts.append(("約" if measurement.approximate else "") + "値 " +
                     format_quantity(measurement.value, measurement.unit))
    parts.append(STATUS_LABELS[measurement.status])
    if measurement.reference is not None:
        parts.append(f"{format_year_ref(measurement.reference)}の数値")
    if measurement.note and measurement.note not in parts:
        parts.append(measurement.note)
    return "・".join(parts)


def read_aloud(text: str, unit: str) -> str:
    """The description of ``text`` read in ``unit``; raises the core's error when it is not a figure (or names
    a year no era has, 平成40年度, which the forms refuse too)."""
    if why := year_mistake(text):
        raise EraFormatError(why)
    return describe(read_measurement(text, unit))
