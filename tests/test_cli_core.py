"""kouka show / check / judge as a person or a script runs them: a real process, real exit codes."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def kouka(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kouka", *map(str, args)], capture_output=True, text=True,
                          env={"COLUMNS": "160", "PATH": "/usr/bin:/bin"}, check=False)


def variant(example_path: Path, tmp_path: Path, change: Any) -> Path:
    data = json.loads(example_path.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "variant.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_passes_on_the_example(example_path: Path) -> None:
    result = kouka("check", example_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "指摘事項はありません" in result.stdout


def test_a_grant_off_by_one_yen_fails_and_names_the_project(example_path: Path, tmp_path: Path) -> None:
    path = variant(example_path, tmp_path, lambda d: d["reports"][0]["projects"][1].__setitem__("grant_yen", 9_646_516))
    result = kouka("check", path)
    assert result.returncode == 1
    assert "事業②" in result.stdout and "grant_mismatch" not in result.stderr
    assert "交付金充当額" in result.stdout


def test_a_changed_total_fails(example_path: Path, tmp_path: Path) -> None:
    path = variant(example_path, tmp_path, lambda d: d["reports"][0].__setitem__("stated_total_yen", 14_727_543))
    result = kouka("check", path)
    assert result.returncode == 1
    assert "本市交付額" in result.stdout and "1,472万7,543円" in result.stdout


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "JSONとして読めません"),
    ('{"schema": "kouka/2", "reports": []}', "kouka/2"),
    (None, "事業費の値 -1 が範囲（下限 0）の外です"),
])
def test_bad_input_is_one_clear_line_and_exit_2(example_path: Path, tmp_path: Path, content: str | None,
                                                  expected: str) -> None:
    if content is None:
        path = variant(example_path, tmp_path, lambda d: d["reports"][0]["projects"][0].__setitem__("cost_yen", -1))
    else:
        path = tmp_path / "bad.json"
        path.write_text(content, encoding="utf-8")
    for command in ("check", "show", "judge"):
        result = kouka(command, path)
        assert result.returncode == 2, (command, result.stderr)
        assert "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and expected in lines[0], result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = kouka("check", tmp_path / "absent.json")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_judge_prints_the_judgements_for_scripts(example_path: Path) -> None:
    result = kouka("judge", example_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total_grant_yen"] == 14_727_544
    assert [(p["number"], p["cost_yen"], p["grant_yen"]) for p in data["projects"]] == [
        (1, 9_962_058, 4_981_029), (2, 19_293_030, 9_646_515), (3, 200_000, 100_000)]
    kpis = {(p["number"], k["number"]): k for p in data["projects"] for k in p["kpis"]}
    assert [kpis[1, n]["judgement"] for n in (1, 2, 3)] == ["not_met", "met", "met"]
    assert [kpis[2, n]["judgement"] for n in (1, 2, 3, 4)] == ["not_met", "met", "not_met", "met"]
    assert {kpis[3, n]["judgement"] for n in (1, 2, 3, 4)} == {"not_judgeable"}
    assert kpis[3, 4]["preliminary"] is True and kpis[1, 1]["achievement_rate"] == "0.5"
    assert kpis[3, 1]["achievement_rate"] is None
    assert data["findings"] == []


def test_show_prints_projects_and_judgements(example_path: Path) -> None:
    result = kouka("show", example_path)
    assert result.returncode == 0, result.stderr
    for text in ("1,472万7,544円", "996万2,058円", "20万円", "未達成", "達成", "判定対象外", "90社(速報値)"):
        assert text in result.stdout
