"""Consistency checks over a report: each returns findings, never raises.

A finding says how bad it is, what is wrong (in Japanese and English) and where,
both as a path into the interchange document and as the city's own words
(事業② 成果目標③).
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from kouka.domain.eras import format_fiscal_period, format_fiscal_year
from kouka.domain.jpnumbers import format_yen, split_scale
from kouka.domain.model import Kpi, Measurement, MeasurementStatus, Project, Report
from kouka.domain.rules import grant_for, program_total

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled(number: int) -> str:
    """3 → ③ (numbers past 20 stay in digits)."""
    return CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else f"({number})"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str  # Japanese first, then English after " / "
    path: str  # JSON path into the interchange document, e.g. $.reports[0].projects[1].grant_yen
    where: str  # the city's words: 事業② 成果目標③

    def as_dict(self) -> dict[str, str]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "where": self.where,
        }


def project_label(project: Project) -> str:
    return f"事業{circled(project.number)}"


def names_project(where: str, number: int) -> bool:
    """Whether a finding's ``where`` names project ``number``: 「事業①」 and 「事業① 成果目標②」 name project 1;
    「事業⑪」, 「事業(21)」 and a report-level finding do not."""
    label = f"事業{circled(number)}"
    return where == label or where.startswith(label + " ")


def kpi_label(project: Project, kpi: Kpi) -> str:
    return f"{project_label(project)} 成果目標{circled(kpi.number)}"


def check_report(report: Report, path: str = "$") -> list[Finding]:
    """Every finding for one report, in document order."""
    findings = list(_check_total(report, path))
    findings += _check_duplicates(
        [p.number for p in report.projects], f"{path}.projects", "事業番号", "project number", "")
    for p_index, project in enumerate(report.projects):
        findings += check_project(project, report, f"{path}.projects[{p_index}]")
    return findings


def check_project(project: Project, report: Report, path: str) -> list[Finding]:
    where = project_label(project)
    findings = list(_check_grant(project, report, path, where))
    if project.end_year < project.start_year:
        findings.append(Finding(Severity.ERROR, "period_reversed",
                                "事業期間の終わりが始まりより前です / the period ends before it starts",
                                f"{path}.end_year", where))
    findings += _check_duplicates([k.number for k in project.kpis], f"{path}.kpis", "成果目標番号",
                                  "KPI number", where)
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
            f"交付額の合計 {format_yen(report.stated_total_yen)} が各事業の交付金充当額の和 "
            f"{format_yen(total)} と一致しません / stated total {report.stated_total_yen} yen is not the "
            f"sum of the projects' grants, {total} yen",
            f"{path}.stated_total_yen", "本市交付額")


def _check_grant(project: Project, report: Report, path: str, where: str) -> Iterator[Finding]:
    if project.cost_yen is None or project.grant_yen is None:
        if project.cost_yen is None:
            yield Finding(Severity.WARNING, "cost_missing", "事業費がありません / the cost is missing",
                          f"{path}.cost_yen", where)
        if project.grant_yen is None:
            yield Finding(Severity.WARNING, "grant_missing",
                          "交付金充当額がありません / the grant is missing", f"{path}.grant_yen", where)
        return
    expected = grant_for(project.cost_yen, report.program.rate)
    if project.grant_yen != expected:
        rate = report.program.rate
        yield Finding(
            Severity.ERROR, "grant_mismatch",
            f"{where}の交付金充当額 {format_yen(project.grant_yen)} が事業費 {format_yen(project.cost_yen)}"
            f" × {rate.numerator}/{rate.denominator} = {format_yen(expected)} と一致しません / project "
            f"{project.number}: grant {project.grant_yen} yen is not cost {project.cost_yen} × {rate} = "
            f"{expected} yen",
            f"{path}.grant_yen", where)


def _check_duplicates(numbers: list[int], path: str, ja: str, en: str, where: str) -> Iterator[Finding]:
    for number, count in Counter(numbers).items():
        if count > 1:
            yield Finding(Severity.ERROR, "duplicate_number",
                          f"{ja} {number} が{count}回あります / duplicate {en} {number}", path,
                          where or f"{ja} {number}")


def check_kpi(kpi: Kpi, project: Project, report: Report, path: str) -> list[Finding]:
    where = kpi_label(project, kpi)
    findings: list[Finding] = []
    for year in sorted(kpi.targets):
        if not project.start_year <= year <= project.end_year:
            findings.append(Finding(
                Severity.WARNING, "target_outside_period",
                f"{where}の目標年度 {format_fiscal_year(year)} が事業期間 "
                f"{format_fiscal_period(project.start_year, project.end_year)} の外です / target year "
                f"{year} is outside the project period {project.start_year}-{project.end_year}",
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
            f"{where}の{format_fiscal_year(report.fiscal_year)}実績がありません / no actual for "
            f"fiscal {report.fiscal_year}", f"{path}.actuals", where))
    return findings


def _check_measurement(kpi: Kpi, measurement: Measurement, path: str, where: str) -> Iterator[Finding]:
    if measurement.value is None and measurement.status in (MeasurementStatus.FINAL, MeasurementStatus.PRELIMINARY):
        yield Finding(Severity.ERROR, "value_without_status",
                      f"{where}: 値がなく、集計中などの状態も示されていません / a value is missing with no "
                      "status (pending, before start, not applicable)", path, where)
    if measurement.value is not None and measurement.unit and kpi.unit and measurement.unit != kpi.unit:
        same_base = split_scale(measurement.unit)[1] == split_scale(kpi.unit)[1]
        yield Finding(Severity.WARNING if same_base else Severity.ERROR, "unit_mismatch",
                      f"{where}: 値の単位「{measurement.unit}」が成果目標の単位「{kpi.unit}」と異なります / "
                      f"value unit {measurement.unit!r} differs from the KPI unit {kpi.unit!r}", path, where)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
