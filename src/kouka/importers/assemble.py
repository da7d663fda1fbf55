"""Blocks → Report: one assembler for every format, reading labels only through :mod:`labels`.

It walks the blocks once, keeping the project being built and the prose section it is in. Rows are
label/value pairs, KPI tables (stacked: a 成果目標① row, a header row, a value row; one KPI per row under a
header, whose years may sit on a second header row; or a year matrix, a column per fiscal year and a row
per 目標値 / 実績値), or project tables (one project per row, as in the national form). Prose lines can be
label：value pairs, a KPI on one line (目標値：… 実績値：…), or a project's heading numbered as a list item,
taken as one only when the project's opening fields follow it. Whatever it cannot place is returned as a
finding with the block's location.
"""

import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from kouka.domain.checks import Finding, Severity
from kouka.domain.eras import YearRef, find_year, format_fiscal_year, parse_fiscal_period
from kouka.domain.errors import KoukaError
from kouka.domain.jpnumbers import parse_quantity, parse_yen
from kouka.domain.model import (
    Body,
    Categorised,
    Direction,
    EffectLevel,
    GrantProgram,
    Kpi,
    KpiScope,
    Measurement,
    NextDirection,
    Project,
    ProjectKind,
    Report,
)
from kouka.domain.notation import NOTHING_WRITTEN, read_measurement
from kouka.domain.textnorm import halfwidth, label_key, squeeze_spaces
from kouka.importers import bodies
from kouka.importers.blocks import Block, Kind
from kouka.importers.labels import (
    ACHIEVED_MARKS,
    FIGURE_WORDS,
    ROW_ROLE_HEADERS,
    Column,
    Field,
    column_of,
    direction_of,
    effect_of,
    field_of,
    is_judgement,
    kpi_marker,
    loose_project_number,
    mark_of,
    project_number,
)

PROSE_FIELDS = {Field.SUMMARY, Field.VERIFICATION, Field.REVIEWER, Field.DIRECTION_REASON, Field.NOTES}
PROGRAM_NAMES = ("地方創生推進交付金", "地方創生拠点整備交付金", "地方創生加速化交付金",
                 "デジタル田園都市国家構想交付金", "地方創生応援税制", "地域再生計画")
_SCALE_RE = re.compile(r"単位\s*[:：]?\s*(百万円|千円|万円|円)")
_AMOUNT = r"約?\s*[△▲-]?[0-9０-９][0-9０-９,，.．]*(?:\s*[兆億万]\s*[0-9０-９,，]*)*\s*(?:百万円|千円|万円|億円|円)?"
_AMOUNT_RE = re.compile(_AMOUNT)
_LABELLED_AMOUNT_RE = re.compile(r"(?P<label>[^\s:：()（）0-9０-９、,]+)\s*[:：]?\s*(?P<amount>" + _AMOUNT + ")")
_TOTAL_LINE_RE = re.compile(r"^(?P<label>.+?)\s*[:：]?\s*(?P<amount>" + _AMOUNT + r")\s*$")
# The total said in a sentence of its own: 交付金の総額は812万3,000円です。/ 令和5年度の交付額合計は、…となりました。
_TOTAL_SENTENCE_RE = re.compile(
    r"^(?:[^、。]{0,14}?年度(?:の|における|に)\s*)?(?P<label>[^、。]{2,16}?)\s*[はが][、,]?\s*(?P<amount>" + _AMOUNT
    + r")\s*(?:です|でした|となりました|となっています|となります|である)?\s*[。.]?\s*$")
_RATE_RE = re.compile(r"(\d+)\s*/\s*(\d+)\s*(?:が|を)?\s*(?:交付金|国から|国費)|(\d+)\s*分の\s*(\d+)")
_SELF_YEAR_RE = re.compile(r"(?:本市|本町|本村|本県|本区|当市|当町|当村)(?:では|において)[、,]?\s*(.{2,12}?年度)")
_LIST_SPLIT = re.compile(r"[、,，・／/\n]|\s+")
_TITLE_NOTE_RE = re.compile(r"\s*[（(]([^（）()]{1,30})[）)]\s*$")
_DEPT_SUFFIX_RE = re.compile(r"\s*【([^】]+)】\s*$")
_LEAD_RE = re.compile(r"([一-龥々ヶぁ-んァ-ヴ]{2,8}?(?:都|道|府|県|市|町|村))(?:が)?主体")
_NOTHING_WRITTEN = {label_key(text) for text in (NOTHING_WRITTEN, "未記入", "（記入なし）", "記入なし")}
_CAPTION_MARKS = ("▲", "↑", "写真：", "写真:", "【写真】", "図：")
_SENTENCE_RE = re.compile(r"[^。]+。?")
_KPI_SCOPE_RE = re.compile(r"(?:成果目標|KPI|指標)\s*[（(]([^（）()]*(?:全体|全域|広域)[^（）()]*)[）)]\s*$")
# A figure's word with a colon in a KPI written on one line: 目標値：120人 / 実績値(R4)：85人.
_INLINE_ROLE_RE = re.compile(
    r"(?P<role>" + "|".join(FIGURE_WORDS) + r")\s*(?:[（(](?P<year>[^（）()]{1,12})[）)])?\s*[:：]\s*")
_BULLET_RE = re.compile(r"^[\s・●○◆◇■□\-－]+")
_MARKED_START = re.compile(r"^[\s■□●◆◇▼▽☆★]*(?:事業|No|NO|№)")
# Fields with which a project's description begins: a loosely numbered line followed by one of them (before the
# next numbered line or heading) is a project's heading. Money is left out: it can follow a list in a summary.
_OPENING_FIELDS = (Field.DEPARTMENTS, Field.PERIOD, Field.PERIOD_START, Field.SUMMARY)
_LOOKAHEAD = 12  # blocks


@dataclass
class _Columns:
    """A KPI table's header: which column holds what, and for which fiscal year."""

    roles: dict[int, tuple[Column, int | None]]
    pending_kpi: Kpi | None = None  # the stacked layout: the KPI this header's value row belongs to
    rows: int = 0  # KPI rows read under this header

    def take_years(self, cells: list[str]) -> bool:
        """A second header row naming the fiscal year of each 目標値 / 実績値 column (目標値 over R3 R4 R5):
        the years go to those columns. False when ``cells`` is no such row."""
        if self.rows or not any(cell and _YEAR_CELL.fullmatch(halfwidth(cell)) for cell in cells):
            return False
        years: dict[int, tuple[Column, int]] = {}
        for i, cell in enumerate(cells):
            year = _header_year(cell) if cell and _YEAR_CELL.fullmatch(halfwidth(cell)) else None
            # the role of the header cell above, or of the one it spans from (colspan leaves the rest empty)
            above = max((j for j in self.roles if j <= i), default=None)
            role = self.roles[above][0] if above is not None else None
            if year is not None and role in _VALUE_COLUMNS:
                years[i] = (role, year)
            elif cell and column_of(cell) is None:
                return False
        if not years:
            return False
        self.roles.update(years)
        return True


@dataclass
class _YearMatrix:
    """A KPI table with a column per fiscal year and a row per figure (目標値 / 実績値 / 基準値) of each KPI."""

    table: int
    name_col: int | None  # None: each KPI's name on a row of its own above its figures
    role_col: int
    unit_col: int | None
    years: dict[int, int]  # column → fiscal year
    kpi: Kpi | None = None
    raw_name: str = ""


