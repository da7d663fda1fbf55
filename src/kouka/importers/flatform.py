"""The national reporting form (様式2) as text extraction flattens a PDF of it.

The form is one table: 交付対象事業の名称, 交付金の種類, 事業費 (円 or 千円), the KPIs (指標①… with 単位, 目標値,
目標年月, 実績値), 事業の効果 on the national four-level scale, 外部有識者の意見, 今後の方針 and its reason. Copied
out of a PDF it arrives in one of a few shapes, all read here as one stream of labels and values:

- one cell per line, a column's values listed after its header (and a header split mid-word: 事業の評 / 価);
- a whole table on one long line, labels and values run together (指標① 観光入込客数 目標値 7,946人 …);
- amounts in a block after the rows they belong to, matched to the projects by order and count.

A label followed by as many values as there are projects is a column: its values go to the projects in order.
A label followed by one value belongs to the project being read. Any other count is ambiguous: the values are
kept in a finding with their lines, never guessed. The legends of the scales (①地方創生に非常に効果的であった …,
今後の方針 1 追加等更に発展させる …) are vocabulary, not projects. Every value keeps the line it came from.
"""

import re
from dataclasses import dataclass, field

from kouka.domain.checks import Finding, Severity, project_label
from kouka.domain.eras import find_year, format_fiscal_year
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import parse_yen
from kouka.domain.model import (
    EFFECT_LABELS,
    Body,
    EffectLevel,
    GrantProgram,
    Kpi,
    NextDirection,
    Project,
    Report,
)
from kouka.domain.notation import read_measurement
from kouka.domain.textnorm import halfwidth
from kouka.importers import bodies
from kouka.importers.blocks import Block
from kouka.importers.labels import DIRECTION_SCALE, EFFECT_SCALE, Assessment, Field, direction_of, effect_of
from kouka.importers.partial import Supplied

_YEN = r"(?:[（(](?:単位[:：]?)?(?:千円|円)[）)])?"
# The form's labels, each a regular expression over a line with its spaces removed, and what it names.
TITLE, PROGRAM, COST, GRANT, KPI, UNIT, TARGET, TARGET_DATE, ACTUAL, BASELINE = (
    "title", "program", "cost", "grant", "kpi", "unit", "target", "target_date", "actual", "baseline")
EFFECT, REVIEWER, DIRECTION, REASON, YEAR, BODY, SUMMARY = (
    "effect", "reviewer", "direction", "reason", "year", "body", "summary")
LABELS: tuple[tuple[str, str], ...] = (
    (TITLE, r"交付対象事業の名称|交付対象事業名|事業の名称"),
    (PROGRAM, r"交付金の種類|交付金の種別"),
    (COST, r"(?:総事業費|事業費実績|事業費|実績額)" + _YEN),
    (GRANT, r"(?:交付金充当額|交付金額|交付金充当)" + _YEN),
    (KPI, r"重要業績評価指標[（(]?KPI[）)]?|(?:KPI|指標)[①-⑩]?(?:名)?|指標名"),
    (UNIT, r"単位"),
    (TARGET, r"目標値"),
    (TARGET_DATE, r"目標年月(?:日)?|達成時期"),
    (ACTUAL, r"実績値"),
    (BASELINE, r"基準値|事業開始前"),
    (EFFECT, r"事業の効果|事業の評価|効果"),
    (REVIEWER, r"外部有識者の意見|有識者の意見"),
    (DIRECTION, r"今後の方針"),
    (REASON, r"今後の方針の理由|方針の理由|理由"),
    (YEAR, r"対象年度|実施年度"),
    (BODY, r"地方公共団体名|団体名"),
    (SUMMARY, r"事業概要"),
)
_LABEL_RES = tuple((name, re.compile(f"(?:{pattern})")) for name, pattern in LABELS)
_WHOLE = tuple((name, re.compile(f"^[①-⑩\\d]?(?:{pattern})[:：]?$")) for name, pattern in LABELS)
# A label inside a long line: at the start or after a space, followed by a space.
_INLINE = re.compile("(?:^|(?<=\\s))(" + "|".join(f"[①-⑩]?(?:{p})" for _, p in LABELS) + ")(?=\\s|[:：]|$)")
_KPI_NUMBER = re.compile("[①-⑩]")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_THOUSANDS = re.compile(r"千円")
# The form's own words that say a document is one: two of them, the project's name among them.
_FORM_WORDS = ("交付対象事業", "交付金の種類", "指標①", "重要業績評価指標", "事業の効果", "事業の評", "今後の方針",
               "外部有識者")
