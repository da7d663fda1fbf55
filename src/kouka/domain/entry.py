"""Advice while a figure is typed, before it is saved: in a clerk's words, with the forms that are accepted.

>>> from kouka.domain.i18n import _
>>> [_(a) for a in figure_advice("3件", "社")]
['「3件」の単位は「件」ですが、この成果目標の単位は「社」です。「社」で入力してください（例: 3社、3社(速報値)）']
>>> [_(a) for a in figure_advice("-5社", "社")]
['マイナスの値になっています。件数や人数は0以上で入力してください（例: 5社）']
>>> figure_advice("90社(速報値)", "社")
[]
>>> print(_(figure_advice("60社", "社", last="2社")[0])[:29])
「60社」は前年度の実績値（2社）の10倍を超えています。
"""

from decimal import Decimal
from fractions import Fraction

from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _, gettext_noop
from kouka.domain.jpnumbers import format_grouped, format_quantity, format_yen, parse_yen, split_scale
from kouka.domain.model import Measurement
from kouka.domain.notation import read_measurement
from kouka.domain.rules import grant_for

# The forms a figure may take, said as an example after an unreadable one.
ACCEPTED = "{n}{unit}、{n}{unit}(速報値)、集計中、－"

# A figure this many times larger (or smaller) than last year's actual or the year's target is likely a slip
# (a digit too many, 万 forgotten); it is shown, never refused: the figure may be right.
IMPLAUSIBLE_FACTOR = 10
LAST_ACTUAL = gettext_noop("前年度の実績値")
TARGET = gettext_noop("この年度の目標値")


def _in_unit(measurement: Measurement | None, unit: str) -> Decimal | None:
    """The figure's value in ``unit`` (万人 → 人), or None when it has none or another base unit."""
    if measurement is None or measurement.value is None:
        return None
    have_scale, have_base = split_scale(measurement.unit or unit)
    want_scale, want_base = split_scale(unit)
    return measurement.value * have_scale / want_scale if have_base == want_base else None


def _reference(text: str, unit: str) -> Measurement | None:
    try:
        return read_measurement(text, unit) if text.strip() else None
    except KoukaError:
        return None


def implausible_advice(measurement: Measurement, unit: str, references: list[tuple[str, str]]) -> list[str]:
    """A warning for each reference (``(what, typed text)``: last year's actual, the year's target) that the
    figure exceeds more than ten times or falls below a tenth of. A zero or a reference of zero is not judged."""
    value = _in_unit(measurement, unit)
    if value is None or value <= 0:
        return []
    advice = []
    for what, text in references:
        reference = _reference(text, unit)
        base = _in_unit(reference, unit)
        if reference is None or base is None or base <= 0:
            continue
        shown = {"text": format_quantity(measurement.value or value, measurement.unit or unit), "what": _(what),
                 "reference": format_quantity(reference.value or base, reference.unit or unit),
                 "forms": ACCEPTED.format(n=_plain(base), unit=unit)}
        if value > base * IMPLAUSIBLE_FACTOR:
            advice.append(_("「{text}」は{what}（{reference}）の10倍を超えています。桁の誤りや、千・万の付けすぎがない"
                            "か確かめてください。正しければこのまま保存できます（例: {forms}）").format(**shown))
        elif value * IMPLAUSIBLE_FACTOR < base:
            advice.append(_("「{text}」は{what}（{reference}）の10分の1に届きません。桁の誤りや、千・万の付け忘れがない"
                            "か確かめてください。正しければこのまま保存できます（例: {forms}）").format(**shown))
    return advice


def figure_advice(text: str, unit: str, *, last: str = "", target: str = "") -> list[str]:
    """What a clerk should look at in ``text`` typed for a KPI measured in ``unit`` (empty: nothing); with
    ``last`` (last year's actual as typed) and ``target`` (the year's target), also a figure out of all
    proportion to them (:func:`implausible_advice`)."""
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
    return advice + implausible_advice(measurement, unit, [(LAST_ACTUAL, last), (TARGET, target)])


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def grant_advice(cost_text: str, grant_text: str, rate: Fraction) -> list[str]:
    """What a clerk should look at in a project's 事業費 and 交付金充当額 as typed: a grant that is not cost ×
    rate (the grant rule), a negative amount.

    >>> from fractions import Fraction
    >>> from kouka.domain.i18n import _
    >>> print(_(grant_advice("9,962,058", "4,981,000", Fraction(1, 2))[0])[:50])
    交付金充当額は、事業費 996万2,058円 × 1/2 = 498万1,029円 になるはずですが
    >>> grant_advice("9,962,058", "4,981,029", Fraction(1, 2))
    []
    """
    try:
        cost = parse_yen(cost_text) if cost_text.strip() else None
        grant = parse_yen(grant_text) if grant_text.strip() else None
    except KoukaError:
        return [_("金額として読めません。円単位で入力してください（例: 9,962,058 または 996万2,058円）")]
    if (cost is not None and cost < 0) or (grant is not None and grant < 0):
        return [_("マイナスの金額になっています。0円以上で入力してください（例: 9,962,058）")]
    if cost is None or grant is None:
        return []
    expected = grant_for(cost, rate)
    if grant == expected:
        return []
    return [_("交付金充当額は、事業費 {cost} × {rate} = {expected} になるはずですが、{grant} と入力されています"
              "（例: {plain}）").format(cost=format_yen(cost), rate=f"{rate.numerator}/{rate.denominator}",
                                     expected=format_yen(expected), grant=format_yen(grant),
                                     plain=format_grouped(expected))]
