"""Dashboard queries on the database equal counts computed here by walking the published synthetic JSON."""

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kouka.domain.aggregate import Tally
from kouka.domain.model import ProjectKind
from kouka.domain.rules import Judgement
from kouka.web.models import AreaRollup, BodyRollup, KpiFact, Municipality
from kouka.web.stats import dashboards, rollup
from kouka.web.stats.dashboards import Filters
from national_oracle import oracle_judgement

if TYPE_CHECKING:
    from stats_fixtures import SynthWorld



@dataclass
class Expected:
    reports: set[tuple[str, int]] = field(default_factory=set)
    projects: int = 0
    wide: int = 0
    cost: int = 0
    grant: int = 0
    kpis: Counter[str] = field(default_factory=Counter)
    preliminary: int = 0


def unit_of(kpi: dict[str, Any]) -> str:
    return str(kpi["unit"]).removeprefix("百万").removeprefix("億").removeprefix("万") or "（単位なし）"


def is_lead(report: dict[str, Any], project: dict[str, Any]) -> bool:
    return bool(project["kind"] != "wide_area" or project["lead_body"] == report["municipality"]["name"])


def walk(raw: list[dict[str, Any]], *, year: int | None = None, prefecture: str | None = None,
         kind: str | None = None, unit: str | None = None, body: str | None = None,
         group: str | None = None) -> dict[Any, Expected]:
    """The dashboard figures by ``group`` (None: one total), from the JSON alone.

    Across bodies a wide-area project counts once, with its lead's KPIs and every body's share of the money;
    for one ``body`` (or grouped by body) its own copy counts.
    """
    out: dict[Any, Expected] = {}
    for report in raw:
        where = report["municipality"]
        if (year not in (None, report["fiscal_year"]) or prefecture not in (None, where["prefecture"])
                or body not in (None, where["code"])):
            continue
        for project in report["projects"]:
            if kind not in (None, project["kind"]):
                continue
            counted = body is not None or group == "body" or is_lead(report, project)
            kpi_groups = [(kpi, unit_of(kpi)) for kpi in project["kpis"] if unit in (None, unit_of(kpi))]
            keys = {None: None, "year": report["fiscal_year"], "prefecture": where["prefecture"],
                    "body": where["code"]}
            if group == "unit":
                for kpi, unit_group in kpi_groups:
                    if counted:
                        entry = out.setdefault(unit_group, Expected())
                        judgement = oracle_judgement(kpi, report["fiscal_year"])
                        entry.kpis[judgement] += 1
                        entry.preliminary += (report["fiscal_year"] in map(int, kpi["actuals"]) and
                                              kpi["actuals"][str(report["fiscal_year"])]["status"] == "preliminary")
                continue
            entry = out.setdefault(keys[group], Expected())
            entry.reports.add((where["code"], report["fiscal_year"]))
            entry.cost += project["cost_yen"]
            entry.grant += project["grant_yen"]
            if counted:
                entry.projects += 1
                entry.wide += project["kind"] == "wide_area"
                for kpi, _unit in kpi_groups:
                    entry.kpis[oracle_judgement(kpi, report["fiscal_year"])] += 1
                    actual = kpi["actuals"].get(str(report["fiscal_year"]))
                    entry.preliminary += bool(actual and actual["status"] == "preliminary")
    return out


def assert_equal(figures: Tally, expected: Expected, *, money: bool = True) -> None:
    if money:
        assert (figures.report_count, figures.projects, figures.wide_area_projects, figures.cost_yen,
                figures.grant_yen) == (len(expected.reports), expected.projects, expected.wide, expected.cost,
                                       expected.grant)
    assert {j.value: figures.kpis[j] for j in Judgement if figures.kpis[j]} == dict(+expected.kpis)
    assert figures.kpis.preliminary == expected.preliminary


def test_national_figures_equal_independent_counts(synth_world: "SynthWorld") -> None:
    raw = synth_world.raw
    total = walk(raw)[None]
    assert total.wide > 0 and all(total.kpis[j.value] > 0 for j in (Judgement.MET, Judgement.NOT_MET,
                                                                        Judgement.PENDING))
    assert total.preliminary > 0
    assert_equal(dashboards.summary(), total)
    years = dashboards.by_year()
    expected_years = walk(raw, group="year")
    assert [year for year, _ in years] == sorted(expected_years)
    for year, figures in years:
        assert_equal(figures, expected_years[year])
    prefectures = dashboards.by_prefecture()
    expected_prefectures = walk(raw, group="prefecture")
    assert [p for p, _ in prefectures] == sorted(expected_prefectures)
    for prefecture, figures in prefectures:
        assert_equal(figures, expected_prefectures[prefecture])
    units = dashboards.by_unit()
    expected_units = walk(raw, group="unit")
    assert {u for u, _ in units} == set(expected_units) and len(units) > 3
    for unit, figures in units:
        assert_equal(figures, expected_units[unit], money=False)


