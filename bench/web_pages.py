"""Response times of the web application's main pages on the demo data (SQLite, Django test client).

    .venv/bin/python bench/web_pages.py --repeat 50
    .venv/bin/python bench/web_pages.py --repeat 30 --rounds 5 --compare 34e679e

Loads the demo into a temporary data folder, then requests each page ``--repeat`` times as the role
that uses it and prints the median and 95th percentile per page. The whole request path runs (URL
routing, permissions, the mapping to the domain core, checks, templates).

``--compare REV`` measures this tree and the commit REV (its files taken with ``git archive``, run with this
environment) in the same run, alternating ``--rounds`` times so both see the same machine, and prints each
page's median of the rounds' medians for both and their ratio (REV ÷ this tree: above 1 is faster now).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("anonymous", "/"),
    ("anonymous", "/m/isesaki/2022/"),
    ("anonymous", "/m/isesaki/2022/kpi/1/3/"),
    ("anonymous", "/search/?q=まちなか"),
    ("anonymous", "/api/public/reports/isesaki/2022"),
    ("kikaku", "/staff/2023/"),
    ("shoko", "/staff/2023/projects/1/"),
    ("shoko", "/staff/2023/projects/1/kpis/1/"),
    ("yushikisha", "/staff/2023/history/"),
]
ROW = re.compile(r"^(\S+)\s+(\S+)\s+([\d.]+)\s+([\d.]+)$")


def measure(repeat: int) -> list[tuple[str, str, float, float]]:
    """(path, role, median ms, p95 ms) of each page, in this process (Django set up here)."""
    data = Path(tempfile.mkdtemp(prefix="kouka-bench-"))
    os.environ.update({"KOUKA_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "kouka.web.settings",
                       "DJANGO_ALLOWED_HOSTS": "testserver"})
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from kouka.web.ops.demo import load_demo

    load_demo(ROOT / "examples" / "isesaki-2022.json")
    clients: dict[str, Client] = {}
    rows = []
    for role, path in PAGES:
        if role not in clients:
            clients[role] = Client()
            if role != "anonymous":
                clients[role].force_login(get_user_model().objects.get(username=role))
        client = clients[role]
        assert client.get(path).status_code == 200, path
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        rows.append((path, role, statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]))
    return rows


def run_tree(tree: Path, repeat: int) -> dict[str, float]:
    """Each page's median (ms) as the bench script of ``tree`` measures it, run on ``tree``'s sources."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run([sys.executable, str(tree / "bench" / "web_pages.py"), "--repeat", str(repeat)],
                          cwd=tree, env=env, capture_output=True, text=True, check=True)
    medians = {}
    for line in done.stdout.splitlines():
        found = ROW.match(line.strip())
        if found and found.group(1).startswith("/"):
            medians[found.group(1)] = float(found.group(3))
    return medians


def compare(revision: str, repeat: int, rounds: int) -> None:
    base = Path(tempfile.mkdtemp(prefix="kouka-base-"))
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
    results: dict[str, list[dict[str, float]]] = {"base": [], "now": []}
    for _ in range(rounds):
        results["base"].append(run_tree(base, repeat))
        results["now"].append(run_tree(ROOT, repeat))
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"{'page':<44} {'role':<11} {revision + ' ms':>12} {'now ms':>8} {'ratio':>6}")
    summary: dict[str, list[float]] = {"base": [], "now": []}
    for role, path in PAGES:
        before = statistics.median(r[path] for r in results["base"])
        after = statistics.median(r[path] for r in results["now"])
        if path.startswith("/staff/"):
            summary["base"].append(before)
            summary["now"].append(after)
        print(f"{path:<44} {role:<11} {before:12.1f} {after:8.1f} {before / after:6.2f}")
    before, after = statistics.median(summary["base"]), statistics.median(summary["now"])
    print(f"{'staff pages (median of their medians)':<56} {before:12.1f} {after:8.1f} {before / after:6.2f}")
    print(json.dumps({"staff_ratio": round(before / after, 2)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--compare", metavar="REV", help="also measure commit REV, alternating with this tree")
    parser.add_argument("--rounds", type=int, default=5, help="with --compare: rounds of each tree")
    args = parser.parse_args()
    if args.compare:
        compare(args.compare, args.repeat, args.rounds)
        return
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"{'page':<44} {'role':<11} {'median ms':>9} {'p95 ms':>7}")
    for path, role, median, p95 in measure(args.repeat):
        print(f"{path:<44} {role:<11} {median:9.1f} {p95:7.1f}")


if __name__ == "__main__":
    main()
