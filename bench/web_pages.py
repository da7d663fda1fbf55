"""Response times of the web application's main pages on the demo data (SQLite, Django test client).

    .venv/bin/python bench/web_pages.py --repeat 50

Loads the demo into a temporary data folder, then requests each page ``--repeat`` times as the role
that uses it and prints the median and 95th percentile per page. The whole request path runs (URL
routing, permissions, the mapping to the domain core with schema validation, checks, templates).
"""

import argparse
import os
import statistics
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
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
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"{'page':<44} {'role':<11} {'median ms':>9} {'p95 ms':>7}")
    for role, path in PAGES:
        if role not in clients:
            clients[role] = Client()
            if role != "anonymous":
                clients[role].force_login(get_user_model().objects.get(username=role))
        client = clients[role]
        assert client.get(path).status_code == 200, path
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{path:<44} {role:<11} {statistics.median(times):9.1f} {p95:7.1f}")


if __name__ == "__main__":
    main()
