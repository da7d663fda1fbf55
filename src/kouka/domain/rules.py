"""The rules of the grant and of KPI judgement, each written once.

grant = cost × rate rounded down to the yen; the programme total is the sum of
the projects' grants; a KPI is met, not met, pending or not judgeable, with a
flag when the judgement rests on a preliminary figure.

A KPI's targets are either running levels (the level to reach in the year, the default) or yearly
increments (増加分, :attr:`TargetKind.INCREMENT`), as the 地域再生計画 states per KPI. Actuals are always
the level the city measured. An increment KPI is judged by :func:`increment_figures`: the year's increase
over the last measured level is compared with the sum of the increments planned since that level.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from kouka.domain.errors import DomainValueError
from kouka.domain.i18n import _, gettext_noop
from kouka.domain.jpnumbers import split_scale
from kouka.domain.model import (
    Direction,
    Kpi,
    KpiScope,
    Measurement,
    MeasurementStatus,
    Project,
    Report,
    TargetKind,
)

RATE_PLACES = Decimal("0.0001")


def grant_for(cost_yen: int, rate: Fraction) -> int:
    """交付金充当額 = 事業費 × 交付率, rounded down to the yen."""
    if cost_yen < 0:
        raise DomainValueError(_("事業費が負の額です（{amount}円）").format(amount=cost_yen))
    return math.floor(cost_yen * rate)


def program_total(projects: list[Project]) -> int:
    """The municipality's total grant: the sum of its projects' stated grants."""
    return sum(project.grant_yen or 0 for project in projects)


def report_total(report: Report) -> int:
    return program_total(report.projects)


class Judgement(StrEnum):
    MET = "met"  # 達成
    NOT_MET = "not_met"  # 未達成
    PENDING = "pending"  # 集計中
    NOT_JUDGEABLE = "not_judgeable"  # 判定対象外


# The municipality's words, as publications print them; a page in another language shows _(label).
JUDGEMENT_LABELS: dict[Judgement, str] = {
    Judgement.MET: gettext_noop("達成"),
    Judgement.NOT_MET: gettext_noop("未達成"),
    Judgement.PENDING: gettext_noop("集計中"),
    Judgement.NOT_JUDGEABLE: gettext_noop("判定対象外"),
}


@dataclass(frozen=True)
class KpiResult:
    """The judgement of one KPI for one fiscal year, with the figures it rests on."""

    kpi: Kpi
    fiscal_year: int
    judgement: Judgement
    preliminary: bool
    target: Measurement | None
    actual: Measurement | None
    achievement_rate: Decimal | None
    progress_rate: Decimal | None

    @property
    def label(self) -> str:
        """達成, 未達成, 集計中 or 判定対象外, as publications print it (a page in another language shows _(label))."""
        return JUDGEMENT_LABELS[self.judgement]


def _rate(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return (numerator / denominator).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def achievement_rate(kpi: Kpi, target: Decimal, actual: Decimal) -> Decimal | None:
    """actual ÷ target; for a lower-is-better KPI, target ÷ actual."""
    if kpi.direction is Direction.LOWER:
        return _rate(target, actual)
    return _rate(actual, target)


def progress_rate(baseline: Decimal, target: Decimal, actual: Decimal) -> Decimal | None:
    """(actual − baseline) ÷ (target − baseline), defined when the target differs from the baseline."""
    return _rate(actual - baseline, target - baseline)


def is_met(kpi: Kpi, target: Decimal, actual: Decimal) -> bool:
    return actual >= target if kpi.direction is Direction.HIGHER else actual <= target


def _comparable(kpi: Kpi, measurement: Measurement | None) -> Decimal | None:
    """The measurement's value in the KPI's unit, or None when it cannot be compared."""
    if measurement is None or measurement.value is None:
        return None
    if measurement.status in (MeasurementStatus.PENDING, MeasurementStatus.NOT_APPLICABLE):
        return None
    have_scale, have_base = split_scale(measurement.unit or kpi.unit)
    want_scale, want_base = split_scale(kpi.unit)
    if have_base != want_base:
        return None
    return measurement.value * have_scale / want_scale if have_scale != want_scale else measurement.value


def comparable_value(kpi: Kpi, measurement: Measurement | None) -> Decimal | None:
    """A figure in the KPI's own unit (万人 → 人), or None when it has no comparable value (pending, －)."""
    return _comparable(kpi, measurement)


def _baseline_level(kpi: Kpi) -> Decimal | None:
    """The baseline as a level; （事業開始前） counts as zero for a KPI of yearly increments (nothing yet)."""
    baseline = kpi.baseline
    if baseline is not None and baseline.status is MeasurementStatus.BEFORE_START and baseline.value is None:
        return Decimal(0)
    return _comparable(kpi, kpi.baseline)


