"""The grant and judgement rules, case by case."""

from decimal import Decimal
from fractions import Fraction

import pytest

from kouka.domain.errors import DomainValueError
from kouka.domain.model import Direction, Kpi, KpiScope, Measurement, MeasurementStatus, Project
from kouka.domain.rules import Judgement, grant_for, judge_kpi, program_total


def figure(value: int | str | None, unit: str = "人",
           status: MeasurementStatus = MeasurementStatus.FINAL) -> Measurement:
    return Measurement(None if value is None else Decimal(value), unit, status)


def kpi(target: Measurement, actual: Measurement | None, **kwargs: object) -> Kpi:
    result = Kpi(1, "参加者数", "人", targets={2022: target}, **kwargs)  # type: ignore[arg-type]
    if actual is not None:
        result.actuals[2022] = actual
    return result


def test_grant_is_cost_times_rate_rounded_down() -> None:
    assert grant_for(9_962_058, Fraction(1, 2)) == 4_981_029
    assert grant_for(9_962_059, Fraction(1, 2)) == 4_981_029
    assert grant_for(1_000, Fraction(2, 3)) == 666
    with pytest.raises(DomainValueError):
        grant_for(-1, Fraction(1, 2))


def test_program_total_is_the_sum_of_stated_grants() -> None:
    projects = [Project(1, "a", 2022, 2024, grant_yen=4_981_029), Project(2, "b", 2022, 2024, grant_yen=100_000),
                Project(3, "c", 2022, 2022)]
    assert program_total(projects) == 5_081_029


def test_met_and_not_met_respect_direction() -> None:
    assert judge_kpi(kpi(figure(10), figure(10)), 2022).judgement is Judgement.MET
    assert judge_kpi(kpi(figure(10), figure(9)), 2022).judgement is Judgement.NOT_MET
    lower = kpi(figure(100), figure(80), direction=Direction.LOWER)
    result = judge_kpi(lower, 2022)
    assert result.judgement is Judgement.MET and result.achievement_rate == Decimal("1.25")
    assert judge_kpi(kpi(figure(100), figure(120), direction=Direction.LOWER), 2022).judgement is Judgement.NOT_MET


def test_pending_preliminary_and_wide_area() -> None:
    assert judge_kpi(kpi(figure(10), figure(None, status=MeasurementStatus.PENDING)), 2022).judgement \
        is Judgement.PENDING
    assert judge_kpi(kpi(figure(10), None), 2022).judgement is Judgement.PENDING
    preliminary = judge_kpi(kpi(figure(85), figure(90, status=MeasurementStatus.PRELIMINARY)), 2022)
    assert preliminary.judgement is Judgement.MET and preliminary.preliminary
    wide = judge_kpi(kpi(figure(85), figure(90), scope=KpiScope.WIDE_AREA), 2022)
    assert wide.judgement is Judgement.NOT_JUDGEABLE and wide.achievement_rate == Decimal("1.0588")
    not_applicable = judge_kpi(kpi(figure(10), figure(None, status=MeasurementStatus.NOT_APPLICABLE)), 2022)
    assert not_applicable.judgement is Judgement.NOT_JUDGEABLE


def test_rates() -> None:
    result = judge_kpi(kpi(figure(30_000), figure(39_400), baseline=figure(27_700)), 2022)
    assert result.achievement_rate == Decimal("1.3133")
    assert result.progress_rate == Decimal("5.0870")  # (39,400 − 27,700) ÷ (30,000 − 27,700)
    assert judge_kpi(kpi(figure(0), figure(3)), 2022).achievement_rate is None
    same = judge_kpi(kpi(figure(5), figure(6), baseline=figure(5)), 2022)
    assert same.progress_rate is None and same.judgement is Judgement.MET


def test_values_in_another_scale_are_compared_in_the_kpis_unit() -> None:
    money = Kpi(1, "出荷額", "億円", targets={2022: figure(12_025, "億円")},
                actuals={2022: Measurement(Decimal("1202500"), "百万円")})
    assert judge_kpi(money, 2022).judgement is Judgement.MET
