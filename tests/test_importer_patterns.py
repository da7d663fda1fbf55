"""Every pattern the importers use runs in linear time: fed adversarial text of growing length (2k, 8k, 32k
characters), the time grows about as the length does (a quadratic pattern grows 16 times faster)."""

import importlib
import pkgutil

import pytest

import kouka.importers
from hostile_patterns import importer_patterns, worst_growth
from kouka.importers.layouts.report_prose import LONGEST_TOTAL_LINE

MODULES = [importlib.import_module(info.name) for info in pkgutil.walk_packages(
    kouka.importers.__path__, "kouka.importers.")]
# Patterns applied only to text of a bounded length (the importer checks the length first): name → the bound.
BOUNDED = {
    "kouka.importers.layouts.report_prose._TOTAL_LINE_RE": LONGEST_TOTAL_LINE,
    "kouka.importers.layouts.report_prose._TOTAL_SENTENCE_RE": LONGEST_TOTAL_LINE,
}
PATTERNS = [(name, pattern) for name, pattern in importer_patterns(MODULES) if name not in BOUNDED]


def test_the_patterns_are_found() -> None:
    names = {name.rsplit(".", 1)[-1] for name, _ in PATTERNS}
    assert {"_RATE_RE", "_DECORATION", "AMOUNT_RE", "PROJECT_MARKER"} <= names


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_each_importer_pattern_runs_in_linear_time(name: str, pattern: object) -> None:
    import re

    assert isinstance(pattern, re.Pattern)
    # 2k → 32k is 16 times the length: linear time grows ~16×, quadratic ~256×; 64× leaves room for noise.
    ratio, which = worst_growth(pattern, 2_000, 32_000)
    assert ratio < 64, f"{name} grows {ratio:.0f}× for 16× the input ({which})"


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_a_pattern_used_on_short_lines_only_is_quick_at_its_bound(name: str) -> None:
    from hostile_patterns import RUNS, seconds

    pattern = dict(importer_patterns(MODULES))[name]
    slowest = max(seconds(pattern, (prefix + run * BOUNDED[name])[:BOUNDED[name]] + end)
                  for run, end in RUNS for prefix in ("", "a", "合計："))
    assert slowest < 0.05, f"{name}: {slowest:.3f} s at {BOUNDED[name]} characters"


def test_the_total_patterns_are_not_tried_on_a_long_line() -> None:
    """A 40 KB line before the first project is introduction text, read in linear time."""
    import time

    from kouka.importers.assemble import Assembler
    from kouka.importers.blocks import paragraph

    started = time.process_time()
    report = Assembler([paragraph("合計" + "1 " * 20_000 + "x", "1行目")]).run()
    assert report.introduction and time.process_time() - started < 1


def test_a_label_of_20000_colons_is_read_in_linear_time() -> None:
    """Issue 12.3: 20,000 ： in a row took 8 s in the label reader."""
    import time

    from kouka.importers.labels import column_of, field_of

    started = time.process_time()
    assert field_of("：" * 20_000) is None
    assert column_of("：" * 20_001) is None
    assert time.process_time() - started < 1


def test_a_line_of_digits_after_the_cost_label_is_read_in_linear_time() -> None:
    """Issue 12.3: 40 KB of digits after 事業費： took 25 s (the grant-rate pattern)."""
    import time

    from kouka.importers.cover import program_of

    started = time.process_time()
    assert program_of(["事業費：" + "1" * 40_000]).rate.denominator == 2
    assert time.process_time() - started < 1
