"""The Isesaki 令和4年度 publication, figure by figure, through the domain rules."""

from decimal import Decimal
from pathlib import Path

import pytest

from kouka import interchange
from kouka.domain.checks import check_report
from kouka.domain.eras import YearRef
from kouka.domain.model import KpiScope, MeasurementStatus, ProjectKind, Report
from kouka.domain.rules import Judgement, grant_for, judge_kpi, report_total


@pytest.fixture
def report(example_path: Path) -> Report:
    return interchange.load(example_path).report_for(2022)


def test_the_total_is_the_sum_of_the_three_grants(report: Report) -> None:
    assert [p.grant_yen for p in report.projects] == [4_981_029, 9_646_515, 100_000]
    assert report_total(report) == 14_727_544 == report.stated_total_yen


def test_each_grant_is_half_its_cost(report: Report) -> None:
    assert [p.cost_yen for p in report.projects] == [9_962_058, 19_293_030, 200_000]
    for project in report.projects:
        assert project.cost_yen is not None
        assert grant_for(project.cost_yen, report.program.rate) == project.grant_yen


def test_the_example_has_no_findings(report: Report) -> None:
    assert check_report(report) == []


def judgements(report: Report, number: int) -> list[tuple[Judgement, bool]]:
    return [(r.judgement, r.preliminary) for r in (judge_kpi(k, 2022) for k in report.project(number).kpis)]


def test_project_1_kpis(report: Report) -> None:
    project = report.project(1)
    assert project.departments == ["商工労働課", "都市開発課", "企画調整課"]
    assert (project.start_year, project.end_year) == (2022, 2024)
    kpi1 = project.kpi(1)
    assert (kpi1.targets[2022].value, kpi1.actuals[2022].value, kpi1.unit) == (4, 2, "社")
    assert kpi1.baseline is not None and kpi1.baseline.status is MeasurementStatus.BEFORE_START
    assert (project.kpi(2).targets[2022].value, project.kpi(2).actuals[2022].value) == (10, 27)
    assert (project.kpi(3).targets[2022].value, project.kpi(3).actuals[2022].value) == (30_000, 39_400)
    assert judgements(report, 1) == [
        (Judgement.NOT_MET, False), (Judgement.MET, False), (Judgement.MET, False)]
    assert judge_kpi(kpi1, 2022).achievement_rate == Decimal("0.5")


def test_project_2_kpis_and_reference_years(report: Report) -> None:
    kpi1 = report.project(2).kpi(1)
    assert kpi1.unit == "億円"
    assert kpi1.baseline is not None and kpi1.baseline.value == 11_788
    assert kpi1.baseline.reference == YearRef(2019, fiscal=False)  # 11,788億円（令和元年）
    assert kpi1.targets[2022].value == 12_025 and kpi1.targets[2022].reference == YearRef(2020, fiscal=False)
    assert kpi1.actuals[2022].value == 10_060 and kpi1.actuals[2022].reference == YearRef(2020, fiscal=False)
    figures = [(k.targets[2022].value, k.actuals[2022].value) for k in report.project(2).kpis]
    assert figures == [(12_025, 10_060), (10, 10), (5, 2), (237, 253)]
    assert judgements(report, 2) == [
        (Judgement.NOT_MET, False), (Judgement.MET, False), (Judgement.NOT_MET, False), (Judgement.MET, False)]


def test_project_3_is_prefecture_led_and_not_judgeable_for_the_city(report: Report) -> None:
    project = report.project(3)
    assert project.kind is ProjectKind.WIDE_AREA and project.lead_body == "群馬県"
    assert project.partner_bodies == ["前橋市", "伊勢崎市", "富岡市", "みどり市"]
    assert project.kpi_scope_label == "群馬県全体"
    assert all(kpi.scope is KpiScope.WIDE_AREA for kpi in project.kpis)
    results = [judge_kpi(kpi, 2022) for kpi in project.kpis]
    assert [r.judgement for r in results] == [Judgement.NOT_JUDGEABLE] * 4
    # The prefecture's own facts are kept: two pending, 1 vs 23 社, 90 vs 85 社 on a preliminary value.
    statuses = [project.kpi(n).actuals[2022].status for n in (1, 2)]
    assert statuses == [MeasurementStatus.PENDING, MeasurementStatus.PENDING]
    assert project.kpi(1).actuals[2022].note == "県において集計中"
    assert (project.kpi(3).actuals[2022].value, project.kpi(3).targets[2022].value) == (1, 23)
    kpi4 = project.kpi(4)
    assert (kpi4.actuals[2022].value, kpi4.targets[2022].value) == (90, 85)
    assert kpi4.actuals[2022].status is MeasurementStatus.PRELIMINARY
    assert [r.preliminary for r in results] == [False, False, False, True]


def test_every_figure_keeps_the_citys_text(report: Report) -> None:
    texts = {m.text for p in report.projects for k in p.kpis
             for m in [k.baseline, *k.targets.values(), *k.actuals.values()] if m is not None}
    assert {"（事業開始前）", "11,788億円（令和元年）", "県において集計中", "90社(速報値)", "39,400人"} <= texts
