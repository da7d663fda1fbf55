"""Carrying the Isesaki 令和4年度 report into 令和5年度 (and on): what carries, what does not, KPI identity."""

from dataclasses import replace
from pathlib import Path

import pytest

from kouka import interchange
from kouka.domain.carry import CarryError, carry_project, carry_report, kpi_key, project_key
from kouka.domain.checks import check_report, has_errors
from kouka.domain.model import Categorised, Document, NextDirection, Report
from kouka.domain.rules import Judgement, judge_kpi


@pytest.fixture
def isesaki(example_path: Path) -> Report:
    return interchange.load(example_path).report_for(2022)


def test_carry_into_reiwa5_keeps_kpi_identity_and_clears_actuals(isesaki: Report, tmp_path: Path) -> None:
    before = {kpi_key(isesaki.municipality, p, k): (p, k) for p in isesaki.projects for k in p.kpis}
    carried = carry_report(isesaki)
    # Written out and read back: identity must survive the file.
    path = tmp_path / "isesaki-2022-2023.json"
    interchange.save(Document([isesaki, carried]), path)
    reread = interchange.load(path).report_for(2023)

    assert reread.fiscal_year == 2023
    assert reread.municipality == isesaki.municipality
    assert [p.number for p in reread.projects] == [1, 2, 3]
    after = {kpi_key(reread.municipality, p, k): (p, k) for p in reread.projects for k in p.kpis}
    assert set(after) == set(before)
    assert len(after) == 11
    assert "102041-2022-p1-k1" in after
    for key, (project, kpi) in after.items():
        old_project, old_kpi = before[key]
        assert (kpi.number, kpi.name, kpi.unit, kpi.direction, kpi.scope) == (
            old_kpi.number, old_kpi.name, old_kpi.unit, old_kpi.direction, old_kpi.scope)
        assert kpi.baseline == old_kpi.baseline and kpi.baseline_year == old_kpi.baseline_year
        assert kpi.targets == old_kpi.targets
        assert kpi.actuals == {} and kpi.marks == {}
        assert kpi.key == key
        assert project.key == project_key(isesaki.municipality, old_project)
        # Nothing measured yet in the new year: every KPI is pending (wide-area ones stay not judgeable).
        expected = Judgement.NOT_JUDGEABLE if kpi.scope.value == "wide_area" else Judgement.PENDING
        assert judge_kpi(kpi, 2023).judgement is expected


def test_carry_copies_plan_and_drops_the_year_that_ended(isesaki: Report) -> None:
    carried = carry_report(isesaki, 2023)
    for old, new in zip(isesaki.projects, carried.projects, strict=True):
        assert (new.title, new.start_year, new.end_year, new.departments, new.summary, new.kind,
                new.lead_body, new.partner_bodies, new.cost_label, new.kpi_scope_label, new.kpi_notes) == (
            old.title, old.start_year, old.end_year, old.departments, old.summary, old.kind,
            old.lead_body, old.partner_bodies, old.cost_label, old.kpi_scope_label, old.kpi_notes)
        assert new.cost_yen is None and new.grant_yen is None
        assert new.verification == [] and new.figure_captions == [] and new.notes == []
        assert new.reviewer_opinion == [] and new.direction_reason == []
        assert new.evaluation is None and new.next_direction is None
    assert isesaki.projects[0].verification, "the seed has まとめ for project ①; carrying must not touch it"
    assert carried.introduction == [] and carried.stated_total_yen is None and carried.title == ""
    # The source report is unchanged.
    assert isesaki.projects[0].kpis[0].actuals[2022].text == "2社"
    assert isesaki.projects[0].cost_yen == 9962058


def test_project_ending_in_reiwa5_is_not_carried_into_reiwa6(isesaki: Report) -> None:
    reiwa5 = carry_report(isesaki)
    reiwa6 = carry_report(reiwa5)
    assert [p.number for p in reiwa6.projects] == [1, 2]  # ③ 産業ニューノーマル創出事業 ends in 令和5年度
    assert {kpi_key(reiwa6.municipality, p, k) for p in reiwa6.projects for k in p.kpis} <= {
        kpi_key(isesaki.municipality, p, k) for p in isesaki.projects for k in p.kpis}
    with pytest.raises(CarryError, match="事業期間"):
        carry_project(isesaki.municipality, isesaki.project(3), 2024)


def test_discontinued_project_does_not_carry(isesaki: Report) -> None:
    project = isesaki.project(2)
    project.next_direction = Categorised(NextDirection.DISCONTINUE, "事業の中止")
    assert [p.number for p in carry_report(isesaki).projects] == [1, 3]
    with pytest.raises(CarryError, match="中止"):
        carry_project(isesaki.municipality, project, 2023)


def test_identity_survives_renumbering(isesaki: Report) -> None:
    carried = carry_report(isesaki)
    moved = carried.project(2)
    moved.number = 1  # the city renumbers after project ① is dropped
    key = kpi_key(carried.municipality, moved, moved.kpis[0])
    assert key == kpi_key(isesaki.municipality, isesaki.project(2), isesaki.project(2).kpis[0])


def test_carry_into_a_past_year_is_refused(isesaki: Report) -> None:
    with pytest.raises(CarryError):
        carry_report(isesaki, 2022)


def test_carried_report_is_a_draft_the_checks_accept(isesaki: Report) -> None:
    findings = check_report(carry_report(isesaki))
    assert not has_errors(findings)
    assert {(f.code, f.where) for f in findings} >= {("cost_missing", "事業①"), ("grant_missing", "事業③")}


def test_key_round_trips_and_absent_key_keeps_files_unchanged(example_path: Path, tmp_path: Path) -> None:
    text = example_path.read_text(encoding="utf-8")
    document = interchange.loads(text)
    assert interchange.dumps(document) == text  # no key written where none was set
    report = document.reports[0]
    report.projects[0] = replace(report.projects[0], key="shared-1")
    report.projects[0].kpis[0].key = "kpi-x"
    path = tmp_path / "keyed.json"
    interchange.save(document, path)
    again = interchange.load(path).reports[0]
    assert again.projects[0].key == "shared-1" and again.projects[0].kpis[0].key == "kpi-x"
    assert again.projects[1].key == ""
