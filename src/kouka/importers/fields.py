"""A labelled value put where it belongs: one small function per field, in two tables.

``apply`` is called by every layout that reads a label and its value (a row 事業費 | 12,345千円, a line
事業費：12,345千円, a cell under a project table's 事業費 column). Fields of the document (a total, the title that
starts a project, its number) are read even before the first project; the rest fill the current project.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from kouka.domain.checks import Finding, Severity
from kouka.domain.eras import find_year, parse_fiscal_period
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.model import Project, ProjectKind
from kouka.domain.textnorm import halfwidth, squeeze_spaces
from kouka.importers.blocks import Block
from kouka.importers.build import AMOUNT_AFTER_SPACE, AMOUNT_RE, PROSE_FIELDS, Build, split_list
from kouka.importers.headers import MARKED_START
from kouka.importers.labels import ASSESSMENTS, Assessment, Field, field_of, project_number

# うち交付金 6,000千円 inside a cost's brackets; a label starts where its run of letters does (tried from inside the
# run, the rest of the run would be read again from every letter).
_LABELLED_AMOUNT_RE = re.compile(r"(?<![^\s:：()（）0-9０-９、,])(?P<label>[^\s:：()（）0-9０-９、,]+)"
                                 r"\s*(?:[:：]\s*)?(?P<amount>" + AMOUNT_AFTER_SPACE + ")")
LEAD_RE = re.compile(r"([一-龥々ヶぁ-んァ-ヴ]{2,8}?(?:都|道|府|県|市|町|村))(?:が)?主体")


@dataclass(frozen=True)
class Entry:
    """A value as the document labels it: 事業費（千円） | 12,345 → field COST, remark 千円."""

    field: Field
    remark: str  # what the label adds in brackets: 千円, 速報値 ("" for none)
    value: str
    label: str  # as printed
    block: Block


def apply(build: Build, labelled: tuple[Field, str], value: str, block: Block, label: str = "") -> None:
    """Put ``value``, labelled ``label`` (read as ``labelled``: field and remark), where it belongs."""
    entry = Entry(labelled[0], labelled[1], value.strip(), label, block)
    document = _DOCUMENT_FIELDS.get(entry.field)
    if document is not None and document(build, entry):
        return
    project = build.state.project
    if project is None:
        build.unplaced(block, f"{label} {entry.value}".strip())
        return
    build.state.section = None
    build.state.kpi_columns = None
    filler = _PROJECT_FIELDS.get(entry.field)
    if filler is not None:
        filler(build, project, entry)


# -- fields of the document ----------------------------------------------------------------------------

def _total(build: Build, entry: Entry) -> bool:
    report = build.report
    amount = build.money(entry.value, entry.remark)
    if amount is not None and report.stated_total_yen is None:
        report.stated_total_yen = amount
        report.stated_total_label = entry.label or entry.field.value
    elif amount is not None and amount != report.stated_total_yen:
        build.findings.append(Finding(
            Severity.WARNING, "import_total_differs",
            _("合計額が2か所で異なります（{label} {value}）").format(label=entry.label, value=entry.value), "$",
            entry.block.where))
    return True


def _read_before(build: Build, entry: Entry) -> bool:
    return True  # read before the walk (:mod:`kouka.importers.cover`)


def _untouched(project: Project) -> bool:
    """Whether nothing but the project's number and title has been read (its heading, and no field yet)."""
    return (not project.departments and not project.start_year and not project.summary and project.cost_yen is None
            and project.grant_yen is None and not project.kpis)


def _title(build: Build, entry: Entry) -> bool:
    project, value = build.state.project, entry.value
    numbered = project_number(value) if MARKED_START.match(value) else None
    if numbered is not None and numbered[1]:
        if project is not None and not project.title and project in build.report.projects and (
                not any(p.number == numbered[0] for p in build.report.projects if p is not project)):
            project.number = numbered[0]
            build.set_title(project, numbered[1])
        else:
            build.new_project(*numbered)
    elif project is None or (project.title and not _untouched(project)):
        build.new_project(None, value)
    else:  # 事業名 under the project's own heading: the field's wording, the notes of both
        named = Project(number=project.number, title="", start_year=0, end_year=0)
        build.set_title(named, value)
        project.title = named.title
        project.title_notes += [n for n in named.title_notes if n not in project.title_notes]
        project.departments += [d for d in named.departments if d not in project.departments]
        project.start_year = project.start_year or named.start_year
    return True


def _project_number(build: Build, entry: Entry) -> bool:
    if not entry.value.isdigit():
        return False
    project = build.state.project
    if project is None or project.title or project.kpis:
        build.new_project(int(entry.value), "")
    else:
        project.number = int(entry.value)
    return True


