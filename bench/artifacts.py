"""Benchmark: publications served as stored files (issue 18.1). A first view's cost against the number of
published reports, and what a stored PDF download costs.

    .venv/bin/python bench/artifacts.py [--bodies 1788] [--years 10] [--first 100] [--sample 100] [--pdfs 10]

The synthetic national set (``kouka.synth``: --bodies × --years reports, kept in the temporary folder and
reused, as bench/load_national.py does) is loaded into a fresh SQLite database in two steps, in one process:

1. the first --first bodies (100 × 10 = 1,000 reports); every latest publication's page is stored
   (``artifacts_fill``, Japanese) except --sample held-out reports, whose first views are then measured: the
   request renders the page and stores it (CPU time of the process per request, and wall time), then a second
   view of each (the stored file);
2. the rest of the set (17,880 reports in all); every page stored again except another --sample held out,
   measured the same way.

A first view costs the same at both sizes when nothing on the request path grows with what is stored (the file
cache it replaces listed its whole folder on every write). Then --pdfs PDFs are rendered once (timed) and each
downloaded 20 times from storage: the CPU time per download (issue 18's acceptance: under 5 ms). Requests go
through Django's test client in this process (the whole middleware stack, no HTTP server).
"""

import argparse
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kouka import synth

sys.path.insert(0, str(Path(__file__).resolve().parent))
import servers


def measured(calls: list[Callable[[], object]]) -> tuple[list[float], list[float]]:
    """CPU and wall milliseconds of each call."""
    cpu, wall = [], []
    for call in calls:
        started_cpu, started = time.process_time(), time.perf_counter()
        call()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return cpu, wall


def line(label: str, cpu: list[float], wall: list[float]) -> str:
    return (f"{label}: CPU median {statistics.median(cpu):.2f} ms, mean {statistics.fmean(cpu):.2f} ms; "
            f"wall median {statistics.median(wall):.2f} ms (n={len(cpu)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=synth.NATIONAL_BODIES)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--first", type=int, default=100, help="bodies of the first step")
    parser.add_argument("--sample", type=int, default=100, help="first views measured at each step")
    parser.add_argument("--pdfs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print("command:", shlex.join([Path(sys.executable).name, *sys.argv]), flush=True)
    folder = servers.national_set(args.bodies, args.years, args.seed)
    files = sorted(folder.glob("*.json"))
    with tempfile.TemporaryDirectory(prefix="kouka-bench-artifacts-") as data:
        os.environ.update(DJANGO_SETTINGS_MODULE="kouka.web.settings", KOUKA_DATA_DIR=data, KOUKA_QUEUE_URL="immediate",
                          KOUKA_LOG_FILE="")
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        from kouka.web import artifacts, selectors
        from kouka.web.models import Publication
        from kouka.web.ops.bulkload import load

        call_command("migrate", verbosity=0)
        client, rng = Client(), random.Random(args.seed)
        first_views: list[float] = []

        def step(batch: list[Path]) -> None:
            started = time.perf_counter()
            load(batch)
            latest = list(selectors.publications_latest().select_related("cycle__municipality"))
            print(f"loaded {len(batch):,} files in {time.perf_counter() - started:.0f} s: {len(latest):,} reports "
                  "published", flush=True)
            name = artifacts.artifact_name
            missing = [p for p in latest if not artifacts.storage().exists(
                name(selectors.publication_digest(p), "page", "ja"))]
            held = rng.sample(missing, min(args.sample, len(missing)))
            held_ids = {p.pk for p in held}
            started = time.perf_counter()
            filled = sum(artifacts.artifacts_fill(p, languages=("ja",), kinds=("page",))
                         for p in missing if p.pk not in held_ids)
            stored = sum(1 for _ in (Path(data) / "media" / "artifacts").rglob("page.html"))
            print(f"stored {filled:,} pages in {time.perf_counter() - started:.0f} s ({stored:,} pages stored)",
                  flush=True)
            urls = [reverse("kouka:report", args=[p.cycle.municipality.slug, p.cycle.fiscal_year]) for p in held]
            renders = artifacts.RENDERS["page"]
            cpu, wall = measured([lambda u=u: client.get(u) for u in urls])
            assert artifacts.RENDERS["page"] == renders + len(urls)
            print(line(f"  first view (render and store) with {stored:,} stored", cpu, wall), flush=True)
            first_views.append(statistics.median(cpu))
            cpu, wall = measured([lambda u=u: client.get(u) for u in urls])
            print(line("  second view (the stored page)", cpu, wall), flush=True)

        step(files[:args.first])
        step(files[args.first:])
        ratio = first_views[1] / first_views[0]
        print(f"first view, median CPU: {first_views[0]:.2f} ms → {first_views[1]:.2f} ms (×{ratio:.2f}; goal "
              f"within 20%: {'met' if abs(ratio - 1) <= 0.2 else 'NOT met'})", flush=True)

        latest = list(selectors.publications_latest().select_related("cycle__municipality")[:args.pdfs])
        started = time.process_time()
        for publication in latest:
            artifacts.artifacts_fill(publication, languages=("ja",), kinds=("pdf",))
        print(f"rendered {len(latest)} PDFs once: {(time.process_time() - started) * 1000 / len(latest):.0f} ms "
              "CPU each", flush=True)
        urls = [reverse("kouka:export", args=[p.cycle.municipality.slug, p.cycle.fiscal_year, "pdf"])
                for p in latest] * 20
        renders = artifacts.RENDERS["pdf"]
        cpu, wall = measured([lambda u=u: client.get(u) for u in urls])
        assert artifacts.RENDERS["pdf"] == renders
        size = statistics.fmean(len(client.get(u).content) for u in urls[:len(latest)])
        print(line(f"stored PDF download ({size / 1024:.0f} KiB)", cpu, wall) +
              f"; goal < 5 ms CPU: {'met' if statistics.median(cpu) < 5 else 'NOT met'}", flush=True)
        print(f"publications: {Publication.objects.count():,}", flush=True)


if __name__ == "__main__":
    main()
