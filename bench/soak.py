"""Soak: mixed public reads and signed-in writes at a set rate against a real server on loopback.

    nice .venv/bin/python bench/soak.py --rate 20 --duration 300

Fills a fresh data folder with the demo (伊勢崎市 令和4年度 published, 令和5年度 draft, one user per role),
starts gunicorn on loopback and drives it for ``--duration`` seconds at ``--rate`` requests a second
(at most rate × duration requests; nothing runs past the duration plus the request timeout) from
``--clients`` threads. Each thread keeps one HTTP connection and one staff sign-in (its user signs in once,
with the right password, through the login form). ``--write-share`` of the operations are KPI actual saves
through the real form: read the form (with its version), change the 令和5年度 actual, post it; a save
refused as stale (409, someone else saved first) re-reads the form and tries again. The rest are public
pages. It reports throughput, p50/p99 per kind of request, errors (anything but the expected answer; must
be 0) and the resident memory of every gunicorn process at the start, during and at the end. Everything
started is stopped at the end, also on an error or Ctrl-C.
"""

import argparse
import http.client
import json
import queue
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import servers
from bs4 import BeautifulSoup

PUBLIC_PAGES = (
    "/", "/m/isesaki/", "/m/isesaki/2022/", "/m/isesaki/2022/kpi/1/3/", "/m/isesaki/2022/kpi/2/1/",
    "/search/?q=" + urllib.parse.quote("まちなか"), "/api/public/reports/isesaki/2022",
    "/m/isesaki/2022/export/csv/",
)
WRITERS = ("kikaku", "shoko", "kigyo")  # the demo's administrator and its two department editors
YEAR = 2023  # the demo's draft year
RETRIES = 5


class SoakError(Exception):
    """An answer the soak did not expect (counted as an error)."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    """One keep-alive HTTP connection with its own cookies (like one browser tab)."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port, self.timeout = port, timeout
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, body: str | None, headers: dict[str, str]) -> Response:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        self.connection.request(method, path, body=body, headers=headers)
        answer = self.connection.getresponse()
        data = answer.read()
        for value in answer.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return Response(answer.status, answer.headers, data)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reused = self.connection is not None
        try:
            return self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.close()
            if not reused:
                raise
            # the server closed an idle keep-alive connection: a browser opens a new one and sends again
            return self._send(method, path, body, headers)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def form_fields(html: str) -> dict[str, str]:
    """The values a browser would post from the page's KPI form (with its ``version``)."""
    form = BeautifulSoup(html, "html.parser").select_one("#kpi-form")
    if form is None or form.find("input", attrs={"name": "version"}) is None:
        raise SoakError("no KPI form with a version on the page")
    fields: dict[str, str] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "textarea":
            fields[name] = element.get_text()
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            fields[name] = chosen.get("value", "") if chosen is not None else ""
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                fields[name] = element.get("value", "on")
        elif element.get("type") not in ("submit", "button", "image", "reset", "file"):
            fields[name] = element.get("value", "")
    return fields


def sign_in(client: Client, username: str, password: str) -> None:
    page = client.request("GET", "/accounts/login/")
    token = form_fields_token(page.text())
    answer = client.request("POST", "/accounts/login/", {"username": username, "password": password,
                                                           "csrfmiddlewaretoken": token})
    if answer.status != 302 or "sessionid" not in client.cookies:
        raise SoakError(f"sign-in of {username} failed: {answer.status}")


def form_fields_token(html: str) -> str:
    found = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrfmiddlewaretoken"})
    if found is None:
        raise SoakError("no CSRF token on the page")
    return str(found.get("value", ""))


