"""Whether a report may be stored at all: every field within :mod:`kouka.domain.limits`.

This is the one validation every door applies before it writes (the web forms and API, an import's
confirmation, a workbook upload, a restore, a file load): a report that passes serialises to a document the
interchange schema accepts and fits the database's columns. It is not :mod:`kouka.domain.checks`, which
finds what a valid report gets wrong (a grant that is not cost × rate); a problem here means the value
cannot be kept. Each problem is a :class:`Finding` with code ``invalid_value``, a message naming the field
in the city's words, and the JSON path a form maps back to its field.
"""

from collections.abc import Iterable, Iterator
from dataclasses import replace
from decimal import Decimal

from kouka.domain import limits
from kouka.domain.checks import Finding, Severity, kpi_label, project_label
from kouka.domain.eras import format_fiscal_year
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import format_yen
from kouka.domain.model import Categorised, EffectLevel, Kpi, Measurement, NextDirection, Project, Report

CODE = "invalid_value"


class Problems:
    """Collects the problems of one node; ``where`` is the city's name of the node (事業① 成果目標②)."""

    def __init__(self, path: str, where: str) -> None:
        self.path = path
        self.where = where
        self.found: list[Finding] = []

    def add(self, field: str, message: str) -> None:
        self.found.append(Finding(Severity.ERROR, CODE, f"{self.where} {message}".strip(),
                                  f"{self.path}.{field}" if field else self.path, self.where))

    def text(self, field: str, value: str, limit: limits.TextLimit) -> None:
        if limit.required and not value.strip():
            self.add(field, _("{field}が空です").format(field=_(limit.label)))
            return
        if len(value) > limit.max_length:
            self.add(field, _("{field}が長すぎます（{length}文字、上限{limit}文字）").format(
                field=_(limit.label), length=f"{len(value):,}", limit=f"{limit.max_length:,}"))
        forbidden = limits.FORBIDDEN_IN_TEXT if limit.multiline else limits.FORBIDDEN_IN_LINE
        found = forbidden.search(value)
        if found is not None:
            what = _("改行やタブ") if found.group() in "\t\n\r" else _("制御文字")
            self.add(field, _("{field}に使えない文字（{what} {code}）が含まれています").format(
                field=_(limit.label), what=what, code=f"U+{ord(found.group()):04X}"))

    def texts(self, field: str, values: Iterable[str], limit: limits.TextLimit) -> None:
        for index, value in enumerate(values):
            self.text(f"{field}[{index}]", value, limit)

    def yen(self, field: str, value: int | None, label: str) -> None:
        if value is None:
            return
        if value < 0:
            self.add(field, _("{field}が負の額です（{amount}）").format(field=_(label), amount=format_yen(value)))
        elif value > limits.MAX_YEN:
            self.add(field, _("{field}が大きすぎます（上限{amount}）").format(field=_(label),
                                                                       amount=format_yen(limits.MAX_YEN)))

    def year(self, field: str, value: int | None, years: limits.YearRange) -> None:
        if value is not None and value not in years:
            self.add(field, _("{field}の年 {year} は扱える範囲（{first}年～{last}年）の外です").format(
                field=_(years.label), year=value, first=years.first, last=years.last))

    def number(self, field: str, value: int, label: str, highest: int) -> None:
        if not 1 <= value <= highest:
            self.add(field, _("{field} {value} は1から{highest}までで指定してください").format(
                field=_(label), value=value, highest=highest))


def _paragraphs(holder: str, field: str) -> limits.TextLimit:
    """The paragraph limit under the field's own name (まとめ（検証結果）, 事業概要 …)."""
    return replace(limits.PARAGRAPH, label=limits.LABELS[(holder, field)])


def decimal_problem(value: Decimal) -> str:
    """Why ``value`` cannot be stored as a KPI figure, or "" (exact, at most 18 + 10 digits, finite)."""
    if not value.is_finite():
        return _("数値ではありません")
    digits, exponent = value.as_tuple()[1:]
    assert isinstance(exponent, int)  # finite values have an integer exponent
    fraction = max(0, -exponent)
    whole = max(0, len(digits) + exponent)
    if whole > limits.MAX_INTEGER_DIGITS:
        return _("桁数が多すぎます（整数部{digits}桁まで）").format(digits=limits.MAX_INTEGER_DIGITS)
    if fraction > limits.MAX_FRACTION_DIGITS:
        return _("小数点以下の桁数が多すぎます（{digits}桁まで）").format(digits=limits.MAX_FRACTION_DIGITS)
    return ""


def report_problems(report: Report, path: str = "$") -> list[Finding]:
    """Every problem of a whole report, in document order; [] when it may be stored."""
    found = Problems(path, "")
    found.text("title", report.title, limits.REPORT_TITLE)
    found.texts("introduction", report.introduction, _paragraphs("report", "introduction"))
    found.text("stated_total_label", report.stated_total_label, limits.STATED_TOTAL_LABEL)
    found.yen("stated_total_yen", report.stated_total_yen, limits.LABELS[("report", "stated_total_yen")])
    found.text("source", report.source, limits.SOURCE)
    found.text("program.name", report.program.name, limits.PROGRAM_NAME)
    found.text("municipality.name", report.municipality.name, limits.BODY_NAME)
    found.text("municipality.prefecture", report.municipality.prefecture, limits.PREFECTURE)
    found.year("fiscal_year", report.fiscal_year, limits.REPORT_YEARS)
    problems = found.found
    for index, project in enumerate(report.projects):
        problems += project_problems(project, f"{path}.projects[{index}]")
    return problems


