"""The dashboards' charts, drawn as SVG next to the tables they show (the same figures, so they never disagree):

- :func:`shares_by_year_svg`: per fiscal year, the shares of 成果目標 達成 / 未達成 / 集計中 / 判定対象外 as one
  bar, and the 達成割合 (達成 ÷ (達成 + 未達成)) beside it. It is not called 達成率, which a clerk reads as a
  KPI's actual ÷ target;
- :func:`prefecture_map_svg`: Japan's prefectures coloured by their 達成割合 or 交付金充当額, the shapes from
  the ``japanmap`` package (Apache-2.0; Hokkaido and Okinawa moved closer, as maps of Japan usually draw them);
- :func:`across_years` and :func:`svg`: one KPI over every published year against its targets (drawn by
  :mod:`kouka.render.charts`).

Every chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` that says in words what it shows, and every mark
carries its figures as ``data-`` attributes, so a reader, a screen reader and a test read the same numbers as the
table beside it.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from functools import cache
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka.domain.aggregate import KpiSeries, Tally, percent
from kouka.domain.jpnumbers import format_yen
from kouka.domain.model import Kpi
from kouka.domain.rules import JUDGEMENT_LABELS, Judgement

# A colour and a pattern per judgement: the bar reads without colour too (the legend shows the same fill).
JUDGEMENT_FILLS = {
    Judgement.MET: "#1f4e79",
    Judgement.NOT_MET: "#c55a11",
    Judgement.PENDING: "url(#kouka-hatch)",
    Judgement.NOT_JUDGEABLE: "#bfbfbf",
}
HATCH = ('<defs><pattern id="kouka-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
         'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2e3a0"/>'
         '<line x1="0" y1="0" x2="0" y2="6" stroke="#7f6000" stroke-width="2"/></pattern></defs>')
# Five steps of one hue, light to dark, for the map; grey where nothing is published.
STEPS = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#f0f0f0"
NOT_PUBLISHED = gettext_noop("公表なし")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _text_width(text: str, size: int) -> int:
    """About how wide ``text`` is at font ``size``: a full-width letter a little over ``size``, others 0.6 of it."""
    return sum(size + 1 if unicodedata.east_asian_width(c) in "WF" else round(size * 0.6) for c in text)


def _counted(judgement: Judgement, count: int) -> str:
    """達成 12件."""
    return _("{judgement} {count}件").format(judgement=_(JUDGEMENT_LABELS[judgement]), count=f"{count:,}")


def share_text(value: Decimal | None) -> str:
    """66.7 → 66.7%; None → －（判定できる成果目標なし）."""
    return f"{value}%" if value is not None else "－"


@dataclass(frozen=True)
class YearShares:
    """One fiscal year's counts of 成果目標 by judgement, as the table's row shows them."""

    label: str  # 令和4年度
    counts: dict[Judgement, int]
    met_share: Decimal | None  # 達成割合 in percent, rounded as the table rounds it

    @classmethod
    def of(cls, label: str, figures: Tally) -> "YearShares":
        return cls(label, {j: figures.kpis[j] for j in Judgement}, percent(figures.kpis.met_rate()))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def sentence(self) -> str:
        parts = _("、").join(_counted(j, self.counts[j]) for j in Judgement)
        return _("{label}: 成果目標 {total:,}件（{parts}）、達成割合 {share}").format(
            label=self.label, total=self.total, parts=parts, share=share_text(self.met_share))


def shares_by_year_svg(years: Sequence[YearShares], *, chart_id: str = "kouka-shares") -> str:
    """The year-by-year bars; "" when there is no year to draw."""
    if not years:
        return ""
    width, left, bar_width, row, top = 420, 84, 250, 44, 56  # narrow: its words stay legible on a phone
    height = top + row * len(years) + 8
    title = _("成果目標の判定の内訳と達成割合（年度別）")
    desc = "。".join(y.sentence() for y in years) + _("。達成割合は 達成 ÷（達成＋未達成）です。")
    legend, x = [], 8
    for judgement in Judgement:
        legend.append(f'<rect x="{x}" y="8" width="14" height="14" fill="{JUDGEMENT_FILLS[judgement]}" '
                      f'stroke="#404040" stroke-width="0.5"/><text x="{x + 18}" y="20" font-size="13">'
                      f"{_e(_(JUDGEMENT_LABELS[judgement]))}</text>")
        x += 18 + _text_width(_(JUDGEMENT_LABELS[judgement]), 13) + 16
    legend.append(f'<text x="{left + bar_width + 8}" y="48" font-size="13">' + _e(_("達成割合")) + "</text>")
    bars = []
    for index, year in enumerate(years):
        y = top + index * row
        marks, x0 = [], float(left)
        for judgement in Judgement:
            count = year.counts[judgement]
            share = percent(Fraction(count, year.total)) if year.total else None
            w = bar_width * count / year.total if year.total else 0
            marks.append(f'<rect x="{x0:.1f}" y="{y}" width="{w:.1f}" height="26" '
                         f'fill="{JUDGEMENT_FILLS[judgement]}" data-judgement="{judgement.value}" '
                         f'data-count="{count}" data-share="{share if share is not None else ""}">'
                         f"<title>{_e(_counted(judgement, count))}</title></rect>")
            x0 += w
        if not year.total:
            none = _("成果目標なし")
            marks.append(f'<text x="{left + 4}" y="{y + 18}" font-size="12">{_e(none)}</text>')
        bars.append(
            f'<g class="year" data-year="{_e(year.label)}" data-total="{year.total}" '
            f'data-met-share="{year.met_share if year.met_share is not None else ""}">'
            f'<text x="{left - 8}" y="{y + 18}" font-size="13" text-anchor="end">{_e(year.label)}</text>'
            f'<rect x="{left}" y="{y}" width="{bar_width}" height="26" fill="none" stroke="#404040" '
            f'stroke-width="0.5"/>{"".join(marks)}'
            f'<text x="{left + bar_width + 8}" y="{y + 18}" font-size="15" font-weight="bold">'
            f"{_e(share_text(year.met_share))}</text></g>")
    return (f'<svg class="stats-chart shares" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{chart_id}-title">{title}</title><desc id="{chart_id}-desc">{_e(desc)}</desc>'
            f'{HATCH}{"".join(legend)}{"".join(bars)}</svg>')


@dataclass(frozen=True)
class AreaValue:
    """What the map shows of one prefecture: its 達成割合 (percent) and 交付金充当額 (yen)."""

    prefecture: str
    met_share: Decimal | None
    grant_yen: int

    @classmethod
    def of(cls, prefecture: str, figures: Tally) -> "AreaValue":
        return cls(prefecture, percent(figures.kpis.met_rate()), figures.grant_yen)


MEASURES = {"share": gettext_noop("達成割合"), "grant": gettext_noop("交付金充当額")}


@cache
def prefecture_paths() -> dict[str, str]:
    """Each prefecture's outline as an SVG path in a 0..1000 × 0..1000 box (north up), from japanmap."""
    import japanmap  # its shapes; imported here so that pages without a map do not load it

    data = japanmap.get_data(move_hokkaido=True, move_okinawa=True, rough=True)  # type: ignore[no-untyped-call]
    points: list[list[list[float]]] = japanmap.pref_points(data)  # type: ignore[no-untyped-call]
    xs = [x for polygon in points for x, _ in polygon]
    ys = [y for polygon in points for __, y in polygon]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    scale = 1000 / max(east - west, (north - south) * 1.23)  # a degree of latitude is ~1.23 of longitude here

    def point(x: float, y: float) -> str:
        return f"{(x - west) * scale:.1f},{(north - y) * scale * 1.23:.1f}"

    names = japanmap.pref_names[1:]
    return {name: "M" + " L".join(point(x, y) for x, y in polygon) + " Z"
            for name, polygon in zip(names, points, strict=True)}


