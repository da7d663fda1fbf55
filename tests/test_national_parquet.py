"""kouka export-parquet: the open-data CSV's rows and columns, typed, read back with pyarrow."""

import csv
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kouka import interchange, synth
from kouka.analytics import ExportError, export_parquet
from kouka.render.opendata import COLUMN_NAMES, kpi_rows, render_csv


def kouka(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kouka", *map(str, args)], capture_output=True, text=True,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"}, check=False)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parquet-set")
    synth.write(out, bodies=12, years=2, seed=3)
    return out


def same(left: object, right: object) -> bool:
    """Equal values; decimals by value (the export keeps ten places: 4 and 4.0000000000 are the same)."""
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return left.compare(right) == 0
    return left == right and type(left) is type(right)


def test_parquet_has_the_csv_columns_and_rows(example_path: Path, national: Path, tmp_path: Path) -> None:
    files = [example_path, *sorted(national.glob("*.json"))]
    out = tmp_path / "kouka.parquet"
    result = kouka("export-parquet", example_path, national, "-o", out)
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    header = next(csv.reader(io.StringIO(render_csv(interchange.load(example_path)))))
    assert table.column_names == header == list(COLUMN_NAMES)
    expected = [row for file in files for row in kpi_rows(interchange.load(file))]
    assert table.num_rows == len(expected) > 100
    assert f"{len(expected)}行" in result.stdout
    for got, want in zip(table.to_pylist(), expected, strict=True):
        for name in COLUMN_NAMES:
            assert same(got[name], want[name]), (name, got[name], want[name])


def test_parquet_columns_are_typed(example_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "isesaki.parquet"
    summary = export_parquet([example_path], out)
    assert (summary.files, summary.reports, summary.rows) == (1, 1, 11)
    schema = pq.read_schema(out)
    assert str(schema.field("cost_yen").type) == "int64"
    assert str(schema.field("fiscal_year").type) == "int64"
    assert str(schema.field("actual_value").type) == "decimal128(38, 10)"
    assert str(schema.field("preliminary").type) == "bool"
    assert str(schema.field("judgement_ja").type) == "string"
    rows = pq.read_table(out).to_pylist()
    grants = {r["project_number"]: r["grant_yen"] for r in rows}
    assert sum(grants.values()) == 14_727_544  # 交付金充当額 of ①②③ survive as integer yen
    sdgs = next(r for r in rows if r["kpi_name"] == "SDGs企業選定制度選定企業数")
    assert sdgs["actual_status"] == "preliminary" and sdgs["actual_value"] == Decimal(90)


def test_an_unreadable_file_stops_the_export_and_leaves_nothing(example_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "in" / "broken.json"
    broken.parent.mkdir()
    broken.write_text("{", encoding="utf-8")
    out = tmp_path / "out" / "kouka.parquet"
    out.parent.mkdir()
    result = kouka("export-parquet", example_path, broken, "-o", out)
    assert result.returncode == 2
    assert "broken.json" in result.stderr and "Traceback" not in result.stderr
    assert list(out.parent.iterdir()) == []
    with pytest.raises(ExportError):
        export_parquet([broken, example_path], out)
    assert list(out.parent.iterdir()) == []


def test_skip_unreadable_writes_the_rest_and_names_what_was_left_out(example_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "kouka/1"}', encoding="utf-8")
    out = tmp_path / "kouka.parquet"
    result = kouka("export-parquet", broken, example_path, "-o", out, "--skip-unreadable")
    assert result.returncode == 2
    assert "broken.json" in result.stderr
    assert pq.read_table(out).num_rows == 11


def test_an_unwritable_output_is_a_clear_error(example_path: Path, tmp_path: Path) -> None:
    result = kouka("export-parquet", example_path, "-o", tmp_path / "missing-dir" / "x.parquet")
    assert result.returncode == 2
    assert "書き込めません" in result.stderr and "Traceback" not in result.stderr