@dataclass
class _State:
    project: Project | None = None
    matrix: _YearMatrix | None = None
    section: Field | None = None
    kpi_columns: _Columns | None = None
    pending_kpi: Kpi | None = None
    project_table: dict[int, tuple[Field | Column, int, str]] | None = None
    project_table_id: int = -1
    project_table_rows: int = 0
    project_table_labels: list[str] = field(default_factory=list)
    last_row_title: str = ""
    scale: int = 1
    period_set: set[int] = field(default_factory=set)


class Assembler:
    def __init__(self, blocks: list[Block], source: str = "") -> None:
        self.blocks = fold_flattened(blocks)
        self.source = source
        self.findings: list[Finding] = []
        self.state = _State()
        self.position = 0  # the index of the block being read
        texts = [b.text for b in self.blocks if b.text] + [c for b in self.blocks for c in b.cells if c]
        self.fiscal_year = _fiscal_year(self.blocks, texts)
        self.report = Report(municipality=_municipality(self.blocks, texts), fiscal_year=self.fiscal_year or 0,
                             program=_program(texts), source=source)
        if not self.report.municipality.name:
            self.findings.append(Finding(
                Severity.WARNING, "import_no_municipality",
                "文書から団体名が読み取れません。取り込んだJSONの municipality.name に記入してください / the document "
                "does not name its municipality: fill in municipality.name in the imported JSON",
                "$.reports[0].municipality.name", "団体名"))

    # -- helpers -------------------------------------------------------------------------------------
    def unplaced(self, block: Block, text: str) -> None:
        shown = text if len(text) <= 40 else text[:40] + "…"
        self.findings.append(Finding(Severity.WARNING, "import_unplaced",
                                     f"取り込めなかった記述があります / text not placed: 「{shown}」",
                                     "$", block.where))

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
        title = title.strip()
        if "※" in title:
            title, _, note = title.partition("※")
            project.title_notes.append("※" + note.strip())
            title = title.strip()
        while True:
            dept = _DEPT_SUFFIX_RE.search(title)
            if dept:
                project.departments += _split_list(dept.group(1))
                title = title[: dept.start()].strip()
                continue
            remark = _TITLE_NOTE_RE.search(title)
            if remark and title[: remark.start()].strip():
                project.title_notes.insert(0, title[remark.start():].strip())
                inner = remark.group(1)
                if "継続" in inner or "より" in inner or "開始" in inner:
                    year = find_year(inner)
                    if year is not None and id(project) not in self.state.period_set:
                        project.start_year = year.year
                title = title[: remark.start()].strip()
                continue
            break
        project.title = title

    def money(self, text: str, remark: str = "") -> int | None:
        scale = _scale_of(remark) or self.state.scale
        match = _AMOUNT_RE.search(text)
        if not match:
            return None
        try:
            return parse_yen(match.group(0).replace(" ", ""), scale=scale)
        except KoukaError:
            return None

    # -- the walk ------------------------------------------------------------------------------------
    def opening_fields_ahead(self) -> set[Field]:
        """The opening fields labelled in the blocks after the current one, up to the next heading or numbered
        line (at most ``_LOOKAHEAD`` blocks)."""
        found: set[Field] = set()
        for block in self.blocks[self.position + 1:self.position + 1 + _LOOKAHEAD]:
            first = block.text or next((c for c in block.cells if c), "")
            if block.kind is Kind.HEADING or project_number(first) or loose_project_number(first):
                break
            label = re.match(r"^\s*(【[^】]{1,20}】|[^:：\s]{1,20})", first)
            labelled = field_of(first) or (field_of(label.group(1)) if label else None)
            if labelled is not None and labelled[0] in _OPENING_FIELDS:
                found.add(labelled[0])
        return found

    def loose_project_start(self, first: str) -> tuple[int, str] | None:
        """A project heading numbered as a list item would be (1 名称, (1) 名称, ① 名称) when a project's opening
        fields follow it and, under a project, ones that project already has (the next project's own)."""
        numbered = loose_project_number(first)
        if numbered is None:
            return None
        number, title = numbered
        if (not title or "。" in title or len(title) > 80 or field_of(title) is not None or title.startswith("の")
                or kpi_marker(title) or not re.search("[一-龥ぁ-んァ-ヴA-Za-z]", title)):
            return None
        ahead = self.opening_fields_ahead()
        current = self.state.project
        if current is None or any(p.number == number and p is not current for p in self.report.projects):
            return numbered if ahead else None
        had = {Field.DEPARTMENTS: bool(current.departments), Field.PERIOD: current.start_year != 0,
               Field.PERIOD_START: current.start_year != 0, Field.SUMMARY: bool(current.summary)}
        return numbered if number != current.number and any(had[f] for f in ahead) else None

    def run(self) -> Report:
        for position, block in enumerate(self.blocks):
            self.position = position
            whole = block.text or " ".join(block.cells)
            scale = _SCALE_RE.search(halfwidth(whole)) if "単位" in whole else None
            if scale:
                self.state.scale = _scale_of(scale.group(1)) or 1
                rest = _SCALE_RE.sub("", block.text or " ".join(block.cells)).strip(" ()（）")
                if not rest or (len(rest) <= 20 and block.kind is not Kind.ROW and "。" not in rest):
                    continue
            if block.kind is Kind.ROW:
                self.row(block)
            else:
                self.prose(block)
        self.finish()
        return self.report

    def prose(self, block: Block) -> None:
        text = block.text
        numbered = project_number(text)
        if (numbered and numbered[1] and not numbered[1].startswith("の")
                and (block.kind is Kind.HEADING or _MARKED_START.match(text))):
            self.new_project(*numbered)
            return
        if block.kind is Kind.HEADING:
            heading_number = re.match(r"^\s*(\d{1,2})\s*[.．、\s]\s*(.+)$", halfwidth(text))
            if heading_number and not field_of(heading_number.group(2)):
                self.new_project(int(heading_number.group(1)), text[heading_number.start(2):])
                return
        elif loose := self.loose_project_start(text):
            self.new_project(*loose)
            return
        labelled = field_of(text)
        if labelled is None:
            pair = (re.match(r"^\s*([^:：]{1,20})\s*[:：]\s*(.+)$", text, re.S)
                    or re.match(r"^\s*(【[^】]{1,20}】)\s*(.+)$", text, re.S))
            if pair and field_of(pair.group(1)):
                self.apply(field_of(pair.group(1)), pair.group(2), block,  # type: ignore[arg-type]
                           label=pair.group(1).strip("【】 　"))
                return
        if labelled is not None:
            fld, remark = labelled
            if fld in PROSE_FIELDS or fld in (Field.EVALUATION, Field.DIRECTION):
                self.state.section = fld
                return
            if fld is Field.KPI:
                if remark and self.state.project is not None:
                    self.state.project.kpi_scope_label = remark
                self.state.section = None
                return
        if self.state.project is None:
            self.report_prose(block)
            return
        scope = _KPI_SCOPE_RE.search(text)
        if scope and len(text) <= 40:  # 事業③の成果目標（群馬県全体）: a KPI table's caption with its scope
            self.state.project.kpi_scope_label = scope.group(1)
            return
        if block.kind is Kind.HEADING:
            # A heading the label table does not know: what follows is the project's further narrative.
            self.state.section = Field.NOTES if not re.search("成果目標|指標|KPI", text) else None
            self.findings.append(Finding(Severity.INFO, "import_heading", f"見出し「{text}」は本文に含めていません / "
                                         "heading not kept as text", "$", block.where))
            return
        if self.state.section in (None, Field.NOTES) and self.inline_kpi(text):
            return
        self.add_prose(self.state.section, text, block)

    def inline_kpi(self, text: str) -> bool:
        """A KPI written on one line: ・名称（単位） 基準値：… 目標値：… 実績値：… (a colon after each word)."""
        project = self.state.project
        roles = list(_INLINE_ROLE_RE.finditer(text))
        kinds = [column_of(m.group("role")) for m in roles]
        if (project is None or "。" in text or not roles
                or not any(k is not None and k[0] in (Column.TARGET, Column.ACTUAL) for k in kinds)):
            return False
        number, raw_name = _kpi_numbered(_BULLET_RE.sub("", text[:roles[0].start()]).strip(" 　:：、,"))
        name, unit = _name_and_unit(raw_name)
        if not name or len(name) > 60:
            return False
        ends = [m.start() for m in roles[1:]] + [len(text)]
        values = [text[m.end():end].strip(" 　、,，/／;；") for m, end in zip(roles, ends, strict=True)]
        unit = unit or _unit_from_cells(values)
        read: list[tuple[Column, int | None, Measurement]] = []
        for match, kind, value in zip(roles, kinds, values, strict=True):
            if kind is None or not value:
                return False
            try:
                measurement = read_measurement(value, unit)
            except KoukaError:
                return False  # not a figure after the word: a sentence, left as text
            read.append((kind[0], _header_year(match.group("year") or ""), measurement))
        kpi = self.add_kpi(number, name, unit)
        for role, year, measurement in read:
            _set_figure(kpi, role, year if role is Column.BASELINE else year or self.fiscal_year or 0, measurement)
        return True

    def infer_direction(self, project: Project, kpi: Kpi) -> None:
        """Less is better when the KPI's name or the city's marks say so (:func:`_lower_is_better`); a target
        below the baseline with nothing else to tell is left as more is better, with a finding to check."""
        lower = _lower_is_better(kpi)
        if lower:
            kpi.direction = Direction.LOWER
            return
        target = kpi.targets.get(self.report.fiscal_year)
        baseline = kpi.baseline
        if (lower is None and target is not None and baseline is not None and target.value is not None
                and baseline.value is not None and target.value < baseline.value):
            self.findings.append(Finding(
                Severity.INFO, "import_direction_unclear",
                f"成果目標「{kpi.name}」は目標値が基準値を下回っています。少ないほど良い指標なら direction を lower に"
                f"してください / the target is below the baseline: set direction to lower if less is better",
                f"$.reports[0].projects[{self.report.projects.index(project)}].kpis[{project.kpis.index(kpi)}]",
                f"事業{project.number} 成果目標{kpi.number}"))

    def add_kpi(self, number: int | None, name: str, unit: str) -> Kpi:
        """A new KPI of the current project (numbered after the others unless the document numbers it)."""
        project = self.state.project
        assert project is not None
        kpi = Kpi(number=number or len(project.kpis) + 1, name=name, unit=unit)
        if project.kpi_scope_label:
            kpi.scope = KpiScope.WIDE_AREA
        project.kpis.append(kpi)
        return kpi

    def report_prose(self, block: Block) -> None:
        text = block.text
        for form in (_TOTAL_LINE_RE, _TOTAL_SENTENCE_RE):
            total = form.match(text)
            labelled = field_of(total.group("label")) if total else None
            if total and labelled and labelled[0] is Field.TOTAL and self.money(total.group("amount")) is not None:
                self.apply((Field.TOTAL, ""), total.group("amount"), block, label=total.group("label").strip())
                return
        looks_like_title = "。" not in text and len(text) <= 60 and not self.report.introduction
        if block.kind is Kind.HEADING or looks_like_title:
            if not self.report.title and ("交付金" in text or "効果" in text or "検証" in text):
                self.report.title = text
                return
            if block.kind is Kind.HEADING:
                self.unplaced(block, text)
                return
        self.report.introduction.append(text)

    def add_prose(self, section: Field | None, text: str, block: Block) -> None:
        project = self.state.project
        assert project is not None
        for line in [part.strip() for part in text.split("\n") if part.strip()]:
            if "記入" in line and label_key(line) in _NOTHING_WRITTEN:
                continue
            if line.startswith(_CAPTION_MARKS):
                project.figure_captions.append(line)
            elif section is Field.SUMMARY:
                project.summary.append(line)
            elif section is Field.VERIFICATION:
                project.verification.append(line)
            elif section is Field.REVIEWER:
                project.reviewer_opinion.append(line)
            elif section is Field.DIRECTION_REASON:
                project.direction_reason.append(line)
            elif section is Field.EVALUATION:
                if project.evaluation is None and effect_of(line):
                    project.evaluation = Categorised(effect_of(line), line)
                else:
                    project.verification.append(line)
            elif section is Field.DIRECTION:
                if project.next_direction is None and direction_of(line):
                    project.next_direction = Categorised(direction_of(line), line)
                else:
                    project.direction_reason.append(line)
            elif line.startswith("※") and re.search("成果目標|指標|KPI|次表|下表", line) and not project.kpis:
                project.kpi_notes.append(line)
            else:
                project.notes.append(line)

    def row(self, block: Block) -> None:
        cells = list(block.cells)
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            return
        if self.state.project_table is not None and block.table == self.state.project_table_id:
            self.project_row(cells, block)
            return
        if self.matrix_row(cells, block):
            return
        if self.kpi_row(cells, block):
            return
        header = _project_table_header(cells)
        if header is not None:
            self.state.project_table = header
            self.state.project_table_id = block.table
            self.state.project_table_rows = 0
            self.state.project_table_labels = list(cells)
            self.state.last_row_title = ""
            return
        columns = _kpi_header(cells, self.fiscal_year)
        if columns is not None:
            self.state.kpi_columns = _Columns(columns, self.state.pending_kpi)
            return
        filled = [(i, c) for i, c in enumerate(cells) if c]
        first = filled[0][1]
        numbered = project_number(first)
        if numbered and len(filled) >= 2 and not numbered[1] and label_key(first).startswith(("事業", "No", "№")):
            self.new_project(numbered[0], filled[1][1])
            for _, rest in filled[2:]:
                self.unplaced(block, rest)
            return
        if numbered and numbered[1] and len(filled) == 1 and first.startswith("事業"):
            self.new_project(*numbered)
            return
        loose = self.loose_project_start(" ".join(c for _, c in filled)) if len(filled) <= 2 else None
        if loose is not None:
            self.new_project(*loose)
            return
        labelled = field_of(first)
        if labelled is not None:
            fld, remark = labelled
            values = [c for _, c in filled[1:]]
            if fld is Field.KPI:
                if remark and self.state.project is not None:
                    self.state.project.kpi_scope_label = remark
                if values:
                    self.row_kpi_marker(values, block, labelled=True)
                return
            self.apply((fld, remark), "\n".join(values), block, label=first)
            return
        if self.row_kpi_marker([c for _, c in filled], block):
            return
        if self.kpi_field_row(filled, block):
            return
        if self.state.project is not None and len(filled) >= 2 and len(first) <= 20 and self.state.section is None:
            joined = "　".join(cell for _, cell in filled[1:])
            self.state.project.notes.append(f"{first}：{joined}")
            self.findings.append(Finding(Severity.WARNING, "import_unknown_label",
                                         f"項目名「{first}」を読み取れないため備考に入れました / unknown label "
                                         f"{first!r}: kept in the project's notes", "$", block.where))
            return
        for _, cell in filled:
            if self.state.project is not None:
                self.add_prose(self.state.section, cell, block)
            else:
                self.unplaced(block, cell)

    def row_kpi_marker(self, values: list[str], block: Block, labelled: bool = False) -> bool:
        """A row naming one KPI: 成果目標① 名称（社）, or KPI① | 名称, or (after a 成果目標 label) just the name."""
        marked = kpi_marker(values[0])
        project = self.state.project
        if project is None or (marked is None and not labelled):
            return False
        rest = values[1:]
        if marked is None:
            marked = (len(project.kpis) + 1, values[0])
        elif not marked[1] and rest:
            marked, rest = (marked[0], rest[0]), rest[1:]
        kpi = self.add_kpi(marked[0], *_name_and_unit(marked[1]))
        self.state.pending_kpi = kpi
        self.state.kpi_columns = None
        self.state.section = None
        for cell in rest:
            self.unplaced(block, cell)
        return True

    def kpi_field_row(self, cells: list[tuple[int, str]], block: Block) -> bool:
        """目標値 | 100人 under a KPI named in the row before: one figure of that KPI, labelled in the row."""
        kpi = self.state.pending_kpi
        column = column_of(cells[0][1])
        if kpi is None or column is None or len(cells) != 2 or column[0] is Column.NAME:
            return False
        self.fill_kpi(kpi, _Columns({1: (column[0], _header_year(column[1]))}), ["", cells[1][1]], block)
        return True

    def matrix_row(self, cells: list[str], block: Block) -> bool:
        """A row of a year-matrix KPI table (:class:`_YearMatrix`): its header, a KPI's name or one of its figures."""
        matrix = self.state.matrix
        if matrix is not None and block.table != matrix.table:
            self.state.matrix = matrix = None
        if self.state.project is None:
            return False
        if matrix is None:
            found = _year_matrix_header(cells)
            if found is None:
                return False
            self.state.matrix = _YearMatrix(block.table, *found)
            self.state.kpi_columns = None
            return True
        role_text = cells[matrix.role_col] if matrix.role_col < len(cells) else ""
        name_text = cells[matrix.name_col] if matrix.name_col is not None and matrix.name_col < len(cells) else ""
        figures = [cells[i] for i in matrix.years if i < len(cells) and cells[i]]
        role = column_of(role_text)
        if matrix.name_col is None and role_text and role is None and not figures:
            self.matrix_kpi(matrix, role_text)  # the name row of a KPI whose figures follow
            return True
        if name_text and name_text != matrix.raw_name:
            self.matrix_kpi(matrix, name_text)
        if matrix.kpi is None or role is None or role[0] not in (Column.TARGET, Column.ACTUAL, Column.BASELINE):
            if role is None or role[0] is not Column.RATE:  # a rate row is derived from the figures
                for cell in [role_text, *figures] if role_text or figures else []:
                    self.unplaced(block, cell)
            return True
        kpi = matrix.kpi
        if matrix.unit_col is not None and matrix.unit_col < len(cells) and cells[matrix.unit_col]:
            kpi.unit = cells[matrix.unit_col]
        if not kpi.unit:
            kpi.unit = _unit_from_cells(figures)
        for i, year in matrix.years.items():
            text = cells[i] if i < len(cells) else ""
            if not text or (role[0] is Column.ACTUAL and self.fiscal_year and year > self.fiscal_year):
                continue  # no figure yet for a year after the report's
            try:
                measurement = read_measurement(text, kpi.unit)
            except KoukaError as exc:
                self.findings.append(Finding(Severity.WARNING, "import_value", f"{exc}", "$", _cell_where(block, i)))
                continue
            _set_figure(kpi, role[0], year, measurement)
        return True

    def matrix_kpi(self, matrix: _YearMatrix, raw_name: str) -> None:
        matrix.raw_name = raw_name
        number, raw_name = _kpi_numbered(raw_name)
        matrix.kpi = self.add_kpi(number, *_name_and_unit(raw_name))

    def kpi_row(self, cells: list[str], block: Block) -> bool:
        columns = self.state.kpi_columns
        if columns is None or self.state.project is None:
            return False
        if columns.take_years(cells):
            return True
        label = field_of(cells[0]) if cells[0] else None
        if label is not None and label[0] is Field.KPI and len(cells) == max(columns.roles) + 2:
            cells = cells[1:]  # the table's KPI label, drawn beside one row only (a PDF of a rowspan header)
        if _kpi_header(cells, self.fiscal_year) is not None:
            return False
        first = next(c for c in cells if c)
        name_col = [i for i, (role, _) in columns.roles.items() if role is Column.NAME]
        first_field = field_of(first)
        if ((first_field is not None and first_field[0] is not Field.KPI)
                or (kpi_marker(first) and not name_col) or (project_number(first) and first.startswith("事業"))):
            self.state.kpi_columns = None
            return False
        kpi = columns.pending_kpi
        if kpi is None:
            if not name_col or name_col[0] >= len(cells) or not cells[name_col[0]]:
                self.state.kpi_columns = None
                return False
            number_cols = [i for i, (role, _) in columns.roles.items() if role is Column.NUMBER]
            marked_number, raw_name = _kpi_numbered(cells[name_col[0]])
            number = marked_number or len(self.state.project.kpis) + 1
            if marked_number is None and number_cols and number_cols[0] < len(cells) \
                    and cells[number_cols[0]].strip().isdigit():
                number = int(cells[number_cols[0]])
            kpi = self.add_kpi(number, *_name_and_unit(raw_name))
        else:
            columns.pending_kpi = None
            self.state.pending_kpi = None
        columns.rows += 1
        self.fill_kpi(kpi, columns, cells, block)
        return True

    def fill_kpi(self, kpi: Kpi, columns: _Columns, cells: list[str], block: Block) -> None:
        roles = columns.roles
        for i, (role, _) in roles.items():
            if role is Column.UNIT and i < len(cells) and cells[i]:
                kpi.unit = cells[i]
        target_year: int | None = None
        for i, (role, _) in roles.items():
            if role is Column.TARGET_DATE and i < len(cells) and cells[i]:
                ref = find_year(cells[i])
                if ref is not None:
                    target_year = _fiscal_of(ref)
        if not kpi.unit:
            kpi.unit = _unit_from_cells([cells[i] for i, (r, _) in roles.items()
                                         if r in (Column.TARGET, Column.ACTUAL, Column.BASELINE) and i < len(cells)])
        value_cols = [(i, role, year) for i, (role, year) in roles.items()
                      if role in (Column.BASELINE, Column.TARGET, Column.ACTUAL)]
        has_baseline = any(role is Column.BASELINE for _, role, _ in value_cols)
        fiscal = self.fiscal_year
        early_actuals = sorted((year, i) for i, role, year in value_cols
                               if role is Column.ACTUAL and year is not None and fiscal and year < fiscal)
        baseline_index = early_actuals[0][1] if early_actuals and not has_baseline else None
        for i, role, year in value_cols:
            if i >= len(cells) or not cells[i]:
                continue
            try:
                measurement = read_measurement(cells[i], kpi.unit)
            except KoukaError as exc:
                self.findings.append(Finding(Severity.WARNING, "import_value", f"{exc}", "$",
                                             _cell_where(block, i)))
                continue
            if role is Column.BASELINE or i == baseline_index:
                kpi.baseline = measurement
                kpi.baseline_year = year
            elif role is Column.TARGET:
                kpi.targets[year or target_year or fiscal or 0] = measurement
            else:
                kpi.actuals[year or fiscal or 0] = measurement
        for i, (role, year) in roles.items():
            if role is Column.MARK and i < len(cells) and cells[i]:
                mark = mark_of(cells[i])
                if mark is not None:
                    kpi.marks[year or fiscal or 0] = mark
                elif not is_judgement(cells[i]):
                    self.unplaced(block, cells[i])

    def apply(self, labelled: tuple[Field, str], value: str, block: Block, label: str = "") -> None:
        fld, remark = labelled
        project = self.state.project
        value = value.strip()
        if fld is Field.TOTAL:
            amount = self.money(value, remark)
            if amount is not None and self.report.stated_total_yen is None:
                self.report.stated_total_yen = amount
                self.report.stated_total_label = label or fld.value
            elif amount is not None and amount != self.report.stated_total_yen:
                self.findings.append(Finding(
                    Severity.WARNING, "import_total_differs",
                    f"合計額が2か所で異なります（{label} {value}） / two different totals stated", "$", block.where))
            return
        if fld is Field.MUNICIPALITY or fld is Field.FISCAL_YEAR or fld is Field.PROGRAM:
            return  # read before the walk
        if fld is Field.TITLE:
            numbered = project_number(value) if _MARKED_START.match(value) else None
            if numbered is not None and numbered[1]:
                if project is not None and not project.title and project in self.report.projects and (
                        not any(p.number == numbered[0] for p in self.report.projects if p is not project)):
                    project.number = numbered[0]
                    self.set_title(project, numbered[1])
                else:
                    self.new_project(*numbered)
            elif project is None or (project.title and not _untouched(project)):
                self.new_project(None, value)
            else:  # 事業名 under the project's own heading: the field's wording, the notes of both
                named = Project(number=project.number, title="", start_year=0, end_year=0)
                self.set_title(named, value)
                project.title = named.title
                project.title_notes += [n for n in named.title_notes if n not in project.title_notes]
                project.departments += [d for d in named.departments if d not in project.departments]
                project.start_year = project.start_year or named.start_year
            return
        if fld is Field.PROJECT_NUMBER and value.isdigit():
            if project is None or project.title or project.kpis:
                self.new_project(int(value), "")
            else:
                project.number = int(value)
            return
        if project is None:
            self.unplaced(block, f"{label} {value}".strip())
            return
        self.state.section = None
        self.state.kpi_columns = None
        if fld in PROSE_FIELDS:
            self.state.section = fld
            if value:
                self.add_prose(fld, value, block)
        elif fld is Field.DEPARTMENTS:
            project.departments += _split_list(value)
        elif fld is Field.PERIOD:
            try:
                project.start_year, project.end_year = parse_fiscal_period(halfwidth(value))
                self.state.period_set.add(id(project))
            except KoukaError:
                self.unplaced(block, value)
        elif fld in (Field.PERIOD_START, Field.PERIOD_END):
            ref = find_year(value)
            if ref is None:
                self.unplaced(block, value)
            elif fld is Field.PERIOD_START:
                project.start_year = ref.year
            else:
                project.end_year = ref.year
        elif fld is Field.COST:
            self.apply_cost(project, label or "事業費", remark, value, block)
        elif fld is Field.GRANT:
            amount = self.money(value, remark)
            if amount is None:
                self.unplaced(block, value)
            else:
                project.grant_yen = amount
        elif fld is Field.PARTNERS:
            project.partner_bodies = _split_list(value)
            project.kind = ProjectKind.WIDE_AREA
        elif fld is Field.KIND:
            if "広域" in value or "連携" in value:
                project.kind = ProjectKind.WIDE_AREA
                lead = _LEAD_RE.search(value)
                if lead and not project.lead_body:
                    project.lead_body = lead.group(1)
            elif value:
                project.kind = ProjectKind.SINGLE
        elif fld is Field.LEAD:
            project.lead_body = value
            project.kind = ProjectKind.WIDE_AREA
        elif fld is Field.EVALUATION:
            effect = effect_of(value)
            if effect is None:
                self.state.section = Field.EVALUATION
                if value:
                    self.unplaced(block, value)
            else:
                project.evaluation = Categorised(effect, value)
        elif fld is Field.DIRECTION:
            direction = direction_of(value)
            if direction is None:
                self.state.section = Field.DIRECTION
                if value:
                    self.unplaced(block, value)
            else:
                project.next_direction = Categorised(direction, value)

    def apply_cost(self, project: Project, label: str, remark: str, value: str, block: Block) -> None:
        bracket = re.search(r"[（(]", value)
        head, inner = (value[: bracket.start()], value[bracket.start():]) if bracket else (value, "")
        amount = self.money(head, remark)
        if amount is None:
            self.unplaced(block, value)
            return
        project.cost_yen = amount
        project.cost_label = _label_text(label)
        inline = _AMOUNT_RE.search(head)
        inline_label = head[: inline.start()].strip(" 　:：") if inline else ""
        inline_field = field_of(inline_label) if inline_label else None
        if inline_field is not None and inline_field[0] is Field.COST:  # 事業費 12,345千円 under a longer heading
            project.cost_label = _label_text(inline_label)
        for match in _LABELLED_AMOUNT_RE.finditer(inner):
            inner_field = field_of(match.group("label"))
            if inner_field and inner_field[0] is Field.GRANT:
                project.grant_yen = self.money(match.group("amount"), remark)

    def project_row(self, cells: list[str], block: Block) -> None:
        header = self.state.project_table
        assert header is not None
        if not any(cells):
            return
        if not self.state.project_table_rows and _merge_subheader(header, cells):
            labels = self.state.project_table_labels
            labels += [""] * (len(cells) - len(labels))
            for i, cell in enumerate(cells):
                labels[i] = cell or labels[i]
            return
        self.state.project_table_rows += 1
        first = next(cell for cell in cells if cell)
        first_field = field_of(first)
        if first_field is not None and first_field[0] is Field.TOTAL:
            values = [cell for cell in cells if cell][1:]
            if values:
                self.apply(first_field, values[-1], block, label=first)
            return
        title_cols = [i for i, (role, _, _) in header.items() if role is Field.TITLE]
        title = cells[title_cols[0]] if title_cols and title_cols[0] < len(cells) else ""
        continuing = bool(title) and title == self.state.last_row_title and self.state.project is not None
        self.state.last_row_title = title
        if continuing:  # a project's cells merged down over several KPI rows
            project = self.state.project
            assert project is not None
        else:
            project = self.new_project(None, "")
        kpi_cells: dict[int, dict[int, tuple[Column, int | None]]] = {}
        kpi_values: dict[int, list[str]] = {}
        for i, cell in enumerate(cells):
            if not cell:
                continue
            if i not in header:
                if not continuing:
                    self.unknown_column(project, i, cell, block)
                continue
            role, group, label = header[i]
            if role is Column.MARK and mark_of(cell) is None and (level := effect_of(cell)) is not None:
                if project.evaluation is None:  # 評価 over the project's rows: the effect scale, not a KPI's mark
                    project.evaluation = Categorised(level, cell)
                continue
            if isinstance(role, Column):
                column = column_of(label)
                year_text = column[1] if column else ""
                year = find_year(year_text) if year_text else None
                kpi_cells.setdefault(group, {})[len(kpi_values.setdefault(group, []))] = (
                    role, _fiscal_of(year) if year and not year.fiscal else (year.year if year else None))
                kpi_values[group].append(cell)
                continue
            if continuing:
                continue
            if role is Field.PROJECT_NUMBER:
                digits = re.sub(r"\D", "", halfwidth(cell))
                if digits:
                    project.number = int(digits)
                continue
            labelled = field_of(label) or (role, "")
            self.apply((role, labelled[1]), cell, block, label=label)
            self.state.project = project
        for group, roles in kpi_cells.items():
            names = [i for i, (role, _) in roles.items() if role is Column.NAME]
            if not names:
                continue
            raw_name = kpi_values[group][names[0]]
            number = group if not continuing and group not in {k.number for k in project.kpis} else len(
                project.kpis) + 1
            marked = kpi_marker(raw_name)
            if marked:
                number, raw_name = marked
            name, unit = _name_and_unit(raw_name)
            kpi = Kpi(number=number, name=name, unit=unit)
            project.kpis.append(kpi)
            self.fill_kpi(kpi, _Columns(roles), kpi_values[group], block)
        self.state.section = None

    def unknown_column(self, project: Project, index: int, cell: str, block: Block) -> None:
        labels = self.state.project_table_labels
        label = labels[index] if index < len(labels) and labels[index] else f"{index + 1}列目"
        project.notes.append(f"{label}：{cell}")
        self.findings.append(Finding(Severity.WARNING, "import_unknown_label",
                                     f"列「{label}」を読み取れないため備考に入れました / unknown column {label!r}: "
                                     "kept in the project's notes", "$", _cell_where(block, index)))

    def finish(self) -> None:
        report = self.report
        if not report.projects:
            return
        if not report.fiscal_year:
            years = [y for p in report.projects for k in p.kpis for y in [*k.targets, *k.actuals] if y]
            report.fiscal_year = max(years) if years else 0
            self.fiscal_year = report.fiscal_year or None
            for kpi in (k for p in report.projects for k in p.kpis):
                for series in (kpi.targets, kpi.actuals, kpi.marks):
                    if 0 in series and report.fiscal_year:
                        series[report.fiscal_year] = series.pop(0)  # type: ignore[assignment]
        for project in report.projects:
            self.finish_project(project)
        if report.fiscal_year > 1868 and report.title and report.municipality.name:
            year = format_fiscal_year(report.fiscal_year)
            standard = f"{report.municipality.name} {year} {report.program.name}事業の効果検証"
            if label_key(report.title) == label_key(standard):
                report.title = ""  # the standard heading, which kouka writes for a report without a title of its own

    def finish_project(self, project: Project) -> None:
        fiscal = self.report.fiscal_year
        if not project.start_year:
            project.start_year = fiscal
        if not project.end_year:
            project.end_year = max(fiscal, project.start_year)
            self.findings.append(Finding(
                Severity.INFO, "import_period_assumed",
                "事業期間の終わりが書かれていないため、対象年度までとしました / the period's end is not stated: "
                "taken as the report's fiscal year", f"$.reports[0].projects[{self.report.projects.index(project)}]",
                f"事業{project.number}"))
        notes_text = " ".join(project.title_notes + project.summary + [project.title])
        if project.kind is ProjectKind.SINGLE and ("広域連携" in notes_text or project.lead_body):
            project.kind = ProjectKind.WIDE_AREA
        if project.kind is ProjectKind.WIDE_AREA and not project.lead_body:
            lead = _LEAD_RE.search(" ".join(project.title_notes) or notes_text)
            if lead:
                project.lead_body = lead.group(1)
        if project.lead_body and project.lead_body in project.partner_bodies:
            project.partner_bodies.remove(project.lead_body)
        if project.kpi_scope_label:
            for kpi in project.kpis:
                kpi.scope = KpiScope.WIDE_AREA
        for kpi in project.kpis:
            for measurement in [kpi.baseline, *kpi.targets.values(), *kpi.actuals.values()]:
                if measurement is not None and not kpi.unit:
                    kpi.unit = measurement.unit
            self.infer_direction(project, kpi)
        if project.evaluation is None:
            project.evaluation = _evaluation_from(project.verification)
        if project.next_direction is None:
            for line in project.direction_reason:
                if direction_of(line) and len(label_key(line)) <= 20:
                    project.next_direction = Categorised(direction_of(line), line)
                    project.direction_reason.remove(line)
                    break