def _step(value: float, low: float, high: float) -> int:
    if high <= low:
        return len(STEPS) - 1
    return min(len(STEPS) - 1, int((value - low) / (high - low) * len(STEPS)))


def prefecture_map_svg(values: Sequence[AreaValue], measure: str = "share", *, chart_id: str = "kouka-map") -> str:
    """Japan with each prefecture coloured by ``measure`` (share: 達成割合, grant: 交付金充当額)."""
    paths = prefecture_paths()
    by_name = {v.prefecture: v for v in values}
    numbers = {v.prefecture: float(v.grant_yen) for v in values if v.grant_yen} if measure == "grant" else {
        v.prefecture: float(v.met_share) for v in values if v.met_share is not None}
    low, high = (0.0, 100.0) if measure == "share" else (0.0, max(numbers.values(), default=0.0))
    shapes = []
    for name, path in paths.items():
        value = by_name.get(name)
        fill = STEPS[_step(numbers[name], low, high)] if name in numbers else NO_DATA
        shown = _(NOT_PUBLISHED) if value is None else (
            share_text(value.met_share) if measure == "share" else format_yen(value.grant_yen))
        attributes = (f' data-met-share="{value.met_share if value.met_share is not None else ""}" '
                      f'data-grant-yen="{value.grant_yen}"' if value else "")
        shapes.append(f'<path d="{path}" fill="{fill}" stroke="#555" stroke-width="0.6" data-prefecture="{name}"'
                      f"{attributes}><title>{name} {_(MEASURES[measure])} {_e(shown)}</title></path>")
    label = _(MEASURES[measure])
    described = "、".join(
        f"{v.prefecture} {share_text(v.met_share) if measure == 'share' else format_yen(v.grant_yen)}" for v in values)
    scale = _legend(measure, high)
    title = _("都道府県別の{measure}").format(measure=label)
    desc = (described or _("公表された報告はまだありません")) + _(
        "。色が濃いほど{measure}が大きい。灰色は公表された報告のない都道府県。").format(measure=label)
    return (f'<svg class="stats-chart map" viewBox="0 0 1000 1060" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{chart_id}-title">{_e(title)}</title><desc id="{chart_id}-desc">{_e(desc)}</desc>'
            f'{"".join(shapes)}{scale}</svg>')


