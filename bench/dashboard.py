"""Dashboard queries over the national set, on SQLite and PostgreSQL (goal: each < 300 ms).

    nice .venv/bin/python bench/dashboard.py --bodies 1788 --years 10 --repeat 20

Writes the synthetic national set (``kouka.synth``: ``--bodies`` × ``--years`` reports) and loads it into a
fresh database of each backend with ``kouka load``'s bulk loader (:mod:`kouka.web.ops.bulkload`: publications,
records and facts), remakes the rollups (:func:`kouka.web.stats.rollup.refresh_all`, timed), then times each query
of :mod:`kouka.web.stats.dashboards` and each public dashboard page ``--repeat`` times and prints the median and
95th percentile. PostgreSQL is the server of
``--postgres`` (default: the test server); the benchmark creates its own database there, named with this
process's id, and drops it at the end. Each backend runs in a child process of its own.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fresh_backend import fresh_backend

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql://postgres:postgres@127.0.0.1:5432/postgres"


def load_national(directory: Path) -> tuple[int, int]:
    """Load the synthetic files with ``kouka load``'s bulk loader; return (reports, fact rows)."""
    from kouka.web.ops import bulkload

    summary = bulkload.load(sorted(directory.glob("*.json")))
    if summary.failures:
        raise SystemExit(f"load failed: {summary.failures[:3]}")
    return summary.reports, summary.facts


def queries() -> list[tuple[str, Callable[[], Any]]]:
    from kouka.domain.model import ProjectKind
    from kouka.domain.rules import Judgement
    from kouka.web.models import KpiFact, Municipality
    from kouka.web.stats import dashboards
    from kouka.web.stats.dashboards import Filters

    choices = dashboards.choices()
    year = choices.years[len(choices.years) // 2]
    prefecture = "北海道" if "北海道" in choices.prefectures else choices.prefectures[0]
    unit = "人" if "人" in choices.unit_groups else choices.unit_groups[0]
    body = Municipality.objects.filter(pk=KpiFact.objects.values("municipality_id")[:1]).get().pk
    return [
        ("choices (filter values)", dashboards.choices),
        ("summary national", lambda: dashboards.summary()),
        ("by_year national", lambda: dashboards.by_year()),
        ("by_prefecture national", lambda: dashboards.by_prefecture()),
        ("by_unit national", lambda: dashboards.by_unit()),
        ("ranking national", lambda: dashboards.ranking()),
        ("summary year+unit+kind", lambda: dashboards.summary(
            Filters(year=year, unit_group=unit, kind=ProjectKind.SINGLE))),
        ("by_year prefecture", lambda: dashboards.by_year(Filters(prefecture=prefecture))),
        ("by_unit prefecture", lambda: dashboards.by_unit(Filters(prefecture=prefecture))),
        ("ranking prefecture+year", lambda: dashboards.ranking(Filters(prefecture=prefecture, year=year))),
        ("by_year municipality", lambda: dashboards.by_year(Filters(municipality=body))),
        ("sources year not_met (page 1)", lambda: (
            dashboards.sources(Filters(year=year), Judgement.NOT_MET).count(),
            list(dashboards.sources(Filters(year=year), Judgement.NOT_MET)[:50]))),
    ]


def pages() -> list[tuple[str, Callable[[], Any]]]:
    """Whole public pages through Django (routing, queries, templates), for comparison."""
    from django.test import Client

    from kouka.web.models import KpiFact
    from kouka.web.stats import dashboards

    client = Client()
    slug = KpiFact.objects.values_list("municipality__slug", flat=True).first()
    prefectures = dashboards.choices().prefectures
    prefecture = "北海道" if "北海道" in prefectures else prefectures[0]

    def get(path: str) -> Callable[[], Any]:
        def fetch() -> None:
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
        return fetch

    return [("page /stats/", get("/stats/")), (f"page /stats/{prefecture}/", get(f"/stats/{prefecture}/")),
            (f"page /stats/m/{slug}/", get(f"/stats/m/{slug}/"))]


def child(args: argparse.Namespace) -> None:
    """Run in a child process with the backend's settings in the environment."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    reports, rows = load_national(Path(args.files))
    load_seconds = time.perf_counter() - started
    from django.db import connection

    from kouka.web.stats import rollup

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as after any bulk load
    started = time.perf_counter()
    rollup.refresh_all()
    rollup_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    results = []
    for name, query in [*queries(), *pages()]:
        query()  # warm the caches once
        times = []
        for _ in range(args.repeat):
            begin = time.perf_counter()
            query()
            times.append((time.perf_counter() - begin) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        results.append({"query": name, "median_ms": statistics.median(times), "p95_ms": p95})
    print(json.dumps({"backend": connection.vendor, "reports": reports, "fact_rows": rows,
                      "load_seconds": load_seconds, "rollup_seconds": rollup_seconds, "results": results}))


def run_backend(args: argparse.Namespace, backend: str, files: Path) -> dict[str, Any]:
    with fresh_backend(backend, args.postgres, "dashboard") as env:
        command = [sys.executable, __file__, "--child", "--files", str(files), "--repeat", str(args.repeat)]
        out = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
        result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bodies", type=int, default=1788)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="a PostgreSQL server's URL (any database)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    from kouka import synth

    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    files = Path(tempfile.mkdtemp(prefix="kouka-bench-dashboard-files-"))
    try:
        synth.write(files, bodies=args.bodies, years=args.years, seed=args.seed, jobs=2)
        outcomes = [run_backend(args, backend, files) for backend in backends]
    finally:
        shutil.rmtree(files, ignore_errors=True)
    for outcome in outcomes:
        print(f"{outcome['backend']}: reports={outcome['reports']:,} fact_rows={outcome['fact_rows']:,} "
              f"kouka load {outcome['load_seconds']:.1f} s, rollup.refresh_all {outcome['rollup_seconds']:.1f} s")
    print(f"{'query':34}" + "".join(f"{o['backend'][:10]:>12} med {'p95':>7}" for o in outcomes))
    for index, entry in enumerate(outcomes[0]["results"]):
        cells = "".join(f"{o['results'][index]['median_ms']:>16.1f} {o['results'][index]['p95_ms']:>7.1f}"
                        for o in outcomes)
        print(f"{entry['query']:34}{cells}")
    worst = max(r["p95_ms"] for o in outcomes for r in o["results"] if not r["query"].startswith("page"))
    print(f"slowest query p95: {worst:.1f} ms (goal < 300 ms): {'met' if worst < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
