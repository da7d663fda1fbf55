"""A fair ladder for the public report page: every rung served with the same workers on the same cores, measured
in one run by wrk, from the limit of the server down to datasette as the peer (issue 18, item 3).

    .venv/bin/python bench/ladder.py --bodies 100 --years 3 --rounds 3 --duration 10

(datasette and uvicorn: ``.venv/bin/pip install -e '.[bench]' uvicorn``; wrk from Debian.)

Builds a synthetic set (``kouka synth``), publishes it with ``kouka load`` into a fresh SQLite data folder, chooses
``--pages`` municipalities' latest reports, saves the bytes of each public report page, and serves these rungs:

- raw WSGI: a bare WSGI callable returning the saved bytes (the server's limit for this body size);
- static copy: WhiteNoise serving the saved pages from disk;
- Django constant view: a view returning the saved bytes through kouka's own settings and middleware (the
  framework's floor as kouka runs it);
- kouka stored page: kouka's public page as readers get it after publication (rendered once, then stored);
- kouka first render: the same page with nothing stored (``bench/ladder_uncached_settings.py``), i.e. what the
  first view after a publication costs;
- kouka JSON API: ``/api/public/reports/<団体>/<年度>``, the same reports as data;
- datasette JSON and datasette HTML: the same reports' open-data rows (``kouka.render.opendata.kpi_rows``) in an
  indexed, immutable SQLite table, as ``.json`` and as datasette's table page.

Every WSGI rung runs under gunicorn with ``--workers`` × ``--threads`` (gthread); datasette, an ASGI application,
under uvicorn with the same number of worker processes. Each round measures every rung once (a warm-up, then wrk
for ``--duration`` s over the pages in turn), the rungs' order rotated from round to round; the table gives each
rung's median round. CPU per request is the user + system time of the server's processes (the database is SQLite,
inside them) during the measured run, divided by its requests.
"""

import argparse
import os
import statistics
import sys
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import servers
from serve_public import (
    Page,
    WrkResult,
    choose_pages,
    load,
    load_options,
    lua_script,
    opendata_database,
    run_wrk,
    synthesize,
)

BENCH = Path(__file__).resolve().parent
RUNG_NAMES = ("raw WSGI", "static copy", "Django constant", "kouka stored page", "kouka first render",
              "kouka JSON API", "datasette JSON", "datasette HTML")


@dataclass(frozen=True)
class Rung:
    name: str
    what: str
    command: list[str]
    env: dict[str, str]
    paths: list[str]


@dataclass(frozen=True)
class Measured:
    result: WrkResult
    cpu_ms: float
    body_bytes: int


def gunicorn(app: str, port: int, args: argparse.Namespace) -> list[str]:
    return [str(servers.VENV_BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers",
            str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread", "--keep-alive", "5",
            "--log-level", "warning", "--chdir", str(BENCH)]


def save_pages(base: str, pages: list[Page], folder: Path) -> list[str]:
    paths = [f"/m/{p.slug}/{p.year}/" for p in pages]
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            target = folder / path.strip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(response.read())
    return paths


def body_size(base: str, path: str) -> int:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"{base}{path}: HTTP {response.status}")
        return len(response.read())


def measure(rung: Rung, base: str, pid: int, args: argparse.Namespace, work: Path) -> Measured:
    size = statistics.median(body_size(base, path) for path in rung.paths)
    script = lua_script(rung.paths, work / f"{rung.name.replace(' ', '-')}.lua")
    run_wrk(base, script, args.warmup, args.connections, args.wrk_threads)
    before = servers.cpu_seconds(pid)
    result = run_wrk(base, script, args.duration, args.connections, args.wrk_threads)
    cpu = servers.cpu_seconds(pid) - before
    return Measured(result, cpu * 1000 / max(1, result.requests), int(size))