def _legend(measure: str, high: float) -> str:
    """The colour steps, bottom right (the Pacific), largest on top."""
    parts = ['<g class="legend" font-size="30">']
    rows = [(STEPS[i], f"{100 * i // len(STEPS)}%～" if measure == "share"
             else f"{format_yen(int(high * i / len(STEPS)) // 1_000_000 * 1_000_000)}～") for i in range(len(STEPS))]
    rows = [*reversed(rows), (NO_DATA, _(NOT_PUBLISHED))]
    for index, (colour, text) in enumerate(rows):
        y = 760 + index * 44
        parts.append(f'<rect x="610" y="{y}" width="36" height="36" fill="{colour}" stroke="#555"/>'
                     f'<text x="656" y="{y + 28}">{_e(text)}</text>')
    parts.append("</g>")
    return "".join(parts)


def across_years(kpi: Kpi, published: KpiSeries | None) -> Kpi:
    """``kpi`` with each published year's target and actual as that year's report published them
    (from the domain core's :func:`~kouka.domain.aggregate.kpi_series`), plus the targets still ahead."""
    targets, actuals = dict(kpi.targets), dict(kpi.actuals)
    for point in published.points if published else []:
        if point.target is not None:
            targets[point.fiscal_year] = point.target
        if point.actual is not None:
            actuals[point.fiscal_year] = point.actual
    return replace(kpi, targets=targets, actuals=actuals)


def svg(kpi: Kpi) -> str:
    from kouka.render.charts import kpi_series_svg

    return kpi_series_svg(kpi)
