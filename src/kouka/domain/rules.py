"""The rules of the grant and of KPI judgement, each written once.

grant = cost × rate rounded down to the yen; the programme total is the sum of
the projects' grants; a KPI is met, not met, pending or not judgeable, with a
flag when the judgement rests on a preliminary figure.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from kouka.domain.errors import DomainValueError
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import split_scale
from kouka.domain.model import (
    Direction,
    Kpi,
    KpiScope,
    Measurement,
    MeasurementStatus,
    Project,
    Report,
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


JUDGEMENT_LABELS: dict[Judgement, str] = {
    Judgement.MET: "達成",
    Judgement.NOT_MET: "未達成",
    Judgement.PENDING: "集計中",
    Judgement.NOT_JUDGEABLE: "判定対象外",
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


def judge_kpi(kpi: Kpi, fiscal_year: int) -> KpiResult:
    """Judge ``kpi`` for ``fiscal_year`` by the rules above."""
    target = kpi.targets.get(fiscal_year)
    actual = kpi.actuals.get(fiscal_year)
    target_value, actual_value = _comparable(kpi, target), _comparable(kpi, actual)
    preliminary = actual is not None and actual.status is MeasurementStatus.PRELIMINARY
    rate = progress = None
    if target_value is not None and actual_value is not None:
        rate = achievement_rate(kpi, target_value, actual_value)
        baseline_value = _comparable(kpi, kpi.baseline)
        if baseline_value is not None:
            progress = progress_rate(baseline_value, target_value, actual_value)
    if kpi.scope is KpiScope.WIDE_AREA:
        judgement = Judgement.NOT_JUDGEABLE
    elif actual is None or actual.status is MeasurementStatus.PENDING:
        judgement = Judgement.PENDING
    elif target_value is None or actual_value is None:
        judgement = Judgement.NOT_JUDGEABLE
    else:
        judgement = Judgement.MET if is_met(kpi, target_value, actual_value) else Judgement.NOT_MET
    return KpiResult(kpi, fiscal_year, judgement, preliminary, target, actual, rate, progress)


def judge_project(project: Project, fiscal_year: int) -> list[KpiResult]:
    return [judge_kpi(kpi, fiscal_year) for kpi in project.kpis]