# -- free functions -----------------------------------------------------------------------------------

def _label_text(label: str) -> str:
    """事業費（千円） → 事業費: the label as the city wrote it, without a unit remark."""
    label = re.sub(r"^\s*(?:\d{1,2}\s*[.．、)）]?\s*|[（(]\d{1,2}[)）]\s*|[■□●◆◇・]\s*)", "", label)
    return re.sub(r"\s*[（(][^（）()]*(?:円|単位)[^（）()]*[）)]\s*$", "", squeeze_spaces(label)).strip("【】[]")


def _scale_of(text: str) -> int:
    key = label_key(text)
    for word, scale in (("百万円", 10**6), ("千円", 1000), ("万円", 10**4)):
        if word in key:
            return scale
    return 0 if "円" not in key else 1


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]


# What a KPI measures when less is better, at the end of its name: 待機児童数, CO2排出量, 耕作放棄地面積 … (a word
# elsewhere in the name says nothing: プラごみ削減 優秀プランの実施事業者数 counts firms, more is better).
_LOWER_IS_BETTER = re.compile(r"(?:待機児童数|排出量|離職率|離職者数|空き家数|耕作放棄地(?:面積)?|転出超過数|"
                              r"事故件数|死亡者数|死者数|未利用地面積|赤字額)(?:[（(][^（）()]*[）)])?$")


