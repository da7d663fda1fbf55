"""The last pass over a built report: what follows from everything read (the fiscal year from the figures when the
document never states it, a project's period, wide-area kind and lead, each KPI's direction, the effect and the
direction said in running text)."""

import re

from kouka.domain.checks import Finding, Severity
from kouka.domain.eras import format_fiscal_year
from kouka.domain.i18n import _
from kouka.domain.model import Categorised, Direction, EffectLevel, Kpi, KpiScope, Project, ProjectKind
from kouka.domain.textnorm import label_key
from kouka.importers.build import Build
from kouka.importers.fields import LEAD_RE
from kouka.importers.labels import ACHIEVED_MARKS, direction_of, effect_of

_SENTENCE_RE = re.compile(r"[^。]+。?")
# What a KPI measures when less is better, at the end of its name: 待機児童数, CO2排出量, 耕作放棄地面積 … (a word
# elsewhere in the name says nothing: プラごみ削減 優秀プランの実施事業者数 counts firms, more is better).
_LOWER_IS_BETTER = re.compile(r"(?:待機児童数|排出量|離職率|離職者数|空き家数|耕作放棄地(?:面積)?|転出超過数|"
                              r"事故件数|死亡者数|死者数|未利用地面積|赤字額)(?:[（(][^（）()]*[）)])?$")


def finish(build: Build) -> None:
    report = build.report
    if not report.projects:
        return
    if not report.fiscal_year:
        _year_from_figures(build)
    for project in report.projects:
        _finish_project(build, project)
    if report.fiscal_year > 1868 and report.title and report.municipality.name:
        year = format_fiscal_year(report.fiscal_year)
        standard = f"{report.municipality.name} {year} {report.program.name}事業の効果検証"
        if label_key(report.title) == label_key(standard):
            report.title = ""  # the standard heading, which kouka writes for a report without a title of its own


def _year_from_figures(build: Build) -> None:
    """No year stated: the latest year of any KPI's figures, and figures read without a year move to it."""
    report = build.report
    years = [y for p in report.projects for k in p.kpis for y in [*k.targets, *k.actuals] if y]
    report.fiscal_year = max(years) if years else 0
    build.fiscal_year = report.fiscal_year or None
    for kpi in (k for p in report.projects for k in p.kpis):
        for series in (kpi.targets, kpi.actuals, kpi.marks):
            if 0 in series and report.fiscal_year:
                series[report.fiscal_year] = series.pop(0)  # type: ignore[assignment]


def _finish_project(build: Build, project: Project) -> None:
    _period(build, project)
    _wide_area(project)
    for kpi in project.kpis:
        if project.kpi_scope_label:
            kpi.scope = KpiScope.WIDE_AREA
    for kpi in project.kpis:
        for measurement in [kpi.baseline, *kpi.targets.values(), *kpi.actuals.values()]:
            if measurement is not None and not kpi.unit:
                kpi.unit = measurement.unit
        _infer_direction(build, project, kpi)
    if project.evaluation is None:
        project.evaluation = _evaluation_from(project.verification)
    if project.next_direction is None:
        for line in project.direction_reason:
            direction = direction_of(line)
            if direction and len(label_key(line)) <= 20:
                project.next_direction = Categorised(direction, line)
                project.direction_reason.remove(line)
                break


def _period(build: Build, project: Project) -> None:
    fiscal = build.report.fiscal_year
    if not project.start_year:
        project.start_year = fiscal
    if not project.end_year:
        project.end_year = max(fiscal, project.start_year)
        build.findings.append(Finding(
            Severity.INFO, "import_period_assumed",
            _("事業期間の終わりが書かれていないため、対象年度までとしました"),
            f"$.reports[0].projects[{build.report.projects.index(project)}]",
            f"事業{project.number}"))


def _wide_area(project: Project) -> None:
    notes_text = " ".join(project.title_notes + project.summary + [project.title])
    if project.kind is ProjectKind.SINGLE and ("広域連携" in notes_text or project.lead_body):
        project.kind = ProjectKind.WIDE_AREA
    if project.kind is ProjectKind.WIDE_AREA and not project.lead_body:
        lead = LEAD_RE.search(" ".join(project.title_notes) or notes_text)
        if lead:
            project.lead_body = lead.group(1)
    if project.lead_body and project.lead_body in project.partner_bodies:
        project.partner_bodies.remove(project.lead_body)


def _infer_direction(build: Build, project: Project, kpi: Kpi) -> None:
    """Less is better when the KPI's name or the city's marks say so (:func:`_lower_is_better`); a target
    below the baseline with nothing else to tell is left as more is better, with a finding to check."""
    lower = _lower_is_better(kpi)
    if lower:
        kpi.direction = Direction.LOWER
        return
    target = kpi.targets.get(build.report.fiscal_year)
    baseline = kpi.baseline
    if (lower is None and target is not None and baseline is not None and target.value is not None
            and baseline.value is not None and target.value < baseline.value):
        build.findings.append(Finding(
            Severity.INFO, "import_direction_unclear",
            _("成果目標「{name}」は目標値が基準値を下回っています。少ないほど良い指標なら、望ましい方向を"
              "「少ないほど良い」にしてください").format(name=kpi.name),
            f"$.reports[0].projects[{build.report.projects.index(project)}].kpis[{project.kpis.index(kpi)}]",
            f"事業{project.number} 成果目標{kpi.number}"))


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


def _evaluation_from(paragraphs: list[str]) -> Categorised[EffectLevel] | None:
    for paragraph in reversed(paragraphs):
        for sentence in _SENTENCE_RE.findall(paragraph):
            level = effect_of(sentence)
            if level is not None:
                return Categorised(level, sentence.strip())
    return None