_PAGE_NUMBER = re.compile(r"^[\-‐―ー－(（]\s*\d{1,3}\s*[\-‐―ー－)）]$|^\d{1,3}\s*[/／]\s*\d{1,3}$")
_FIGURE_ONLY = re.compile(r"^[\d０-９①-⑩,，.．\s]+$")
NOTE = "note"  # a ※ remark: the report's, kept in its introduction
_PROSE = {REVIEWER: "reviewer_opinion", REASON: "direction_reason", SUMMARY: "summary"}
_LEGEND_LINE = re.compile(r"[①-④1-4]\s*\S")


@dataclass(frozen=True)
class Piece:
    """A label or a value of the form, with the line it came from."""

    text: str
    where: str
    label: str = ""  # the label's name (TITLE, COST …), "" for a value
    number: int = 0  # the KPI's number a label says (指標② → 2)
    scale: int = 1  # 1000 when the label says 千円


@dataclass
class FlatForm:
    """What was read: the report, the findings, and where each value came from (a JSON path → its line)."""

    report: Report
    findings: list[Finding] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    stated_year: int | None = None  # the year the document itself says
    excerpts: dict[str, str] = field(default_factory=dict)  # a JSON path → the text it was read from


def flat_form_of(blocks: list[Block], supplied: Supplied | None) -> FlatForm | None:
    """The flattened national form in ``blocks`` read with what the person importing supplied, or None when the
    blocks are no such form (another layout's recogniser reads them)."""
    lines = block_lines(blocks)
    if not is_flat_form(lines):
        return None
    supplied = supplied or Supplied()
    body = None
    if supplied.municipality:
        body = Body(supplied.municipality, supplied.prefecture or bodies.guess_prefecture(supplied.municipality, []),
                    bodies.body_code(supplied.municipality))
    flat = read_flat_form(lines, supplied.fiscal_year or 0, body)
    if not flat.report.projects:
        return None  # the form's words without its table: another layout's recogniser reads the text
    if supplied.prefecture and not supplied.municipality:
        found = flat.report.municipality
        flat.report.municipality = Body(found.name, supplied.prefecture, found.code)
    return flat


def is_flat_form(lines: list[tuple[str, str]]) -> bool:
    """Whether the text is the national form: its project-name label and two more of its words, few tabs."""
    joined = "".join(text.replace(" ", "").replace("\u3000", "") for text, _ in lines[:400])
    named = "交付対象事業の名称" in joined or "交付対象事業名" in joined  # the form's first column, not 経費
    return named and sum(word in joined for word in _FORM_WORDS) >= 2


def block_lines(blocks: list[Block]) -> list[tuple[str, str]]:
    """Each block as one line of text with its place (行12)."""
    return [(block.text or "  ".join(cell for cell in block.cells if cell), block.where) for block in blocks]


def _label_of(text: str) -> tuple[str, int, int] | None:
    """(name, KPI number, scale) when the whole of ``text`` is a label of the form."""
    key = halfwidth(text).replace(" ", "").replace("\u3000", "")
    for name, pattern in _WHOLE:
        if pattern.match(key) or pattern.match(key.replace("（", "(").replace("）", ")")):
            marker = _KPI_NUMBER.search(text)
            number = _CIRCLED.index(marker.group(0)) + 1 if marker and name == KPI else 0
            return name, number, 1000 if _THOUSANDS.search(text) else 1
    return None