def rungs(args: argparse.Namespace, env: dict[str, str], saved: Path, opendata: Path, paths: list[str],
          pages: list[Page], ports: list[int]) -> list[Rung]:
    plain = env | {"LADDER_PAGES": str(saved),
                   "PYTHONPATH": os.pathsep.join(p for p in (str(BENCH), env.get("PYTHONPATH", "")) if p)}
    settings = plain | {"DJANGO_SETTINGS_MODULE": "ladder_settings"}
    uncached = plain | {"DJANGO_SETTINGS_MODULE": "ladder_uncached_settings"}
    api = [f"/api/public/reports/{p.slug}/{p.year}" for p in pages]
    rows = [f"/{opendata.stem}/kpi_rows" + "{}?" + urllib.parse.urlencode({"body_code": p.code,
                                                                           "report_fiscal_year": p.year})
            for p in pages]
    uvicorn = [str(servers.VENV_BIN / "uvicorn"), "--factory", "ladder_apps:datasette_app", "--host", "127.0.0.1",
               "--workers", str(args.workers), "--log-level", "warning", "--app-dir", str(BENCH)]
    datasette_env = plain | {"LADDER_DATASETTE": str(opendata)}
    return [
        Rung("raw WSGI", "a bare WSGI callable returns the saved bytes", gunicorn("ladder_apps:raw", ports[0], args),
             plain, paths),
        Rung("static copy", "WhiteNoise serves the saved pages from disk",
             gunicorn("ladder_apps:static", ports[1], args), plain, paths),
        Rung("Django constant", "a Django view returns the saved bytes (kouka's settings and middleware)",
             gunicorn("kouka.web.wsgi:application", ports[2], args), settings, paths),
        Rung("kouka stored page", "kouka's public page after publication (stored, answered by the front)",
             gunicorn("kouka.web.wsgi:application", ports[3], args), env, paths),
        Rung("kouka first render", "kouka's public page rendered on every request (nothing stored, no front)",
             gunicorn("kouka.web.wsgi:django_application", ports[4], args), uncached, paths),
        Rung("kouka JSON API", "the report as kouka/1 JSON", gunicorn("kouka.web.wsgi:application", ports[5], args),
             env, api),
        Rung("datasette JSON", "the report's open-data rows as datasette JSON",
             [*uvicorn, "--port", str(ports[6])], datasette_env, [r.format(".json") for r in rows]),
        Rung("datasette HTML", "the report's open-data rows as datasette's table page",
             [*uvicorn, "--port", str(ports[7])], datasette_env, [r.format("") for r in rows]),
    ]


