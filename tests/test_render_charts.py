"""KPI charts: well-formed SVG, bars only for comparable figures, a text alternative that states the numbers."""

import copy
import xml.etree.ElementTree as ET
from decimal import Decimal

from kouka.domain.model import Measurement
from kouka.domain.rules import comparable_value
from kouka.render.charts import kpi_chart_svg, kpi_series_svg, text_alternative, year_bars
from render_support import SCRIPT, example_report

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_chart_states_its_numbers() -> None:
    kpi = example_report().project(1).kpi(3)
    root = parse(kpi_chart_svg(kpi, 2022))
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == root.get("aria-label")
    assert root.get("role") == "img"
    assert title.text == ("成果目標③ まちなかにおけるにぎわいづくりに資する事業への来場者数（人）のグラフ。"
                          "令和3年度実績 27,700人、令和4年度目標 30,000人、令和4年度実績 39,400人")
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "27,700人" in texts and "単位：人" in texts


def test_bars_are_drawn_only_for_comparable_figures() -> None:
    project = example_report().project(3)
    pending = project.kpi(1)  # 15件 / 25件 / 県において集計中
    bars = [r for r in parse(kpi_chart_svg(pending, 2022)).iter(f"{SVG}rect")]
    assert len(bars) == 2
    heights = sorted(int(bar.get("height") or 0) for bar in bars)
    assert heights[1] > heights[0]  # the target (25) is drawn taller than the baseline (15)
    assert "県において集計中" in text_alternative(pending, year_bars(pending, 2022))


def test_comparable_value_converts_scales() -> None:
    kpi = example_report().project(1).kpi(3)
    assert comparable_value(kpi, Measurement(Decimal("3.94"), "万人")) == Decimal("39400")
    assert comparable_value(kpi, Measurement(None, "人")) is None


def test_series_chart_has_every_year() -> None:
    kpi = copy.deepcopy(example_report().project(2).kpi(4))
    kpi.targets[2023] = Measurement(Decimal(242), "人", text="242人")
    kpi.actuals[2023] = Measurement(Decimal(260), "人", text="260人")
    label = parse(kpi_series_svg(kpi)).get("aria-label") or ""
    assert "令和4年度実績 253人" in label and "令和5年度目標 242人" in label and "令和5年度実績 260人" in label


def test_chart_escapes_text() -> None:
    kpi = copy.deepcopy(example_report().project(1).kpi(1))
    kpi.name = SCRIPT
    svg = kpi_chart_svg(kpi, 2022)
    assert "<script" not in svg
    assert SCRIPT in (parse(svg).get("aria-label") or "")
