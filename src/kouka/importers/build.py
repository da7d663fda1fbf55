"""The report being built from a document's blocks: its projects, their KPIs, and the findings on the way.

:class:`Build` is what every layout (:mod:`kouka.importers.layouts`) works on: the report read so far, the
project being filled, the prose section the text is in, the tables whose rows are being read (:class:`State`),
and the few ways facts are added to a project (a new project, a title with its notes, an amount in the
document's unit, a KPI, a line of prose, a row of a KPI table's figures).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from kouka.domain.checks import Finding, Severity
from kouka.domain.eras import find_year
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import parse_yen
from kouka.domain.model import Kpi, KpiScope, Measurement, Project, Report
from kouka.domain.notation import NOTHING_WRITTEN, read_measurement
from kouka.domain.textnorm import label_key
from kouka.importers.blocks import Block
from kouka.importers.cover import fiscal_year_of, municipality_of, program_of
from kouka.importers.folding import PROSE_FIELDS, fold_flattened
from kouka.importers.headers import (
    VALUE_COLUMNS,
    Columns,
    KpiRoles,
    ProjectHeader,
    YearMatrix,
    cell_where,
    fiscal_of,
    unit_from_cells,
)
from kouka.importers.labels import (
    ASSESSMENTS,
    Assessment,
    Column,
    Field,
    is_judgement,
    mark_of,
)

__all__ = ["AMOUNT", "AMOUNT_AFTER_SPACE", "PROSE_FIELDS", "Build", "State", "set_figure", "split_list"]

_AMOUNT_BODY = r"[△▲-]?[0-9０-９][0-9０-９,，.．]*(?:\s*[兆億万]\s*[0-9０-９,，]*)*\s*(?:百万円|千円|万円|億円|円)?"
AMOUNT = r"約?\s*" + _AMOUNT_BODY
# An amount after a label's own spaces (事業費：　約 12,345千円), which it never starts with.
AMOUNT_AFTER_SPACE = r"(?:約\s*)?" + _AMOUNT_BODY
# An amount searched for on its own: it starts at 約 or where a run of spaces does (tried from inside a run, the
# spaces would be read again from every one of them).
AMOUNT_RE = re.compile(r"(?:約|(?<!\s))\s*" + _AMOUNT_BODY)
_LIST_SPLIT = re.compile(r"[、,，・／/\n]|\s+")
_TITLE_NOTE_RE = re.compile(r"[（(]([^（）()]{1,30})[）)]\s*$")
# 【企画課】 at the end of a title; tried only at the start and after a 】 (no match spans one), so that a title of
# many 【 is read once.
_DEPT_SUFFIX_RE = re.compile(r"(?:^|(?<=】))[^【】]*【(?P<dept>[^】]+)】\s*$")
_NOTHING_WRITTEN = {label_key(text) for text in (NOTHING_WRITTEN, "未記入", "（記入なし）", "記入なし")}
_CAPTION_MARKS = ("▲", "↑", "写真：", "写真:", "【写真】", "図：")


@dataclass
class State:
    """Where the walk is: the project being filled, the prose section, and the tables being read."""

    project: Project | None = None
    matrix: YearMatrix | None = None
    section: Field | None = None
    kpi_columns: Columns | None = None
    pending_kpi: Kpi | None = None
    project_table: ProjectHeader | None = None
    project_table_id: int = -1
    project_table_rows: int = 0
    project_table_labels: list[str] = field(default_factory=list)
    last_row_title: str = ""
    scale: int = 1
    period_set: set[int] = field(default_factory=set)


class Build:
    """The report read so far from ``blocks`` (flattened cells already folded back into rows)."""

    def __init__(self, blocks: list[Block], source: str = "") -> None:
        self.blocks = fold_flattened(blocks)
        self.findings: list[Finding] = []
        self.state = State()
        self.position = 0  # the index of the block being read
        texts = [b.text for b in self.blocks if b.text] + [c for b in self.blocks for c in b.cells if c]
        self.fiscal_year = fiscal_year_of(self.blocks, texts)
        self.report = Report(municipality=municipality_of(self.blocks, texts), fiscal_year=self.fiscal_year or 0,
                             program=program_of(texts), source=source)
        if not self.report.municipality.name:
            self.findings.append(Finding(
                Severity.WARNING, "import_no_municipality",
                _("文書から団体名が読み取れません。--municipality で指定するか、取り込んだ下書きに団体名を記入して"
                  "ください"),
                "$.reports[0].municipality.name", "団体名"))

    # -- findings ------------------------------------------------------------------------------------
    def unplaced(self, block: Block, text: str) -> None:
        shown = text if len(text) <= 40 else text[:40] + "…"
        self.findings.append(Finding(Severity.WARNING, "import_unplaced",
                                     _("取り込めなかった記述があります: 「{text}」").format(text=shown),
                                     "$", block.where))

    def value_refused(self, exc: KoukaError, where: str) -> None:
        self.findings.append(Finding(Severity.WARNING, "import_value", f"{exc}", "$", where))

    # -- projects ------------------------------------------------------------------------------------
    def new_project(self, number: int | None, title: str) -> Project:
        projects = self.report.projects
        chosen = number if number is not None else len(projects) + 1
        known = [p for p in projects if number is not None and p.number == number]
        if known:  # an overview table first, then each project's details: the details join the same project
            project = known[0]
            if title and not project.title:
                self.set_title(project, title)
        else:
            project = Project(number=chosen, title="", start_year=0, end_year=0)
            self.set_title(project, title)
            projects.append(project)
        self.state.project = project
        self.state.section = None
        self.state.kpi_columns = None
        self.state.pending_kpi = None
        self.state.matrix = None
        return project

    def set_title(self, project: Project, title: str) -> None:
        """The title without its notes: ※ remarks, 【department】 suffixes and a bracketed remark (令和3年度から継続)
        that may give the start year."""
        title = title.strip()
        if "※" in title:
            title, _, note = title.partition("※")
            project.title_notes.append("※" + note.strip())
            title = title.strip()
        while True:
            dept = _DEPT_SUFFIX_RE.search(title)
            if dept:
                project.departments += split_list(dept.group("dept"))
                title = title[: dept.start("dept") - 1].strip()
                continue
            remark = _TITLE_NOTE_RE.search(title)
            if remark and title[: remark.start()].strip():
                project.title_notes.insert(0, title[remark.start():].strip())
                self.start_from_remark(project, remark.group(1))
                title = title[: remark.start()].strip()
                continue
            break
        project.title = title

    def start_from_remark(self, project: Project, inner: str) -> None:
        """令和3年度から継続: the start year, unless the document states the project's period."""
        if "継続" in inner or "より" in inner or "開始" in inner:
            year = find_year(inner)
            if year is not None and id(project) not in self.state.period_set:
                project.start_year = year.year

    def money(self, text: str, remark: str = "") -> int | None:
        """The first amount in ``text`` in yen, in the unit the remark or the document states (千円 …)."""
        scale = scale_of(remark) or self.state.scale
        match = AMOUNT_RE.search(text)
        if not match:
            return None
        try:
            return parse_yen(match.group(0).replace(" ", ""), scale=scale)
        except KoukaError:
            return None

    # -- KPIs ----------------------------------------------------------------------------------------
    def add_kpi(self, number: int | None, name: str, unit: str) -> Kpi:
        """A new KPI of the current project (numbered after the others unless the document numbers it)."""
        project = self.state.project
        assert project is not None
        kpi = Kpi(number=number or len(project.kpis) + 1, name=name, unit=unit)
        if project.kpi_scope_label:
            kpi.scope = KpiScope.WIDE_AREA
        project.kpis.append(kpi)
        return kpi

    def fill_kpi(self, kpi: Kpi, columns: Columns, cells: list[str], block: Block) -> None:
        """One row of a KPI table under ``columns``: its unit, figures and marks go to ``kpi``."""
        roles = columns.roles
        cell = {i: cells[i] for i in roles if i < len(cells) and cells[i]}
        target_year = self.unit_and_target_year(kpi, roles, cells, cell)
        value_cols = [(i, role, year) for i, (role, year) in roles.items() if role in VALUE_COLUMNS]
        baseline_index = self.early_actual(value_cols)
        for i, role, year in value_cols:
            if i not in cell:
                continue
            try:
                measurement = read_measurement(cell[i], kpi.unit)
            except KoukaError as exc:
                self.value_refused(exc, cell_where(block, i))
                continue
            if role is Column.BASELINE or i == baseline_index:
                kpi.baseline = measurement
                kpi.baseline_year = year
            elif role is Column.TARGET:
                kpi.targets[year or target_year or self.fiscal_year or 0] = measurement
            else:
                kpi.actuals[year or self.fiscal_year or 0] = measurement
        self.fill_marks(kpi, roles, cell, block)

    @staticmethod
    def unit_and_target_year(kpi: Kpi, roles: KpiRoles, cells: list[str], cell: dict[int, str]) -> int | None:
        """The row's unit (a 単位 column, else the figures' own) set on ``kpi``; the year of a 目標年月 column."""
        target_year: int | None = None
        for i, (role, _unused) in roles.items():
            if role is Column.UNIT and i in cell:
                kpi.unit = cell[i]
            ref = find_year(cell[i]) if role is Column.TARGET_DATE and i in cell else None
            if ref is not None:
                target_year = fiscal_of(ref)
        if not kpi.unit:
            figures = [cells[i] for i, (role, _) in roles.items() if role in VALUE_COLUMNS and i < len(cells)]
            kpi.unit = unit_from_cells(figures)
        return target_year

    def early_actual(self, value_cols: list[tuple[int, Column, int | None]]) -> int | None:
        """With no baseline column, the column of the earliest actual before the report's year serves as one."""
        fiscal = self.fiscal_year
        if any(role is Column.BASELINE for _, role, _ in value_cols):
            return None
        early = sorted((year, i) for i, role, year in value_cols
                       if role is Column.ACTUAL and year is not None and fiscal and year < fiscal)
        return early[0][1] if early else None

    def fill_marks(self, kpi: Kpi, roles: dict[int, tuple[Column, int | None]], cell: dict[int, str],
                   block: Block) -> None:
        for i, (role, year) in roles.items():
            if role is Column.MARK and i in cell:
                mark = mark_of(cell[i])
                if mark is not None:
                    kpi.marks[year or self.fiscal_year or 0] = mark
                elif not is_judgement(cell[i]):
                    self.unplaced(block, cell[i])

    # -- prose ---------------------------------------------------------------------------------------
    def add_prose(self, section: Field | None, text: str, block: Block) -> None:
        """Each line of ``text`` to the current project's ``section`` (its notes when there is none)."""
        project = self.state.project
        assert project is not None
        for line in [part.strip() for part in text.split("\n") if part.strip()]:
            if "記入" in line and label_key(line) in _NOTHING_WRITTEN:
                continue
            if line.startswith(_CAPTION_MARKS):
                project.figure_captions.append(line)
            elif section in _SECTION_LINES:
                _SECTION_LINES[section](project, line)
            elif line.startswith("※") and re.search("成果目標|指標|KPI|次表|下表", line) and not project.kpis:
                project.kpi_notes.append(line)
            else:
                project.notes.append(line)


