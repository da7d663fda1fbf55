"""Benchmark: ``kouka load`` of the synthetic national set (1,788 bodies × 10 years) into SQLite and PostgreSQL.

    .venv/bin/python bench/load_national.py [--bodies 1788] [--years 10] [--seed 0] [--set DIR]
                                            [--backends sqlite,postgresql] [--batch 200] [--pg-url URL]

The set is generated once with ``kouka.synth`` (not timed; kept in --set, reused when it is there). Then, for
each backend, a fresh database (a new SQLite file; a new PostgreSQL database with a unique name, dropped
afterwards) is migrated (not timed) and ``kouka load`` runs on the whole set as its own process: the wall time
and the peak resident memory of that process and its parsing workers are printed, with the rows written (the
time includes remaking the dashboards' rollups at the end of the load).
A second run on the same database shows what a resume costs when everything is loaded already.
Goals (issue 6): under 2 minutes and under 1 GiB for each backend.
"""

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from kouka import synth

sys.path.insert(0, str(Path(__file__).resolve().parent))
import servers

GOAL_SECONDS, GOAL_MIB = 120.0, 1024.0


def kouka(*args: str) -> list[str]:
    return [sys.executable, "-m", "kouka", *args]


def run_measured(command: list[str]) -> tuple[float, float, str]:
    """Run ``command``; its wall seconds, its peak memory in MiB and its standard output.

    The peak is the larger of the process's own peak RSS (``wait4``) and the highest sum of the RSS of it and
    its parsing workers, sampled every 0.2 s (shared copy-on-write pages count once per process: an upper
    bound)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                peak[0] = max(peak[0], servers.rss_bytes(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        done.set()
        sampler.join()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        printed, problems = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed ({process.returncode}):\n{problems[-3000:]}")
    return seconds, max(usage.ru_maxrss * 1024, peak[0]) / 2**20, printed


def summary_rows(out: str) -> str:
    rows = [line.split("│")[1:3] for line in out.splitlines() if line.count("│") >= 3]
    return ", ".join(f"{label.strip().split(' / ')[-1]}={count.strip()}" for label, count in rows)


def load_into(name: str, options: list[str], files: Path, batch: int, scratch: Path) -> None:
    # an export of the empty database migrates it first (not timed)
    subprocess.run(kouka("export-db", "-o", str(scratch / "empty.parquet"), *options), check=True, capture_output=True)
    command = kouka("load", str(files), "--batch", str(batch), *options)
    seconds, mib, out = run_measured(command)
    verdict = "met" if seconds < GOAL_SECONDS and mib < GOAL_MIB else "NOT met"
    print(f"{name}: load {seconds:.1f} s, peak RSS {mib:.0f} MiB (goal < {GOAL_SECONDS:.0f} s and "
          f"< {GOAL_MIB:.0f} MiB: {verdict}); {summary_rows(out)}", flush=True)
    seconds, mib, out = run_measured(command)
    print(f"{name}: re-run (everything already loaded) {seconds:.1f} s, peak RSS {mib:.0f} MiB; "
          f"{summary_rows(out)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=synth.NATIONAL_BODIES)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", type=Path, default=None, help="where the generated set is kept (reused)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--pg-url", default=os.environ.get("KOUKA_TEST_POSTGRES_URL",
                                                           "postgresql://postgres:postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    print("command:", shlex.join([Path(sys.executable).name, *sys.argv]), flush=True)
    folder = servers.national_set(args.bodies, args.years, args.seed, args.set)
    with tempfile.TemporaryDirectory(prefix="kouka-bench-load-") as name:
        scratch = Path(name)
        for backend in args.backends.split(","):
            if backend == "sqlite":
                load_into("SQLite", ["--data", str(scratch)], folder, args.batch, scratch)
            elif backend == "postgresql":
                import psycopg

                database = f"kouka_bench_load_{uuid.uuid4().hex[:12]}"
                with psycopg.connect(args.pg_url, autocommit=True) as admin:
                    admin.execute(f'CREATE DATABASE "{database}"')
                try:
                    url = args.pg_url.rsplit("/", 1)[0] + "/" + database
                    options = ["--data", str(scratch), "--database-url", url]
                    load_into("PostgreSQL", options, folder, args.batch, scratch)
                finally:
                    with psycopg.connect(args.pg_url, autocommit=True) as admin:
                        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            else:
                raise SystemExit(f"unknown backend {backend!r}")


if __name__ == "__main__":
    main()