def _lower_is_better(kpi: Kpi) -> bool | None:
    """True when the KPI's name, or the city's own mark against a year's figures, says less is better; False
    when the marks say more is better; None when nothing tells."""
    if _LOWER_IS_BETTER.search(kpi.name):
        return True
    for year, mark in kpi.marks.items():
        achieved = ACHIEVED_MARKS.get(mark)
        target, actual = kpi.targets.get(year), kpi.actuals.get(year)
        if achieved is None or target is None or actual is None or target.value is None or actual.value is None \
                or target.value == actual.value:
            continue
        return achieved != (actual.value > target.value)
    return None


def _set_figure(kpi: Kpi, role: Column, year: int | None, measurement: Measurement) -> None:
    """A baseline (of ``year``, if the document says), or the target or actual of ``year``."""
    if role is Column.BASELINE:
        kpi.baseline, kpi.baseline_year = measurement, year
    elif role is Column.TARGET:
        kpi.targets[year or 0] = measurement
    else:
        kpi.actuals[year or 0] = measurement


def _untouched(project: Project) -> bool:
    """Whether nothing but the project's number and title has been read (its heading, and no field yet)."""
    return (not project.departments and not project.start_year and not project.summary and project.cost_yen is None
            and project.grant_yen is None and not project.kpis)