_DOCUMENT_FIELDS: dict[Field, Callable[[Build, Entry], bool]] = {
    Field.TOTAL: _total,
    Field.MUNICIPALITY: _read_before,
    Field.FISCAL_YEAR: _read_before,
    Field.PROGRAM: _read_before,
    Field.TITLE: _title,
    Field.PROJECT_NUMBER: _project_number,
}


# -- fields of a project -------------------------------------------------------------------------------

def _prose(build: Build, project: Project, entry: Entry) -> None:
    build.state.section = entry.field
    if entry.value:
        build.add_prose(entry.field, entry.value, entry.block)


def _departments(build: Build, project: Project, entry: Entry) -> None:
    project.departments += split_list(entry.value)


def _period(build: Build, project: Project, entry: Entry) -> None:
    try:
        project.start_year, project.end_year = parse_fiscal_period(halfwidth(entry.value))
        build.state.period_set.add(id(project))
    except KoukaError:
        build.unplaced(entry.block, entry.value)


def _period_bound(build: Build, project: Project, entry: Entry) -> None:
    ref = find_year(entry.value)
    if ref is None:
        build.unplaced(entry.block, entry.value)
    elif entry.field is Field.PERIOD_START:
        project.start_year = ref.year
    else:
        project.end_year = ref.year


def _label_text(label: str) -> str:
    """事業費（千円） → 事業費: the label as the city wrote it, without a unit remark."""
    label = re.sub(r"^\s*(?:\d{1,2}\s*[.．、)）]?\s*|[（(]\d{1,2}[)）]\s*|[■□●◆◇・]\s*)", "", label)
    return re.sub(r"\s*[（(][^（）()]*(?:円|単位)[^（）()]*[）)]\s*$", "", squeeze_spaces(label)).strip("【】[]")


def _cost(build: Build, project: Project, entry: Entry) -> None:
    """事業費 12,345千円（うち交付金 6,000千円）: the cost, and a grant stated in brackets after it."""
    value, remark = entry.value, entry.remark
    bracket = re.search(r"[（(]", value)
    head, inner = (value[: bracket.start()], value[bracket.start():]) if bracket else (value, "")
    amount = build.money(head, remark)
    if amount is None:
        build.unplaced(entry.block, value)
        return
    project.cost_yen = amount
    project.cost_label = _label_text(entry.label or "事業費")
    inline = AMOUNT_RE.search(head)
    inline_label = head[: inline.start()].strip(" 　:：") if inline else ""
    inline_field = field_of(inline_label) if inline_label else None
    if inline_field is not None and inline_field[0] is Field.COST:  # 事業費 12,345千円 under a longer heading
        project.cost_label = _label_text(inline_label)
    for match in _LABELLED_AMOUNT_RE.finditer(inner):
        inner_field = field_of(match.group("label"))
        if inner_field and inner_field[0] is Field.GRANT:
            project.grant_yen = build.money(match.group("amount"), remark)


def _grant(build: Build, project: Project, entry: Entry) -> None:
    amount = build.money(entry.value, entry.remark)
    if amount is None:
        build.unplaced(entry.block, entry.value)
    else:
        project.grant_yen = amount


def _partners(build: Build, project: Project, entry: Entry) -> None:
    project.partner_bodies = split_list(entry.value)
    project.kind = ProjectKind.WIDE_AREA


def _kind(build: Build, project: Project, entry: Entry) -> None:
    value = entry.value
    if "広域" in value or "連携" in value:
        project.kind = ProjectKind.WIDE_AREA
        lead = LEAD_RE.search(value)
        if lead and not project.lead_body:
            project.lead_body = lead.group(1)
    elif value:
        project.kind = ProjectKind.SINGLE


def _lead(build: Build, project: Project, entry: Entry) -> None:
    project.lead_body = entry.value
    project.kind = ProjectKind.WIDE_AREA


def _assessment(assessment: Assessment, build: Build, project: Project, entry: Entry) -> None:
    """A value that says the assessment sets it; any other opens its section, for the lines that follow."""
    level = assessment.read(entry.value)
    if level is None:
        build.state.section = assessment.field
        if entry.value:
            build.unplaced(entry.block, entry.value)
    else:
        assessment.hold(project, level, entry.value)


_PROJECT_FIELDS: dict[Field, Callable[[Build, Project, Entry], None]] = {
    **{prose: _prose for prose in PROSE_FIELDS},
    Field.DEPARTMENTS: _departments,
    Field.PERIOD: _period,
    Field.PERIOD_START: _period_bound,
    Field.PERIOD_END: _period_bound,
    Field.COST: _cost,
    Field.GRANT: _grant,
    Field.PARTNERS: _partners,
    Field.KIND: _kind,
    Field.LEAD: _lead,
    **{assessment.field: partial(_assessment, assessment) for assessment in ASSESSMENTS},
}
