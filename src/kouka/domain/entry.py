"""Advice while a figure is typed, before it is saved: in a clerk's words, with the forms that are accepted.

>>> from kouka.domain.i18n import _
>>> [_(a) for a in figure_advice("3件", "社")]
['「3件」の単位は「件」ですが、この成果目標の単位は「社」です。「社」で入力してください（例: 3社、3社(速報値)）']
>>> [_(a) for a in figure_advice("-5社", "社")]
['マイナスの値になっています。件数や人数は0以上で入力してください（例: 5社）']
>>> figure_advice("90社(速報値)", "社")
[]
"""

from decimal import Decimal

from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import format_quantity
from kouka.domain.notation import read_measurement

# The forms a figure may take, said as an example after an unreadable one.
ACCEPTED = "{n}{unit}、{n}{unit}(速報値)、集計中、－"


def figure_advice(text: str, unit: str) -> list[str]:
    """What a clerk should look at in ``text`` typed for a KPI measured in ``unit`` (empty: nothing)."""
    try:
        measurement = read_measurement(text, unit)
    except KoukaError:
        return [_("数値として読めません。次のように入力してください（例: {forms}）").format(
            forms=ACCEPTED.format(n=12, unit=unit))]
    advice = []
    if measurement.value is not None and unit and measurement.unit and measurement.unit != unit:
        shown = format_quantity(measurement.value, measurement.unit)
        advice.append(_("「{text}」の単位は「{typed}」ですが、この成果目標の単位は「{unit}」です。「{unit}」で入力して"
                        "ください（例: {example}{unit}、{example}{unit}(速報値)）").format(
            text=shown, typed=measurement.unit, unit=unit, example=_plain(measurement.value)))
    if measurement.value is not None and measurement.value < 0:
        advice.append(_("マイナスの値になっています。件数や人数は0以上で入力してください（例: {example}{unit}）")
                      .format(example=_plain(-measurement.value), unit=unit))
    return advice


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
