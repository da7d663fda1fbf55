"""``kouka worker`` (issue 12.3): the upload queue's worker run on its own, in a process of its own, as in
production: on the embedded default (Huey's SQLite beside the database) and on Redis (KOUKA_QUEUE_URL). A file
uploaded by the site (here: kept and queued by a separate process, as a request does) is read by it; a
``kouka serve`` starts one itself."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from paths import ROOT

KOUKA = Path(sys.executable).parent / "kouka"
SEED = ROOT / "tests" / "fixtures" / "seed" / "000_4681f277236dbcf0.txt"

# Kept and queued as the import view does; then waits for the worker's verdict and prints it.
UPLOAD = """
import sys, time, django
django.setup()
from kouka.web import queue
from kouka.web.models import Membership, UploadTask
from kouka.web.services.imports import report_upload
member = Membership.objects.get(user__username="kikaku")
task = report_upload(member=member, filename="isesaki.txt", data=open(sys.argv[1], "rb").read())
queue.enqueue(task.pk)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    task.refresh_from_db()
    if task.state in ("done", "failed"):
        break
    time.sleep(0.1)
print(task.state, len(task.result["document"]["reports"][0]["projects"]) if task.result else task.message)
"""


def environment(data: Path, queue_url: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KOUKA_", "DATABASE_URL"))}
    return {**kept, "KOUKA_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "kouka.web.settings",
            "KOUKA_QUEUE_URL": queue_url}


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.parametrize("queue_url", ["", "redis://127.0.0.1:6379/15"], ids=["sqlite", "redis"])
def test_kouka_worker_reads_an_upload_in_its_own_process(tmp_path: Path, queue_url: str) -> None:
    if queue_url.startswith("redis") and not redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379 (production's queue; start redis-server to run this)")
    env = environment(tmp_path, queue_url)
    demo = subprocess.run([str(KOUKA), "demo", "--data", str(tmp_path), "--no-serve"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    worker = subprocess.Popen([str(KOUKA), "worker", "--data", str(tmp_path)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        done = subprocess.run([sys.executable, "-c", UPLOAD, str(SEED)], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.stdout.split() == ["done", "3"], done.stdout + done.stderr
        assert worker.poll() is None  # still waiting for the next file
    finally:
        worker.send_signal(signal.SIGINT)  # Ctrl+C: the worker finishes what it reads and ends
        output = worker.communicate(timeout=60)[0]
    assert worker.returncode == 0, output
    assert "アップロードの読み込みを待っています" in output
    if not queue_url:
        assert (tmp_path / "queue.sqlite3").exists()


def test_kouka_worker_is_refused_in_immediate_mode(tmp_path: Path) -> None:
    done = subprocess.run([str(KOUKA), "worker", "--data", str(tmp_path)], cwd=ROOT,
                          env=environment(tmp_path, "immediate"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "ワーカーは不要です" in done.stdout + done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_kouka_serve_starts_a_worker_of_its_own(tmp_path: Path) -> None:
    env = environment(tmp_path, "")
    demo = subprocess.run([str(KOUKA), "demo", "--data", str(tmp_path), "--no-serve"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    server = subprocess.Popen([str(KOUKA), "serve", "--data", str(tmp_path), "--port", str(free_port())], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        done = subprocess.run([sys.executable, "-c", UPLOAD, str(SEED)], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.stdout.split() == ["done", "3"], done.stdout + done.stderr
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl+C reaches the site and its worker
        output = server.communicate(timeout=60)[0]
    assert "アップロードの読み込みを待っています" in output, output
