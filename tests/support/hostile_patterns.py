"""Every regular expression of the importers, and adversarial text to feed them: long runs of the characters
their repetitions consume (digits, spaces, colons, brackets, marks, kanji), each with a character after the run
that makes a match fail late."""

import re
import time
from collections.abc import Iterator
from types import ModuleType

# Runs that make a backtracking pattern retry from every position: what a repetition eats, then what breaks it.
RUNS: tuple[tuple[str, str], ...] = (
    ("1", "x"), ("1", "/"), ("1,", "x"), (" ", "x"), ("\u3000", "x"), ("：", ""), (":", "x"), ("【", "x"),
    ("(", "x"), ("（", "x"), ("■", ""), ("あ", "("), ("事", "】"), ("年度", "x"), ("1 ", "x"), ("。", "x"),
    ("目標値：", "x"), ("1/", "x"), ("\n", "x"), ("-", "x"), ("万", "x"), ("1 万", "x"),
)


def importer_patterns(modules: list[ModuleType]) -> Iterator[tuple[str, re.Pattern[str]]]:
    """(module.NAME, pattern) for every compiled text pattern defined at the top of ``modules``."""
    seen: set[int] = set()
    for module in modules:
        for name, value in sorted(vars(module).items()):
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str) and id(value) not in seen:
                seen.add(id(value))
                yield f"{module.__name__}.{name}", value


def seconds(pattern: re.Pattern[str], text: str) -> float:
    """CPU seconds to search, match and find all in ``text`` (the three ways the importers use a pattern)."""
    started = time.process_time()
    pattern.search(text)
    pattern.match(text)
    for _ in pattern.finditer(text):
        pass
    return time.process_time() - started


def worst_growth(pattern: re.Pattern[str], small: int, large: int) -> tuple[float, str]:
    """The largest ratio of times between ``large`` and ``small`` repetitions over :data:`RUNS` (and its run)."""
    worst, which = 0.0, ""
    for run, end in RUNS:
        for prefix in ("", "a", "事業費："):
            short = seconds(pattern, prefix + run * small + end)
            long = seconds(pattern, prefix + run * large + end)
            if long < 0.02:  # too fast to say anything: linear or constant for sure at these sizes
                continue
            ratio = long / max(short, 1e-4)
            if ratio > worst:
                worst, which = ratio, f"{prefix}{run!r}×n{end!r}: {short:.4f}s → {long:.4f}s"
    return worst, which