def unexpected(where: str) -> Finding:
    """The finding for a line whose shape no rule expected: named, skipped, and the import goes on."""
    return Finding(Severity.WARNING, "import_unexpected",
                   _("この行の形を読み取れないため、飛ばして続けました"), "$", where)


def _is_legend(text: str) -> bool:
    """A line defining a scale: two or more of the effect levels, or of the directions, each with its number."""
    effects = sum(label in text for label in EFFECT_LABELS.values()) + text.count("効果がなかった")
    directions = sum(word in text for word in ("追加等更に発展", "事業内容の見直し", "事業の継続", "事業の中止"))
    return (effects >= 2 or directions >= 2) and len(_LEGEND_LINE.findall(text)) >= 2


def pieces_of(lines: list[tuple[str, str]], findings: list[Finding]) -> list[Piece]:
    """The stream of labels and values, legends left out, split headers joined, long lines cut at their labels."""
    pieces: list[Piece] = []
    index = 0
    while index < len(lines):
        text, where = lines[index]
        text = text.strip()
        index += 1
        if not text:
            continue
        if _PAGE_NUMBER.match(text):
            continue  # a page's number (- 2 -, 2/5): the PDF's, not the form's
        if text.startswith("※"):
            pieces.append(Piece(text, where, NOTE))
            continue
        if _is_legend(text):
            findings.append(Finding(Severity.INFO, "import_legend",
                                    _("凡例として読みました（事業ではありません）: 「{text}」").format(text=text[:40]),
                                    "$", where))
            continue
        label = _label_of(text)
        if label is None and index < len(lines) and len(text) <= 8 and not _FIGURE_ONLY.match(text):
            rest = lines[index][0].strip()  # a header split mid-word: 事業の評 / 価
            joined = _label_of(text + rest) if len(rest) <= 4 and _label_of(rest) is None else None
            if joined is not None:
                label, index = joined, index + 1
        if label is not None:
            pieces.append(Piece(text, where, *label))
            continue
        pieces += [piece if part == piece.text else Piece(part, where)
                   for piece in _cut(text, where) for part in _scale_values(piece)]
    return pieces


# The scales' own wording, by which two values a PDF reader joined into one line are told apart.
DIRECTION_WORDS = ("追加等更に発展させる", "事業内容の見直し（改善）", "事業の継続", "事業の中止", "予定通り事業終了")
_SCALE_WORDS = re.compile("(" + "|".join(re.escape(w) for w in (*EFFECT_LABELS.values(), *DIRECTION_WORDS)) + ")")


def _scale_values(piece: Piece) -> list[str]:
    """地方創生に非常に効果的であった地方創生に効果があった (two cells joined by a PDF reader) → the two values;
    any other piece as it is."""
    if piece.label or len(_SCALE_WORDS.findall(piece.text)) < 2:
        return [piece.text]
    parts = [part for part in _SCALE_WORDS.split(piece.text) if part.strip()]
    return parts if all(_SCALE_WORDS.fullmatch(part) for part in parts) else [piece.text]


def _cut(text: str, where: str) -> list[Piece]:
    """A long line cut at its labels: 交付対象事業の名称 A事業 事業費 12,000千円 → label, value, label, value."""
    found = list(_INLINE.finditer(halfwidth(text)))
    if not found:
        return [Piece(text, where)]
    pieces: list[Piece] = []
    normal = halfwidth(text)
    if normal[:found[0].start()].strip():
        pieces.append(Piece(normal[:found[0].start()].strip(), where))
    for match, after in zip(found, [*found[1:], None], strict=True):
        label = _label_of(match.group(1))
        if label is None:
            continue
        pieces.append(Piece(match.group(1), where, *label))
        value = normal[match.end():after.start() if after is not None else len(normal)].strip(" :：")
        if value:
            pieces.append(Piece(value, where))
    return pieces