@dataclass
class Stats:
    """Everything the threads measured (guarded by ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    saves: int = 0
    refusals: int = 0
    late: int = 0

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds * 1000)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def timed(stats: Stats, kind: str, client: Client, method: str, path: str,
          form: dict[str, str] | None = None) -> Response:
    start = time.perf_counter()
    answer = client.request(method, path, form)
    stats.add(kind, time.perf_counter() - start)
    return answer


def read(stats: Stats, client: Client, path: str) -> None:
    answer = timed(stats, "public read", client, "GET", path)
    if answer.status != 200:
        raise SoakError(f"GET {path}: {answer.status}")


def write(stats: Stats, client: Client, path: str, rng: random.Random) -> None:
    """Save a new 令和5年度 actual through the KPI form; a stale refusal re-reads the form and tries again."""
    for _ in range(RETRIES):
        page = timed(stats, "staff form", client, "GET", path)
        if page.status != 200:
            raise SoakError(f"GET {path}: {page.status}")
        fields = form_fields(page.text())
        fields[f"actual_{YEAR}"] = f"{rng.randint(1, 9999)}{fields.get('unit', '')}"
        answer = timed(stats, "staff save", client, "POST", path, fields)
        if answer.status == 302:
            with stats.lock:
                stats.saves += 1
            return
        if answer.status != 409:
            raise SoakError(f"POST {path}: {answer.status}")
        with stats.lock:
            stats.refusals += 1
    raise SoakError(f"POST {path}: refused as stale {RETRIES} times in a row")


def kpi_paths(port: int, timeout: float, username: str, password: str) -> list[str]:
    """The KPI forms of the draft year that ``username`` may edit."""
    client = Client(port, timeout)
    sign_in(client, username, password)
    cycle = client.request("GET", f"/staff/{YEAR}/").text()
    projects = sorted({a["href"] for a in BeautifulSoup(cycle, "html.parser").find_all("a", href=True)
                       if str(a["href"]).rstrip("/").split("/")[-2:-1] == ["projects"]})
    paths = []
    for project in projects:
        page = client.request("GET", project).text()
        for link in BeautifulSoup(page, "html.parser").find_all("a", href=True):
            href = str(link["href"])
            if "/kpis/" in href and not href.endswith("/new/") and href not in paths:
                form = client.request("GET", href)
                editable = BeautifulSoup(form.text(), "html.parser").select_one("#kpi-form button[type=submit]")
                if form.status == 200 and editable is not None:
                    paths.append(href)
    client.close()
    return paths


def worker(number: int, jobs: "queue.Queue[tuple[float, str] | None]", stats: Stats, port: int,
           args: argparse.Namespace, writable: dict[str, list[str]], password: str) -> None:
    rng = random.Random(number)
    username = WRITERS[number % len(WRITERS)]
    public, staff = Client(port, args.timeout), Client(port, args.timeout)
    try:
        sign_in(staff, username, password)
    except (SoakError, OSError, http.client.HTTPException) as exc:
        stats.error(f"client {number}: {exc}")
        return
    while (job := jobs.get()) is not None:
        due, kind = job
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        elif delay < -1:
            with stats.lock:
                stats.late += 1
        try:
            if kind == "write":
                write(stats, staff, rng.choice(writable[username]), rng)
            else:
                read(stats, public, rng.choice(PUBLIC_PAGES))
        except (SoakError, OSError, http.client.HTTPException) as exc:
            stats.error(f"{kind}: {type(exc).__name__}: {exc}")
            public.close()
            staff.close()
    public.close()
    staff.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=20, help="operations a second")
    parser.add_argument("--duration", type=float, default=300, help="seconds")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--write-share", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10, help="seconds for one request")
    parser.add_argument("--sample", type=float, default=10, help="seconds between memory readings")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kouka-soak-"))
    processes = servers.Processes()
    stats = Stats()
    try:
        with servers.interrupts_as_exceptions():
            env = servers.kouka_env(work / "data")
            password = json.loads(servers.fill(env, ["demo"]))["password"]
            port = servers.free_port()
            server = processes.start(servers.gunicorn_command(port, args.workers, args.threads), env,
                                     work / "gunicorn.log")
            servers.wait_until_up(f"http://127.0.0.1:{port}/", server)
            writable = {user: kpi_paths(port, args.timeout, user, password) for user in WRITERS}
            if not all(writable.values()):
                raise SoakError(f"a writer has no KPI form to edit: {writable}")
            warm = Client(port, args.timeout)
            for path in PUBLIC_PAGES:  # every page rendered once before memory is first read
                warm.request("GET", path)
            warm.close()
            memory = [(0.0, servers.rss_bytes(server.pid))]
            jobs: queue.Queue[tuple[float, str] | None] = queue.Queue(maxsize=args.clients * 4)
            threads = [threading.Thread(target=worker, args=(n, jobs, stats, port, args, writable, password),
                                        daemon=True) for n in range(args.clients)]
            for thread in threads:
                thread.start()
            total = int(args.rate * args.duration)
            rng = random.Random(0)
            start = time.monotonic()
            deadline = start + args.duration
            next_sample = start + args.sample
            loads = [servers.loadavg()]
            for n in range(total):
                due = start + n / args.rate
                if due >= deadline:
                    break
                jobs.put((due, "write" if rng.random() < args.write_share else "read"))
                if time.monotonic() >= next_sample:
                    memory.append((time.monotonic() - start, servers.rss_bytes(server.pid)))
                    loads.append(servers.loadavg())
                    next_sample += args.sample
            for _ in threads:
                jobs.put(None)
            for thread in threads:
                thread.join(timeout=max(0.0, deadline - time.monotonic()) + args.timeout * RETRIES * 2)
            elapsed = time.monotonic() - start
            memory.append((elapsed, servers.rss_bytes(server.pid)))
            loads.append(servers.loadavg())
            if any(thread.is_alive() for thread in threads):
                stats.error("a client was still busy after the time limit")
            processes.stop(server)
            locked = (work / "gunicorn.log").read_text(errors="replace").count("database is locked")
            print(f"'database is locked' in the server's log: {locked} times")
            if locked:
                stats.error(f"the server's log says 'database is locked' {locked} times")
            summary(stats, args, elapsed, memory, loads)
    finally:
        processes.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if stats.errors else 0)


def summary(stats: Stats, args: argparse.Namespace, elapsed: float, memory: list[tuple[float, int]],
            loads: list[str]) -> None:
    count = sum(len(v) for v in stats.latencies.values())
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"gunicorn {args.workers} workers × {args.threads} threads; {args.clients} clients; rate {args.rate}/s "
          f"for {args.duration:.0f} s; write share {args.write_share}")
    print(f"requests={count} seconds={elapsed:.1f} throughput={count / elapsed:.1f}/s saves={stats.saves} "
          f"stale_refusals_retried={stats.refusals} late_over_1s={stats.late} errors={len(stats.errors)}")
    print(f"{'kind':<12} {'count':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, values in sorted(stats.latencies.items()):
        print(f"{kind:<12} {len(values):>7} {statistics.median(values):8.1f} {percentile(values, 0.99):8.1f} "
              f"{max(values):8.1f}")
    first, last = memory[0][1], memory[-1][1]
    half = [rss for t, rss in memory if t >= elapsed / 2]
    print(f"server RSS (all gunicorn processes): start={first / 2**20:.0f} MiB end={last / 2**20:.0f} MiB "
          f"max={max(r for _, r in memory) / 2**20:.0f} MiB; second half {min(half) / 2**20:.0f}–"
          f"{max(half) / 2**20:.0f} MiB")
    print("RSS samples (s: MiB): " + ", ".join(f"{t:.0f}: {r / 2**20:.0f}" for t, r in memory))
    print(f"load average at start / end: {loads[0]} / {loads[-1]}")
    for message in stats.errors[:20]:
        print(f"error: {message}")


if __name__ == "__main__":
    main()
