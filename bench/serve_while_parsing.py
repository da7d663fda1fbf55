"""The public site while a hostile or huge upload is read (goal, issue 12: a public page answers within 200 ms
while such a file is parsed on ``kouka serve``).

    .venv/bin/python bench/serve_while_parsing.py [--interval 0.05]

Fills a fresh data folder with the demo (伊勢崎市 令和4年度 published), starts ``kouka serve`` on loopback (the
development server with threads, and its upload worker, exactly as a city hall without gunicorn runs it),
signs in as the planning division and, for each file of ``bench/import_hostile.py`` (the hostile shapes of
issue 12.3 and the large legal files), uploads it through the staff import form. While the task is queued or
being read, one client fetches the public report page every ``--interval`` seconds and times each answer
(wall clock, the whole HTTP exchange on loopback); it stops when the task's status says it has finished.
Printed per file: how the reading ended, how long it took, the number of public requests and their median,
95th percentile and maximum.
"""

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests
import servers

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

import hostile_files  # noqa: E402

GOAL_MS = 200.0
PUBLIC_PAGE = "/m/isesaki/2022/"
FILES: list[tuple[str, str, Callable[[], bytes]]] = [
    *hostile_files.NAMED,
    ("a published page repeated 700 times (legal, seconds of reading)", "hanasato-large.html",
     lambda: hostile_files.repeated_report_page(ROOT / "tests" / "fixtures" / "import" / "hanasato-2021.html", 700)),
]


def signed_in(site: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{site}/accounts/login/", timeout=30)
    answer = session.post(f"{site}/accounts/login/", timeout=30,
                          data={"username": username, "password": password},
                          headers={"X-CSRFToken": session.cookies["csrftoken"]})
    if "sessionid" not in session.cookies:
        raise RuntimeError(f"could not sign in as {username} ({answer.status_code})")
    return session


def upload(session: requests.Session, site: str, name: str, data: bytes) -> str | None:
    """The task's status URL, or None when the upload was refused at the door (its message printed)."""
    session.get(f"{site}/staff/import/", timeout=30)
    answer = session.post(f"{site}/staff/import/", files={"file": (name, data)}, allow_redirects=False,
                          headers={"X-CSRFToken": session.cookies["csrftoken"]}, timeout=120)
    location = answer.headers.get("Location", "")
    found = re.match(r"/staff/tasks/(\d+)/", location)
    if answer.status_code != 302 or not found:
        return None
    return f"{site}/staff/tasks/{found.group(1)}/status/"


def idle(site: str, count: int, interval: float) -> list[float]:
    """The public page's timings with nothing being read: the same run's baseline."""
    public = requests.Session()
    timings = []
    for _ in range(count):
        asked = time.perf_counter()
        public.get(f"{site}{PUBLIC_PAGE}", timeout=30).raise_for_status()
        timings.append(time.perf_counter() - asked)
        time.sleep(interval)
    return timings


def row(title: str, size: str, state: str, seconds: str, timings: list[float]) -> str:
    if not timings:
        return f"| {title} | {size} | {state} | {seconds} | 0 | – | – | – |"
    return (f"| {title} | {size} | {state} | {seconds} | {len(timings)} | {statistics.median(timings) * 1000:.1f} | "
            f"{percentile(timings, 0.95) * 1000:.1f} | {max(timings) * 1000:.1f} |")


def watch(session: requests.Session, site: str, status_url: str, interval: float) -> tuple[str, float, list[float]]:
    """Fetch the public page every ``interval`` s until the task has finished: (its state, seconds, timings)."""
    public = requests.Session()
    started = time.monotonic()
    timings: list[float] = []
    while True:
        state = session.get(status_url, timeout=30).json()
        if state["finished"]:
            return str(state["state"]), time.monotonic() - started, timings
        asked = time.perf_counter()
        answer = public.get(f"{site}{PUBLIC_PAGE}", timeout=30)
        timings.append(time.perf_counter() - asked)
        if answer.status_code != 200:
            raise RuntimeError(f"the public page answered {answer.status_code}")
        time.sleep(interval)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between public requests")
    parser.add_argument("--rounds", type=int, default=1, help="times each file is uploaded")
    args = parser.parse_args()
    processes = servers.Processes()
    with tempfile.TemporaryDirectory() as folder, servers.interrupts_as_exceptions():
        data = Path(folder) / "data"
        env = servers.kouka_env(data)
        env["KOUKA_QUEUE_URL"] = ""  # the embedded default: a SQLite queue beside the database
        demo = json.loads(servers.fill(env, ["demo"]))
        port = servers.free_port()
        site = f"http://127.0.0.1:{port}"
        try:
            server = processes.start([sys.executable, "-m", "kouka", "serve", "--data", str(data), "--port",
                                      str(port)], env, Path(folder) / "serve.log")
            servers.wait_until_up(f"{site}{PUBLIC_PAGE}", server)
            staff = signed_in(site, "kikaku", demo["password"])
            print(f"kouka serve (runserver with threads and its upload worker); public page every "
                  f"{args.interval * 1000:.0f} ms while each file is read; load average {servers.loadavg()}")
            print("| file | size | ended | seconds | public requests | p50 ms | p95 ms | max ms |")
            print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
            print(row("(nothing being read: the baseline)", "–", "–", "–", idle(site, 100, args.interval)))
            worst = 0.0
            for _ in range(args.rounds):
                for title, name, generate in FILES:
                    body = generate()
                    status_url = upload(staff, site, name, body)
                    if status_url is None:
                        print(row(title, f"{len(body):,} B", "refused at upload", "–", []))
                        continue
                    state, seconds, timings = watch(staff, site, status_url, args.interval)
                    worst = max([worst, *timings])
                    print(row(title, f"{len(body):,} B", state, f"{seconds:.2f}", timings), flush=True)
            verdict = "met" if worst * 1000 < GOAL_MS else "NOT met"
            print(f"goal: every public answer under {GOAL_MS:.0f} ms while a file is read: {verdict} "
                  f"(slowest {worst * 1000:.1f} ms); load average {servers.loadavg()}")
        finally:
            processes.stop_all()


if __name__ == "__main__":
    main()