def project_problems(project: Project, path: str, *, with_kpis: bool = True) -> list[Finding]:
    """A project's own fields (and, unless ``with_kpis`` is False, its KPIs')."""
    found = Problems(path, project_label(project))
    found.number("number", project.number, limits.LABELS[("project", "number")], limits.MAX_PROJECT_NUMBER)
    found.text("title", project.title, limits.PROJECT_TITLE)
    found.texts("title_notes", project.title_notes, _paragraphs("project", "title_notes"))
    found.texts("departments", project.departments, limits.DEPARTMENT)
    found.year("period.start", project.start_year, limits.PROJECT_YEARS)
    found.year("period.end", project.end_year, limits.PROJECT_YEARS)
    if project.end_year < project.start_year:
        found.add("period.end", _("事業期間の終わりが始まりより前です"))
    found.text("lead_body", project.lead_body, replace(limits.BODY_NAME, label=limits.LABELS[("project", "lead_body")]))
    found.texts("partner_bodies", project.partner_bodies,
                replace(limits.BODY_NAME, label=limits.LABELS[("project", "partner_bodies")]))
    found.text("cost_label", project.cost_label, limits.COST_LABEL)
    found.yen("cost_yen", project.cost_yen, limits.LABELS[("project", "cost_yen")])
    found.yen("grant_yen", project.grant_yen, limits.LABELS[("project", "grant_yen")])
    found.text("kpi_scope_label", project.kpi_scope_label, limits.KPI_SCOPE_LABEL)
    found.text("reviewer_label", project.reviewer_label, limits.REVIEWER_LABEL)
    for field in ("summary", "kpi_notes", "verification", "figure_captions", "notes", "reviewer_opinion",
                  "direction_reason", "council_remarks", "review_response"):
        found.texts(field, getattr(project, field), _paragraphs("project", field))
    for field, categorised in (("evaluation", project.evaluation), ("next_direction", project.next_direction)):
        _categorised(found, field, categorised)
    found.text("key", project.key, limits.KEY)
    problems = found.found
    if with_kpis:
        for index, kpi in enumerate(project.kpis):
            problems += kpi_problems(kpi, project, f"{path}.kpis[{index}]")
    return problems


def _categorised(found: Problems, field: str,
                 value: Categorised[EffectLevel] | Categorised[NextDirection] | None) -> None:
    if value is not None:
        found.text(f"{field}.text", value.text, limits.CATEGORY_TEXT)


def kpi_problems(kpi: Kpi, project: Project, path: str) -> list[Finding]:
    """One KPI's fields and figures."""
    found = Problems(path, kpi_label(project, kpi))
    found.number("number", kpi.number, limits.LABELS[("kpi", "number")], limits.MAX_KPI_NUMBER)
    found.text("name", kpi.name, limits.KPI_NAME)
    found.text("unit", kpi.unit, limits.UNIT)
    found.year("baseline_year", kpi.baseline_year, limits.FIGURE_YEARS)
    found.texts("notes", kpi.notes, _paragraphs("kpi", "notes"))
    found.text("key", kpi.key, limits.KEY)
    if kpi.baseline is not None:
        _measurement(found, "baseline", kpi.baseline, _(limits.LABELS[("kpi", "baseline")]))
    for role, series in (("targets", kpi.targets), ("actuals", kpi.actuals)):
        for year, measurement in sorted(series.items()):
            if year not in limits.FIGURE_YEARS:
                found.year(f"{role}.{year}", year, limits.FIGURE_YEARS)
                continue
            label = format_fiscal_year(year) + _(limits.LABELS[("kpi", role)])
            _measurement(found, f"{role}.{year}", measurement, label)
    for year, mark in sorted(kpi.marks.items()):
        found.year(f"marks.{year}", year, limits.FIGURE_YEARS)
        found.text(f"marks.{year}", mark, limits.MARK)
    return found.found


def _measurement(found: Problems, field: str, m: Measurement, label: str) -> None:
    if m.value is not None and (why := decimal_problem(m.value)):
        found.add(f"{field}.value", f"{label}: {why}")
    for name, value, limit in (("unit", m.unit, limits.UNIT), ("text", m.text, limits.FIGURE_TEXT),
                               ("note", m.note, limits.FIGURE_NOTE)):
        for problem in _text_problems(value, limit):
            found.add(f"{field}.{name}", f"{label}: {problem}")
    if m.reference is not None and m.reference.year not in limits.FIGURE_YEARS:
        found.add(f"{field}.reference", _("{field}: 対象時点の年 {year} は扱える範囲の外です").format(
            field=label, year=m.reference.year))


def _text_problems(value: str, limit: limits.TextLimit) -> Iterator[str]:
    probe = Problems("", "")
    probe.text("", value, limit)
    for finding in probe.found:
        yield finding.message
