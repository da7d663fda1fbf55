"""Whole-process wall time of a quick command, this tree against an earlier commit, in one run.

    nice .venv/bin/python bench/cli_startup.py --base HEAD~ --repeat 30 --importtime 5

Checks out ``--base`` (default ``HEAD~``, the previous commit) into a temporary ``git worktree``, then runs each
command of ``--command`` (default: ``check``, ``show`` and ``--help`` on examples/isesaki-2022.json) as a fresh
``python -m kouka`` process, alternating the two trees ``--repeat`` times so that both see the same load on the
machine, and prints each side's median and the ratio base/current. Both trees run with this virtual
environment's interpreter and packages; ``PYTHONPATH`` points at the tree's ``src`` (the benchmark checks that
each process imports kouka from where it should). The input file is the current tree's in both cases.
``python -c pass`` is timed too, as the floor. With ``--importtime N`` each command also runs N times per tree
under ``python -X importtime``, and the benchmark prints the median number of modules, the median total import
time and the heaviest top-level imports (cumulative, median over the runs).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "isesaki-2022.json"
DEFAULT_COMMANDS = (f"check {EXAMPLE}", f"show {EXAMPLE}", "--help")


def run_once(src: Path, args: list[str]) -> float:
    """Seconds of wall time for one ``python -m kouka`` process importing kouka from ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src), COLUMNS="120")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kouka", *args], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def interpreter_floor(repeat: int) -> float:
    """Median wall time of ``python -c pass``: what any command costs before kouka does anything."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


def import_profile(src: Path, args: list[str]) -> tuple[int, dict[str, int]]:
    """``python -X importtime``: the number of modules and each top-level import's cumulative microseconds."""
    env = dict(os.environ, PYTHONPATH=str(src), COLUMNS="120")
    err = subprocess.run([sys.executable, "-X", "importtime", "-m", "kouka", *args], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False).stderr
    count, top = 0, {}
    for match in IMPORT_LINE.finditer(err):
        count += 1
        if not match.group(3):
            top[match.group(4)] = int(match.group(2))
    return count, top


def print_import_profiles(trees: dict[str, Path], args: list[str], repeat: int) -> None:
    """Median module count, total import time and the heaviest top-level imports of each tree."""
    runs: dict[str, list[tuple[int, dict[str, int]]]] = {name: [] for name in trees}
    for _ in range(repeat):
        for name, src in trees.items():
            runs[name].append(import_profile(src, args))
    for name, profiles in runs.items():
        count = statistics.median(c for c, _ in profiles)
        total = statistics.median(sum(top.values()) for _, top in profiles)
        modules = {module for _, top in profiles for module in top}
        medians = {m: statistics.median(top.get(m, 0) for _, top in profiles) for m in modules}
        heaviest = sorted(medians.items(), key=lambda item: -item[1])[:8]
        print(f"  {name:<8} {count:.0f} modules, {total / 1000:.0f} ms of imports; top: "
              + ", ".join(f"{m} {us / 1000:.0f}" for m, us in heaviest))


def imports_from(src: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", "import kouka; print(kouka.__file__)"], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="HEAD~", help="the commit to compare with (default: HEAD~)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--command", action="append", help="a kouka command line (repeatable)")
    parser.add_argument("--importtime", type=int, default=0, metavar="N",
                        help="also profile each command's imports N times per tree (python -X importtime)")
    options = parser.parse_args()
    commands = options.command or list(DEFAULT_COMMANDS)
    with tempfile.TemporaryDirectory(prefix="kouka-cli-base-") as scratch:
        base_tree = Path(scratch) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(base_tree),
                        options.base], check=True)
        try:
            revision = subprocess.run(["git", "-C", str(base_tree), "rev-parse", "--short", "HEAD"],
                                      capture_output=True, text=True, check=True).stdout.strip()
            trees = {"base": base_tree / "src", "current": ROOT / "src"}
            for name, src in trees.items():
                where = imports_from(src)
                if not where.startswith(str(src)):
                    raise SystemExit(f"{name}: kouka imported from {where}, not {src}")
            print(f"base {options.base} ({revision}) vs current tree {ROOT}; {options.repeat} alternating runs; "
                  f"load average {os.getloadavg()[0]:.2f}")
            print(f"{'command':<40} {'base median':>12} {'current median':>15} {'ratio':>7}")
            for command in commands:
                args = command.split()
                times: dict[str, list[float]] = {"base": [], "current": []}
                for src in trees.values():  # one warm-up each (file cache, .pyc)
                    run_once(src, args)
                for _ in range(options.repeat):
                    for name, src in trees.items():
                        times[name].append(run_once(src, args))
                base, current = statistics.median(times["base"]), statistics.median(times["current"])
                label = command.replace(str(ROOT) + "/", "")
                print(f"{label:<40} {base * 1000:>10.1f}ms {current * 1000:>13.1f}ms {base / current:>6.2f}x")
            print(f"{'python -c pass (the floor)':<40} {interpreter_floor(options.repeat) * 1000:>10.1f}ms")
            if options.importtime:
                for command in commands:
                    print(f"imports of {command.replace(str(ROOT) + '/', '')} (medians of {options.importtime}, ms):")
                    print_import_profiles(trees, command.split(), options.importtime)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base_tree)], check=False)


if __name__ == "__main__":
    main()
