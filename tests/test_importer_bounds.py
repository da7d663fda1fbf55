"""Issue 12.3: each hostile file ends in under 5 s and under 512 MiB peak memory, with a clear message that names
the file; the import runs in a worker process with limits (kouka.importers.bounded), measured from outside with
the resource module in a subprocess.

Each file is measured in a fresh process of its own (tests/support/measure_import.py): its CPU time and the peak
memory of that process and its worker, which another pytest-xdist worker or a loaded machine cannot disturb (wall
time can: a core shared with other work makes it longer without the import doing more), nor the memory the pytest
worker that starts it has grown to (a process's own ru_maxrss carries that over the exec)."""

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import hostile_files
from paths import ROOT

MEASURE = ROOT / "tests" / "support" / "measure_import.py"
MIB = 1024

# name, generator, file name, words the message must hold (None: the file may be read, within the limits)
CASES: list[tuple[str, Callable[[], bytes], str, str | None]] = [
    ("merged_range_over_the_whole_sheet", hostile_files.merged_whole_sheet, "merged.xlsx", "結合されたセル"),
    ("stream_inflating_to_2_gib", hostile_files.inflating_stream, "inflating.pdf", "展開すると大きすぎます"),
    ("a_million_text_objects", hostile_files.million_text_objects, "text-objects.pdf", "文字の配置が多すぎます"),
    ("digits_after_the_cost_label", hostile_files.digits_after_cost, "digits.txt", None),
    ("twenty_thousand_colons", hostile_files.colons, "colons.txt", None),
    ("seventy_thousand_pages", hostile_files.many_pages, "pages.pdf", "ページ数が多すぎます"),
    ("one_point_two_million_cells", hostile_files.many_cells, "cells.xlsx", "セルが多すぎます"),
    ("fifteen_mb_of_html", hostile_files.large_html, "large.html", "HTMLが大きすぎます"),
]


def measure(path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, str(MEASURE), str(path)], capture_output=True, text=True, timeout=600,
                          check=True)
    measured: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


@pytest.mark.parametrize(("name", "generate", "filename", "words"), CASES, ids=[case[0] for case in CASES])
def test_a_hostile_file_ends_quickly_within_memory_with_a_clear_message(
        tmp_path: Path, name: str, generate: Callable[[], bytes], filename: str, words: str | None) -> None:
    path = tmp_path / filename
    path.write_bytes(generate())
    measured = measure(path)
    assert measured["cpu_seconds"] < 5, measured  # type: ignore[operator]
    assert measured["peak_kib"] < 512 * MIB, measured  # type: ignore[operator]
    message = str(measured["message"])
    if words is not None:
        assert measured["ok"] is False
        assert filename in message and words in message, message
    if not measured["ok"]:
        assert filename in message and "Error" not in message, message


def test_a_small_merged_workbook_is_a_few_kilobytes() -> None:
    """The file of the issue: 4.9 KB, not a large file in disguise."""
    assert len(hostile_files.merged_whole_sheet()) < 5_000


def test_the_inflating_pdf_is_small_and_really_inflates_to_2_gib() -> None:
    import zlib

    data = hostile_files.inflating_stream()
    assert len(data) < 3 * 1024 * 1024
    start = data.index(b"stream\n") + len(b"stream\n")
    inflater = zlib.decompressobj()
    produced, pending = 0, data[start:data.rindex(b"\nendstream")]
    while pending and not inflater.eof:
        produced += len(inflater.decompress(pending, 64 * 1024 * 1024))
        pending = inflater.unconsumed_tail
    assert inflater.eof and produced == 2 * 1024**3


def test_a_report_is_still_read_within_the_limits(tmp_path: Path) -> None:
    seed = ROOT / "tests" / "fixtures" / "seed" / "000_4681f277236dbcf0.txt"
    measured = measure(seed)
    assert measured["ok"] is True and measured["projects"] == 3, measured


def test_the_memory_of_the_process_that_starts_the_measure_is_not_counted() -> None:
    """A pytest worker that has grown (here a parent holding 300 MiB) starts the measure: the seed's import is
    measured at what it uses, not at the parent's peak, which Linux carries over the exec in ru_maxrss."""
    seed = ROOT / "tests" / "fixtures" / "seed" / "000_4681f277236dbcf0.txt"
    parent = ("import subprocess, sys\n"
              "held = bytearray(300 * 1024 * 1024)\n"
              "held[::4096] = b'\\1' * len(range(0, len(held), 4096))\n"
              "print(subprocess.run([sys.executable, sys.argv[1], sys.argv[2]], capture_output=True, text=True,"
              " check=True).stdout)\n")
    done = subprocess.run([sys.executable, "-c", parent, str(MEASURE), str(seed)], capture_output=True, text=True,
                          timeout=600, check=True)
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["ok"] is True and measured["projects"] == 3, measured
    assert measured["peak_kib"] < 250 * MIB, measured


def test_the_limits_stop_a_worker_with_a_message_naming_the_file() -> None:
    """A CPU limit of one second on a document that takes longer: the worker is ended, the caller answers."""
    from kouka.importers.bounded import Limits, import_bounded
    from kouka.importers.errors import UnreadableDocumentError

    data = b"\n".join(b"1 " + "事業者数（社） 目標値：12社 実績値：10社".encode() * 40 for _ in range(8_000))
    with pytest.raises(UnreadableDocumentError) as refused:
        import_bounded(data, "text", filename="slow.txt", limits=Limits(cpu_seconds=1, wall_seconds=3))
    assert "slow.txt" in str(refused.value) and "中止しました" in str(refused.value)