@dataclass
class _Reader:
    report: Report
    findings: list[Finding] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    excerpts: dict[str, str] = field(default_factory=dict)
    kpis: dict[int, Kpi] = field(default_factory=dict)  # project index → the KPI being filled
    current: int = -1  # the project a single value belongs to
    last: Piece | None = None  # the last label read (a ※ remark may interrupt its values)
    column: tuple[int, int] = (0, 0)  # the projects of the last column of names: first index, count

    def path(self, index: int, rest: str = "") -> str:
        return f"$.reports[0].projects[{index}]{rest}"

    def place(self, path: str, piece: Piece) -> None:
        """Where the value at ``path`` came from: the piece's line and its text as written."""
        self.sources[path] = piece.where
        self.excerpts[path] = piece.text[:200]

    def new_project(self, value: Piece) -> None:
        project = Project(number=len(self.report.projects) + 1, title=value.text[:300], start_year=0, end_year=0)
        self.report.projects.append(project)
        self.current = len(self.report.projects) - 1
        self.place(self.path(self.current, ".title"), value)

    def group(self, label: Piece, values: list[Piece]) -> None:
        """A label and the values after it: a column (one per project), one value, or an ambiguous run."""
        if label.label == TITLE:
            for value in values:
                self.new_project(value)
            if len(values) > 1:
                self.current = len(self.report.projects) - len(values)
                self.column = (self.current, len(values))
            return
        if label.label in (YEAR, BODY):
            return  # read before the walk
        if label.label == NOTE:
            self.report.introduction.append(label.text)
            self.sources[f"$.reports[0].introduction[{len(self.report.introduction) - 1}]"] = label.where
            if values and self.last is not None:  # values after a remark still belong to the label before it
                self.group(self.last, values)
            return
        self.last = label
        projects = self.report.projects
        if not values:
            return
        if len(values) == 1 and 0 <= self.current < len(projects):
            self.put(self.current, label, values[0])
            return
        start = self.column[0] if len(values) == self.column[1] else (0 if len(values) == len(projects) else -1)
        if start >= 0 and len(values) > 1:  # a column, or a block of values matched to the projects by order
            for offset, value in enumerate(values):
                self.put(start + offset, label, value)
            return
        shown = "、".join(f"「{v.text[:20]}」（{v.where}）" for v in values[:6])
        self.findings.append(Finding(
            Severity.WARNING, "import_unpaired",
            _("「{label}」の値{count}件を事業{projects}件に対応づけられないため、取り込んでいません: {values}").format(
                label=label.text, count=len(values), projects=len(projects), values=shown),
            "$.reports[0].projects", label.where))

    def put(self, index: int, label: Piece, value: Piece) -> None:
        project = self.report.projects[index]
        name, text = label.label, value.text
        if name == PROGRAM:
            self.report.program = GrantProgram(name=text[:200], rate=self.report.program.rate)
        elif name in (COST, GRANT):
            self.amount(index, project, label, value)
        elif name == KPI:
            kpi = Kpi(number=label.number or len(project.kpis) + 1, name=text[:300], unit="")
            if any(k.number == kpi.number for k in project.kpis):
                kpi.number = max(k.number for k in project.kpis) + 1
            project.kpis.append(kpi)
            self.kpis[index] = kpi
            self.place(self.path(index, f".kpis[{len(project.kpis) - 1}].name"), value)
        elif name in (UNIT, TARGET, TARGET_DATE, ACTUAL, BASELINE):
            self.figure(index, project, name, value)
        elif name in _ASSESSMENTS:
            self.assessment(index, project, name, value)
        elif name in (REVIEWER, REASON, SUMMARY):
            target = getattr(project, _PROSE[name])
            if text not in ("-", "―", "－", "ー"):
                target.append(text)
                self.place(self.path(index, "." + _PROSE[name]), value)

    def amount(self, index: int, project: Project, label: Piece, value: Piece) -> None:
        text = halfwidth(value.text).replace(" ", "")
        scale = 1000 if "千円" in text else (1 if "円" in text else label.scale)
        try:
            yen = parse_yen(text, scale=scale)
        except KoukaError:
            self.unread(index, label, value)
            return
        if label.label == COST:
            project.cost_yen = yen
            self.place(self.path(index, ".cost_yen"), value)
        else:
            project.grant_yen = yen
            self.place(self.path(index, ".grant_yen"), value)

    def figure(self, index: int, project: Project, name: str, value: Piece) -> None:
        kpi = self.kpis.get(index)
        if kpi is None:
            self.unread(index, Piece(name, value.where, name), value)
            return
        k = project.kpis.index(kpi)
        if name == UNIT:
            kpi.unit = value.text[:20]
            return
        if name == TARGET_DATE:
            ref = find_year(value.text)
            if ref is None:
                self.unread(index, Piece(name, value.where, name), value)
                return
            year = ref.year - 1 if ref.month is not None and ref.month <= 3 else ref.year
            if 0 in kpi.targets:
                kpi.targets[year] = kpi.targets.pop(0)
            kpi.notes.append(_("目標年月: {text}").format(text=value.text))
            self.sources[self.path(index, f".kpis[{k}].targets")] = value.where  # the figure's text stays
            return
        try:
            measurement = read_measurement(value.text, kpi.unit)
        except KoukaError:
            self.unread(index, Piece(name, value.where, name), value)
            return
        if not kpi.unit and measurement.unit:
            kpi.unit = measurement.unit
        if name == BASELINE:
            kpi.baseline = measurement
            self.place(self.path(index, f".kpis[{k}].baseline"), value)
        elif name == TARGET:
            kpi.targets[0] = measurement  # the year: 目標年月, else the report's (at the end)
            self.place(self.path(index, f".kpis[{k}].targets"), value)
        else:
            kpi.actuals[0] = measurement
            self.place(self.path(index, f".kpis[{k}].actuals"), value)

    def assessment(self, index: int, project: Project, name: str, value: Piece) -> None:
        """事業の効果 or 今後の方針: set when its value says one, else kept in the project's notes."""
        assessment, text = _ASSESSMENTS[name], value.text.strip()
        level = assessment.read(text)
        if level is None:
            self.unread(index, Piece(name, value.where, name), value)
            return
        assessment.hold(project, level, text[:500])
        self.place(self.path(index, "." + assessment.attribute), value)

    def unread(self, index: int, label: Piece, value: Piece) -> None:
        project = self.report.projects[index]
        project.notes.append(f"{label.text}：{value.text}"[:8000])
        self.findings.append(Finding(
            Severity.WARNING, "import_value_unread",
            _("{where}「{label}」の値「{value}」を読み取れないため備考に入れました").format(
                where=project_label(project), label=label.text, value=value.text[:40]),
            self.path(index, ".notes"), value.where))


