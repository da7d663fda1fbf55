"""kouka synth and kouka stats as real processes: files written, numbers printed, failures named."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kouka import interchange
from kouka.cli.national import stats_json
from kouka.domain.aggregate import aggregate


def kouka(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kouka", *map(str, args)], capture_output=True, text=True,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"}, check=False)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "set"
    result = kouka("synth", "--bodies", "30", "--years", "3", "--seed", "5", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "30団体" in result.stdout
    return out


def test_synth_writes_one_file_per_body(generated: Path) -> None:
    files = sorted(generated.glob("*.json"))
    assert len(files) == 30
    assert all(len(interchange.load(f).reports) == 3 for f in files[:3])


def test_stats_json_equals_the_aggregate_of_the_files(generated: Path) -> None:
    result = kouka("stats", generated, "--json", "--top", "5")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    reports = [r for f in sorted(generated.glob("*.json")) for r in interchange.load(f).reports]
    assert printed == json.loads(json.dumps(stats_json(aggregate(reports), 5), ensure_ascii=False))
    total = printed["total"]
    assert printed["bodies"] == 30 and total["reports"] == 90
    assert total["met"] + total["not_met"] + total["pending"] + total["not_judgeable"] == total["kpis"]
    assert sorted(printed["by_year"]) == ["2016", "2017", "2018"]
    assert sum(p["projects"] for p in printed["by_prefecture"].values()) == total["projects"]
    assert printed["ranking"][0]["rank"] == 1 and len(printed["ranking"]) == 5
    for shared in printed["wide_area"]:
        assert sum(s["cost_yen"] for s in shared["shares"]) == shared["cost_yen"]


def test_stats_in_two_processes_prints_the_same(generated: Path) -> None:
    one = kouka("stats", generated, "--json", "--jobs", "1")
    two = kouka("stats", generated, "--json", "--jobs", "2")
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout


def test_stats_filters_by_prefecture_and_year(generated: Path) -> None:
    reports = [r for f in sorted(generated.glob("*.json")) for r in interchange.load(f).reports]
    prefecture = reports[0].municipality.prefecture
    result = kouka("stats", generated, "--json", "--prefecture", prefecture, "--year", "2017")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert list(printed["by_prefecture"]) == [prefecture] and list(printed["by_year"]) == ["2017"]
    expected = aggregate(reports, prefecture=prefecture, year=2017)
    assert printed["total"]["projects"] == expected.total.projects
    assert printed["total"]["grant_yen"] == expected.total.grant_yen


def test_stats_tables_on_the_isesaki_example(example_path: Path) -> None:
    result = kouka("stats", example_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for heading in ("年度別", "都道府県別", "単位別", "団体別ランキング"):
        assert heading in out
    assert "令和4年度" in out and "群馬県" in out and "伊勢崎市" in out
    assert "1,472万7,544円" in out  # the stated total, from the projects' grants
    assert "57.1%" in out  # 4 of 7 judged KPIs met


def test_stats_names_unreadable_files_and_still_counts_the_rest(generated: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "kouka/1", "reports": [{"fiscal_year": "x"}]}', encoding="utf-8")
    result = kouka("stats", generated, broken, "--json")
    assert result.returncode == 2
    assert "broken.json" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(result.stdout)["total"]["reports"] == 90


def test_stats_on_an_empty_directory_fails_clearly(tmp_path: Path) -> None:
    result = kouka("stats", tmp_path)
    assert result.returncode == 2
    assert "ファイルがありません" in result.stderr and "Traceback" not in result.stderr


def test_synth_refuses_bad_arguments(tmp_path: Path) -> None:
    result = kouka("synth", "--bodies", "0", "-o", tmp_path / "x")
    assert result.returncode == 2
    assert "団体数" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()  # nothing half-written


def test_stats_counts_a_copied_file_once_in_any_number_of_processes(generated: Path, tmp_path: Path) -> None:
    files = sorted(generated.glob("*.json"))
    copy = tmp_path / "copy"
    copy.mkdir()
    for file in files:
        (copy / file.name).write_bytes(file.read_bytes())
    (copy / "zz-again.json").write_bytes(files[0].read_bytes())  # sorts last: lands in another part
    plain = json.loads(kouka("stats", generated, "--json", "--jobs", "1").stdout)
    assert plain.pop("duplicates") == []
    for jobs in ("1", "2"):
        result = kouka("stats", copy, "--json", "--jobs", jobs)
        assert result.returncode == 0, result.stderr
        printed = json.loads(result.stdout)
        assert len(printed.pop("duplicates")) == 3  # the body's three years
        assert printed == plain
        assert "重複" in result.stderr


def test_stats_for_one_body_prints_its_kpi_series(generated: Path) -> None:
    file = sorted(generated.glob("*.json"))[3]
    code = file.stem
    result = kouka("stats", generated, "--body", code, "--json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["bodies"] == 1 and printed["total"]["reports"] == 3
    document = interchange.load(file)
    keys = {kpi.key for report in document.reports for project in report.projects for kpi in project.kpis}
    assert set(printed["series"]) == keys
    for entry in printed["series"].values():
        years = [point["fiscal_year"] for point in entry["points"]]
        assert years == sorted(years) and set(years) <= {2016, 2017, 2018}
    tables = kouka("stats", file, "--body", code)
    assert tables.returncode == 0 and "成果目標の推移" in tables.stdout and "平成28年度" in tables.stdout
