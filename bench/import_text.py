"""Benchmark: seed-size text documents imported per second on one core (goal ≥ 500/s).

    .venv/bin/python bench/import_text.py [--count 2000] [--seed-file PATH]

Each document is the seed (tests/fixtures/seed/000_4681f277236dbcf0.txt) with its figures varied per copy, so
no two inputs are the same bytes; each is decoded, read into blocks, assembled into a Report and checked
(``import_bytes`` does all of it). One process, one thread. Prints the command, the count, the wall time
and documents per second.
"""

import argparse
import re
import shlex
import sys
import time
from pathlib import Path

from kouka.importers import import_bytes

SEED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seed" / "000_4681f277236dbcf0.txt"


def variants(text: str, count: int) -> list[bytes]:
    """``count`` copies of ``text`` with every KPI figure of the form N人/N社/N件 changed a little."""
    out = []
    for index in range(count):
        varied = re.sub(r"(\d+)(人|社|件)", lambda m, i=index: f"{int(m.group(1)) + i % 7}{m.group(2)}", text)
        out.append(varied.encode("utf-8"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed-file", type=Path, default=SEED)
    args = parser.parse_args()
    documents = variants(args.seed_file.read_text(encoding="utf-8"), args.count)
    import_bytes(documents[0], "warmup.txt")  # imports the readers once
    started = time.perf_counter()
    projects = 0
    for number, data in enumerate(documents):
        projects += len(import_bytes(data, f"{number}.txt").document.reports[0].projects)
    elapsed = time.perf_counter() - started
    print("command:", shlex.join([Path(sys.executable).name, *sys.argv]))
    print(f"documents={args.count} bytes_each≈{len(documents[0]):,} projects={projects:,} seconds={elapsed:.2f} "
          f"rate={args.count / elapsed:,.0f}/s")


if __name__ == "__main__":
    main()