def _effect_on_form(text: str) -> EffectLevel | None:
    """事業の効果 in the scale's words, or starting with its place on the scale (3, ３, ③)."""
    level = effect_of(text)
    if level is None and text[:1] and text[:1] in "1234①②③④１２３４":
        level = EFFECT_SCALE["1234".find(halfwidth(text[0])) if text[0] not in "①②③④" else "①②③④".index(text[0])]
    return level


def _direction_on_form(text: str) -> NextDirection | None:
    """今後の方針 in the directions' words, or starting with its place on the national scale (3, ３)."""
    direction = direction_of(text)
    digit = halfwidth(text)[:1]
    if direction is None and digit and digit in "1234":
        direction = DIRECTION_SCALE["1234".index(digit)]
    return direction


# The form's two assessments, by label: how the form's value is read, where it goes.
_ASSESSMENTS = {
    EFFECT: Assessment(Field.EVALUATION, _effect_on_form, "evaluation", "verification"),
    DIRECTION: Assessment(Field.DIRECTION, _direction_on_form, "next_direction", "direction_reason"),
}


def _year_and_body(pieces: list[Piece], texts: list[str]) -> tuple[int, Body]:
    year = 0
    name = ""
    for label, value in zip(pieces, [*pieces[1:], None][:len(pieces)], strict=True):  # no pieces: no pairs
        if value is None or value.label != "":
            continue
        if label.label == YEAR and not year:
            ref = find_year(value.text)
            year = ref.year if ref is not None else 0
        if label.label == BODY and not name:
            name = value.text.strip()[:60]
    if not year:
        for text in texts[:5]:
            titled = ("効果" in text or "交付金" in text or "検証" in text) and "交付対象事業" not in text
            ref = find_year(text) if titled else None
            if ref is not None:
                year = ref.year
                break
    prefecture = ""
    if name:
        prefecture, name = bodies.split_prefecture(name)
    else:
        name = bodies.guess_municipality(texts[:3], texts)
    prefecture = prefecture or bodies.guess_prefecture(name, texts)
    return year, Body(name=name, prefecture=prefecture, code=bodies.body_code(name))