def _assessment_line(assessment: Assessment, project: Project, line: str) -> None:
    """The first line that says the assessment sets it; every other line goes to its list of prose."""
    level = assessment.read(line)
    if assessment.held(project) is None and level:
        assessment.hold(project, level, line)
    else:
        getattr(project, assessment.overflow).append(line)


# Where a line of prose goes in each section (a section not listed: the project's notes).
_SECTION_LINES: dict[Field | None, Callable[[Project, str], None]] = {
    Field.SUMMARY: lambda project, line: project.summary.append(line),
    Field.VERIFICATION: lambda project, line: project.verification.append(line),
    Field.REVIEWER: lambda project, line: project.reviewer_opinion.append(line),
    Field.DIRECTION_REASON: lambda project, line: project.direction_reason.append(line),
    **{assessment.field: partial(_assessment_line, assessment) for assessment in ASSESSMENTS},
}


def scale_of(text: str) -> int:
    """千円 → 1000, 万円 → 10,000, 円 → 1; 0 when ``text`` names no unit of money."""
    key = label_key(text)
    for word, scale in (("百万円", 10**6), ("千円", 1000), ("万円", 10**4)):
        if word in key:
            return scale
    return 0 if "円" not in key else 1


def split_list(text: str) -> list[str]:
    """企画課、商工課 / 企画課・商工課 → [企画課, 商工課]."""
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]


def set_figure(kpi: Kpi, role: Column, year: int | None, measurement: Measurement) -> None:
    """A baseline (of ``year``, if the document says), or the target or actual of ``year``."""
    if role is Column.BASELINE:
        kpi.baseline, kpi.baseline_year = measurement, year
    elif role is Column.TARGET:
        kpi.targets[year or 0] = measurement
    else:
        kpi.actuals[year or 0] = measurement
