"""Throughput of the public report page under a real load generator, on SQLite and PostgreSQL (goal of issue 6:
≥ 300 requests/s with p99 under 50 ms on 2 cores).

    nice .venv/bin/python bench/serve_public.py --bodies 100 --years 3 --duration 20 --connections 8

Builds a synthetic set (``kouka.synth``: ``--bodies`` municipalities × ``--years`` fiscal years, or the
interchange files of ``--source DIR``), publishes every report with ``kouka load`` into a fresh data folder
for each database (SQLite; PostgreSQL in a database of its own, created on ``--postgres-url``'s server and
dropped at the end), serves it with gunicorn on loopback (``--workers`` × ``--threads``), fetches each page once,
warms up, then runs wrk (``--latency``, ``--duration`` seconds, ``--connections``) over the public report
pages of ``--pages`` municipalities (a wrk Lua script rotates the URLs). It prints requests/s, p50/p99 latency,
errors and the load average for each. The comparison with the server's limit, a static copy and datasette, rung
by rung with equal workers, is ``bench/ladder.py``, which uses this module's pieces. Everything started is
stopped at the end, also on an error or Ctrl-C.
"""

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import servers

WRK = shutil.which("wrk") or "/usr/bin/wrk"


@dataclass(frozen=True)
class Page:
    code: str
    name: str
    slug: str
    year: int


@dataclass(frozen=True)
class WrkResult:
    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


@dataclass(frozen=True)
class Row:
    server: str
    result: WrkResult
    load: str
    rss_mib: float
    cpu_ms: float  # CPU time of the server's processes per request (user + system)


def synthesize(directory: Path, bodies: int, years: int, seed: int) -> None:
    from kouka import synth

    synth.write(directory, bodies=bodies, years=years, seed=seed, jobs=1)


