"""Benchmark: generate the synthetic national set (1,788 bodies × 10 years) and measure time and memory.

    .venv/bin/python bench/synth.py [--bodies 1788] [--years 10] [--seed 0] [--jobs 1] [--out DIR]
                                     [--aggregate] [--parquet]

Prints the command, wall time, files, reports, projects, KPIs, bytes written and the peak resident memory
(ru_maxrss) of the process and of its workers. With --aggregate it then reads every file back
(schema-validated) and aggregates it the way ``kouka stats`` does, timing that too. --jobs applies to both.
With --parquet it exports the set as ``kouka export-parquet`` does (one process).
Without --out the set goes to a temporary directory, removed afterwards.
"""

import argparse
import resource
import shlex
import sys
import tempfile
import time
from pathlib import Path

from kouka import synth
from kouka.analytics import export_parquet
from kouka.cli.national import Query, aggregate_in_parallel


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def children_peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run(out: Path, bodies: int, years: int, seed: int, aggregate: bool, jobs: int, parquet: bool) -> None:
    started = time.perf_counter()
    summary = synth.write(out, bodies=bodies, years=years, seed=seed, jobs=jobs)
    elapsed = time.perf_counter() - started
    print(f"generate+validate+write: {elapsed:.1f} s for {summary.files:,} files, {summary.reports:,} reports, "
          f"{summary.projects:,} projects, {summary.kpis:,} KPIs, {summary.bytes / 2**20:.0f} MiB "
          f"({summary.reports / elapsed:.0f} reports/s)")
    print(f"peak RSS after generating: {peak_rss_mib():.0f} MiB (this process; with --jobs > 1 each worker "
          f"has its own, peak {children_peak_rss_mib():.0f} MiB)")
    if aggregate:
        started = time.perf_counter()
        loaded = aggregate_in_parallel(sorted(out.glob("*.json")), Query(), jobs)
        assert not loaded.errors, loaded.errors[:3]
        result = loaded.aggregator.result()
        elapsed = time.perf_counter() - started
        print(f"load+aggregate (kouka stats): {elapsed:.1f} s; {result.total.projects:,} projects counted "
              f"({result.total.wide_area_projects:,} wide-area once), {result.total.kpis.total:,} KPIs")
        print(f"peak RSS after aggregating: {peak_rss_mib():.0f} MiB (workers: {children_peak_rss_mib():.0f} MiB)")
    if parquet:
        with tempfile.TemporaryDirectory(prefix="kouka-parquet-") as directory:
            target = Path(directory) / "kouka.parquet"
            started = time.perf_counter()
            exported = export_parquet(sorted(out.glob("*.json")), target)
            elapsed = time.perf_counter() - started
            print(f"export-parquet: {elapsed:.1f} s; {exported.rows:,} rows, "
                  f"{target.stat().st_size / 2**20:.0f} MiB; peak RSS {peak_rss_mib():.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=synth.NATIONAL_BODIES)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--aggregate", action="store_true")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--parquet", action="store_true")
    args = parser.parse_args()
    print("$ " + shlex.join([".venv/bin/python", "bench/synth.py", *sys.argv[1:]]))
    if args.out is not None:
        run(args.out, args.bodies, args.years, args.seed, args.aggregate, args.jobs, args.parquet)
        return
    with tempfile.TemporaryDirectory(prefix="kouka-synth-") as directory:
        run(Path(directory), args.bodies, args.years, args.seed, args.aggregate, args.jobs, args.parquet)


if __name__ == "__main__":
    main()
