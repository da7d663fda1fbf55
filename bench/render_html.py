"""Benchmark: one municipality's report rendered to a complete HTML page (goal: well under 100 ms).

    .venv/bin/python bench/render_html.py [--count 500] [--file examples/isesaki-2022.json]

Renders ``render_page`` ``count`` times in one process (judgements, notation, charts and escaping each
time; nothing cached between calls) and prints the command, the median and the worst time per page. Also
times the CMS fragment, the CSV, the workbook and the PDF for comparison.
"""

import argparse
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kouka import interchange
from kouka.domain.model import Report
from kouka.render.html import render_fragment, render_page
from kouka.render.opendata import render_csv
from kouka.render.pdf import render_pdf
from kouka.render.xlsx import render_xlsx

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "isesaki-2022.json"


def timed(function: Callable[[Report], object], argument: Report, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        function(argument)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--file", type=Path, default=EXAMPLE)
    args = parser.parse_args()
    report = interchange.load(args.file).reports[0]
    render_page(report)  # warm-up: imports and first-call costs
    print("$", shlex.join([Path(sys.executable).name, *sys.argv]))
    for name, function, count in (("render_page", render_page, args.count),
                                  ("render_fragment", render_fragment, args.count),
                                  ("render_csv", render_csv, args.count),
                                  ("render_xlsx", render_xlsx, max(args.count // 20, 5)),
                                  ("render_pdf", render_pdf, 3)):
        times = timed(function, report, count)
        print(f"{name:16} n={count} median={statistics.median(times) * 1000:.2f}ms max={max(times) * 1000:.2f}ms")


if __name__ == "__main__":
    main()
