"""Issue 7.2: a bulk load killed with SIGKILL or failing part-way leaves no half batch, an atomic load leaves the
database exactly as it was, and a re-run completes to the state of an uninterrupted load.

Every load here is a real ``kouka load`` process on a real database of its own (an SQLite file, and a
PostgreSQL database with a unique name when KOUKA_TEST_POSTGRES_URL is set); databases are compared whole with
``tests/support/db_snapshot.py`` (every table, every row), read from this process over the database's own driver.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import db_snapshot
from kouka import synth

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("KOUKA_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
BATCH = "4"  # reports per batch: two files of two years each, four batches in all
WAIT = 120.0


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "KOUKA_TEST_POSTGRES_URL", "KOUKA_LOAD_FAULT", "KOUKA_LOAD_FAULT_READY")}
    env["DJANGO_SETTINGS_MODULE"] = "kouka.web.settings"
    return env


@dataclass
class Database:
    options: list[str]  # how kouka names it
    target: str  # how tests/support/db_snapshot.py reads it: an SQLite file or a postgresql:// URL

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "kouka", *args, *self.options]

    def load(self, files: Path, *extra: str, fault: str = "", ready: Path | None = None) -> "subprocess.Popen[str]":
        env = _environment()
        if fault:
            env["KOUKA_LOAD_FAULT"] = fault
        if ready is not None:
            env["KOUKA_LOAD_FAULT_READY"] = str(ready)
        return subprocess.Popen(self.command("load", str(files), "--batch", BATCH, *extra), env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def load_to_end(self, files: Path, *extra: str, fault: str = "") -> tuple[int, str, str]:
        process = self.load(files, *extra, fault=fault)
        out, err = process.communicate(timeout=WAIT)
        return process.returncode, out, err

    def exact(self) -> dict[str, list[str]]:
        return db_snapshot.exact(self.target)

    def canonical(self) -> dict[str, list[str]]:
        return db_snapshot.canonical(self.target)


class Server:
    """Fresh, migrated databases of one backend, made by copying a template (migrated by kouka itself)."""

    def __init__(self, backend: str, root: Path) -> None:
        self.backend, self.root = backend, root
        self.created: list[str] = []
        self.run = uuid.uuid4().hex[:10]
        self.template = self._database("tpl")
        empty = root / "empty.parquet"
        subprocess.run(self.template.command("export-db", "-o", str(empty)), env=_environment(), check=True,
                       timeout=WAIT, capture_output=True)

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(PG_URL, autocommit=True)

    def _database(self, name: str, template: Database | None = None) -> Database:
        if self.backend == "sqlite":
            folder = self.root / f"{name}-{uuid.uuid4().hex[:8]}"
            folder.mkdir()
            if template is not None:
                shutil.copy(template.target, folder / "kouka.sqlite3")
            return Database(["--data", str(folder)], str(folder / "kouka.sqlite3"))
        database = f"kouka_test_loader_{self.run}_{name}_{uuid.uuid4().hex[:6]}"
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{self.created[0]}"' if template else ""))
        self.created.append(database)
        url = PG_URL.rsplit("/", 1)[0] + "/" + database
        return Database(["--data", str(self.root), "--database-url", url], url)

    def fresh(self) -> Database:
        return self._database("db", self.template)

    def close(self) -> None:
        if self.created:
            with self._admin() as admin:
                for database in reversed(self.created):
                    admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    synth.write(folder, bodies=8, years=2, seed=11)
    return folder


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    made = Server(request.param, tmp_path_factory.mktemp(f"db-{request.param}"))
    yield made
    made.close()


@pytest.fixture(scope="module")
def reference(server: Server, synthetic: Path) -> dict[str, Any]:
    """The canonical content after one uninterrupted load of the synthetic set."""
    database = server.fresh()
    code, _, err = database.load_to_end(synthetic)
    assert code == 0, err
    canonical: dict[str, Any] = database.canonical()
    assert len(canonical["kouka_cycle"]) == 16 and len(canonical["kouka_publication"]) == 16
    return canonical


def _wait(path: Path, process: "subprocess.Popen[str]") -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"kouka load ended early ({process.returncode}): {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"kouka load never reached {path.name}")
        time.sleep(0.02)


def _rows(snapshot: dict[str, list[str]], table: str) -> int:
    return len(snapshot[table])


def test_a_load_ends_with_the_dashboards_rollups_made(reference: dict[str, Any]) -> None:
    """The first dashboard view after ``kouka load`` finds the rollups made from every fact (kouka.web.stats.rollup)."""
    facts = [json.loads(row) for row in reference["kouka_kpifact"]]
    [state] = [json.loads(row) for row in reference["kouka_rollupstate"]]
    assert state["fact_count"] == len(facts)
    whole_rows = [r for r in map(json.loads, reference["kouka_bodyrollup"]) if r["unit_group"] == ""]
    assert sum(r["projects"] for r in whole_rows) == sum(f["project_row"] for f in facts) > 0
    assert sum(r["met"] + r["not_met"] + r["pending"] + r["not_judgeable"] for r in whole_rows) == sum(
        f["judgement"] != "" for f in facts) > 0


def test_killed_in_a_batch_leaves_none_of_it_and_a_rerun_completes(
        server: Server, synthetic: Path, reference: dict[str, Any], tmp_path: Path) -> None:
    database = server.fresh()
    process = database.load(synthetic, fault="pause:2", ready=tmp_path)
    _wait(tmp_path / "before", process)
    before = database.exact()  # batch 1 committed, batch 2 not begun
    (tmp_path / "go").touch()
    _wait(tmp_path / "inside", process)  # batch 2 written, not committed
    inside = json.loads((tmp_path / "inside").read_text())
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=WAIT)
    assert process.returncode == -signal.SIGKILL

    after = database.exact()
    assert _rows(before, "kouka_cycle") == 4 and inside["cycles"] == 8  # the batch was there, inside its transaction
    assert after == before  # every table, every row: nothing of batch 2

    code, out, err = database.load_to_end(synthetic)
    assert code == 0, err
    assert "変更なし" in out
    assert database.canonical() == reference


def test_a_failure_in_a_batch_leaves_none_of_it_and_a_rerun_completes(
        server: Server, synthetic: Path, reference: dict[str, Any], tmp_path: Path) -> None:
    database = server.fresh()
    process = database.load(synthetic, fault="fail:3", ready=tmp_path)
    _wait(tmp_path / "before", process)
    before = database.exact()
    (tmp_path / "go").touch()
    _, err = process.communicate(timeout=WAIT)
    assert process.returncode == 2
    assert "読み込みが途中で止まりました" in err and "第3バッチで中断" in err
    assert "再実行で続きから" in err

    after = database.exact()
    assert _rows(before, "kouka_cycle") == 8
    assert after == before

    code, _, err = database.load_to_end(synthetic)
    assert code == 0, err
    assert database.canonical() == reference


def test_an_atomic_load_killed_or_failing_leaves_the_database_as_it_was(
        server: Server, synthetic: Path, reference: dict[str, Any], tmp_path: Path) -> None:
    database = server.fresh()
    first = sorted(synthetic.glob("*.json"))[0]
    code, _, err = database.load_to_end(first)  # something there already
    assert code == 0, err
    before = database.exact()
    assert _rows(before, "kouka_cycle") == 2

    process = database.load(synthetic, "--atomic", fault="pause:3")  # kills itself inside batch 3
    process.communicate(timeout=WAIT)
    assert process.returncode == -signal.SIGKILL
    assert database.exact() == before

    code, _, err = database.load_to_end(synthetic, "--atomic", fault="fail:4")
    assert code == 2 and "何も書き込んでいません" in err
    assert database.exact() == before

    code, _, err = database.load_to_end(synthetic, "--atomic")
    assert code == 0, err
    assert database.canonical() == reference


def test_a_bad_file_is_named_and_the_rest_loaded(server: Server, synthetic: Path, tmp_path: Path) -> None:
    if server.backend != "sqlite":
        pytest.skip("the command's summary does not depend on the database (SQLite shows it)")
    folder = tmp_path / "set"
    shutil.copytree(synthetic, folder)
    (folder / "000000-broken.json").write_text('{"schema": "kouka/1", "reports": [', encoding="utf-8")
    database = server.fresh()
    code, out, err = database.load_to_end(folder)
    assert code == 2
    assert "000000-broken.json" in err and "JSONとして読めません" in err
    assert "9件中1件を読み込めませんでした" in err
    summary = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in out.splitlines() if "│" in line}
    assert summary["新規公表"] == "16" and summary["失敗"] == "1"
    snapshot = database.exact()
    assert _rows(snapshot, "kouka_cycle") == 16

    empty = server.fresh()
    untouched = empty.exact()
    code, _, err = empty.load_to_end(folder, "--atomic")
    assert code == 2 and "何も書き込んでいません" in err and "000000-broken.json" in err
    assert empty.exact() == untouched
