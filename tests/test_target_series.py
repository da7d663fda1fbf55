"""Yearly targets as levels or as increments (増加分), and the series 開始前, 1年目 … as the 地域再生計画 writes it."""

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from kouka import interchange
from kouka.domain.carry import carry_kpi, target_series
from kouka.domain.model import Body, Direction, Kpi, Measurement, MeasurementStatus, Project, TargetKind
from kouka.domain.rules import Judgement, increment_figures, judge_kpi
from kouka.web.models import Change, KpiRecord
from write_support import STAFF, YEAR, kpi_post

if TYPE_CHECKING:
    from web_fixtures import World

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "isesaki-2022.json"


def people(value: int | None, status: MeasurementStatus = MeasurementStatus.FINAL) -> Measurement:
    return Measurement(None if value is None else Decimal(value), "人", status)


def increments(**kwargs: object) -> Kpi:
    """Baseline 100人 in 令和3年度; the plan adds 10人 in each of 令和4・5・6年度."""
    fields: dict[str, object] = {"target_kind": TargetKind.INCREMENT, **kwargs}
    return Kpi(1, "移住者数", "人", baseline=people(100), baseline_year=2021,
               targets={2022: people(10), 2023: people(10), 2024: people(10)}, **fields)  # type: ignore[arg-type]


def test_an_increment_is_judged_as_the_increase_over_the_year_before() -> None:
    kpi = increments(actuals={2022: people(108), 2023: people(120)})
    first = judge_kpi(kpi, 2022)  # 108 − 100 = 8 against +10
    assert first.judgement is Judgement.NOT_MET and first.achievement_rate == Decimal("0.8")
    assert first.progress_rate == Decimal("0.8")  # (108 − 100) ÷ (110 − 100)
    second = judge_kpi(kpi, 2023)  # 120 − 108 = 12 against +10
    assert second.judgement is Judgement.MET and second.achievement_rate == Decimal("1.2")
    assert second.progress_rate == Decimal("1")  # (120 − 100) ÷ (120 − 100)
    assert increment_figures(kpi, 2023, Decimal(120)) == (Decimal(10), Decimal(12))
    # the same figures read as levels: 120 against a level of 10 is trivially met, 108 too
    levels = increments(actuals={2022: people(108), 2023: people(120)}, target_kind=TargetKind.LEVEL)
    assert judge_kpi(levels, 2022).judgement is Judgement.MET and judge_kpi(levels, 2022).achievement_rate == \
        Decimal("10.8")


def test_a_missing_year_spans_the_increments_since_the_last_measured_level() -> None:
    kpi = increments(actuals={2023: people(118)})  # no 令和4年度 actual: 118 − 100 = 18 against 10 + 10
    result = judge_kpi(kpi, 2023)
    assert result.judgement is Judgement.NOT_MET and result.achievement_rate == Decimal("0.9")
    assert judge_kpi(increments(actuals={2023: people(121)}), 2023).judgement is Judgement.MET
    # a missing target in the span, or no baseline and no earlier actual: not judgeable
    gap = increments(actuals={2023: people(130)})
    del gap.targets[2022]
    assert judge_kpi(gap, 2023).judgement is Judgement.NOT_JUDGEABLE
    unknown = increments(actuals={2022: people(130)})
    unknown.baseline = None
    assert judge_kpi(unknown, 2022).judgement is Judgement.NOT_JUDGEABLE
    assert judge_kpi(increments(), 2022).judgement is Judgement.PENDING  # no actual yet


def test_a_reduction_target_and_a_count_from_the_start() -> None:
    fewer = Kpi(1, "待機児童数", "人", direction=Direction.LOWER, baseline=people(50), baseline_year=2021,
                target_kind=TargetKind.INCREMENT, targets={2022: people(-5)}, actuals={2022: people(44)})
    result = judge_kpi(fewer, 2022)  # 44 − 50 = −6, at most −5: met
    assert result.judgement is Judgement.MET
    assert judge_kpi(Kpi(1, "待機児童数", "人", direction=Direction.LOWER, baseline=people(50), baseline_year=2021,
                         target_kind=TargetKind.INCREMENT, targets={2022: people(-5)},
                         actuals={2022: people(46)}), 2022).judgement is Judgement.NOT_MET
    started = Kpi(1, "創業者数", "人", baseline=people(None, MeasurementStatus.BEFORE_START), baseline_year=2021,
                  target_kind=TargetKind.INCREMENT, targets={2022: people(4), 2023: people(4)},
                  actuals={2022: people(3), 2023: people(8)})
    assert judge_kpi(started, 2022).judgement is Judgement.NOT_MET  # 3 − 0 against 4
    assert judge_kpi(started, 2023).judgement is Judgement.MET  # 8 − 3 = 5 against 4


def test_the_kind_travels_through_the_interchange_only_when_not_the_default() -> None:
    kpi = increments()
    data = interchange.kpi_json(kpi)
    assert data["target_kind"] == "increment"
    assert interchange.kpi_from_json(data).target_kind is TargetKind.INCREMENT
    level = interchange.kpi_json(increments(target_kind=TargetKind.LEVEL))
    assert "target_kind" not in level and interchange.kpi_from_json(level).target_kind is TargetKind.LEVEL
    text = EXAMPLE.read_text(encoding="utf-8")
    assert interchange.dumps(interchange.from_json(json.loads(text))) == text  # the example stays byte-identical


def test_the_series_runs_from_before_the_start_through_every_year_and_is_carried_whole() -> None:
    project = Project(1, "移住促進事業", 2022, 2024)
    kpi = increments()
    series = target_series(project, kpi)
    assert [label for label, _m in series] == ["開始前", "1年目（令和4年度）", "2年目（令和5年度）",
                                               "3年目（令和6年度）"]
    assert [m.value if m else None for _l, m in series] == [Decimal(100), Decimal(10), Decimal(10), Decimal(10)]
    carried = carry_kpi(Body("伊勢崎市", "群馬県", "102041"), project, kpi)
    assert carried.targets == kpi.targets and carried.target_kind is TargetKind.INCREMENT and carried.actuals == {}
    assert json.loads(json.dumps(interchange.kpi_json(carried)))["target_kind"] == "increment"


@pytest.mark.django_db(databases=list(settings.DATABASES))
def test_the_kpi_form_states_the_kind_and_the_history_names_it(world: "World") -> None:
    shoko = world.client("shoko")
    page = shoko.get(f"{STAFF}/projects/1/kpis/1/").content.decode()
    assert "目標値の書き方" in page and 'value="increment"' in page and "各年度の増加分" in page
    response = shoko.post(f"{STAFF}/projects/1/kpis/1/", kpi_post(world, target_kind="increment"))
    assert response.status_code == 302
    record = KpiRecord.objects.get(project__cycle=world.cycle(YEAR), project__number=1, number=1)
    assert record.data["target_kind"] == "increment"
    change = Change.objects.filter(action="kpi:update").latest("pk")
    assert change.after["target_kind"] == "increment"
    history = world.client("kikaku").get(f"{STAFF}/history/").content.decode()
    assert "目標値の書き方" in history and "各年度の増加分" in history
    assert "目標値の書き方: 各年度に到達する値（累計・水準） → 各年度の増加分" in history
    assert 'id="increment-note"' in shoko.get(f"{STAFF}/projects/1/kpis/1/").content.decode()
    # a POST without the field (an older page) keeps the stated kind
    data = kpi_post(world)
    del data["target_kind"]
    assert shoko.post(f"{STAFF}/projects/1/kpis/1/", data).status_code == 302
    record.refresh_from_db()
    assert record.data["target_kind"] == "increment"
