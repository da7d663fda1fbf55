"""Shared by the department workbook's tests: the reports they start from, a clerk filling a workbook the way
one does (finding a cell by the labels printed beside it, typing text or a number), and rewriting a workbook's
zip parts to make hostile ones."""

import copy
import io
import re
import struct
import zipfile
from collections.abc import Mapping
from decimal import Decimal

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from kouka.domain.carry import carry_report
from kouka.domain.model import Measurement, Report
from render_support import example_report

__all__ = ["BILLION_LAUGHS", "EXTERNAL_ENTITY", "MAIN", "Clerk", "example_report", "hostile_workbooks", "lying_sizes",
           "next_year_report", "rewrite", "sheet_part", "sheet_xml", "with_entity"]

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def next_year_report() -> Report:
    """The Isesaki example carried into 令和5年度, the 令和4年度 actuals kept (as the web keeps earlier years)."""
    example = example_report()
    report = carry_report(example, 2023)
    for project in report.projects:
        before = example.project(project.number)
        for kpi in project.kpis:
            kpi.actuals = dict(before.kpi(kpi.number).actuals)
    return report


def with_actual(report: Report, project: int, kpi: int, year: int, text: str, value: int | None) -> Report:
    """A copy of ``report`` with one actual set as a web form would set it."""
    changed = copy.deepcopy(report)
    target = changed.project(project).kpi(kpi)
    target.actuals[year] = Measurement(None if value is None else Decimal(value), target.unit, text=text)
    return changed


class Clerk:
    """Fills a department workbook as a clerk does in Excel: finds the yellow cell by the labels printed beside
    it and types into it (text as typed, or a number)."""

    def __init__(self, data: bytes) -> None:
        self.book = openpyxl.load_workbook(io.BytesIO(data))

    def sheet(self, name: str) -> Worksheet:
        return self.book[name]

    def row_of(self, sheet: Worksheet, label: str, start: int = 1) -> int:
        for row in range(start, sheet.max_row + 1):
            if sheet.cell(row, 1).value == label:
                return row
        raise AssertionError(f"{sheet.title}: no row labelled {label}")

    def cell(self, sheet_name: str, label: str) -> str:
        """The address of the value beside ``label`` (事業費（円）, まとめ（検証結果）…)."""
        sheet = self.sheet(sheet_name)
        return sheet.cell(self.row_of(sheet, label), 2).coordinate

    def kpi_cell(self, sheet_name: str, kpi: int, label: str, year: str = "") -> str:
        """The address of a KPI's 目標値 or 実績値 under ``year`` (令和5年度), or of 基準値 / 基準値の年度."""
        sheet = self.sheet(sheet_name)
        top = self.row_of(sheet, f"成果目標{'①②③④⑤⑥⑦⑧⑨'[kpi - 1]}")
        if label in ("基準値", "基準値の年度"):
            row = top + 1
            column = next(c for c in range(1, 8) if sheet.cell(row, c).value == label) + 1
            return sheet.cell(row, column).coordinate
        years = top + 2
        column = next(c for c in range(2, 20) if sheet.cell(years, c).value == year)
        return sheet.cell(self.row_of(sheet, label, years), column).coordinate

    def type(self, sheet_name: str, address: str, value: str | int | float | None) -> None:
        sheet = self.sheet(sheet_name)
        assert not sheet[address].protection.locked, f"{sheet_name}!{address} is locked"
        sheet[address] = value

    def overwrite_locked(self, sheet_name: str, address: str, value: str) -> None:
        """What a clerk does after taking the sheet's protection off."""
        self.sheet(sheet_name)[address] = value

    def fill(self, typed: Mapping[tuple[str, str], str | int | float | None]) -> None:
        for (sheet_name, address), value in typed.items():
            self.type(sheet_name, address, value)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


def sheet_part(data: bytes, sheet_name: str) -> str:
    """The zip part (xl/worksheets/sheetN.xml) holding the sheet named ``sheet_name``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet_name)}"[^>]*r:id="([^"]+)"', workbook)
    assert rid is not None, sheet_name
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or \
        re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target is not None
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else f"xl/{path}"


def rewrite(data: bytes, parts: Mapping[str, bytes]) -> bytes:
    """The workbook with ``parts`` replaced (or added), every other part as it was."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info))
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def sheet_xml(rows: int, *, prefix: str = "") -> bytes:
    """A sheet of ``rows`` rows without a <dimension> (openpyxl then reads the whole sheet to size it)."""
    p = f"{prefix}:" if prefix else ""
    body = "".join(f'<{p}row r="{i}"><{p}c r="A{i}" t="inlineStr"><{p}is><{p}t>x</{p}t></{p}is></{p}c></{p}row>'
                   for i in range(1, rows + 1))
    namespace = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return (f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {namespace}><{p}sheetData>{body}'
            f"</{p}sheetData></{p}worksheet>").encode()


def lying_sizes(data: bytes, part: str, declared: int) -> bytes:
    """The zip with ``part``'s uncompressed size declared as ``declared`` in both its headers (a zip bomb that
    lies about its size)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(part)
    struct.pack_into("<I", out, info.header_offset + 22, declared)  # local header: uncompressed size
    name, position = part.encode(), out.find(b"PK\x01\x02")
    while position != -1:  # the central directory's entry of the part: its name at 46, its size at 24
        length = struct.unpack_from("<H", out, position + 28)[0]
        if out[position + 46 : position + 46 + length] == name:
            struct.pack_into("<I", out, position + 24, declared)
            return bytes(out)
        position = out.find(b"PK\x01\x02", position + 4)
    raise AssertionError(part)


def with_entity(workbook: bytes, sheet: str, entity: str, reference: str) -> bytes:
    """The workbook with ``entity`` declared at the top of ``sheet``'s XML and ``reference`` in its first text."""
    part = sheet_part(workbook, sheet)
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        xml = archive.read(part).decode()
    hostile = entity + xml.replace("<t>", f"<t>{reference}", 1)
    assert reference in hostile
    return rewrite(workbook, {part: hostile.encode()})


EXTERNAL_ENTITY = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
BILLION_LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                  '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')


def hostile_workbooks(workbook: bytes, sheet: str = "事業①") -> dict[str, bytes]:
    """Hostile variants of a department workbook, by name: what the tests refuse and the benchmark times."""
    part = sheet_part(workbook, sheet)
    lying = rewrite(workbook, {part: b"<a>" + b" " * (30 * 1024 * 1024) + b"</a>"})
    cells = "".join(f'<c r="A{i}"><v>1</v></c>' for i in range(100_000))
    return {
        "zip bomb (40 MB of XML declared)": rewrite(workbook, {"xl/worksheets/sheet9.xml": b"0" * (40 * 1024 * 1024)}),
        "zip bomb lying about its size": lying_sizes(lying, part, 1000),
        "external entity (file:///etc/passwd)": with_entity(workbook, sheet, EXTERNAL_ENTITY, "&xxe;"),
        "entity expansion (billion laughs)": with_entity(workbook, sheet, BILLION_LAUGHS, "&d;"),
        "100,000-row sheet": rewrite(workbook, {part: sheet_xml(100_000)}),
        "100,000 cells in one row": rewrite(workbook, {part: f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'
                                                         f"{cells}</row></sheetData></worksheet>".encode()}),
        "truncated": workbook[: len(workbook) // 2],
    }
