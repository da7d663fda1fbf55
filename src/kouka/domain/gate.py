"""What must hold before a report is published: the checklist of 公表する and of ``kouka check``.

Errors block publication: a placeholder left in the text (【要記入：…】 from the draft, kouka's own （未記入）),
an empty まとめ, a missing 事業費, 交付金充当額 or target of the year, a KPI without a unit, and every error of
:func:`kouka.domain.checks.check_report` (a grant that is not cost × rate, a total that is not the sum).
Warnings are what the administrator must look at and acknowledge: a 速報値 with no note saying so, a unit
that differs from last year's, more 成果目標 in one project than the national rules allow, and the warnings
of the consistency checks.
"""

from collections.abc import Iterator

from kouka.domain.carry import kpi_key
from kouka.domain.checks import Finding, Severity, check_report, kpi_label, project_label
from kouka.domain.draft import GAP_OPEN
from kouka.domain.eras import format_fiscal_year
from kouka.domain.i18n import _
from kouka.domain.limits import LABELS
from kouka.domain.model import KpiScope, MeasurementStatus, Project, Report
from kouka.domain.notation import NOTHING_WRITTEN
from kouka.domain.textnorm import halfwidth

# The national rules for the grant allow up to four 成果目標 (KPIs) per project.
MAX_KPIS_PER_PROJECT = 4

# What a text holds where nobody has written yet: the draft's gaps and the page's mark for nothing written.
PLACEHOLDERS = (GAP_OPEN.rstrip("："), halfwidth(NOTHING_WRITTEN))

# The prose of a project where a placeholder can be left.
PROJECT_TEXTS = ("title", "summary", "verification", "direction_reason", "reviewer_opinion", "council_remarks",
                 "review_response", "notes", "kpi_notes")

# Findings of the consistency checks that the checklist states more strongly (a missing cost blocks).
_REPLACED = frozenset({"cost_missing", "grant_missing"})


def publication_findings(report: Report, previous: Report | None = None, path: str = "$") -> list[Finding]:
    """Every finding of the checklist for ``report``; ``previous`` is last year's report, when there is one."""
    findings = [f for f in check_report(report, path) if f.code not in _REPLACED]
    findings += _placeholders_in_report(report, path)
    for index, project in enumerate(report.projects):
        findings += _project_items(project, report, f"{path}.projects[{index}]")
    if previous is not None:
        findings += _units_changed(report, previous, path)
    return findings


def has_placeholder(text: str) -> bool:
    normal = halfwidth(text)
    return any(mark in normal for mark in PLACEHOLDERS)


def _placeholder(where: str, field: str, path: str, paragraphs: list[str]) -> Iterator[Finding]:
    for index, text in enumerate(paragraphs):
        if has_placeholder(text):
            yield Finding(Severity.ERROR, "placeholder",
                          _("{where} {field}に記入されていない箇所が残っています（「{excerpt}」）").format(
                              where=where, field=_(field), excerpt=_excerpt(text)),
                          f"{path}[{index}]", where)
            return


def _excerpt(text: str) -> str:
    """The placeholder and a little around it."""
    normal = halfwidth(text)
    start = min(i for i in (normal.find(mark) for mark in PLACEHOLDERS) if i >= 0)
    return text[max(0, start - 10):start + 24]


def _placeholders_in_report(report: Report, path: str) -> Iterator[Finding]:
    yield from _placeholder(_("報告"), LABELS[("report", "title")], f"{path}.title", [report.title])
    yield from _placeholder(_("報告"), LABELS[("report", "introduction")], f"{path}.introduction", report.introduction)


def _project_items(project: Project, report: Report, path: str) -> Iterator[Finding]:
    where = project_label(project)
    for field in PROJECT_TEXTS:
        value = getattr(project, field)
        yield from _placeholder(where, LABELS[("project", field)], f"{path}.{field}",
                                value if isinstance(value, list) else [value])
    if not any(paragraph.strip() for paragraph in project.verification):
        yield Finding(Severity.ERROR, "verification_missing", _("{where} まとめ（検証結果）が書かれていません").format(
                          where=where),
                      f"{path}.verification", where)
    for field, label, value in (("cost_yen", project.cost_label or LABELS[("project", "cost_yen")], project.cost_yen),
                                ("grant_yen", LABELS[("project", "grant_yen")], project.grant_yen)):
        if value is None:
            yield Finding(Severity.ERROR, f"{field.removesuffix('_yen')}_missing",
                          _("{where} {field}がありません").format(where=where, field=_(label)),
                          f"{path}.{field}", where)
    if len(project.kpis) > MAX_KPIS_PER_PROJECT:
        yield Finding(Severity.WARNING, "too_many_kpis",
                      _("{where} 成果目標が{count}個あります（国の様式では1事業{most}個まで）").format(
                          where=where, count=len(project.kpis), most=MAX_KPIS_PER_PROJECT),
                      f"{path}.kpis", where)
    yield from _kpi_items(project, report, path)


def _kpi_items(project: Project, report: Report, path: str) -> Iterator[Finding]:
    year = format_fiscal_year(report.fiscal_year)
    for index, kpi in enumerate(project.kpis):
        where, kpi_path = kpi_label(project, kpi), f"{path}.kpis[{index}]"
        if not kpi.unit.strip():
            yield Finding(Severity.ERROR, "unit_missing", _("{where} 単位がありません").format(where=where),
                          f"{kpi_path}.unit", where)
        if report.fiscal_year not in kpi.targets:
            yield Finding(Severity.ERROR, "target_missing",
                          _("{where} {year}の目標値がありません").format(where=where, year=year),
                          f"{kpi_path}.targets", where)
        actual = kpi.actuals.get(report.fiscal_year)
        if (actual is not None and actual.status is MeasurementStatus.PRELIMINARY
                and kpi.scope is KpiScope.MUNICIPALITY and not _says_preliminary(kpi.notes + project.kpi_notes)):
            yield Finding(Severity.WARNING, "preliminary_without_note",
                          _("{where} {year}の実績値は速報値です。確定値の時期などを注記に書いてください").format(
                              where=where, year=year),
                          f"{kpi_path}.notes", where)


def _says_preliminary(notes: list[str]) -> bool:
    return any("速報" in note or "確定" in note for note in notes)


def _units_changed(report: Report, previous: Report, path: str) -> Iterator[Finding]:
    before = {kpi_key(previous.municipality, p, k): k.unit for p in previous.projects for k in p.kpis}
    for p_index, project in enumerate(report.projects):
        for k_index, kpi in enumerate(project.kpis):
            unit = before.get(kpi_key(report.municipality, project, kpi))
            if unit is not None and unit != kpi.unit:
                where = kpi_label(project, kpi)
                yield Finding(Severity.WARNING, "unit_changed",
                              _("{where} 単位が前年度の「{before}」から「{after}」に変わっています").format(
                                  where=where, before=unit, after=kpi.unit),
                              f"{path}.projects[{p_index}].kpis[{k_index}].unit", where)
