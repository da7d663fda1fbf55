"""Consistency checks: each kind of mistake a city can publish is found and located."""

import copy
from decimal import Decimal
from pathlib import Path

import pytest

from kouka import interchange
from kouka.domain.checks import Severity, check_report, has_errors
from kouka.domain.model import Measurement, MeasurementStatus, Report


@pytest.fixture
def report(example_path: Path) -> Report:
    return copy.deepcopy(interchange.load(example_path).reports[0])


def codes(report: Report) -> list[tuple[str, str, str]]:
    return [(f.code, f.where, f.path) for f in check_report(report)]


def test_a_grant_one_yen_off(report: Report) -> None:
    report.projects[1].grant_yen = 9_646_516
    report.stated_total_yen = 14_727_545
    findings = check_report(report)
    assert ("grant_mismatch", "事業②", "$.projects[1].grant_yen") in codes(report)
    assert has_errors(findings)
    assert "964万6,516円" in findings[0].message or "964万6,516円" in findings[1].message


def test_a_wrong_total(report: Report) -> None:
    report.stated_total_yen = 14_727_000
    assert codes(report) == [("total_mismatch", "本市交付額", "$.stated_total_yen")]


def test_target_outside_period(report: Report) -> None:
    kpi = report.projects[2].kpis[0]
    kpi.targets[2025] = Measurement(Decimal(30), "件")
    assert ("target_outside_period", "事業③ 成果目標①", "$.projects[2].kpis[0].targets.2025") in codes(report)


def test_unit_differs(report: Report) -> None:
    report.projects[0].kpis[1].actuals[2022] = Measurement(Decimal(27), "社")
    findings = [f for f in check_report(report) if f.code == "unit_mismatch"]
    assert findings and findings[0].severity is Severity.ERROR and findings[0].where == "事業① 成果目標②"


def test_missing_actual_without_status(report: Report) -> None:
    report.projects[0].kpis[0].actuals[2022] = Measurement(None, "社", MeasurementStatus.FINAL)
    assert ("value_without_status", "事業① 成果目標①", "$.projects[0].kpis[0].actuals.2022") in codes(report)
    del report.projects[0].kpis[0].actuals[2022]
    assert ("actual_missing", "事業① 成果目標①", "$.projects[0].kpis[0].actuals") in codes(report)


def test_duplicate_numbers(report: Report) -> None:
    report.projects[1].number = 1
    report.projects[0].kpis[1].number = 1
    found = codes(report)
    assert ("duplicate_number", "事業番号 1", "$.projects") in found
    assert ("duplicate_number", "事業①", "$.projects[0].kpis") in found