def _kpi_numbered(raw_name: str) -> tuple[int | None, str]:
    """The number a KPI's name cell gives it (成果目標① 名称, ①名称) and the rest, or (None, the cell)."""
    marked = kpi_marker(raw_name)
    if marked:
        return marked
    if raw_name and raw_name[0] in "①②③④⑤⑥⑦⑧⑨⑩":
        return "①②③④⑤⑥⑦⑧⑨⑩".index(raw_name[0]) + 1, raw_name[1:].strip()
    return None, raw_name


def _name_and_unit(text: str) -> tuple[str, str]:
    """まちなかワークショップ参加者数（人） → (まちなかワークショップ参加者数, 人)."""
    match = re.match(r"^(?P<name>.+?)\s*[（(](?P<unit>[^（）()0-9０-９]{1,5})[）)]\s*$", text.strip())
    if match and not re.search("年|月|見込|累計|速報|単年|各|全体", match.group("unit")):
        return match.group("name").strip(), match.group("unit").strip()
    return text.strip(), ""


def _unit_from_cells(cells: list[str]) -> str:
    for cell in cells:
        bare = re.sub(r"[（(][^（）()]*[）)]", "", halfwidth(cell)).strip()
        try:
            quantity = parse_quantity(bare)
        except KoukaError:
            continue
        if quantity.unit:
            return quantity.unit
    return ""


