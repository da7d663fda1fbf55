"""The test suite needs nothing outside the repository: a newcomer's clone has no ``../shared`` beside it.

The repository's own files (what git tracks or would add) are copied into an empty folder with nothing beside
it, and the tests that read the Isesaki publication run there against the copy's sources.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from paths import ROOT

SEED_TESTS = ("tests/test_seed_example.py", "tests/test_importer_documents.py")
OUTSIDE = re.compile(r"\.\./shared|parent\s*/\s*\"shared\"")


def _repository_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def test_no_source_test_or_script_reads_outside_the_repository() -> None:
    readers = [name for name in _repository_files()
               if name.endswith((".py", ".sh", ".toml", ".cfg")) or name.startswith(("scripts/", ".ci/"))]
    offenders = [name for name in readers if name != "tests/test_standalone.py"
                 and OUTSIDE.search((ROOT / name).read_text(encoding="utf-8", errors="replace"))]
    assert offenders == []


def test_seed_tests_pass_in_a_copy_with_nothing_beside_it(tmp_path: Path) -> None:
    clone = tmp_path / "alone" / "kouka"
    for name in _repository_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    assert not (clone.parent / "shared").exists()
    env = {**os.environ, "PYTHONPATH": str(clone / "src")}
    env.pop("KOUKA_TEST_POSTGRES_URL", None)  # these tests read files; the database runs are covered elsewhere
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SEED_TESTS],
                          cwd=clone, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"\d+ passed", done.stdout)
    assert " error" not in done.stdout


def test_no_file_holds_a_merge_conflict_marker() -> None:
    markers = ("<" * 7 + " ", "=" * 7 + "\n", ">" * 7 + " ")
    offenders = []
    for name in _repository_files():
        try:
            text = (ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):  # binary files (images, workbooks, compiled catalogues)
            continue
        if any(line.startswith(markers) for line in text.splitlines(keepends=True)):
            offenders.append(name)
    assert offenders == []
