"""KPI charts as SVG: plain bars for baseline, target and actual, labelled in Japanese with their values in
the city's notation, and a text alternative (``<title>``/``<desc>`` and ``aria-label``) that states the numbers.

A figure without a comparable value (集計中, 事業開始前, －) gets no bar, only its text, so nothing is drawn
that the data does not say. Bars are told apart by their label and fill pattern (outline for targets),
never by colour alone.
"""

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from kouka.domain.checks import circled
from kouka.domain.eras import format_fiscal_year
from kouka.domain.model import EFFECT_LABELS, EffectLevel, Kpi, Measurement
from kouka.domain.notation import write_measurement
from kouka.domain.rules import comparable_value

FONT = "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', sans-serif"
BAR_WIDTH, GAP, LEFT, TOP, PLOT_HEIGHT, BOTTOM = 64, 30, 16, 48, 120, 40
INK, MUTED, ACTUAL_FILL, BASELINE_FILL = "#1a1a1a", "#595959", "#1f4e79", "#8c8c8c"


@dataclass(frozen=True)
class Bar:
    """One bar: its label (令和4年度目標), the figure, and what kind of figure it is."""

    label: str
    measurement: Measurement | None
    kind: str  # "baseline" | "target" | "actual"


def kpi_title(kpi: Kpi) -> str:
    """成果目標① まちなかワークショップ参加者数（人）."""
    return f"成果目標{circled(kpi.number)} {kpi.name}（{kpi.unit}）"


def figure_text(m: Measurement | None) -> str:
    return write_measurement(m) if m is not None else "－"


def baseline_label(kpi: Kpi) -> str:
    return f"{format_fiscal_year(kpi.baseline_year)}実績" if kpi.baseline_year else "基準値"


def year_bars(kpi: Kpi, fiscal_year: int) -> list[Bar]:
    year = format_fiscal_year(fiscal_year)
    return [
        Bar(baseline_label(kpi), kpi.baseline, "baseline"),
        Bar(f"{year}目標", kpi.targets.get(fiscal_year), "target"),
        Bar(f"{year}実績", kpi.actuals.get(fiscal_year), "actual"),
    ]


def series_bars(kpi: Kpi) -> list[Bar]:
    bars = [Bar(baseline_label(kpi), kpi.baseline, "baseline")] if kpi.baseline is not None else []
    for year in sorted(set(kpi.targets) | set(kpi.actuals)):
        era = format_fiscal_year(year)
        bars.append(Bar(f"{era}目標", kpi.targets.get(year), "target"))
        bars.append(Bar(f"{era}実績", kpi.actuals.get(year), "actual"))
    return bars


def text_alternative(kpi: Kpi, bars: list[Bar]) -> str:
    """The chart in words: 成果目標① …（社）: 令和3年度実績 （事業開始前）、令和4年度目標 4社、令和4年度実績 2社."""
    figures = "、".join(f"{bar.label} {figure_text(bar.measurement)}" for bar in bars)
    return f"{kpi_title(kpi)}のグラフ。{figures}"


def _bar_shape(bar: Bar, x: int, value: Decimal, top: Decimal) -> str:
    height = int(PLOT_HEIGHT * value / top) if top > 0 else 0
    y = TOP + PLOT_HEIGHT - height
    if bar.kind == "target":
        style = f'fill="#ffffff" stroke="{INK}" stroke-width="2" stroke-dasharray="5 3"'
        return f'<rect x="{x + 1}" y="{y + 1}" width="{BAR_WIDTH - 2}" height="{max(height - 2, 0)}" {style}/>'
    fill = ACTUAL_FILL if bar.kind == "actual" else BASELINE_FILL
    return f'<rect x="{x}" y="{y}" width="{BAR_WIDTH}" height="{height}" fill="{fill}"/>'


def _label_lines(label: str) -> tuple[str, str]:
    """令和4年度目標 → (令和4年度, 目標): two short lines under a bar."""
    for word in ("実績", "目標"):
        if label.endswith(word) and len(label) > len(word):
            return label[: -len(word)], word
    return label, ""


def _value_lines(text: str) -> list[str]:
    """10,060億円（令和2年） → [10,060億円, （令和2年）]: a qualifier goes on its own line."""
    for opening in ("（", "("):
        at = text.find(opening)
        if at > 0:
            return [text[:at], text[at:]]
    return [text]