@lru_cache(maxsize=4096)
def _header_year(rest: str) -> int | None:
    """The fiscal year a column header names (令和4年度目標 → 2022; R5.3 → 2022), or None."""
    year = find_year(rest) if rest else None
    if year is None:
        return None
    return _fiscal_of(year) if not year.fiscal else year.year


def _fiscal_of(ref: YearRef) -> int:
    if ref.month is not None and ref.month <= 3:
        return ref.year - 1
    return ref.year


def _cell_where(block: Block, index: int) -> str:
    if index < len(block.cell_wheres):
        return block.cell_wheres[index]
    return f"{block.where} {index + 1}列目"


def _kpi_header(cells: list[str], fiscal: int | None) -> dict[int, tuple[Column, int | None]] | None:
    """The roles of a KPI table's header row (column → role and year), or None when the row is no such header."""
    found = _kpi_header_cached(tuple(cells))
    return dict(found) if found is not None else None


@lru_cache(maxsize=4096)
def _kpi_header_cached(cells: tuple[str, ...]) -> tuple[tuple[int, tuple[Column, int | None]], ...] | None:
    roles = _kpi_header_roles(cells)
    return tuple(roles.items()) if roles is not None else None


def _kpi_header_roles(cells: tuple[str, ...]) -> dict[int, tuple[Column, int | None]] | None:
    roles: dict[int, tuple[Column, int | None]] = {}
    for i, cell in enumerate(cells):
        if not cell:
            continue
        found = column_of(cell)
        if found is None:
            if field_of(cell) and field_of(cell)[0] is Field.KPI:  # type: ignore[index]
                continue
            return None
        column, rest = found
        roles[i] = (column, _header_year(rest))
    names = [i for i, (role, _) in roles.items() if role is Column.NAME]
    if len(names) > 1:  # a 重要業績評価指標(KPI) label cell beside the 指標名 header: the label is no column
        for i in names:
            labelled = field_of(cells[i])
            if labelled is not None and labelled[0] is Field.KPI and len(roles) > 1:
                del roles[i]
                break
    kinds = {role for role, _ in roles.values()}
    values = kinds & {Column.TARGET, Column.ACTUAL, Column.BASELINE}
    if len(values) >= 2 or (values and Column.NAME in kinds):
        return roles
    return None


