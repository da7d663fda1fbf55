"""A KPI's multi-year chart as inline SVG (no script), with the figures also given as a table."""

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from kouka.domain.aggregate import KpiSeries
from kouka.domain.eras import format_fiscal_year
from kouka.domain.jpnumbers import format_grouped
from kouka.domain.model import Kpi, Measurement

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 280, 80, 40, 20


@dataclass(frozen=True)
class Point:
    year: int
    target: Decimal | None
    actual: Decimal | None


def _value(m: Measurement | None) -> Decimal | None:
    return None if m is None else m.value


def series(kpi: Kpi, published: KpiSeries | None = None) -> list[Point]:
    """The chart's points: the baseline, each published year's target and actual (from the domain core's
    :func:`~kouka.domain.aggregate.kpi_series` over every published report), and targets still ahead."""
    points: dict[int, Point] = {}
    if kpi.baseline_year is not None and kpi.baseline is not None:
        points[kpi.baseline_year] = Point(kpi.baseline_year, None, _value(kpi.baseline))
    for year in set(kpi.targets) | set(kpi.actuals):
        points[year] = Point(year, _value(kpi.targets.get(year)), _value(kpi.actuals.get(year)))
    for point in published.points if published else []:
        year = point.fiscal_year
        points[year] = Point(year, _value(point.target), _value(point.actual))
    return [points[year] for year in sorted(points)]


def svg(kpi: Kpi, points: list[Point]) -> str:
    values = [v for p in points for v in (p.target, p.actual) if v is not None]
    title = escape(f"{kpi.name}（{kpi.unit}）の推移")
    if not points or not values:
        return ""
    top = max(max(values), Decimal(0)) or Decimal(1)
    plot_w, plot_h = WIDTH - PAD_LEFT - 20, HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / len(points)
    bar = min(slot / 3, 40)

    def y(v: Decimal) -> float:
        return PAD_TOP + plot_h - float(v / top) * plot_h

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title">',
             f'<title id="chart-title">{title}</title>',
             f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - 20}" y2="{PAD_TOP + plot_h}" '
             'stroke="#444"/>',
             f'<text x="{PAD_LEFT - 8}" y="{PAD_TOP + 4}" text-anchor="end" font-size="12">'
             f'{escape(format_grouped(top))}</text>',
             f'<text x="{PAD_LEFT - 8}" y="{PAD_TOP + plot_h}" text-anchor="end" font-size="12">0</text>']
    for index, point in enumerate(points):
        x = PAD_LEFT + slot * index + slot / 2
        if point.target is not None:
            parts.append(f'<rect class="target" x="{x - bar:.1f}" y="{y(point.target):.1f}" width="{bar:.1f}" '
                         f'height="{PAD_TOP + plot_h - y(point.target):.1f}" fill="#8aa9d6"/>')
        if point.actual is not None:
            parts.append(f'<rect class="actual" x="{x:.1f}" y="{y(point.actual):.1f}" width="{bar:.1f}" '
                         f'height="{PAD_TOP + plot_h - y(point.actual):.1f}" fill="#1d4f91"/>')
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 14}" text-anchor="middle" font-size="12">'
                     f'{escape(format_fiscal_year(point.year))}</text>')
    parts.append(f'<rect x="{PAD_LEFT}" y="2" width="12" height="12" fill="#8aa9d6"/>'
                 f'<text x="{PAD_LEFT + 16}" y="12" font-size="12">目標値</text>'
                 f'<rect x="{PAD_LEFT + 80}" y="2" width="12" height="12" fill="#1d4f91"/>'
                 f'<text x="{PAD_LEFT + 96}" y="12" font-size="12">実績値</text></svg>')
    return "".join(parts)
