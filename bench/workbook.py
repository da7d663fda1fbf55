"""How long the department workbook takes out and back (issue 16: 20 projects × 4 KPIs, each way under 1 s on one
core) and how long a hostile upload takes to be refused (under 2 s each).

    .venv/bin/python bench/workbook.py [--runs 7]

The department: the Isesaki example's 事業② (4 KPIs) twenty times over, numbered 1–20, in one department, each
with a まとめ of four paragraphs, in 令和5年度 with the 令和4年度 figures beside. "export" is
``export_workbook``; "import" is ``read_workbook`` + ``plan_changes`` + ``apply_plan`` (with
``report_problems``) of a copy a clerk filled everywhere (money typed as 「1,929万3,030円」, every target and actual
typed, まとめ, 事業の評価, 今後の方針 and its reason): 20 × 14 changes. Then each hostile variant of
``tests/support/exchange_support.hostile_workbooks`` and the largest workbook the limits let through, read until
refused (or read). The process is pinned to one CPU; each figure is the median of ``--runs`` runs, with the
slowest beside it.
"""

import argparse
import copy
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from exchange_support import MAIN, Clerk, hostile_workbooks, next_year_report, rewrite, sheet_part  # noqa: E402
from kouka.domain.model import Measurement, Report  # noqa: E402
from kouka.exchange.errors import WorkbookError  # noqa: E402
from kouka.exchange.export import export_workbook  # noqa: E402
from kouka.exchange.plan import apply_plan, plan_changes  # noqa: E402
from kouka.exchange.reading import read_workbook  # noqa: E402
from kouka.exchange.safety import MAX_CELLS, MAX_EXPANDED_BYTES  # noqa: E402

DEPARTMENT = "商工労働課"
PROJECTS, KPIS = 20, 4
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def department_report() -> Report:
    base = next_year_report()
    template = base.project(2)
    assert len(template.kpis) == KPIS
    projects = []
    for number in range(1, PROJECTS + 1):
        project = copy.deepcopy(template)
        project.number, project.key, project.departments = number, "", [DEPARTMENT]
        for kpi in project.kpis:
            kpi.key = ""
            kpi.targets[2023] = Measurement(kpi.targets[2022].value, kpi.unit, text=kpi.targets[2022].text)
        project.verification = [f"事業{CIRCLED[number - 1]}の検証結果の段落{n}。" * 8 for n in range(1, 5)]
        projects.append(project)
    base.projects = projects
    return base


def filled(data: bytes, report: Report) -> bytes:
    clerk = Clerk(data)
    units = [kpi.unit for kpi in report.projects[0].kpis]
    for number in range(1, PROJECTS + 1):
        sheet = f"事業{CIRCLED[number - 1]}"
        clerk.type(sheet, clerk.cell(sheet, "事業費（円）"), "1,929万3,030円")
        clerk.type(sheet, clerk.cell(sheet, "交付金充当額（円）"), 9646515)
        for kpi in range(1, KPIS + 1):
            target = f"{kpi * 100 + number:,}{units[kpi - 1]}"
            clerk.type(sheet, clerk.kpi_cell(sheet, kpi, "目標値", "令和5年度"), target)
            clerk.type(sheet, clerk.kpi_cell(sheet, kpi, "実績値", "令和5年度"), kpi * 90 + number)
        clerk.type(sheet, clerk.cell(sheet, "まとめ（検証結果）"), "目標を達成した。\n次年度も継続する。")
        clerk.type(sheet, clerk.cell(sheet, "事業の評価"), "②地方創生に相当程度効果があった")
        clerk.type(sheet, clerk.cell(sheet, "今後の方針"), "事業の継続")
        clerk.type(sheet, clerk.cell(sheet, "今後の方針の理由"), "成果が上がっているため。")
    return clerk.save()


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), max(seconds)


def refused(data: bytes) -> Callable[[], str]:
    def read() -> str:
        try:
            read_workbook(data)
        except WorkbookError as exc:
            return type(exc).__name__
        return "read"
    return read


def largest_accepted(data: bytes) -> dict[str, bytes]:
    """The most the limits let through, two ways: 事業①'s sheet replaced by one with cells just under the limit
    (without a <dimension>, so that openpyxl parses it whole to size it), and by one with its text just under the
    expanded size."""
    part = sheet_part(data, "事業①")
    columns = 20
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}"><v>{c}</v></c>' for c in range(columns))
                   + "</row>" for r in range(1, (MAX_CELLS - 3_200) // columns))
    many = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    text = "あ" * 30_000
    long_rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{text}</t></is></c></row>'
                        for r in range(1, (MAX_EXPANDED_BYTES - 700_000) // (len(text) * 3 + 80)))
    long = f'<worksheet xmlns="{MAIN}"><sheetData>{long_rows}</sheetData></worksheet>'.encode()
    return {"cells just under the limit": rewrite(data, {part: many}),
            "text just under the expanded size": rewrite(data, {part: long})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    report = department_report()
    data = export_workbook(report, DEPARTMENT)
    upload = filled(data, report)

    def back() -> Report:
        plan = plan_changes(read_workbook(upload), report, department=DEPARTMENT)
        assert len(plan.changes) == PROJECTS * 14 and not plan.errors, (len(plan.changes), plan.errors[:3])
        return apply_plan(plan, report)

    updated = back()
    assert updated.project(20).kpi(4).actuals[2023].value == Decimal(380)
    print(f"department workbook: {PROJECTS} projects × {KPIS} KPIs, {len(data):,} bytes exported, "
          f"{len(upload):,} bytes filled; CPU {sorted(os.sched_getaffinity(0))}; median of {args.runs} runs")
    print(f"{'':<44} {'median s':>9} {'max s':>7}  outcome")
    ways = []
    for name, action, outcome in (("export", lambda: export_workbook(report, DEPARTMENT), "bytes"),
                                  ("import (read + plan + apply)", back, f"{PROJECTS * 14} changes")):
        median, slowest = timed(action, args.runs)
        ways.append(median)
        print(f"{name:<44} {median:>9.3f} {slowest:>7.3f}  {outcome}")
    variants = {**hostile_workbooks(data), **largest_accepted(data)}
    worst = 0.0
    for name, hostile in variants.items():
        outcome = refused(hostile)()
        median, slowest = timed(refused(hostile), args.runs)
        worst = max(worst, slowest)
        print(f"{name:<44} {median:>9.3f} {slowest:>7.3f}  {outcome}")
    print(f"goal: export and import each under 1 s (median): {'met' if max(ways) < 1 else 'NOT met'}; "
          f"every hostile or largest upload under 2 s (slowest {worst:.3f} s): {'met' if worst < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