_VALUE_COLUMNS = (Column.BASELINE, Column.TARGET, Column.ACTUAL)
_YEAR_CELL = re.compile(r"[令和平成年度末月元時点現在RHrh0-9.()\s]+")


def _year_matrix_header(cells: list[str]) -> tuple[int | None, int, int | None, dict[int, int]] | None:
    """(name column, role column, unit column, year columns) of a year-matrix KPI table's header row
    (成果目標 | 区分 | 令和3年度 | 令和4年度 …), or None when the row is no such header."""
    found = _year_matrix_header_cached(tuple(cells))
    return (*found[:3], dict(found[3])) if found is not None else None


@lru_cache(maxsize=4096)
def _year_matrix_header_cached(cells: tuple[str, ...]) -> tuple[
        int | None, int, int | None, tuple[tuple[int, int], ...]] | None:
    if not any(cell and _YEAR_CELL.fullmatch(halfwidth(cell)) for cell in cells):
        return None  # most rows: no year header at all
    years: dict[int, int] = {}
    name_col: int | None = None
    unit_col: int | None = None
    role_col: int | None = None
    for i, cell in enumerate(cells):
        if not cell:
            continue
        year = _header_year(cell) if _YEAR_CELL.fullmatch(halfwidth(cell)) else None
        column = column_of(cell)
        labelled = field_of(cell)
        if year is not None and column is None:
            years[i] = year
        elif years:
            if column is not None and column[0] in (Column.RATE, Column.MARK):
                continue  # a rate or a mark after the years: derived, or read from the figures' judgement
            return None  # another header word after the years: another layout
        elif label_key(cell) in ROW_ROLE_HEADERS:
            role_col = i
        elif column is not None and column[0] is Column.UNIT:
            unit_col = i
        elif (column is not None and column[0] is Column.NAME) or (labelled is not None and labelled[0] is Field.KPI):
            name_col = i if name_col is None else name_col
        else:
            return None
    if not years:
        return None
    first_year = min(years)
    if role_col is None:  # the figures' words in the column just before the years
        role_col = first_year - 1
        if role_col < 0 or role_col == name_col:
            role_col, name_col = (0, None) if name_col == 0 else (-1, name_col)
    if role_col < 0 or len(set(years.values())) != len(years):
        return None
    return name_col, role_col, unit_col, tuple(years.items())