def _reference_level(kpi: Kpi, fiscal_year: int) -> tuple[int, Decimal] | None:
    """The last measured level before ``fiscal_year`` and its year: the latest earlier comparable actual,
    else the baseline (of its ``baseline_year``, or of the year before the first target when not stated;
    （事業開始前） as zero)."""
    for year in sorted((y for y in kpi.actuals if y < fiscal_year), reverse=True):
        value = _comparable(kpi, kpi.actuals[year])
        if value is not None:
            return year, value
    baseline = _baseline_level(kpi)
    if baseline is None:
        return None
    year = kpi.baseline_year if kpi.baseline_year is not None else min(kpi.targets, default=fiscal_year) - 1
    return (year, baseline) if year < fiscal_year else None


def increment_figures(kpi: Kpi, fiscal_year: int, actual: Decimal) -> tuple[Decimal, Decimal] | None:
    """For a KPI whose targets are yearly increments (増加分): (planned increase, actual increase) of the year.

    The actual increase is the year's measured level minus the last measured level before it (the previous
    year's actual; when that is missing, the latest earlier actual, else the baseline). The planned increase
    is the sum of the yearly targets of the years after that level up to ``fiscal_year``. Example: baseline
    100人 (令和3年度), targets +10人 for 令和4・5年度; 令和4年度 actual 108人 → increase 8 against 10: 未達成
    (80%); 令和5年度 actual 120人 → increase 12 over 108 against 10: 達成 (120%); had 令和4年度 no actual,
    120人 would be an increase of 20 over the baseline against 10 + 10: 達成. None when the reference level or a
    target of the span is missing (not judgeable).
    """
    reference = _reference_level(kpi, fiscal_year)
    if reference is None:
        return None
    since, level = reference
    planned = [_comparable(kpi, kpi.targets.get(year)) for year in range(since + 1, fiscal_year + 1)]
    if any(value is None for value in planned):
        return None
    return sum((value for value in planned if value is not None), Decimal(0)), actual - level


def _level_target(kpi: Kpi, fiscal_year: int, target: Decimal) -> Decimal | None:
    """The running level the targets aim at in ``fiscal_year``: the target itself, or for increments the
    baseline plus every increment planned after the baseline year (None when one is missing)."""
    if kpi.target_kind is TargetKind.LEVEL:
        return target
    baseline = _baseline_level(kpi)
    if baseline is None or kpi.baseline_year is None:
        return None
    planned = [_comparable(kpi, kpi.targets.get(year)) for year in range(kpi.baseline_year + 1, fiscal_year + 1)]
    if any(value is None for value in planned):
        return None
    return baseline + sum((value for value in planned if value is not None), Decimal(0))


def _judged_pair(kpi: Kpi, fiscal_year: int, target: Decimal | None, actual: Decimal | None
                 ) -> tuple[Decimal, Decimal] | None:
    """What is compared: (target, actual) as levels, or (planned, actual) increases for an increment KPI."""
    if target is None or actual is None:
        return None
    if kpi.target_kind is TargetKind.INCREMENT:
        return increment_figures(kpi, fiscal_year, actual)
    return target, actual


def judge_kpi(kpi: Kpi, fiscal_year: int) -> KpiResult:
    """Judge ``kpi`` for ``fiscal_year`` by the rules above."""
    target = kpi.targets.get(fiscal_year)
    actual = kpi.actuals.get(fiscal_year)
    target_value, actual_value = _comparable(kpi, target), _comparable(kpi, actual)
    preliminary = actual is not None and actual.status is MeasurementStatus.PRELIMINARY
    pair = _judged_pair(kpi, fiscal_year, target_value, actual_value)
    rate = progress = None
    if pair is not None and target_value is not None and actual_value is not None:
        rate = achievement_rate(kpi, *pair)
        baseline_value = _comparable(kpi, kpi.baseline)
        level_target = _level_target(kpi, fiscal_year, target_value)
        if baseline_value is not None and level_target is not None:
            progress = progress_rate(baseline_value, level_target, actual_value)
    if kpi.scope is KpiScope.WIDE_AREA:
        judgement = Judgement.NOT_JUDGEABLE
    elif actual is None or actual.status is MeasurementStatus.PENDING:
        judgement = Judgement.PENDING
    elif pair is None:
        judgement = Judgement.NOT_JUDGEABLE
    else:
        judgement = Judgement.MET if is_met(kpi, *pair) else Judgement.NOT_MET
    return KpiResult(kpi, fiscal_year, judgement, preliminary, target, actual, rate, progress)


def judge_project(project: Project, fiscal_year: int) -> list[KpiResult]:
    return [judge_kpi(kpi, fiscal_year) for kpi in project.kpis]