def report(results: dict[str, list[Measured]], order: list[Rung], args: argparse.Namespace, described: str) -> None:
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(described)
    print(f"wrk: {args.duration} s per rung and round, {args.connections} connections, {args.wrk_threads} threads; "
          f"{args.rounds} rounds, rungs rotated; servers: {args.workers} workers each (gunicorn gthread × "
          f"{args.threads} threads; uvicorn for datasette); load average {servers.loadavg()}")
    print(f"{'rung':<20} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms/req':>10} {'body KB':>8} "
          f"{'×limit':>7}  rounds' req/s")
    medians: dict[str, Measured] = {}
    for rung in order:
        measured = sorted(results[rung.name], key=lambda m: m.result.rate)
        medians[rung.name] = median = measured[len(measured) // 2]
        limit = statistics.median(m.result.rate for m in results["raw WSGI"])
        print(f"{rung.name:<20} {median.result.rate:8.1f} {median.result.p50_ms:7.2f} {median.result.p99_ms:7.2f} "
              f"{median.cpu_ms:10.3f} {median.body_bytes / 1000:8.1f} {median.result.rate / limit:7.2f}  "
              + " ".join(f"{m.result.rate:.0f}" for m in results[rung.name]))
        errors = sum(m.result.non_2xx + m.result.socket_errors for m in results[rung.name])
        if errors:
            print(f"  {rung.name}: {errors} non-2xx answers or socket errors")

    def ratio(a: str, b: str) -> str:
        rate = medians[a].result.rate / medians[b].result.rate
        cpu = medians[a].cpu_ms / medians[b].cpu_ms if medians[b].cpu_ms else float("inf")
        return f"{a} / {b}: req/s ×{rate:.2f}, CPU per request ×{cpu:.2f}"

    for pair in [("kouka stored page", "static copy"), ("kouka stored page", "Django constant"),
                 ("kouka first render", "datasette HTML"), ("kouka JSON API", "datasette JSON"),
                 ("static copy", "raw WSGI"), ("Django constant", "raw WSGI")]:
        if all(name in medians for name in pair):
            print(ratio(*pair))
    if len(medians) < len(RUNG_NAMES):
        return  # --only: no goals to judge
    stored, static = medians["kouka stored page"].result, medians["static copy"].result
    api, peer = medians["kouka JSON API"].result, medians["datasette JSON"].result
    goals = [(f"kouka stored page ≥ 0.7 × static copy req/s ({stored.rate / static.rate:.2f})",
              stored.rate >= 0.7 * static.rate),
             (f"kouka stored page p99 < 20 ms ({stored.p99_ms:.1f} ms)", stored.p99_ms < 20),
             (f"kouka JSON API ≥ ×1.2 datasette JSON ({api.rate / peer.rate:.2f})", api.rate >= 1.2 * peer.rate)]
    for goal, met in goals:
        print(f"goal: {goal}: {'met' if met else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    load_options(parser, duration=10, warmup=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="comma-separated rung names to run (default: all)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kouka-ladder-"))
    processes = servers.Processes()
    try:
        with servers.interrupts_as_exceptions():
            source = work / "source"
            synthesize(source, args.bodies, args.years, args.seed)
            env = servers.kouka_env(work / "sqlite")
            seconds, published = load(env, source)
            print(f"kouka load published {published} reports in {seconds:.0f} s", flush=True)
            opendata = work / "opendata.db"
            opendata_database(source, opendata)
            ports = [servers.free_port() for _ in range(8)]
            # pages chosen and saved from kouka itself (the stored-page rung's server, started first)
            stored_port = ports[3]
            first = processes.start(gunicorn("kouka.web.wsgi:application", stored_port, args), env,
                                    work / "choose.log")
            base = f"http://127.0.0.1:{stored_port}"
            servers.wait_until_up(base + "/", first)
            pages = choose_pages(base, args.pages)
            saved = work / "saved"
            paths = save_pages(base, pages, saved)
            processes.stop(first)
            order = rungs(args, env, saved, opendata, paths, pages, ports)
            if args.only:
                wanted = set(args.only.split(","))
                order = [r for r in order if r.name in wanted or r.name == "raw WSGI"]
            started = {}
            for rung in order:
                port = int(rung.command[rung.command.index("--bind") + 1].rsplit(":", 1)[1]
                           if "--bind" in rung.command else rung.command[rung.command.index("--port") + 1])
                process = processes.start(rung.command, rung.env, work / f"{rung.name.replace(' ', '-')}.log")
                servers.wait_until_up(f"http://127.0.0.1:{port}{rung.paths[0]}", process)
                started[rung.name] = (f"http://127.0.0.1:{port}", process)
            results: dict[str, list[Measured]] = {rung.name: [] for rung in order}
            for round_number in range(args.rounds):
                shift = round_number % len(order)
                for rung in order[shift:] + order[:shift]:
                    base, process = started[rung.name]
                    results[rung.name].append(measure(rung, base, process.pid, args, work))
                print(f"round {round_number + 1} of {args.rounds} done", flush=True)
            described = (f"data: kouka synth --bodies {args.bodies} --years {args.years} --seed {args.seed}; "
                         f"pages: {', '.join(f'{p.name} {p.year}' for p in pages)}")
            report(results, order, args, described)
            for rung in order:
                print(f"  {rung.name}: {rung.what}")
    finally:
        servers.finish(processes, work, args.keep)


if __name__ == "__main__":
    main()
