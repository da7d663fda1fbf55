"""Aggregates over many reports: the numbers of a prefectural or national dashboard.

Counts of projects, total cost and grants, and the share of KPIs met / not met / pending / not judgeable,
in total, by fiscal year, by prefecture and by unit, plus a ranking of bodies and each body's KPI series.
Every judgement comes from :func:`kouka.domain.rules.judge_kpi`; every tally keeps the reports it was
made from, so each number can link back to them.

A wide-area project (広域連携事業) appears in the report of its lead body and of every partner, each with
its own share of the cost. It is counted once: one project, the sum of the shares as its cost and grant,
and its KPIs once: the copy :func:`counting_rank` puts first (the lead's when the lead's report is among
the inputs, else the lowest body code), so the result does not depend on the order the reports come in.
The web's dashboards (kouka.web.stats.facts) choose the counted copy with the same function. Each body's
own tally and ranking row keep the body's share.

Reports can be fed one at a time (:class:`Aggregator`), so a national set never has to sit in memory.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from kouka.domain.carry import body_key, kpi_key
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import split_scale
from kouka.domain.model import Body, Measurement, Project, ProjectKind, Report
from kouka.domain.rules import Judgement, judge_kpi
from kouka.domain.textnorm import label_key


@dataclass(frozen=True, order=True)
class ReportRef:
    """Which report a number comes from."""

    prefecture: str
    code: str
    municipality: str
    fiscal_year: int

    @classmethod
    def of(cls, report: Report) -> "ReportRef":
        body = report.municipality
        return cls(body.prefecture, body.code, body.name, report.fiscal_year)


CountingRank = tuple[bool, str, str, int]


def counting_rank(*, lead: bool, body_code: str, body_name: str, project_number: int) -> CountingRank:
    """Where a body's copy of a wide-area project stands in choosing the one copy that counts: the lowest
    rank counts. The lead's copy first, then the lowest body code (then name, then project number), so the
    choice does not depend on the order in which reports are read."""
    return (not lead, body_code, body_name, project_number)


def _empty_counts() -> dict[Judgement, int]:
    return dict.fromkeys(Judgement, 0)


@dataclass
class JudgementCounts:
    """How many KPIs were met, not met, pending, not judgeable; ``preliminary`` of them rest on 速報値."""

    counts: dict[Judgement, int] = field(default_factory=_empty_counts)
    preliminary: int = 0

    def add(self, judgement: Judgement, preliminary: bool = False) -> None:
        self.counts[judgement] += 1
        self.preliminary += preliminary

    def merge(self, other: "JudgementCounts") -> None:
        for judgement, count in other.counts.items():
            self.counts[judgement] += count
        self.preliminary += other.preliminary

    def __getitem__(self, judgement: Judgement) -> int:
        return self.counts[judgement]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def judged(self) -> int:
        """KPIs with a verdict (met or not met)."""
        return self.counts[Judgement.MET] + self.counts[Judgement.NOT_MET]

    def share(self, judgement: Judgement) -> Fraction | None:
        """The exact share of all KPIs with ``judgement``; None when there are none."""
        return Fraction(self.counts[judgement], self.total) if self.total else None

    def met_rate(self) -> Fraction | None:
        """Met ÷ (met + not met): the achievement share among KPIs that could be judged."""
        return Fraction(self.counts[Judgement.MET], self.judged) if self.judged else None


def percent(share: Fraction | None, places: str = "0.1") -> Decimal | None:
    """A share as a percentage rounded half up: 2/3 → 66.7."""
    if share is None:
        return None
    return (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(
        Decimal(places), rounding=ROUND_HALF_UP)


@dataclass
class Tally:
    """Projects, money and KPI judgements of some set of reports.

    ``reports`` are the reports counted, kept so a number can link back to them; where only their number is
    known (the web's dashboards sum rollups), it is ``counted_reports`` instead. :attr:`report_count` is
    how many there are either way.
    """

    projects: int = 0
    wide_area_projects: int = 0
    cost_yen: int = 0
    grant_yen: int = 0
    kpis: JudgementCounts = field(default_factory=JudgementCounts)
    reports: set[ReportRef] = field(default_factory=set)
    counted_reports: int | None = None

    @property
    def report_count(self) -> int:
        return len(self.reports) if self.counted_reports is None else self.counted_reports

    def add_money(self, cost_yen: int | None, grant_yen: int | None) -> None:
        self.cost_yen += cost_yen or 0
        self.grant_yen += grant_yen or 0

    def merge(self, other: "Tally") -> None:
        self.projects += other.projects
        self.wide_area_projects += other.wide_area_projects
        self.cost_yen += other.cost_yen
        self.grant_yen += other.grant_yen
        self.kpis.merge(other.kpis)
        self.reports |= other.reports


@dataclass(frozen=True)
class KpiOutcome:
    """One KPI's judgement in one report, reduced to what aggregates need."""

    judgement: Judgement
    preliminary: bool
    unit: str


@dataclass(frozen=True)
class WideAreaShare:
    """One body's part in a wide-area project for one year."""

    body: Body
    report: ReportRef
    lead: bool
    cost_yen: int | None
    grant_yen: int | None


@dataclass
class WideAreaProject:
    """A wide-area project of one fiscal year, with each participating body's share."""

    key: str
    fiscal_year: int
    title: str
    lead_body: str
    shares: list[WideAreaShare] = field(default_factory=list)
    outcomes: list[KpiOutcome] = field(default_factory=list)  # the KPIs, once: the counted copy's
    outcomes_from_lead: bool = False
    counted: CountingRank | None = None  # the rank of the copy counted (counting_rank)
    counted_prefecture: str = ""

    @property
    def cost_yen(self) -> int:
        return sum(share.cost_yen or 0 for share in self.shares)

    @property
    def grant_yen(self) -> int:
        return sum(share.grant_yen or 0 for share in self.shares)

    @property
    def prefecture(self) -> str:
        """The counted copy's prefecture: the lead's when the lead's report is known."""
        return self.counted_prefecture

    def offer(self, rank: CountingRank, prefecture: str, outcomes: list[KpiOutcome]) -> None:
        """Count this copy's KPIs instead when it ranks before the one counted so far."""
        if self.counted is None or rank < self.counted:
            self.counted, self.counted_prefecture, self.outcomes = rank, prefecture, outcomes
            self.outcomes_from_lead = not rank[0]

    def share_of_cost(self, body: Body) -> Fraction | None:
        """The body's part of the project's cost (exact); None when the project has no cost."""
        total = self.cost_yen
        if not total:
            return None
        own = sum(share.cost_yen or 0 for share in self.shares if share.body == body)
        return Fraction(own, total)


@dataclass
class BodyTally:
    body: Body
    tally: Tally = field(default_factory=Tally)


@dataclass(frozen=True)
class RankRow:
    rank: int
    body: Body
    tally: Tally
    met_rate: Fraction | None


def wide_area_key(project: Project) -> str:
    """The identity of a wide-area project shared by several bodies' reports."""
    if project.key:
        return project.key
    return f"{label_key(project.lead_body)}|{project.start_year}|{label_key(project.title)}"


def unit_group(unit: str) -> str:
    """Units grouped by their base: 億円 and 万円 both count as 円."""
    return split_scale(unit)[1] or "（単位なし）"


def unit_group_label(group: str) -> str:
    """How a unit group is named on a page: 円 → 円（千円・万円・億円の成果目標を含む）, so that a KPI kept in 億円 is
    never shown under 「円」 without saying so; 社 → 社."""
    return f"{group}（千円・万円・億円の成果目標を含む）" if group == "円" else group


def is_lead(report: Report, project: Project) -> bool:
    """Whether ``report``'s body leads ``project`` (a single project is its own body's)."""
    lead = label_key(project.lead_body)
    return not lead or lead == label_key(report.municipality.name)


@dataclass
class Aggregate:
    total: Tally = field(default_factory=Tally)
    by_year: dict[int, Tally] = field(default_factory=dict)
    by_prefecture: dict[str, Tally] = field(default_factory=dict)
    by_unit: dict[str, JudgementCounts] = field(default_factory=dict)
    by_year_unit: dict[tuple[int, str], JudgementCounts] = field(default_factory=dict)
    bodies: dict[str, BodyTally] = field(default_factory=dict)
    wide_area: dict[tuple[str, int], WideAreaProject] = field(default_factory=dict)
    duplicates: list[ReportRef] = field(default_factory=list)  # reports seen again, left out

    def ranking(self) -> list[RankRow]:
        """Bodies by met rate (met ÷ judged), then by KPIs met; equal rates and counts share a rank.

        Bodies with no judged KPI come last, unranked by rate.
        """
        def order(row: BodyTally) -> tuple[bool, float, int, str]:
            # The rate as a float sorts exactly like the fraction: two different shares of KPI counts (below
            # a million each) differ by more than 1e-12, far above a double's rounding; far cheaper to compare.
            rate = row.tally.kpis.met_rate()
            return (rate is None, -float(rate or 0), -row.tally.kpis[Judgement.MET], row.body.code or row.body.name)

        rows: list[RankRow] = []
        previous: tuple[Fraction | None, int] | None = None
        for position, entry in enumerate(sorted(self.bodies.values(), key=order), start=1):
            rate = entry.tally.kpis.met_rate()
            standing = (rate, entry.tally.kpis[Judgement.MET])
            rank = rows[-1].rank if rows and standing == previous else position
            rows.append(RankRow(rank, entry.body, entry.tally, rate))
            previous = standing
        return rows


class OverlapError(ValueError):
    """Two aggregators to merge have seen the same report; aggregate the inputs in one instead."""


class Aggregator:
    """Feed reports one by one with :meth:`add`, then take :meth:`result`."""

    def __init__(self, *, prefecture: str | None = None, year: int | None = None, body: str | None = None) -> None:
        self.prefecture = prefecture
        self.year = year
        self.body = body  # a 全国地方公共団体コード or a body's name
        self._result = Aggregate()
        self._done = False

    def wants(self, report: Report) -> bool:
        if self.year is not None and report.fiscal_year != self.year:
            return False
        if self.body is not None and self.body not in (report.municipality.code, report.municipality.name):
            return False
        return self.prefecture is None or report.municipality.prefecture == self.prefecture

    def add(self, report: Report) -> None:
        if self._done:
            raise RuntimeError("Aggregator.result() was already taken")
        if not self.wants(report):
            return
        ref = ReportRef.of(report)
        body_entry = self._result.bodies.setdefault(body_key(report.municipality), BodyTally(report.municipality))
        if ref in body_entry.tally.reports:  # the same body's year twice (a copied file): count it once
            self._result.duplicates.append(ref)
            return
        body_entry.tally.reports.add(ref)
        result = self._result
        for tally in (result.total, result.by_year.setdefault(report.fiscal_year, Tally()),
                      result.by_prefecture.setdefault(ref.prefecture, Tally())):
            tally.reports.add(ref)  # a report without projects still counts as a report
        for project in report.projects:
            outcomes = [self._outcome(project, kpi_index, report.fiscal_year) for kpi_index in
                        range(len(project.kpis))]
            body_tally = body_entry.tally
            body_tally.projects += 1
            body_tally.wide_area_projects += project.kind is ProjectKind.WIDE_AREA
            body_tally.add_money(project.cost_yen, project.grant_yen)
            for outcome in outcomes:
                body_tally.kpis.add(outcome.judgement, outcome.preliminary)
            if project.kind is ProjectKind.WIDE_AREA:
                self._add_wide_area(report, ref, project, outcomes)
            else:
                self._count(ref.prefecture, report.fiscal_year, {ref}, outcomes, project.cost_yen,
                            project.grant_yen, wide_area=False)

    @staticmethod
    def _outcome(project: Project, index: int, fiscal_year: int) -> KpiOutcome:
        kpi = project.kpis[index]
        result = judge_kpi(kpi, fiscal_year)
        return KpiOutcome(result.judgement, result.preliminary, kpi.unit)

    def _add_wide_area(self, report: Report, ref: ReportRef, project: Project, outcomes: list[KpiOutcome]) -> None:
        key = (wide_area_key(project), report.fiscal_year)
        shared = self._result.wide_area.get(key)
        if shared is None:
            shared = WideAreaProject(key[0], report.fiscal_year, project.title, project.lead_body)
            self._result.wide_area[key] = shared
        lead = is_lead(report, project)
        body = report.municipality
        shared.shares.append(WideAreaShare(body, ref, lead, project.cost_yen, project.grant_yen))
        rank = counting_rank(lead=lead, body_code=body.code, body_name=body.name, project_number=project.number)
        shared.offer(rank, body.prefecture, outcomes)
        if shared.counted == rank:
            shared.title, shared.lead_body = project.title, project.lead_body

    def _count(self, prefecture: str, fiscal_year: int, refs: set[ReportRef], outcomes: list[KpiOutcome],
               cost_yen: int | None, grant_yen: int | None, *, wide_area: bool) -> None:
        result = self._result
        tallies = (result.total, result.by_year.setdefault(fiscal_year, Tally()),
                   result.by_prefecture.setdefault(prefecture, Tally()))
        for tally in tallies:
            tally.projects += 1
            tally.wide_area_projects += wide_area
            tally.add_money(cost_yen, grant_yen)
            tally.reports |= refs
            for outcome in outcomes:
                tally.kpis.add(outcome.judgement, outcome.preliminary)
        for outcome in outcomes:
            unit = unit_group(outcome.unit)
            result.by_unit.setdefault(unit, JudgementCounts()).add(outcome.judgement, outcome.preliminary)
            result.by_year_unit.setdefault((fiscal_year, unit), JudgementCounts()).add(
                outcome.judgement, outcome.preliminary)

    def merge(self, other: "Aggregator") -> None:
        """Take in what ``other`` has seen (e.g. another process's share of the files), as if added here after.

        Both must have the same filters and neither's result may have been taken.
        """
        if self._done or other._done:
            raise RuntimeError("Aggregator.result() was already taken")
        if (self.prefecture, self.year, self.body) != (other.prefecture, other.year, other.body):
            raise ValueError("aggregators with different filters cannot be merged")
        mine, theirs = self._result, other._result
        for body, entry in theirs.bodies.items():
            known = mine.bodies.get(body)
            if known is not None and known.tally.reports & entry.tally.reports:
                raise OverlapError(_("{name}: 同じ報告が両方にあります").format(name=entry.body.name))
        mine.total.merge(theirs.total)
        for year, tally in theirs.by_year.items():
            mine.by_year.setdefault(year, Tally()).merge(tally)
        for prefecture, tally in theirs.by_prefecture.items():
            mine.by_prefecture.setdefault(prefecture, Tally()).merge(tally)
        for unit, counts in theirs.by_unit.items():
            mine.by_unit.setdefault(unit, JudgementCounts()).merge(counts)
        for year_unit, counts in theirs.by_year_unit.items():
            mine.by_year_unit.setdefault(year_unit, JudgementCounts()).merge(counts)
        mine.duplicates += theirs.duplicates
        for body, entry in theirs.bodies.items():
            mine.bodies.setdefault(body, BodyTally(entry.body)).tally.merge(entry.tally)
        for wide_key, shared in theirs.wide_area.items():
            seen = mine.wide_area.get(wide_key)
            if seen is None:
                mine.wide_area[wide_key] = shared
                continue
            seen.shares += shared.shares
            if shared.counted is not None:
                seen.offer(shared.counted, shared.counted_prefecture, shared.outcomes)
                if seen.counted == shared.counted:
                    seen.title, seen.lead_body = shared.title, shared.lead_body

    def result(self) -> Aggregate:
        """The aggregate, with wide-area projects counted once. Call once, after the last :meth:`add`."""
        if not self._done:
            self._done = True
            for shared in sorted(self._result.wide_area.values(), key=lambda p: (p.fiscal_year, p.key)):
                shared.shares.sort(key=lambda s: counting_rank(lead=s.lead, body_code=s.body.code,
                                                               body_name=s.body.name, project_number=0))
                refs = {share.report for share in shared.shares}
                self._count(shared.prefecture, shared.fiscal_year, refs, shared.outcomes, shared.cost_yen,
                            shared.grant_yen, wide_area=True)
        return self._result


def aggregate(reports: Iterable[Report], *, prefecture: str | None = None, year: int | None = None,
              body: str | None = None) -> Aggregate:
    """Aggregate ``reports``, keeping those of ``prefecture``, fiscal ``year`` and ``body`` when given."""
    aggregator = Aggregator(prefecture=prefecture, year=year, body=body)
    for report in reports:
        aggregator.add(report)
    return aggregator.result()


# --- one body's KPIs over the years --------------------------------------------


@dataclass(frozen=True)
class SeriesPoint:
    fiscal_year: int
    target: Measurement | None
    actual: Measurement | None
    judgement: Judgement
    preliminary: bool
    report: ReportRef


@dataclass
class KpiSeries:
    key: str
    name: str
    unit: str
    project_title: str
    baseline: Measurement | None
    points: list[SeriesPoint] = field(default_factory=list)


def kpi_series(reports: Iterable[Report]) -> dict[str, KpiSeries]:
    """Each KPI's target, actual and judgement per fiscal year, keyed by the KPI's stable key.

    Pass one body's reports (a multi-year file); the points are in fiscal-year order, and the name, unit
    and baseline are the latest year's.
    """
    series: dict[str, KpiSeries] = {}
    for report in sorted(reports, key=lambda r: r.fiscal_year):
        ref = ReportRef.of(report)
        for project in report.projects:
            for kpi in project.kpis:
                key = kpi_key(report.municipality, project, kpi)
                entry = series.setdefault(key, KpiSeries(key, kpi.name, kpi.unit, project.title, kpi.baseline))
                entry.name, entry.unit, entry.project_title, entry.baseline = (
                    kpi.name, kpi.unit, project.title, kpi.baseline)
                result = judge_kpi(kpi, report.fiscal_year)
                entry.points.append(SeriesPoint(report.fiscal_year, result.target, result.actual,
                                                result.judgement, result.preliminary, ref))
    return series
