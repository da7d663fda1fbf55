"""How long each damaged variant of the seed takes to import or be refused (issue 7: under 2 s each).

    .venv/bin/python bench/import_damaged.py

The variants are those of ``tests/test_importer_damaged.py`` (``tests/support/damaged_variants.py``: 200 per importer,
the 50 MB file last), each written to a fresh folder and run through ``kouka import FILE -o OUT --json`` in
this process, the way the test runs them. Prints per importer the median, 95th percentile and slowest
wall time, the slowest variant's name, and how many ended as an import or a refusal.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from damaged_variants import Source, make_sources, variants, write_variant  # noqa: E402

SEED = ROOT / "tests" / "fixtures" / "seed" / "000_4681f277236dbcf0.txt"
EXAMPLE = ROOT / "examples" / "isesaki-2022.json"
LIMIT_SECONDS = 2.0


def run_one(folder: Path, source: Source, index: int) -> tuple[float, bool, str]:
    """(seconds, imported, variant name) for variant ``index`` of ``source``."""
    from typer.testing import CliRunner

    from kouka.cli import app

    variant = variants(source)[index]
    path = write_variant(folder, source.fmt, variant)
    out = folder / "out"
    out.mkdir()
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["import", str(path), "-o", str(out), "--json",
                                      "--format", source.fmt if index % 2 == 0 else "auto"])
    seconds = time.perf_counter() - start
    if result.exit_code == 2 and not result.stdout.strip():  # the 50 MB file is refused before any summary
        return seconds, False, variant.name
    summary = json.loads(result.stdout)
    return seconds, not summary["failed"], variant.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default="text,html,xlsx,pdf")
    args = parser.parse_args()
    from kouka.cli import COMMAND_MODULES

    for module in COMMAND_MODULES:
        __import__(module)
    sources = make_sources(SEED, EXAMPLE)
    print(f"{'importer':<8} {'variants':>8} {'imported':>8} {'refused':>8} {'median s':>9} {'p95 s':>7} "
          f"{'max s':>7}  slowest")
    worst = 0.0
    for fmt in args.formats.split(","):
        source = sources[fmt]
        times: list[tuple[float, str]] = []
        imported = 0
        with tempfile.TemporaryDirectory(prefix="kouka-damaged-") as work:
            for index in range(len(variants(source))):
                folder = Path(work) / f"{index:03}"
                folder.mkdir()
                seconds, ok, name = run_one(folder, source, index)
                times.append((seconds, name))
                imported += ok
        values = sorted(t for t, _ in times)
        slowest = max(times)
        worst = max(worst, slowest[0])
        print(f"{fmt:<8} {len(values):>8} {imported:>8} {len(values) - imported:>8} "
              f"{statistics.median(values):9.3f} {values[int(len(values) * 0.95) - 1]:7.3f} {slowest[0]:7.3f}  "
              f"{slowest[1]}", flush=True)
    print(f"slowest of all: {worst:.3f} s (goal: under {LIMIT_SECONDS} s each) — "
          f"{'met' if worst < LIMIT_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
