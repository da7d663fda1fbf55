"""Shared by the department workbook's tests: the reports they start from, a clerk filling a workbook the way
one does (finding a cell by the labels printed beside it, typing text or a number), and rewriting a workbook's
zip parts to make hostile ones."""

import copy
import io
import re
import zipfile
from collections.abc import Mapping
from decimal import Decimal

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from kouka.domain.carry import carry_report
from kouka.domain.model import Measurement, Report
from render_support import example_report

__all__ = ["Clerk", "example_report", "next_year_report", "rewrite", "sheet_part"]


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