def _project_table_header(cells: list[str]) -> dict[int, tuple[Field | Column, int, str]] | None:
    """A header row of a table with one project per row: it names 事業名 and at least two other fields."""
    header: dict[int, tuple[Field | Column, int, str]] = {}
    group = 0
    fields: set[Field] = set()
    for i, cell in enumerate(cells):
        if not cell:
            continue
        marked = kpi_marker(cell)
        if marked is not None:
            group = marked[0]
            rest = column_of(marked[1]) if marked[1] else None
            header[i] = (rest[0] if rest else Column.NAME, group, cell)
            continue
        labelled = field_of(cell)
        if labelled is not None and labelled[0] is not Field.KPI and not (group and column_of(cell)):
            header[i] = (labelled[0], 0, cell)
            fields.add(labelled[0])
            continue
        column = column_of(cell)
        if column is not None and not group and (column[0] is Column.NAME or labelled is not None):
            group = 1  # a single unnumbered KPI column group: KPI | 目標値 | 実績値
            header[i] = (Column.NAME, group, cell)
        elif column is not None and group:
            header[i] = (column[0], group, cell)
    if Field.TITLE in fields and len(fields) >= 3:
        return header
    return None


def _merge_subheader(header: dict[int, tuple[Field | Column, int, str]], cells: list[str]) -> bool:
    """A second header row under a project table's first (KPI名 単位 目標値 … under a merged 重要業績評価指標):
    its KPI columns join the header, a new KPI group at each name column. False when the row holds data."""
    filled = [(i, cell) for i, cell in enumerate(cells) if cell]
    columns = {i: column_of(cell) for i, cell in filled}
    if any(columns[i] is None and field_of(cell) is None for i, cell in filled) or not any(columns.values()):
        return False
    group, top, named = 0, max([g for _, g, _ in header.values()] + [0]), False
    for i, cell in filled:
        upper = header.get(i)
        if upper is not None and upper[1]:
            group, named = upper[1], False
        column = columns[i]
        if column is None or (upper is not None and not isinstance(upper[0], Column) and upper[0] is not Field.KPI):
            continue
        if column[0] is Column.NAME:
            if named or not group:
                top += 1
                group = top
            named = True
        elif not group:
            top += 1
            group = top
        header[i] = (column[0], group, cell)
    return True


def _evaluation_from(paragraphs: list[str]) -> Categorised[EffectLevel] | None:
    for paragraph in reversed(paragraphs):
        for sentence in _SENTENCE_RE.findall(paragraph):
            level = effect_of(sentence)
            if level is not None:
                return Categorised(level, sentence.strip())
    return None


def _fiscal_year(blocks: list[Block], texts: list[str]) -> int | None:
    for block in blocks:
        if block.kind is Kind.ROW and block.cells and field_of(block.cells[0]):
            labelled = field_of(block.cells[0])
            if labelled and labelled[0] is Field.FISCAL_YEAR and len(block.cells) > 1:
                ref = find_year(block.cells[1])
                if ref:
                    return ref.year
    for block in blocks:
        if block.kind is Kind.HEADING and ("交付金" in block.text or "効果" in block.text or "検証" in block.text):
            ref = find_year(block.text)
            if ref:
                return ref.year
    for text in texts:
        match = _SELF_YEAR_RE.search(text)
        if match:
            ref = find_year(match.group(1))
            if ref:
                return ref.year
        if "においては" in text:
            ref = find_year(text.split("においては")[0][-14:])
            if ref:
                return ref.year
    for text in texts[:5]:
        if "交付金" in text or "効果検証" in text:
            ref = find_year(text)
            if ref and ("効果検証" in text or "実施状況" in text):
                return ref.year
    return None


def _municipality(blocks: list[Block], texts: list[str]) -> Body:
    name = ""
    for block in blocks:
        if block.kind is Kind.ROW and len(block.cells) > 1:
            labelled = field_of(block.cells[0])
            if labelled and labelled[0] is Field.MUNICIPALITY:
                name = block.cells[1].strip()
                break
    prefecture = ""
    if name:
        prefecture, name = bodies.split_prefecture(name)
    if not name:
        titles = [b.text for b in blocks if b.kind is Kind.HEADING][:3]
        name = bodies.guess_municipality(titles, texts)
    prefecture = prefecture or bodies.guess_prefecture(name, texts)
    return Body(name=name, prefecture=prefecture, code=bodies.body_code(name))


def _program(texts: list[str]) -> GrantProgram:
    name = ""
    for text in texts:
        for candidate in PROGRAM_NAMES:
            if candidate in text:
                name = candidate
                break
        if name:
            break
    rate = Fraction(1, 2)
    for text in texts:
        match = _RATE_RE.search(halfwidth(text))
        if match:
            if match.group(1):
                rate = Fraction(int(match.group(1)), int(match.group(2)))
            else:
                rate = Fraction(int(match.group(4)), int(match.group(3)))
            break
    return GrantProgram(name=name or GrantProgram().name, rate=rate)


def fold_flattened(blocks: list[Block]) -> list[Block]:
    """Text where each cell sits on its own line: ``担当課`` then ``企画課`` become one row; a run of
    KPI column headers and the lines after them become table rows."""
    out: list[Block] = []
    i = 0
    table = 10_000
    while i < len(blocks):
        block = blocks[i]
        if block.kind is Kind.HEADING and i + 1 < len(blocks) and blocks[i + 1].kind is Kind.PARAGRAPH:
            labelled_heading = field_of(block.text)
            if (labelled_heading is not None and labelled_heading[0] not in PROSE_FIELDS
                    and labelled_heading[0] not in (Field.KPI, Field.EVALUATION, Field.DIRECTION)
                    and not _is_label(blocks[i + 1].text)):
                table += 1  # 1 事業名 as a heading, the name below it: a label and its value
                out.append(Block(Kind.ROW, cells=(block.text, blocks[i + 1].text), where=block.where, table=table))
                i += 2
                continue
        if block.kind is not Kind.PARAGRAPH:
            out.append(block)
            i += 1
            continue
        run = 0
        while (i + run < len(blocks) and blocks[i + run].kind is Kind.PARAGRAPH
               and column_of(blocks[i + run].text) is not None):
            run += 1
        if run >= 3 and _kpi_header([b.text for b in blocks[i:i + run]], None) is not None:
            table += 1
            out.append(Block(Kind.ROW, cells=tuple(b.text for b in blocks[i:i + run]), where=block.where,
                             table=table))
            i += run
            while i + run <= len(blocks) and all(
                    blocks[j].kind is Kind.PARAGRAPH and not _is_label(blocks[j].text) for j in range(i, i + run)):
                out.append(Block(Kind.ROW, cells=tuple(b.text for b in blocks[i:i + run]), where=blocks[i].where,
                                 table=table))
                i += run
            continue
        labelled = field_of(block.text)
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        numbered = project_number(block.text)
        if (numbered is not None and not numbered[1] and _MARKED_START.match(block.text) and following is not None
                and following.kind is Kind.PARAGRAPH and not _is_label(following.text)):
            labelled = (Field.PROJECT_NUMBER, "")
        if (labelled is not None and labelled[0] is not Field.KPI and following is not None
                and following.kind is Kind.PARAGRAPH and not _is_label(following.text)):
            table += 1
            out.append(Block(Kind.ROW, cells=(block.text, following.text), where=block.where, table=table))
            i += 2
            continue
        out.append(block)
        i += 1
    return out


def _is_label(text: str) -> bool:
    return (field_of(text) is not None or column_of(text) is not None or kpi_marker(text) is not None
            or (project_number(text) is not None and text.startswith("事業")))


def to_measurement(text: str, unit: str) -> Measurement:
    return read_measurement(text, unit)


__all__ = ["Assembler", "EffectLevel", "NextDirection", "fold_flattened"]
