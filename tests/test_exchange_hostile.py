"""Issue 16.2: a damaged or hostile workbook (a zip bomb, XML entities, a 100,000-row sheet, bytes that are no
workbook, a tampered manifest) ends in kouka's documented error with a clear message, within a safety timeout and
a memory bound; the real times are measured by bench/workbook.py (under 2 s each)."""

import io
import json
import random
import signal
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import openpyxl
import pytest

from exchange_support import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    MAIN,
    example_report,
    hostile_workbooks,
    lying_sizes,
    rewrite,
    sheet_part,
    sheet_xml,
    with_entity,
)
from kouka.exchange.errors import WorkbookError, WorkbookRefused, WorkbookUnreadable
from kouka.exchange.export import export_workbook
from kouka.exchange.meta import MARKER, SHEET
from kouka.exchange.reading import read_workbook
from kouka.exchange.safety import MAX_SHEET_ROWS, MAX_WORKBOOK_BYTES
from kouka.render.national import render_national_xlsx
from kouka.render.xlsx import render_xlsx

SAFETY_SECONDS = 10  # a net for a hang, not a benchmark: the bench measures the real times
MEMORY_MIB = 200
UNREADABLE = "Excelファイル（.xlsx）として読めません。ファイルが壊れているか、パスワードが設定されています"
NOT_KOUKA = ("kouka から書き出した記入シートではないため取り込めません。kouka の「記入シートの書き出し」で作った"
             "ワークブックを使ってください")
DAMAGED = "ワークブックの管理情報（非表示のシート）が壊れているため取り込めません。kouka から書き出し直してください"


class Hang(Exception):
    pass