def choose_pages(base: str, count: int) -> list[Page]:
    """``count`` of the published municipalities (from the public API), spread over the set, each with its
    latest fiscal year."""
    with urllib.request.urlopen(base + "/api/public/reports", timeout=60) as response:
        listed = json.loads(response.read())
    latest: dict[str, dict[str, Any]] = {}
    for entry in listed:
        if entry["slug"] not in latest or entry["fiscal_year"] > latest[entry["slug"]]["fiscal_year"]:
            latest[entry["slug"]] = entry
    chosen = sorted(latest.values(), key=lambda e: str(e["slug"]))
    pages = []
    for entry in chosen[::max(1, len(chosen) // count)][:count]:
        with urllib.request.urlopen(f"{base}/api/public/reports/{entry['slug']}/{entry['fiscal_year']}",
                                    timeout=60) as response:
            body = json.loads(response.read())["reports"][0]["municipality"]
        pages.append(Page(body["code"], body["name"], entry["slug"], entry["fiscal_year"]))
    return pages


def opendata_database(source: Path, target: Path) -> int:
    """The open-data rows of every report under ``source`` in one SQLite table ``kpi_rows`` (for datasette)."""
    from kouka import interchange
    from kouka.render.opendata import COLUMN_NAMES, kpi_rows

    def cell(value: object) -> object:
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, bool):
            return int(value)
        return value

    rows = [tuple(cell(row[name]) for name in COLUMN_NAMES)
            for path in sorted(source.glob("*.json")) for row in kpi_rows(interchange.load(path))]
    # typed columns (datasette compares a filter's text with the column's affinity): whole numbers as INTEGER
    types = ["INTEGER" if all(isinstance(r[i], int) for r in rows if r[i] is not None) else "TEXT"
             for i in range(len(COLUMN_NAMES))]
    connection = sqlite3.connect(target)
    columns = ", ".join(f'"{name}" {kind}' for name, kind in zip(COLUMN_NAMES, types, strict=True))
    connection.execute(f"CREATE TABLE kpi_rows ({columns})")
    connection.executemany(f"INSERT INTO kpi_rows VALUES ({', '.join('?' for _ in COLUMN_NAMES)})", rows)
    connection.execute("CREATE INDEX kpi_rows_body_year ON kpi_rows (body_code, report_fiscal_year)")
    connection.commit()
    connection.close()
    return len(rows)


def lua_script(paths: list[str], target: Path) -> Path:
    """A wrk script that sends each request to the next path in turn."""
    listed = ", ".join(json.dumps(p) for p in paths)
    target.write_text(f"local paths = {{{listed}}}\nlocal counter = 0\n"
                      "request = function()\n  counter = counter + 1\n"
                      "  return wrk.format(\"GET\", paths[(counter % #paths) + 1])\nend\n", encoding="utf-8")
    return target


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _latency(output: str, percent: str) -> float:
    found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no {percent}% latency:\n{output}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def parse_wrk(output: str) -> WrkResult:
    requests = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if requests is None or rate is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(int(requests.group(1)), float(rate.group(1)), _latency(output, "50"), _latency(output, "99"),
                     int(non_2xx.group(1)) if non_2xx else 0,
                     sum(int(n) for n in sockets.groups()) if sockets else 0)


def run_wrk(base: str, script: Path, seconds: int, connections: int, threads: int) -> WrkResult:
    done = subprocess.run([WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
                           "-s", str(script), base], capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


def check_pages(base: str, paths: list[str], expected: list[str]) -> None:
    """Each page answers 200 with what it should show (and the server's caches are filled)."""
    for path, text in zip(paths, expected, strict=True):
        with urllib.request.urlopen(base + path, timeout=30) as response:
            body = response.read().decode("utf-8")
            if response.status != 200 or text not in body:
                raise RuntimeError(f"{base}{path}: status {response.status}, {text!r} not on the page")


def measure(name: str, base: str, paths: list[str], expected: list[str], args: argparse.Namespace, work: Path,
            pid: int) -> Row:
    check_pages(base, paths, expected)
    script = lua_script(paths, work / f"{name.split()[0]}-{len(paths)}.lua")
    run_wrk(base, script, args.warmup, args.connections, args.wrk_threads)
    cpu = servers.cpu_seconds(pid)
    result = run_wrk(base, script, args.duration, args.connections, args.wrk_threads)
    cpu = servers.cpu_seconds(pid) - cpu
    return Row(name, result, servers.loadavg(), servers.rss_bytes(pid) / 2**20,
               cpu * 1000 / max(1, result.requests))


def serve_kouka(label: str, env: dict[str, str], pages: list[Page], args: argparse.Namespace, work: Path,
                processes: servers.Processes) -> tuple[Row, list[Page]]:
    """Serve the database ``env`` names with gunicorn and measure ``pages`` (chosen now when empty)."""
    port = servers.free_port()
    server = processes.start(servers.gunicorn_command(port, args.workers, args.threads), env,
                             work / f"gunicorn-{label}.log")
    base = f"http://127.0.0.1:{port}"
    try:
        servers.wait_until_up(base + "/", server)
        pages = pages or choose_pages(base, args.pages)
        return measure(f"kouka {label}", base, [f"/m/{p.slug}/{p.year}/" for p in pages],
                       [p.name for p in pages], args, work, server.pid), pages
    finally:
        processes.stop(server)


def create_postgres_database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"kouka_bench_serve_{int(time.time())}_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin_url)
    return name, urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load(env: dict[str, str], source: Path) -> tuple[float, str]:
    """``kouka load`` every file under ``source`` into the database ``env`` names; seconds and its summary."""
    start = time.monotonic()
    command = [str(servers.VENV_BIN / "kouka"), "load", str(source), "--data", env["KOUKA_DATA_DIR"]]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"kouka load failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    published = re.search(r"reports published\s*│\s*([\d,]+)", done.stdout)
    return time.monotonic() - start, published.group(1) if published else "?"


def report(rows: list[Row], args: argparse.Namespace, described: str) -> None:
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(described)
    print(f"wrk: {args.duration} s, {args.connections} connections, {args.wrk_threads} threads, --latency; "
          f"gunicorn: {args.workers} workers × {args.threads} threads (gthread)")
    print(f"{'server':<16} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7} "
          f"{'sock.err':>8} {'CPU ms/req':>10} {'RSS MiB':>8}  load average (1/5/15 min)")
    for row in rows:
        r = row.result
        print(f"{row.server:<16} {r.requests:>9} {r.rate:8.1f} {r.p50_ms:7.2f} {r.p99_ms:7.2f} {r.non_2xx:>7} "
              f"{r.socket_errors:>8} {row.cpu_ms:10.2f} {row.rss_mib:8.0f}  {row.load}")
    for row in rows:
        if row.server.startswith("kouka"):
            met = row.result.rate >= 300 and row.result.p99_ms < 50 and row.result.non_2xx == 0
            print(f"goal ≥ 300 requests/s with p99 < 50 ms ({row.server}): {'met' if met else 'NOT met'}")


def load_options(parser: argparse.ArgumentParser, duration: int, warmup: int) -> None:
    """The options of a run of wrk against servers of a synthetic set (this benchmark's and the ladder's)."""
    parser.add_argument("--bodies", type=int, default=100)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=duration)
    parser.add_argument("--warmup", type=int, default=warmup)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    load_options(parser, duration=20, warmup=5)
    parser.add_argument("--source", type=Path, help="interchange files to load instead of a synthetic set")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgresql://postgres:postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    databases = [d for d in args.databases.split(",") if d]
    work = Path(tempfile.mkdtemp(prefix="kouka-serve-"))
    processes = servers.Processes()
    postgres_name: str | None = None
    rows: list[Row] = []
    try:
        with servers.interrupts_as_exceptions():
            source = args.source or work / "source"
            if args.source is None:
                synthesize(source, args.bodies, args.years, args.seed)
            origin = args.source or f"kouka synth --bodies {args.bodies} --years {args.years} --seed {args.seed}"
            pages: list[Page] = []
            for database in databases:
                if database == "sqlite":
                    env = servers.kouka_env(work / "sqlite")
                elif database == "postgres":
                    postgres_name, url = create_postgres_database(args.postgres_url)
                    env = servers.kouka_env(work / "postgres", url)
                else:
                    raise SystemExit(f"unknown database {database!r} (sqlite, postgres)")
                seconds, reports = load(env, source)
                print(f"{database}: kouka load published {reports} reports in {seconds:.0f} s", flush=True)
                row, pages = serve_kouka(database, env, pages, args, work, processes)
                rows.append(row)
            described = f"data: {origin}; pages: {', '.join(f'{p.name} {p.year}' for p in pages)}"
            report(rows, args, described)
    finally:
        servers.finish(processes, work, args.keep)
        if postgres_name is not None:
            drop_postgres_database(args.postgres_url, postgres_name)


if __name__ == "__main__":
    main()
