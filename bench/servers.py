"""What the serving benchmarks share: a data folder filled with published reports, real servers on loopback
(gunicorn, datasette) started in their own process groups and always stopped, memory and load readings.

Filling a data folder with the demo runs in a child process (``python bench/servers.py demo``) because
Django's settings are fixed per process and a benchmark may serve more than one database; a set of
interchange files is loaded with ``kouka load``.
"""

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
EXAMPLE = ROOT / "examples" / "isesaki-2022.json"


def national_set(bodies: int, years: int, seed: int, folder: Path | None = None) -> Path:
    """The synthetic national set (``kouka.synth``) in ``folder`` (by default under the temporary directory,
    named by its parameters), generated once and reused by later runs (not timed)."""
    import tempfile

    from kouka import synth

    folder = folder or Path(tempfile.gettempdir()) / f"kouka-national-{bodies}x{years}-s{seed}"
    done = folder / ".complete"
    if not done.exists():
        started = time.perf_counter()
        made = synth.write(folder, bodies=bodies, years=years, seed=seed, jobs=os.cpu_count() or 1)
        done.write_text(f"{made.files} {made.reports}\n", encoding="utf-8")
        print(f"generated {made.files:,} files, {made.reports:,} reports, {made.projects:,} projects, "
              f"{made.kpis:,} KPIs, {made.bytes / 2**20:.0f} MiB in {time.perf_counter() - started:.0f} s "
              "(not timed below)", flush=True)
    else:
        print(f"using the set in {folder} ({done.read_text(encoding='utf-8').split()[1]} reports)", flush=True)
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def kouka_env(data: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment of a kouka process serving ``data`` (SQLite there, or ``database_url``)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KOUKA_TEST_POSTGRES_URL")}
    env.update({"KOUKA_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "kouka.web.settings",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(40), "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def fill(env: dict[str, str], what: list[str]) -> str:
    """Migrate and fill the database named by ``env`` (``demo``) in a child process."""
    Path(env["KOUKA_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, __file__, *what], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"filling the database failed ({' '.join(what)}):\n{done.stderr[-4000:]}")
    return done.stdout.strip()


class Processes:
    """Servers started by a benchmark, each in its own session; :meth:`stop` ends them all (by process group)."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                       start_new_session=True)
        self.started.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
        if process in self.started:
            self.started.remove(process)

    def stop_all(self) -> None:
        for process in list(reversed(self.started)):
            self.stop(process)


@contextlib.contextmanager
def interrupts_as_exceptions() -> Iterator[None]:
    """SIGTERM and SIGHUP end the benchmark like Ctrl-C, so its ``finally`` stops what it started."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def finish(processes: Processes, work: Path, keep: bool) -> None:
    """Stop every server a benchmark started and remove its work folder (or say where it was kept)."""
    processes.stop_all()
    if keep:
        print(f"work folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"no answer from {url} within {timeout} s")


def gunicorn_command(port: int, workers: int, threads: int) -> list[str]:
    return [str(VENV_BIN / "gunicorn"), "kouka.web.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
            "--keep-alive", "5", "--log-level", "warning"]


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux /proc)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                pending.extend(int(c) for c in (task / "children").read_text().split())
    return found


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants (the gunicorn master and its workers)."""
    total = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used so far by ``pid`` and its descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the child process that fills a database ------------------------------------------------------


def _setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _fill_demo() -> str:
    """The demo; prints (as JSON) its municipality, users and their password."""
    from kouka.web.ops.demo import DEMO_PASSWORD, load_demo

    municipality, users = load_demo(EXAMPLE)
    return json.dumps({"municipality": municipality.slug, "users": [u.username for u in users],
                       "password": DEMO_PASSWORD})


def main() -> None:
    parser = argparse.ArgumentParser(description="fill a kouka database (run by the benchmarks)")
    parser.add_argument("what", choices=("demo",))
    parser.parse_args()
    _setup()
    print(_fill_demo())


if __name__ == "__main__":
    main()