def test_filtered_figures_equal_independent_counts(synth_world: "SynthWorld") -> None:
    raw = synth_world.raw
    prefecture = Counter(r["municipality"]["prefecture"] for r in raw).most_common(1)[0][0]
    year = raw[0]["fiscal_year"] + 1
    unit = Counter(unit_of(k) for r in raw for p in r["projects"] for k in p["kpis"]).most_common(1)[0][0]
    for kind in (None, "single", "wide_area"):
        filters = Filters(year=year, prefecture=prefecture, unit_group=unit,
                          kind=ProjectKind(kind) if kind else None)
        expected = walk(raw, year=year, prefecture=prefecture, unit=unit, kind=kind).get(None, Expected())
        assert_equal(dashboards.summary(filters), expected)
    wide_only = walk(raw, kind="wide_area")[None]
    assert_equal(dashboards.summary(Filters(kind=ProjectKind.WIDE_AREA)), wide_only)
    assert wide_only.projects == wide_only.wide > 0


def test_ranking_and_each_bodys_own_figures(synth_world: "SynthWorld") -> None:
    raw = synth_world.raw
    per_body = walk(raw, group="body")
    ranking = dashboards.ranking()
    assert sorted(row.slug for row in ranking) == sorted(f"body-{code}" for code in per_body)
    assert synth_world.draft.slug not in {row.slug for row in ranking}  # a draft never counts

    def rate(expected: Expected) -> Fraction | None:
        judged = expected.kpis["met"] + expected.kpis["not_met"]
        return Fraction(expected.kpis["met"], judged) if judged else None

    def order(code: str) -> tuple[bool, Fraction, int, str]:
        r = rate(per_body[code])
        return (r is None, -(r or Fraction(0)), -per_body[code].kpis["met"], code)

    codes = sorted(per_body, key=order)
    assert [row.slug for row in ranking] == [f"body-{code}" for code in codes]
    for position, (row, code) in enumerate(zip(ranking, codes, strict=True), start=1):
        assert_equal(row.figures, per_body[code])
        tied = position > 1 and order(codes[position - 2])[:3] == order(code)[:3]
        assert row.rank == (ranking[position - 2].rank if tied else position)
    # The bodies' own shares of the money add up to the national total; their projects count each copy.
    total = walk(raw)[None]
    assert sum(row.figures.grant_yen for row in ranking) == total.grant
    assert sum(row.figures.projects for row in ranking) > total.projects
    # One body's dashboard is its own copy of everything.
    code = codes[0]
    municipality = Municipality.objects.get(slug=f"body-{code}")
    assert_equal(dashboards.summary(Filters(municipality=municipality.pk)), per_body[code])


def test_sources_list_the_reports_behind_a_number(synth_world: "SynthWorld") -> None:
    raw = synth_world.raw
    year = raw[0]["fiscal_year"]
    expected: Counter[tuple[str, int]] = Counter()
    for report in raw:
        if report["fiscal_year"] != year:
            continue
        for project in report["projects"]:
            if is_lead(report, project):
                for kpi in project["kpis"]:
                    if oracle_judgement(kpi, year) == "not_met":
                        expected[(f"body-{report['municipality']['code']}", year)] += 1
    rows = [dashboards.source_of(r) for r in dashboards.sources(Filters(year=year), Judgement.NOT_MET)]
    assert {(s.slug, s.fiscal_year): s.count for s in rows} == dict(expected)
    assert sum(s.count for s in rows) == dashboards.summary(Filters(year=year)).kpis[Judgement.NOT_MET]
    projects = [dashboards.source_of(r) for r in dashboards.sources(Filters(year=year))]
    assert len(projects) == sum(1 for r in raw if r["fiscal_year"] == year)  # every copy of a shared project
    assert not KpiFact.objects.filter(municipality=synth_world.draft).exists()


def rollup_rows() -> dict[str, list[tuple[Any, ...]]]:
    fields = [f.attname for f in AreaRollup._meta.concrete_fields if not f.primary_key]
    body_fields = [f.attname for f in BodyRollup._meta.concrete_fields if not f.primary_key]
    return {"area": sorted(AreaRollup.objects.values_list(*fields)),
            "body": sorted(BodyRollup.objects.values_list(*body_fields))}


def test_rollups_made_bit_by_bit_equal_rollups_made_at_once(synth_world: "SynthWorld") -> None:
    incremental = rollup_rows()
    assert len(incremental["area"]) > 10 and len(incremental["body"]) > 100
    rollup.refresh_all()
    assert rollup_rows() == incremental


def test_facts_written_without_rollups_are_rolled_up_on_the_next_query(synth_world: "SynthWorld") -> None:
    """A bulk load that writes facts but not rollups: the dashboards notice and remake them."""
    before = dashboards.summary()
    cycle = KpiFact.objects.filter(kind="single").values_list("cycle_id", flat=True).first()
    assert cycle is not None
    gone = KpiFact.objects.filter(cycle_id=cycle)
    lost_projects = gone.filter(project_row=True).count()
    gone.delete()  # as a loader replacing a report would, without remaking rollups
    after = dashboards.summary()
    assert after.projects == before.projects - lost_projects and after.report_count == before.report_count - 1
    assert rollup.is_fresh()
