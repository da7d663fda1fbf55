"""The hostile files of issue 12 item 3, each imported through ``kouka.importers.bounded.import_bounded`` in a
fresh subprocess: wall time and peak memory (the larger of the process's and its worker's ru_maxrss).

    .venv/bin/python bench/import_hostile.py

The files are those of ``tests/test_importer_bounds.py`` (``tests/support/hostile_files.py``); the acceptance is
under 5 s and under 512 MiB each.
"""

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

import hostile_files  # noqa: E402

MEASURE = ROOT / "tests" / "support" / "measure_import.py"
FILES: list[tuple[str, str, Callable[[], bytes]]] = [*hostile_files.NAMED]


def main() -> None:
    print("| file | size | seconds | peak MiB | outcome |")
    print("| --- | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for title, name, generate in FILES:
            path = Path(folder) / name
            path.write_bytes(generate())
            done = subprocess.run([sys.executable, str(MEASURE), str(path)], capture_output=True, text=True,
                                  check=True)
            measured = json.loads(done.stdout.strip().splitlines()[-1])
            outcome = "read" if measured["ok"] else str(measured["message"]).split("。")[0]
            print(f"| {title} | {path.stat().st_size:,} B | {measured['seconds']:.2f} | "
                  f"{measured['peak_kib'] / 1024:.0f} | {outcome} |")


if __name__ == "__main__":
    main()