def read_flat_form(lines: list[tuple[str, str]], fiscal_year: int = 0, body: Body | None = None) -> FlatForm:
    """The report a flattened national form holds; ``fiscal_year`` and ``body`` when the person importing said."""
    findings: list[Finding] = []
    pieces = pieces_of(lines, findings)
    texts = [text for text, _ in lines if text.strip()]
    year, found_body = _year_and_body(pieces, texts)
    reader = _Reader(Report(municipality=body or found_body, fiscal_year=fiscal_year or year), findings)
    if not reader.report.municipality.name:
        findings.append(Finding(Severity.WARNING, "import_no_municipality",
                                _("団体名が読み取れません。--municipality で指定してください"),
                                "$.reports[0].municipality.name", ""))
    if fiscal_year and year and year != fiscal_year:
        findings.append(Finding(
            Severity.WARNING, "import_fiscal_year_differs",
            _("文書の対象年度（{stated}）と指定された年度（{supplied}）が異なります。指定された年度で取り込みました")
            .format(stated=format_fiscal_year(year), supplied=format_fiscal_year(fiscal_year)),
            "$.reports[0].fiscal_year", ""))
    index = 0
    while index < len(pieces):
        label = pieces[index]
        index += 1
        if not label.label:
            if not reader.report.projects and not reader.report.title and (
                    "効果" in label.text or "交付金" in label.text):
                reader.report.title = label.text[:300]
            else:
                findings.append(Finding(Severity.WARNING, "import_unplaced",
                                        _("取り込めなかった記述があります: 「{text}」").format(text=label.text[:40]),
                                        "$", label.where))
            continue
        values: list[Piece] = []
        while index < len(pieces) and not pieces[index].label:
            values.append(pieces[index])
            index += 1
        try:
            reader.group(label, values)
        except (KoukaError, ArithmeticError, ValueError, IndexError, KeyError):  # a shape no rule expected
            findings.append(unexpected(label.where))
    _finish(reader)
    return FlatForm(reader.report, findings, reader.sources, year or None, reader.excerpts)


def _finish(reader: _Reader) -> None:
    """The figures' years: a target without 目標年月 and every actual are of the report's year."""
    report = reader.report
    year = report.fiscal_year
    for project in report.projects:
        project.start_year = project.start_year or year
        project.end_year = project.end_year or year
        for kpi in project.kpis:
            if year:
                if 0 in kpi.targets:
                    kpi.targets[year] = kpi.targets.pop(0)
                if 0 in kpi.actuals:
                    kpi.actuals[year] = kpi.actuals.pop(0)
            else:  # no year to file them under: kept as the KPI's notes until the year is given (--year)
                for word, series in ((_("目標値"), kpi.targets), (_("実績値"), kpi.actuals)):
                    if 0 in series:
                        kpi.notes.append(f"{word}: {series.pop(0).text}")


__all__ = ["FlatForm", "Piece", "block_lines", "is_flat_form", "pieces_of", "read_flat_form"]
