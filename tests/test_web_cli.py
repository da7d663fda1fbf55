"""``kouka demo`` and ``kouka serve`` as a person runs them: real processes answering on a real port."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KOUKA = Path(sys.executable).parent / "kouka"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str, attempts: int = 150) -> str:
    """The page's text once the server answers (polling, as a person would reload)."""
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no answer from {url}")


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KOUKA_", "DATABASE_URL"))}
    environment.update(env or {})
    return subprocess.Popen([str(KOUKA), *args], cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)


def test_demo_serves_the_seed(tmp_path: Path, processes: list[subprocess.Popen[str]]) -> None:
    port = free_port()
    processes.append(start("demo", "--data", str(tmp_path / "demo"), "--port", str(port)))
    page = fetch(f"http://127.0.0.1:{port}/m/isesaki/2022/")
    assert "伊勢崎市 令和4年度" in page
    assert "39,400人" in page and "まちなかで新たに創業した事業者の数" in page
    assert (tmp_path / "demo" / "kouka.sqlite3").exists()
    os.killpg(processes[0].pid, signal.SIGTERM)
    output = processes[0].communicate(timeout=20)[0]
    for login in ("kikaku", "shoko", "kigyo", "yushikisha", "kouka-demo"):
        assert login in output


def test_demo_twice_starts_fresh(tmp_path: Path) -> None:
    for _ in range(2):
        done = subprocess.run([str(KOUKA), "demo", "--data", str(tmp_path), "--no-serve"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr


def demo(data: Path, *options: str) -> str:
    done = subprocess.run([str(KOUKA), "demo", "--data", str(data), "--no-serve", *options], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def departments(data: Path, add: str = "") -> list[str]:
    """The demo municipality's departments, after adding ``add`` when given (a change made in the demo)."""
    script = ("import django, json, sys; django.setup(); from kouka.web.models import Department, Municipality; "
              "town = Municipality.objects.get(slug='isesaki'); "
              "sys.argv[1] and Department.objects.create(municipality=town, name=sys.argv[1]); "
              "print(json.dumps(sorted(Department.objects.values_list('name', flat=True))))")
    shown = subprocess.run([sys.executable, "-c", script, add], capture_output=True, text=True, timeout=60, env={
        **os.environ, "KOUKA_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "kouka.web.settings"})
    assert shown.returncode == 0, shown.stderr
    listed: list[str] = json.loads(shown.stdout)
    return listed


def test_demo_again_keeps_the_changes_unless_reset(tmp_path: Path) -> None:
    assert "デモデータを読み込みました" in demo(tmp_path)
    assert "デモで作った課" in departments(tmp_path, add="デモで作った課")
    again = demo(tmp_path)
    assert "既存のデモデータを使います" in again and "--reset" in again and "kikaku" in again
    assert "デモで作った課" in departments(tmp_path)
    reset = demo(tmp_path, "--reset")
    assert "消して読み込み直しました" in reset
    names = departments(tmp_path)
    assert "デモで作った課" not in names and "商工労働課" in names


def test_serve_creates_its_data_folder(tmp_path: Path, processes: list[subprocess.Popen[str]]) -> None:
    port = free_port()
    data = tmp_path / "new" / "data"
    processes.append(start("serve", "--data", str(data), "--port", str(port)))
    page = fetch(f"http://127.0.0.1:{port}/")
    assert "公表された報告はまだありません" in page
    assert (data / "kouka.sqlite3").exists() and (data / "secret.key").exists()
    assert "openapi" in fetch(f"http://127.0.0.1:{port}/api/openapi.json")


def test_serve_reports_an_unusable_database_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run([str(KOUKA), "serve", "--data", str(tmp_path), "--port", str(free_port())], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "DATABASE_URL": "postgresql://nobody:x@127.0.0.1:1/none"})
    assert done.returncode == 2
    assert "データベースを準備できません" in done.stderr and "Traceback" not in done.stderr


def test_adduser_registers_a_member_who_can_sign_in(tmp_path: Path) -> None:
    done = subprocess.run([str(KOUKA), "adduser", "sato", "--municipality", "前橋市", "--prefecture", "群馬県",
                           "--slug", "maebashi", "--role", "editor", "--department", "政策推進課",
                           "--data", str(tmp_path)], input="long-enough-pass\nlong-enough-pass\n", cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    check = ("import django; django.setup(); from django.contrib.auth import authenticate; "
             "from django.test import RequestFactory; from kouka.web.models import Membership; "
             "u = authenticate(RequestFactory().post('/accounts/login/'), username='sato', "
             "password='long-enough-pass'); "
             "m = Membership.objects.get(user=u); "
             "print(m.municipality.name, m.role, [d.name for d in m.departments.all()])")
    shown = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60, env={
        **os.environ, "KOUKA_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kouka.web.settings"})
    assert shown.stdout.strip() == "前橋市 editor ['政策推進課']", shown.stderr
    refused = subprocess.run([str(KOUKA), "adduser", "x", "--municipality", "前橋市", "--role", "admin",
                              "--data", str(tmp_path)], input="short\nshort\n", cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode == 2 and "短すぎます" in refused.stderr and "Traceback" not in refused.stderr


def test_demo_shows_a_year_in_progress_beside_the_published_one(tmp_path: Path) -> None:
    """令和4年度 published; 令和5年度 with deadlines, 商工労働課 submitted and 企業誘致課 returned with a reason."""
    assert "差し戻し中" in demo(tmp_path).replace("\n", "")
    script = ("import django, json; django.setup(); from kouka.web.models import Cycle, DepartmentPart; "
              "c = {y.fiscal_year: y for y in Cycle.objects.filter(municipality__slug='isesaki')}; "
              "parts = {p.department.name: [p.state, p.reason] for p in DepartmentPart.objects.filter(cycle=c[2023])}; "
              "print(json.dumps([c[2022].state, c[2023].state, str(c[2023].submit_deadline), parts], "
              "ensure_ascii=False))")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env={
        **os.environ, "KOUKA_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kouka.web.settings"})
    assert shown.returncode == 0, shown.stderr
    published, draft, deadline, parts = json.loads(shown.stdout)
    assert (published, draft, deadline) == ("published", "draft", "2024-06-28")
    assert parts["商工労働課"][0] == "submitted"
    assert parts["企業誘致課"][0] == "returned" and "実績値" in parts["企業誘致課"][1]
