"""Aggregates over a small synthetic set equal counts computed independently here from the raw JSON."""

import json
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from kouka import interchange, synth
from kouka.domain.aggregate import Aggregator, OverlapError, aggregate, kpi_series, percent
from kouka.domain.carry import carry_report
from kouka.domain.model import Body, Document, KpiScope, Report
from kouka.domain.rules import Judgement
from national_oracle import oracle_judgement

BODIES, YEARS, SEED = 90, 3, 7


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synth.write(out, bodies=BODIES, years=YEARS, seed=SEED)
    return out


@pytest.fixture(scope="module")
def loaded(synthetic: Path) -> list[Document]:
    return [interchange.load(path) for path in sorted(synthetic.glob("*.json"))]


def raw_reports(directory: Path) -> list[dict[str, Any]]:
    reports: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.json")):
        reports += json.loads(path.read_text(encoding="utf-8"))["reports"]
    return reports


def oracle(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Projects (a wide-area project once per year), money, and KPI judgements by year, prefecture and unit."""
    projects = wide = cost = grant = 0
    by_year: Counter[tuple[int, str]] = Counter()
    by_prefecture: Counter[tuple[str, str]] = Counter()
    by_unit: Counter[tuple[str, str]] = Counter()
    seen_wide: dict[tuple[str, int], dict[str, Any]] = {}
    lead_copy: dict[tuple[str, int], tuple[dict[str, Any], dict[str, Any]]] = {}
    counted: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for report in reports:
        year = report["fiscal_year"]
        for project in report["projects"]:
            cost += project["cost_yen"]
            grant += project["grant_yen"]
            if project["kind"] == "wide_area":
                key = (project["key"], year)
                seen_wide.setdefault(key, project)
                if project["lead_body"] == report["municipality"]["name"]:
                    lead_copy[key] = (report, project)
            else:
                projects += 1
                counted.append((report, project))
    projects += len(seen_wide)
    wide = len(seen_wide)
    counted += lead_copy.values()
    assert len(lead_copy) == len(seen_wide), "every synthetic wide-area project has its lead's report"
    for report, project in counted:
        year, prefecture = report["fiscal_year"], report["municipality"]["prefecture"]
        for kpi in project["kpis"]:
            judgement = oracle_judgement(kpi, year)
            by_year[(year, judgement)] += 1
            by_prefecture[(prefecture, judgement)] += 1
            unit = kpi["unit"].removeprefix("百万").removeprefix("億")
            by_unit[(unit, judgement)] += 1
    return {"projects": projects, "wide": wide, "cost": cost, "grant": grant, "by_year": by_year,
            "by_prefecture": by_prefecture, "by_unit": by_unit}


def test_aggregates_equal_independent_counts(synthetic: Path, loaded: list[Document]) -> None:
    raw = raw_reports(synthetic)
    expected = oracle(raw)
    result = aggregate(r for d in loaded for r in d.reports)

    assert result.total.projects == expected["projects"]
    assert result.total.wide_area_projects == expected["wide"] > 0
    assert result.total.cost_yen == expected["cost"]
    assert result.total.grant_yen == expected["grant"]
    assert len(result.total.reports) == len(raw) == BODIES * YEARS
    for (year, judgement), count in expected["by_year"].items():
        assert result.by_year[year].kpis[Judgement(judgement)] == count, (year, judgement)
    for (prefecture, judgement), count in expected["by_prefecture"].items():
        assert result.by_prefecture[prefecture].kpis[Judgement(judgement)] == count, (prefecture, judgement)
    for (unit, judgement), count in expected["by_unit"].items():
        assert result.by_unit[unit][Judgement(judgement)] == count, (unit, judgement)
    assert sum(t.kpis.total for t in result.by_year.values()) == result.total.kpis.total
    assert sum(t.projects for t in result.by_prefecture.values()) == result.total.projects
    assert sum(c.total for c in result.by_unit.values()) == result.total.kpis.total
    # Every kind of outcome occurs in a realistic set.
    assert all(result.total.kpis[j] > 0 for j in (Judgement.MET, Judgement.NOT_MET, Judgement.PENDING))
    assert result.total.kpis.preliminary > 0


def test_filters_equal_aggregating_the_filtered_reports(loaded: list[Document]) -> None:
    reports = [r for d in loaded for r in d.reports]
    prefecture = max(Counter(r.municipality.prefecture for r in reports).items(), key=lambda kv: kv[1])[0]
    year = synth.FIRST_YEAR + 1
    filtered = aggregate(reports, prefecture=prefecture, year=year)
    by_hand = [r for r in reports if r.municipality.prefecture == prefecture and r.fiscal_year == year]
    assert filtered.total == aggregate(by_hand).total
    assert set(filtered.by_year) == {year} and set(filtered.by_prefecture) == {prefecture}
    assert filtered.total.reports == {ref for ref in filtered.total.reports if ref.prefecture == prefecture}


def test_body_tallies_keep_each_bodys_share_and_sum_to_the_total(loaded: list[Document]) -> None:
    result = aggregate(r for d in loaded for r in d.reports)
    assert sum(b.tally.grant_yen for b in result.bodies.values()) == result.total.grant_yen
    assert sum(b.tally.cost_yen for b in result.bodies.values()) == result.total.cost_yen
    # Bodies count every project they take part in, so wide-area projects count once per participant there.
    participations = sum(len(shared.shares) for shared in result.wide_area.values())
    assert sum(b.tally.projects for b in result.bodies.values()) == (
        result.total.projects - len(result.wide_area) + participations)
    for shared in result.wide_area.values():
        assert len(shared.shares) >= 3  # the prefecture and at least two partners
        assert sum(s.lead for s in shared.shares) == 1
        shares = [shared.share_of_cost(s.body) for s in shared.shares]
        assert sum(share for share in shares if share is not None) == 1


def test_ranking_orders_by_met_rate_with_shared_ranks(loaded: list[Document]) -> None:
    result = aggregate(r for d in loaded for r in d.reports)
    rows = result.ranking()
    assert len(rows) == BODIES
    rates = [row.met_rate for row in rows if row.met_rate is not None]
    assert rates == sorted(rates, reverse=True)
    assert rows[0].rank == 1
    for position in range(1, len(rows)):
        before, after = rows[position - 1], rows[position]
        same = (before.met_rate, before.tally.kpis[Judgement.MET]) == (after.met_rate, after.tally.kpis[Judgement.MET])
        assert after.rank == (before.rank if same else position + 1)


def _isesaki_and_gunma(example_path: Path) -> tuple[Report, Report]:
    isesaki = interchange.load(example_path).report_for(2022)
    wide = isesaki.project(3)
    gunma = Report(Body("群馬県", "群馬県", "100005"), 2022, isesaki.program)
    lead = carry_report(Report(isesaki.municipality, 2021, isesaki.program, projects=[wide]), 2022).projects[0]
    lead.number, lead.cost_yen, lead.grant_yen, lead.key = 1, 50_000_000, 25_000_000, ""
    lead.partner_bodies = ["前橋市", "伊勢崎市", "富岡市", "みどり市"]
    for own, theirs in zip(lead.kpis, wide.kpis, strict=True):
        own.key, own.scope = "", KpiScope.MUNICIPALITY
        own.actuals = dict(theirs.actuals)
    gunma.projects = [lead]
    return isesaki, gunma


def test_wide_area_project_counted_once_with_the_leads_kpis(example_path: Path) -> None:
    isesaki, gunma = _isesaki_and_gunma(example_path)
    result = aggregate([isesaki, gunma])
    assert result.total.projects == 3  # ①, ② and the shared ③ once
    assert result.total.wide_area_projects == 1
    assert result.total.cost_yen == 9_962_058 + 19_293_030 + 200_000 + 50_000_000
    (shared,) = result.wide_area.values()
    assert shared.prefecture == "群馬県" and shared.outcomes_from_lead
    assert shared.share_of_cost(isesaki.municipality) == Fraction(200_000, 50_200_000)
    # Isesaki's copy of ③ is not judgeable (県全体の目標); the lead's copy is judged: 1社 of 23社 not met,
    # 90社（速報値） of 85社 met on a preliminary figure, two pending. ① and ② give 4 met and 3 not met.
    counts = result.total.kpis
    assert counts[Judgement.NOT_JUDGEABLE] == 0
    assert counts[Judgement.PENDING] == 2
    assert counts[Judgement.MET] == 4 + 1 and counts[Judgement.NOT_MET] == 3 + 1
    assert counts.preliminary == 1
    assert percent(counts.met_rate()) == Decimal("55.6")
    # Isesaki's own tally keeps its copy as it is.
    assert result.bodies["102041"].tally.kpis[Judgement.NOT_JUDGEABLE] == 4


def test_streaming_aggregator_refuses_reports_after_the_result(example_path: Path) -> None:
    isesaki = interchange.load(example_path).reports[0]
    aggregator = Aggregator()
    aggregator.add(isesaki)
    aggregator.result()
    with pytest.raises(RuntimeError):
        aggregator.add(isesaki)


def test_kpi_series_follows_each_kpi_across_years(loaded: list[Document]) -> None:
    document = loaded[-1]
    series = kpi_series(document.reports)
    years_per_project: dict[str, set[int]] = defaultdict(set)
    for report in document.reports:
        for project in report.projects:
            years_per_project[project.key].add(report.fiscal_year)
    assert series
    for key, entry in series.items():
        years = [point.fiscal_year for point in entry.points]
        assert years == sorted(set(years))
        project_key = key.rsplit("-k", 1)[0]
        assert set(years) == years_per_project[project_key]
        for point in entry.points:
            assert point.target is not None  # every year of a project has its target
    assert any(len(entry.points) > 1 for entry in series.values())


def test_merging_aggregators_equals_aggregating_everything(loaded: list[Document]) -> None:
    reports = [r for d in loaded for r in d.reports]
    parts = [Aggregator(), Aggregator(), Aggregator()]
    for index, report in enumerate(reports):
        parts[index * 3 // len(reports)].add(report)  # three consecutive slices, as processes get them
    merged = parts[0]
    merged.merge(parts[1])
    merged.merge(parts[2])
    assert merged.result() == aggregate(reports)
    with pytest.raises(ValueError):
        Aggregator(year=2016).merge(Aggregator())


def test_a_report_seen_twice_is_counted_once(example_path: Path) -> None:
    once = aggregate([interchange.load(example_path).reports[0]])
    twice = aggregate([interchange.load(example_path).reports[0], interchange.load(example_path).reports[0]])
    assert twice.total == once.total and twice.by_unit == once.by_unit
    assert [(ref.municipality, ref.fiscal_year) for ref in twice.duplicates] == [("伊勢崎市", 2022)]
    first, second = Aggregator(), Aggregator()
    first.add(interchange.load(example_path).reports[0])
    second.add(interchange.load(example_path).reports[0])
    with pytest.raises(OverlapError):
        first.merge(second)
    assert first.result().total == once.total  # a refused merge leaves the aggregator as it was


def test_a_report_without_projects_still_counts_as_a_report(example_path: Path) -> None:
    isesaki = interchange.load(example_path).reports[0]
    empty = Report(isesaki.municipality, 2023, isesaki.program)
    result = aggregate([isesaki, empty])
    assert len(result.total.reports) == 2 and result.by_year[2023].projects == 0
    assert len(result.by_year[2023].reports) == 1 and result.by_year[2023].kpis.total == 0
