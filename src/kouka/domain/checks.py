"""Consistency checks over a report: each returns findings, never raises.

A finding says how bad it is, what is wrong (a sentence that names its place, in the
current language: kouka.domain.i18n) and where, both as a path into the interchange
document and as the city's own words (事業② 成果目標③).
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from kouka.domain.eras import format_fiscal_period, format_fiscal_year
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import format_yen, split_scale
from kouka.domain.model import Kpi, Measurement, MeasurementStatus, Project, Report
from kouka.domain.rules import grant_for, program_total

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled(number: int) -> str:
    """3 → ③ (numbers past 20 stay in digits)."""
    return CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else f"({number})"


class Severity(StrEnum):
    """How much a finding weighs: an error stops publishing (the publish gate lists it first), a warning asks for
    a look before publishing, info only notes how something was read (a period assumed, the national form's legend)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str  # a sentence for people that names its place: 事業① 事業費がありません
    path: str  # JSON path into the interchange document, e.g. $.reports[0].projects[1].grant_yen
    where: str  # the city's words: 事業② 成果目標③

    @property
    def sentence(self) -> str:
        """The finding as people read it, naming its place once: 事業① まとめ（検証結果）が書かれていません."""
        if not self.where or self.message.startswith(self.where):
            return self.message
        return f"{self.where}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "where": self.where,
        }


def project_label(project: Project) -> str:
    """事業②."""
    return number_label(project.number)


def number_label(project: int, kpi: int | None = None) -> str:
    """The city's name of a project or KPI by its numbers: 事業② (2), 事業② 成果目標③ (2, 3)."""
    label = _("事業{number}").format(number=circled(project))
    return label if kpi is None else _("{project} 成果目標{number}").format(project=label, number=circled(kpi))


def names_project(where: str, number: int) -> bool:
    """Whether a finding's ``where`` names project ``number``: 「事業①」 and 「事業① 成果目標②」 name project 1;
    「事業⑪」, 「事業(21)」 and a report-level finding do not."""
    label = f"事業{circled(number)}"
    return where == label or where.startswith(label + " ")


def kpi_label(project: Project, kpi: Kpi) -> str:
    """事業② 成果目標③."""
    return number_label(project.number, kpi.number)


def check_report(report: Report, path: str = "$") -> list[Finding]:
    """Every finding for one report, in document order."""
    findings = list(_check_total(report, path))
    findings += _check_duplicates(
        [p.number for p in report.projects], f"{path}.projects", _("事業番号"), "")
    for p_index, project in enumerate(report.projects):
        findings += check_project(project, report, f"{path}.projects[{p_index}]")
    return findings


def check_project(project: Project, report: Report, path: str) -> list[Finding]:
    where = project_label(project)
    findings = list(_check_grant(project, report, path, where))
    if project.end_year < project.start_year:
        findings.append(Finding(Severity.ERROR, "period_reversed",
                                _("{where} 事業期間の終わりが始まりより前です").format(where=where),
                                f"{path}.end_year", where))
    findings += _check_duplicates([k.number for k in project.kpis], f"{path}.kpis", _("成果目標番号"), where)
    for k_index, kpi in enumerate(project.kpis):
        findings += check_kpi(kpi, project, report, f"{path}.kpis[{k_index}]")
    return findings


def _check_total(report: Report, path: str) -> Iterator[Finding]:
    if report.stated_total_yen is None:
        return
    total = program_total(report.projects)
    if report.stated_total_yen != total:
        yield Finding(
            Severity.ERROR, "total_mismatch",
            _("交付額の合計 {stated} が各事業の交付金充当額の和 {total} と一致しません").format(
                stated=format_yen(report.stated_total_yen), total=format_yen(total)),
            f"{path}.stated_total_yen", _("本市交付額"))


def _check_grant(project: Project, report: Report, path: str, where: str) -> Iterator[Finding]:
    if project.cost_yen is None or project.grant_yen is None:
        if project.cost_yen is None:
            yield Finding(Severity.WARNING, "cost_missing", _("{where} 事業費がありません").format(where=where),
                          f"{path}.cost_yen", where)
        if project.grant_yen is None:
            yield Finding(Severity.WARNING, "grant_missing",
                          _("{where} 交付金充当額がありません").format(where=where), f"{path}.grant_yen", where)
        return
    expected = grant_for(project.cost_yen, report.program.rate)
    if project.grant_yen != expected:
        rate = report.program.rate
        yield Finding(
            Severity.ERROR, "grant_mismatch",
            _("{where}の交付金充当額 {grant} が事業費 {cost} × {rate} = {expected} と一致しません").format(
                where=where, grant=format_yen(project.grant_yen), cost=format_yen(project.cost_yen),
                rate=f"{rate.numerator}/{rate.denominator}", expected=format_yen(expected)),
            f"{path}.grant_yen", where)


def _check_duplicates(numbers: list[int], path: str, label: str, where: str) -> Iterator[Finding]:
    for number, count in Counter(numbers).items():
        if count > 1:
            place = where or f"{label} {number}"
            yield Finding(Severity.ERROR, "duplicate_number",
                          _("{where} {label} {number} が{count}回あります").format(
                              where=where, label=label, number=number, count=count).strip(), path, place)


def check_kpi(kpi: Kpi, project: Project, report: Report, path: str) -> list[Finding]:
    where = kpi_label(project, kpi)
    findings: list[Finding] = []
    for year in sorted(kpi.targets):
        if not project.start_year <= year <= project.end_year:
            findings.append(Finding(
                Severity.WARNING, "target_outside_period",
                _("{where}の目標年度 {year} が事業期間 {period} の外です").format(
                    where=where, year=format_fiscal_year(year),
                    period=format_fiscal_period(project.start_year, project.end_year)),
                f"{path}.targets.{year}", where))
    series: list[tuple[str, Measurement]] = []
    if kpi.baseline is not None:
        series.append((f"{path}.baseline", kpi.baseline))
    series += [(f"{path}.targets.{year}", m) for year, m in sorted(kpi.targets.items())]
    series += [(f"{path}.actuals.{year}", m) for year, m in sorted(kpi.actuals.items())]
    for value_path, measurement in series:
        findings += _check_measurement(kpi, measurement, value_path, where)
    if report.fiscal_year in kpi.targets and report.fiscal_year not in kpi.actuals:
        findings.append(Finding(
            Severity.WARNING, "actual_missing",
            _("{where}の{year}実績がありません").format(where=where, year=format_fiscal_year(report.fiscal_year)),
            f"{path}.actuals", where))
    return findings


def _check_measurement(kpi: Kpi, measurement: Measurement, path: str, where: str) -> Iterator[Finding]:
    if measurement.value is None and measurement.status in (MeasurementStatus.FINAL, MeasurementStatus.PRELIMINARY):
        yield Finding(Severity.ERROR, "value_without_status",
                      _("{where}: 値がなく、集計中などの状態も示されていません").format(where=where), path, where)
    if measurement.value is not None and measurement.unit and kpi.unit and measurement.unit != kpi.unit:
        same_base = split_scale(measurement.unit)[1] == split_scale(kpi.unit)[1]
        yield Finding(Severity.WARNING if same_base else Severity.ERROR, "unit_mismatch",
                      _("{where}: 値の単位「{have}」が成果目標の単位「{want}」と異なります").format(
                          where=where, have=measurement.unit, want=kpi.unit), path, where)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