def bar_chart_svg(kpi: Kpi, bars: list[Bar]) -> str:
    """An SVG bar chart of ``bars`` for ``kpi``, with its text alternative."""
    values = [comparable_value(kpi, bar.measurement) for bar in bars]
    top = max([v for v in values if v is not None and v > 0], default=Decimal(0))
    width = LEFT * 2 + len(bars) * BAR_WIDTH + (len(bars) - 1) * GAP
    height = TOP + PLOT_HEIGHT + BOTTOM
    alt = text_alternative(kpi, bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(alt)}" '
        f'font-family="{escape(FONT)}">',
        f"<title>{escape(alt)}</title>",
        f'<text x="{LEFT}" y="14" font-size="11" fill="{MUTED}">単位：{escape(kpi.unit)}</text>',
        f'<line x1="{LEFT - 6}" y1="{TOP + PLOT_HEIGHT}" x2="{width - LEFT + 6}" y2="{TOP + PLOT_HEIGHT}" '
        f'stroke="{INK}" stroke-width="1"/>',
    ]
    for index, (bar, value) in enumerate(zip(bars, values, strict=True)):
        x = LEFT + index * (BAR_WIDTH + GAP)
        centre = x + BAR_WIDTH // 2
        shown = figure_text(bar.measurement)
        if value is not None and value >= 0:
            parts.append(_bar_shape(bar, x, value, top))
            y_text = TOP + PLOT_HEIGHT - (int(PLOT_HEIGHT * value / top) if top > 0 else 0) - 6
        else:
            y_text = TOP + PLOT_HEIGHT - 8
        lines = _value_lines(shown)
        for offset, line in enumerate(reversed(lines)):
            size = 12 if offset == len(lines) - 1 and len(line) <= 8 else 10
            weight = ' font-weight="bold"' if offset == len(lines) - 1 else ""
            parts.append(
                f'<text x="{centre}" y="{y_text - offset * 13}" font-size="{size}"{weight} text-anchor="middle" '
                f'fill="{INK}">{escape(line)}</text>'
            )
        first, second = _label_lines(bar.label)
        base = TOP + PLOT_HEIGHT
        parts.append(
            f'<text x="{centre}" y="{base + 16}" font-size="11" text-anchor="middle" fill="{INK}">'
            f"{escape(first)}</text>"
        )
        if second:
            parts.append(
                f'<text x="{centre}" y="{base + 31}" font-size="11" text-anchor="middle" fill="{INK}">'
                f"{escape(second)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def kpi_chart_svg(kpi: Kpi, fiscal_year: int) -> str:
    """Baseline, the year's target and the year's actual of one KPI."""
    return bar_chart_svg(kpi, year_bars(kpi, fiscal_year))


def kpi_series_svg(kpi: Kpi) -> str:
    """Baseline and every year's target and actual: the chart of a KPI page."""
    return bar_chart_svg(kpi, series_bars(kpi))


# The national scale from the top: the order in which the 様式 numbers it (①…④).
EFFECT_SCALE: tuple[EffectLevel, ...] = tuple(EFFECT_LABELS)
SCALE_WIDTH, SCALE_ROW, SCALE_GAP = 360, 30, 6


def effect_scale_text(level: EffectLevel) -> str:
    """国の4段階評価：地方創生に効果があった（4段階のうち上から3番目）."""
    place = EFFECT_SCALE.index(level) + 1
    return f"国の4段階評価：{EFFECT_LABELS[level]}（{len(EFFECT_SCALE)}段階のうち上から{place}番目）"


def effect_scale_svg(level: EffectLevel) -> str:
    """The national four-level scale, one row per level from the top, the project's level filled and marked
    「本事業」 (so it is told by shape and word, not colour alone); its text alternative names the level."""
    alt = effect_scale_text(level)
    height = len(EFFECT_SCALE) * (SCALE_ROW + SCALE_GAP) - SCALE_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="effect-scale" viewBox="0 0 {SCALE_WIDTH} {height}" '
        f'width="{SCALE_WIDTH}" height="{height}" role="img" aria-label="{escape(alt)}" '
        f'font-family="{escape(FONT)}">',
        f"<title>{escape(alt)}</title>",
    ]
    for index, step in enumerate(EFFECT_SCALE):
        y = index * (SCALE_ROW + SCALE_GAP)
        chosen = step is level
        box = f'fill="{ACTUAL_FILL}"' if chosen else f'fill="#ffffff" stroke="{BASELINE_FILL}" stroke-width="1"'
        ink = "#ffffff" if chosen else INK
        weight = ' font-weight="bold"' if chosen else ""
        baseline = y + SCALE_ROW // 2 + 5
        parts.append(f'<rect x="0.5" y="{y + 0.5}" width="{SCALE_WIDTH - 1}" height="{SCALE_ROW - 1}" {box}/>')
        parts.append(f'<text x="10" y="{baseline}" font-size="13"{weight} fill="{ink}">'
                     f"{circled(index + 1)} {escape(EFFECT_LABELS[step])}</text>")
        if chosen:
            parts.append(f'<text x="{SCALE_WIDTH - 10}" y="{baseline}" font-size="12" font-weight="bold" '
                         f'text-anchor="end" fill="{ink}">← 本事業</text>')
    parts.append("</svg>")
    return "".join(parts)