@contextmanager
def safety_net(seconds: float) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise Hang(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def refusal(data: bytes) -> WorkbookError:
    """The error reading ``data`` ends in, within the safety timeout and the memory bound."""
    tracemalloc.start()
    try:
        with safety_net(SAFETY_SECONDS), pytest.raises(WorkbookError) as raised:
            read_workbook(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_MIB * 1024 * 1024, f"{peak / 2**20:.0f} MiB"
    return raised.value


@pytest.fixture(scope="module")
def workbook() -> bytes:
    return export_workbook(example_report(), "商工労働課")


def test_a_zip_bomb_is_refused_by_the_size_it_declares(workbook: bytes) -> None:
    bomb = rewrite(workbook, {"xl/worksheets/sheet9.xml": b"0" * (40 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024  # 40 MB of XML in some 40 KB
    message = str(refusal(bomb))
    assert message.startswith("Excelファイルの展開後の大きさ（42,")
    assert message.endswith("上限（16,777,216バイト）を超えています")


def test_a_zip_bomb_that_lies_about_its_size_is_refused(workbook: bytes) -> None:
    part = sheet_part(workbook, "事業①")
    bomb = rewrite(workbook, {part: b"<a>" + b" " * (30 * 1024 * 1024) + b"</a>"})
    assert str(refusal(lying_sizes(bomb, part, 1000))) == UNREADABLE


@pytest.mark.parametrize(("entity", "reference"), [(EXTERNAL_ENTITY, "&xxe;"), (BILLION_LAUGHS, "&d;")])
def test_xml_entities_are_refused_before_any_parser_sees_them(workbook: bytes, entity: str, reference: str) -> None:
    shared_strings = f'<?xml version="1.0"?>{entity}<sst xmlns="{MAIN}"><si><t>{reference}</t></si></sst>'
    for data in (with_entity(workbook, "事業①", entity, reference),
                 rewrite(workbook, {"xl/sharedStrings.xml": shared_strings.encode()})):
        message = str(refusal(data))
        assert message == "Excelファイルに外部参照などの定義（DOCTYPE）が含まれているため読みません"


def test_every_hostile_variant_the_benchmark_times_is_refused(workbook: bytes) -> None:
    for name, data in hostile_workbooks(workbook).items():
        assert isinstance(refusal(data), WorkbookUnreadable), name


@pytest.mark.parametrize("prefix", ["", "x"])
def test_a_100000_row_sheet_is_refused(workbook: bytes, prefix: str) -> None:
    for sheet in ("事業①", SHEET):
        data = rewrite(workbook, {sheet_part(workbook, sheet): sheet_xml(100_000, prefix=prefix)})
        assert str(refusal(data)) == (f"シートの行数が上限（{MAX_SHEET_ROWS:,}行）を超えています。"
                                      "kouka から書き出した記入シートを使ってください")


def test_a_sheet_with_too_many_cells_is_refused(workbook: bytes) -> None:
    cells = "".join(f'<c r="A{i}"><v>1</v></c>' for i in range(60_000))
    xml = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cells}</row></sheetData></worksheet>'.encode()
    data = rewrite(workbook, {sheet_part(workbook, "事業①"): xml})
    assert str(refusal(data)).startswith("セルの数が多すぎます（上限50,000セル）")


def test_a_file_too_large_is_refused_before_it_is_opened() -> None:
    assert str(refusal(b"PK" + b"\0" * MAX_WORKBOOK_BYTES)).startswith("ファイルが大きすぎます")


@pytest.mark.parametrize("data", [
    b"", b"not a workbook", b"%PDF-1.7\n" + bytes(range(256)) * 40, bytes(random.Random(1).randrange(256)
                                                                          for _ in range(5000)),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000,  # an OLE file: how Excel stores a password-protected .xlsx
])
def test_bytes_that_are_no_workbook_are_unreadable(data: bytes) -> None:
    assert str(refusal(data)) == UNREADABLE


def test_a_truncated_workbook_is_unreadable(workbook: bytes) -> None:
    for cut in (100, len(workbook) // 2, len(workbook) - 30):
        assert isinstance(refusal(workbook[:cut]), WorkbookUnreadable)


def workbook_of(make: Callable[[openpyxl.Workbook], None]) -> bytes:
    book = openpyxl.Workbook()
    make(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("data", [
    pytest.param(lambda: render_xlsx(example_report()), id="the publication's workbook"),
    pytest.param(lambda: render_national_xlsx(example_report()), id="the national form"),
    pytest.param(lambda: workbook_of(lambda book: None), id="an empty workbook"),
    pytest.param(lambda: workbook_of(lambda book: book.create_sheet(SHEET).append(["a sheet of the same name"])),
                 id="a sheet named like kouka's"),
])
def test_a_workbook_kouka_did_not_write_is_refused(data: Callable[[], bytes]) -> None:
    refused = refusal(data())
    assert isinstance(refused, WorkbookRefused) and str(refused) == NOT_KOUKA


def with_manifest(workbook: bytes, pieces: list[str]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book[SHEET]
    sheet.delete_rows(2, sheet.max_row)
    for row, piece in enumerate(pieces, start=2):
        sheet.cell(row, 1).value = piece
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def manifest_of(workbook: bytes) -> dict[str, object]:
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    rows = [row[0] for row in book[SHEET].iter_rows(min_row=2, max_col=1, values_only=True)]
    assert book[SHEET]["A1"].value == MARKER
    data: dict[str, object] = json.loads("".join(str(row) for row in rows))
    return data


@pytest.mark.parametrize("tamper", [
    pytest.param(lambda m: "{not json", id="not JSON"),
    pytest.param(lambda m: "[" * 100_000 + "]" * 100_000, id="nested past the parser"),
    pytest.param(lambda m: json.dumps({**m, "cells": [["事業①", "B10", ["x", "no_such_field", "", 0], 1]]}),
                 id="a field kouka does not know"),
    pytest.param(lambda m: json.dumps({**m, "cells": [["事業①", "ZZZZ99999999", m["cells"][0][2], 1]]}),  # type: ignore[index]
                 id="a cell address out of range"),
    pytest.param(lambda m: json.dumps({**m, "locked": [["事業①", "XFD1048576", "x", "x"]]}),
                 id="a cell at the far corner of a sheet"),
    pytest.param(lambda m: json.dumps({**m, "locked": [["事業①", "A1", "x", "x"]] * 60_000}),
                 id="more cells than a workbook may hold"),
    pytest.param(lambda m: json.dumps({**m, "cells": [[*m["cells"][0][:2], ["x", "cost_yen", "", 0], 1]]}),  # type: ignore[index]
                 id="a project the base does not hold"),
    pytest.param(lambda m: json.dumps({**m, "fiscal_year": "2022"}), id="a year that is text"),
    pytest.param(lambda m: json.dumps({**m, "base": {"schema": "kouka/1", "reports": [{"x": 1}]}}),
                 id="a base breaking the schema"),
    pytest.param(lambda m: json.dumps({**m, "projects": []}), id="projects missing"),
])
def test_a_tampered_manifest_is_refused_with_a_clear_message(workbook: bytes,
                                                             tamper: Callable[[dict[str, object]], str]) -> None:
    text = tamper(manifest_of(workbook))
    data = with_manifest(workbook, [text[i : i + 30_000] for i in range(0, len(text), 30_000)])
    refused = refusal(data)
    assert isinstance(refused, WorkbookRefused) and str(refused) == DAMAGED


def test_a_newer_format_version_is_refused(workbook: bytes) -> None:
    manifest = manifest_of(workbook)
    text = json.dumps({**manifest, "version": 2}, ensure_ascii=False)
    data = with_manifest(workbook, [text[i : i + 30_000] for i in range(0, len(text), 30_000)])
    assert str(refusal(data)) == ("このワークブックは kouka の別の版の形式（第2版）のため取り込めません。"
                                  "kouka から書き出し直してください")


def test_mutated_workbooks_read_or_are_refused_with_kouka_s_error(workbook: bytes) -> None:
    rng = random.Random(16)
    read = refused = 0
    for _ in range(150):
        data = bytearray(workbook)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            with safety_net(SAFETY_SECONDS):
                read_workbook(bytes(data))
        except WorkbookError as exc:
            assert str(exc)
            refused += 1
            continue
        read += 1
    assert refused > 0 and read + refused == 150
