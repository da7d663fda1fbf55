"""Public search over the national set, on SQLite and PostgreSQL (goal, issue 12: /search/ p95 < 100 ms and
< 100 MiB extra memory).

    nice .venv/bin/python bench/search.py --bodies 1788 --years 10 --repeat 20 [--set DIR]

Writes the synthetic national set (``kouka.synth``; kept in ``--set`` and reused when it is there) and, for
each backend, loads it into a fresh database with ``kouka load``'s bulk loader in one child process (which
writes the search index with its batches: :mod:`kouka.web.stats.search`). A second, fresh child process
then requests ``/search/`` through Django's whole request path (routing, the index query, the count, the page
of hits, the template) for each query ``--repeat`` times and prints the median and 95th percentile. Memory:
that process's resident set after one warm-up request of each query (Django, templates and connections
loaded) is the baseline; its peak is then reset (``/proc/self/clear_refs``) and the highest resident set
during all timed requests (``VmHWM``) minus the baseline is the extra memory the searches cost.
PostgreSQL is the server of ``--postgres``; the benchmark creates its own database there and drops it.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fresh_backend import fresh_backend

DEFAULT_POSTGRES = "postgresql://postgres:postgres@127.0.0.1:5432/postgres"
GOAL_MS, GOAL_MIB = 100.0, 100.0
QUERIES = [
    ("観光入込客数", "a KPI name in many reports"),
    ("インバウンド誘客", "a title word"),
    ("存在しない語句", "no hit"),
    ("移住 相談件数", "two words"),
    ("観光", "two characters (scanned)"),
    ("dx", "two letters (scanned)"),
]


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def load_child(files: Path) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    from kouka.web.models import SearchEntry
    from kouka.web.ops import bulkload

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    summary = bulkload.load(sorted(files.glob("*.json")))
    seconds = time.perf_counter() - started
    if summary.failures:
        raise SystemExit(f"load failed: {summary.failures[:3]}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as after any bulk load
    print(json.dumps({"reports": summary.reports, "entries": SearchEntry.objects.count(), "load_seconds": seconds}))


def search_child(repeat: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    from kouka.web import selectors

    asked = [(q, "") for q, _ in QUERIES] + [(QUERIES[4][0], "&page=50")]  # the last page shown (SEARCH_SHOWN)
    paths = [f"/search/?q={q}{more}" for q, more in asked]
    counts = {path: selectors.published_search(q).count() for path, (q, _) in zip(paths, asked, strict=True)}
    for path in paths:  # warm up: Django, the templates, the connection, the database's caches
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    baseline = status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak resident set starts again from now
    results = []
    for path in paths:
        times = []
        for _ in range(repeat):
            begin = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - begin) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results.append({"path": path, "hits": counts[path], "median_ms": statistics.median(times), "p95_ms": p95})
    extra_mib = (status_kib("VmHWM") - baseline) / 1024
    print(json.dumps({"backend": connection.vendor, "results": results, "baseline_mib": baseline / 1024,
                      "extra_mib": extra_mib}))


def run_backend(args: argparse.Namespace, backend: str, files: Path) -> dict[str, Any]:
    with fresh_backend(backend, args.postgres, "search") as env:
        def child(*extra: str) -> dict[str, Any]:
            out = subprocess.run([sys.executable, __file__, *extra], env=env, check=True, stdout=subprocess.PIPE,
                                 text=True)
            found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
            return found

        loaded = child("--load-child", "--files", str(files))
        return loaded | child("--search-child", "--repeat", str(args.repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bodies", type=int, default=1788)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--set", help="a folder for the generated set (reused when it holds files)")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="a PostgreSQL server's URL (any database)")
    parser.add_argument("--load-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--search-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_child:
        load_child(Path(args.files))
        return
    if args.search_child:
        search_child(args.repeat)
        return
    from kouka import synth

    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    files = Path(args.set) if args.set else Path(tempfile.mkdtemp(prefix="kouka-bench-search-files-"))
    try:
        if not any(files.glob("*.json")):
            files.mkdir(parents=True, exist_ok=True)
            synth.write(files, bodies=args.bodies, years=args.years, seed=args.seed, jobs=2)
        outcomes = [run_backend(args, backend, files) for backend in backends]
    finally:
        if not args.set:
            shutil.rmtree(files, ignore_errors=True)
    print(f"command: python bench/search.py {' '.join(sys.argv[1:])}")
    for outcome in outcomes:
        print(f"{outcome['backend']}: reports={outcome['reports']:,} search rows={outcome['entries']:,} "
              f"kouka load {outcome['load_seconds']:.1f} s; resident after warm-up {outcome['baseline_mib']:.0f} MiB,"
              f" extra during the searches {outcome['extra_mib']:.1f} MiB")
    print(f"{'request':44}{'hits':>8}" + "".join(f"{o['backend'][:10]:>12} med {'p95':>7}" for o in outcomes))
    for index, entry in enumerate(outcomes[0]["results"]):
        cells = "".join(f"{o['results'][index]['median_ms']:>16.1f} {o['results'][index]['p95_ms']:>7.1f}"
                        for o in outcomes)
        print(f"{entry['path']:44}{entry['hits']:>8,}{cells}")
    worst = max(r["p95_ms"] for o in outcomes for r in o["results"])
    memory = max(o["extra_mib"] for o in outcomes)
    met = worst < GOAL_MS and memory < GOAL_MIB
    print(f"slowest p95 {worst:.1f} ms (goal < {GOAL_MS:.0f} ms), most extra memory {memory:.1f} MiB "
          f"(goal < {GOAL_MIB:.0f} MiB): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
