"""A deterministic generator of realistic national data, for benchmarks and load tests.

``generate(bodies=N, years=Y, seed=S)`` yields one :class:`Document` per body (all of its fiscal years),
and :func:`write` saves them, validated, as ``<code>.json`` in a directory. The same arguments give
byte-identical files: every random draw comes from a generator seeded by the seed and the name of the
thing drawn (a body, a project key, a KPI key and a year), never from global state or set order.

Each body has 2–5 projects a year, each with 2–5 KPIs in realistic units; projects run 1–5 years and are
carried from year to year with :func:`kouka.domain.carry.carry_report` (so KPI identity holds); actuals
carry the city's qualifiers (速報値, 集計中, 事業開始前, figures of an earlier calendar year, 約). Prefectures
lead wide-area projects (広域連携事業) with a few of their municipalities as partners, each paying a share.
"""

import math
import os
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

from kouka import interchange
from kouka.atomicfile import write_atomically
from kouka.domain.carry import carry_report, kpi_key, project_key
from kouka.domain.checks import circled
from kouka.domain.eras import YearRef, format_fiscal_period, format_fiscal_year
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import format_yen
from kouka.domain.model import (
    DIRECTION_LABELS,
    EFFECT_LABELS,
    Body,
    Categorised,
    Direction,
    Document,
    EffectLevel,
    GrantProgram,
    Kpi,
    KpiScope,
    Measurement,
    MeasurementStatus,
    NextDirection,
    Project,
    ProjectKind,
    Report,
    body_code_check_digit,
)
from kouka.domain.notation import compose_measurement
from kouka.domain.rules import Judgement, grant_for, judge_kpi, report_total
from kouka.synth_data import (
    DEPARTMENTS_COMMON,
    PREFECTURES,
    STEM_FIRST,
    STEM_SECOND,
    THEMES,
    TITLE_PREFIXES,
    TITLE_SUFFIXES,
    TOKYO_WARDS,
    KpiTemplate,
    Theme,
)

NATIONAL_BODIES = 1788
FIRST_YEAR = 2016  # 平成28年度, the grant's first year
MAX_PROJECTS = 5
PROGRAM = GrantProgram()


class SynthError(ValueError):
    pass


@dataclass(frozen=True)
class SynthBody:
    body: Body
    kind: str  # prefecture | city | ward | town | village

    @property
    def is_prefecture(self) -> bool:
        return self.kind == "prefecture"

    @property
    def own(self) -> str:
        """How the body calls itself in its report: 本市, 本町, 本村, 本区, 本県."""
        return {"prefecture": "本" + self.body.name[-1], "city": "本市", "ward": "本区", "town": "本町",
                "village": "本村"}[self.kind]


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join([str(seed), *map(str, parts)]))


def _code(prefecture: int, number: int) -> str:
    code5 = f"{prefecture:02d}{number:03d}"
    return code5 + str(body_code_check_digit(code5))


# --- bodies ----------------------------------------------------------------------


def _names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        stem = rng.choice(STEM_FIRST) + rng.choice(STEM_SECOND)
        if stem not in taken:
            taken.add(stem)
            names.append(stem)
    return names


def _town_village_codes(rng: random.Random, count: int) -> list[int]:
    """Codes 3xx–7xx grouped by district (郡), as the real ones are."""
    sizes: list[int] = []
    while sum(sizes) < count:
        sizes.append(min(rng.randint(2, 7), count - sum(sizes)))
    step = max(max(sizes, default=0) + 1, min(20, 400 // max(1, len(sizes))))  # districts never overlap
    return [301 + district * step + offset for district, size in enumerate(sizes) for offset in range(size)]


def prefecture_bodies(seed: int, number: int, name: str, municipalities: int, cities: int,
                      villages: int) -> list[SynthBody]:
    """The prefecture and its municipalities, with 全国地方公共団体コード and invented names."""
    rng = _rng(seed, "bodies", number)
    bodies = [SynthBody(Body(name, name, _code(number, 0)), "prefecture")]
    wards = TOKYO_WARDS if number == 13 else 0
    towns = municipalities - cities - villages - wards
    stems = _names(rng, municipalities, {name[:-1]})
    kinds = ["ward"] * wards + ["city"] * cities + ["town"] * towns + ["village"] * villages
    numbers = ([101 + i for i in range(wards)] + [201 + i for i in range(cities)]
               + _town_village_codes(rng, towns + villages))
    suffix = {"ward": "区", "city": "市", "town": "町", "village": "村"}
    for stem, kind, code_number in zip(stems, kinds, numbers, strict=True):
        bodies.append(SynthBody(Body(stem + suffix[kind], name, _code(number, code_number)), kind))
    return bodies


def national_bodies(seed: int) -> list[SynthBody]:
    """All 1,788 bodies: 47 prefectures and 1,741 municipalities, in code order."""
    bodies: list[SynthBody] = []
    for number, name, municipalities, cities, villages in PREFECTURES:
        bodies += prefecture_bodies(seed, number, name, municipalities, cities, villages)
    return bodies


def choose_bodies(seed: int, count: int) -> list[SynthBody]:
    """``count`` bodies: prefectures in proportion, their municipalities first, in code order."""
    everyone = national_bodies(seed)
    if not 1 <= count <= len(everyone):
        raise SynthError(_("団体数は1～{everyone}です（{count}）").format(everyone=len(everyone), count=count))
    if count == len(everyone):
        return everyone
    rng = _rng(seed, "choose", count)
    prefectures = [b for b in everyone if b.is_prefecture]
    chosen = rng.sample(prefectures, min(len(prefectures), max(1, round(count * 47 / NATIONAL_BODIES))))
    chosen_names = {b.body.name for b in chosen}
    near = [b for b in everyone if not b.is_prefecture and b.body.prefecture in chosen_names]
    far = [b for b in everyone if not b.is_prefecture and b.body.prefecture not in chosen_names]
    rng.shuffle(near)
    rng.shuffle(far)
    picked = chosen + (near + far)[: count - len(chosen)]
    return sorted(picked, key=lambda b: b.body.code)


# --- KPIs ------------------------------------------------------------------------


def _quantize(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _round_target(value: float, places: int) -> Decimal:
    """Targets are round figures: two or three significant digits."""
    if value <= 0:
        return _quantize(0, places)
    digits = 3 if value >= 1000 else 2
    magnitude = 10 ** (math.floor(math.log10(value)) - digits + 1)
    rounded = round(value / magnitude) * magnitude
    return _quantize(max(rounded, 10 ** -places if places else 1), places)


def _measure(value: Decimal | None, unit: str, status: MeasurementStatus = MeasurementStatus.FINAL, *,
             note: str = "", reference: YearRef | None = None, approximate: bool = False) -> Measurement:
    m = Measurement(value, unit, status, reference, "", note, approximate)
    return Measurement(value, unit, status, reference, compose_measurement(m), note, approximate)


def new_kpi(rng: random.Random, template: KpiTemplate, number: int, start: int, end: int,
            scale: float) -> Kpi:
    """A KPI as a project plans it: a baseline (the year before the start) and a target for each year."""
    unit, places = template.unit, template.places
    base = rng.uniform(template.low, template.high) * (1.0 if template.kind == "rate" else scale)
    kpi = Kpi(number, template.name, unit, template.direction, baseline_year=start - 1)
    growth = rng.uniform(0.03, 0.12)
    if template.kind == "count" and rng.random() < 0.5:
        kpi.baseline = _measure(None, unit, MeasurementStatus.BEFORE_START, note="事業開始前")
        level = base
    else:
        level = base if template.kind != "count" else base * rng.uniform(0.5, 0.9)
        reference = YearRef(start - 2, fiscal=False) if template.kind == "lagged" else None
        kpi.baseline = _measure(_quantize(level, places), unit, reference=reference)
    for index, year in enumerate(range(start, end + 1), start=1):
        if template.kind == "rate":
            goal = min(100.0, level + index * rng.uniform(0.5, 3.0))
        elif template.direction is Direction.LOWER:
            goal = level * (1 - growth) ** index
        else:
            goal = level * (1 + growth) ** index
        kpi.targets[year] = _measure(_round_target(goal, places), unit)
    return kpi


def actual_for(seed: int, key: str, kpi: Kpi, year: int, effect: float, *, wide_partner: bool) -> Measurement:
    """The KPI's actual for ``year``: the target times a lognormal factor, with the city's qualifiers."""
    rng = _rng(seed, "actual", key, year)
    target = kpi.targets[year]
    assert target.value is not None
    factor = math.exp(rng.gauss(0.03 + effect, 0.2))
    value = float(target.value) * (factor if kpi.direction is Direction.HIGHER else 1 / factor)
    exponent = target.value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) else 0
    if kpi.unit == "%":
        value = min(value, 100.0)
    draw = rng.random()
    if draw < 0.05:
        note = "県において集計中" if wide_partner else "集計中"
        return _measure(None, kpi.unit, MeasurementStatus.PENDING, note=note)
    amount = _quantize(max(value, 0.0), max(places, 0))
    reference = YearRef(year - 2, fiscal=False) if kpi.baseline and kpi.baseline.reference else None
    if draw < 0.09:
        return _measure(amount, kpi.unit, MeasurementStatus.PRELIMINARY, note="速報値", reference=reference)
    return _measure(amount, kpi.unit, reference=reference, approximate=draw > 0.985)


# --- projects ----------------------------------------------------------------------


@dataclass
class WidePlan:
    """A wide-area project led by a prefecture, with the partners' shares."""

    key: str
    lead: SynthBody
    partners: list[SynthBody]
    theme: Theme
    title: str
    start: int
    end: int
    lead_cost: int
    partner_costs: dict[str, int] = field(default_factory=dict)  # by body code, per year the same


def _duration(rng: random.Random) -> int:
    return rng.choice((1, 2, 3, 3, 3, 3, 4, 5))


def _title(rng: random.Random, theme: Theme, stem: str) -> str:
    prefix = rng.choice(TITLE_PREFIXES)
    place = f"{stem}の" if rng.random() < 0.3 else ""
    phrase, suffix = rng.choice(theme.phrases), rng.choice(TITLE_SUFFIXES)
    if suffix != "事業" and phrase.endswith(suffix[:2]):  # no 推進推進事業
        suffix = "事業"
    return f"{place}{prefix}{phrase}{suffix}"


def _stem(name: str) -> str:
    """群馬県 → 群馬, 伊勢崎市 → 伊勢崎; 北海道 stays whole."""
    return name[:-1] if name[-1] in "都府県市町村区" else name


def _body_scale(body: SynthBody) -> float:
    return {"prefecture": 4.0, "city": 1.0, "ward": 1.2, "town": 0.35, "village": 0.15}[body.kind]


def _kpis(seed: int, key: str, theme: Theme, start: int, end: int, scale: float) -> list[Kpi]:
    rng = _rng(seed, "kpis", key)
    templates = rng.sample(theme.kpis, rng.randint(2, min(5, len(theme.kpis))))
    kpis = [new_kpi(rng, template, number, start, end, scale) for number, template in enumerate(templates, 1)]
    for kpi in kpis:
        kpi.key = f"{key}-k{kpi.number}"
    return kpis


def plan_wide_area(seed: int, chosen: list[SynthBody], years: range) -> dict[str, list[WidePlan]]:
    """Each prefecture in ``chosen`` leads one (sometimes two) wide-area projects at a time."""
    plans: dict[str, list[WidePlan]] = {}
    for lead in (b for b in chosen if b.is_prefecture):
        municipalities = [b for b in chosen if not b.is_prefecture and b.body.prefecture == lead.body.name]
        if not municipalities:
            continue
        rng = _rng(seed, "wide", lead.body.code)
        serial = 0
        for lane in range(1 + (rng.random() < 0.5)):
            year = years.start + lane
            while year < years.stop:
                serial += 1
                end = year + rng.randint(1, 3)
                theme = rng.choice(THEMES)
                partners = sorted(rng.sample(municipalities, min(len(municipalities), rng.randint(2, 6))),
                                  key=lambda b: b.body.code)
                plan = WidePlan(f"{lead.body.code}-{year}-w{serial}", lead, partners, theme,
                                _title(rng, theme, _stem(lead.body.name)), year, end,
                                rng.randint(20_000_000, 240_000_000))
                for partner in partners:
                    plan.partner_costs[partner.body.code] = rng.randint(5, 300) * 10_000
                for body in (lead, *partners):
                    plans.setdefault(body.body.code, []).append(plan)
                year = end + 1 + rng.randint(0, 1)
    return plans


def wide_project(seed: int, plan: WidePlan, body: SynthBody) -> Project:
    """The body's copy of a wide-area project: the lead's own, or a partner's with its share."""
    lead_name = plan.lead.body.name
    participants = [lead_name, *(p.body.name for p in plan.partners)]
    is_lead = body is plan.lead or body.body.code == plan.lead.body.code
    summary = [plan.theme.summary.format(body=lead_name)]
    project = Project(0, plan.title, plan.start, plan.end, kind=ProjectKind.WIDE_AREA, lead_body=lead_name,
                      partner_bodies=[name for name in participants if name != body.body.name],
                      departments=[_rng(seed, "dept", plan.key, body.body.code).choice(plan.theme.departments)],
                      summary=summary, key=plan.key)
    project.kpis = _kpis(seed, plan.key, plan.theme, plan.start, plan.end, 3.0)
    if not is_lead:
        cost = plan.partner_costs[body.body.code]
        project.title_notes = [f"※{lead_name}主体の広域連携事業"]
        project.summary.append(f"※{lead_name}主体の広域連携事業であり、{body.body.name}は負担金"
                               f"{format_yen(cost)}を支出する。")
        project.cost_label = body.own[-1] + "事業費"
        project.kpi_scope_label = f"{lead_name}全体"
        project.kpi_notes = [f"※{lead_name}主体の広域連携事業であり、次表の各成果目標及び実績は、当該広域連携事業として"
                             f"{lead_name}が設定したものであるため、{body.body.name}の事業に対応するものではありません。"]
        for kpi in project.kpis:
            kpi.scope = KpiScope.WIDE_AREA
    return project


def own_project(seed: int, body: SynthBody, year: int, serial: int) -> Project:
    key = f"{body.body.code}-{year}-p{serial}"
    rng = _rng(seed, "project", key)
    theme = rng.choice(THEMES)
    end = year + _duration(rng) - 1
    departments = rng.sample(theme.departments, rng.randint(1, 2))
    if rng.random() < 0.2:
        departments.append(rng.choice(DEPARTMENTS_COMMON))
    project = Project(0, _title(rng, theme, _stem(body.body.name)), year, end, departments=departments,
                      summary=[theme.summary.format(body=body.body.name)], key=key)
    project.kpis = _kpis(seed, key, theme, year, end, _body_scale(body))
    return project


def _base_cost(seed: int, body: SynthBody, key: str) -> int:
    rng = _rng(seed, "cost", key)
    return int(math.exp(rng.gauss(math.log(12_000_000), 0.9)) * _body_scale(body) ** 0.5) + 500_000


# --- one year of one body ----------------------------------------------------------


def _effect_level(results: list[Judgement]) -> EffectLevel:
    judged = [j for j in results if j in (Judgement.MET, Judgement.NOT_MET)]
    if not judged:
        return EffectLevel.EFFECTIVE
    share = Fraction(sum(j is Judgement.MET for j in judged), len(judged))
    if share == 1:
        return EffectLevel.VERY_EFFECTIVE
    if share >= Fraction(2, 3):
        return EffectLevel.CONSIDERABLE
    if share > 0:
        return EffectLevel.EFFECTIVE
    return EffectLevel.NOT_EFFECTIVE


def _verification(project: Project, year: int) -> list[str]:
    met, not_met = [], []
    for kpi in project.kpis:
        judgement = judge_kpi(kpi, year).judgement
        label = f"成果目標{circled(kpi.number)}「{kpi.name}」"
        if judgement is Judgement.MET:
            met.append(label)
        elif judgement is Judgement.NOT_MET:
            not_met.append(label)
    lines = []
    if met:
        lines.append(f"{_join(met)}は{format_fiscal_year(year)}目標を達成した。")
    if not_met:
        lines.append(f"一方、{_join(not_met)}については目標を達成することができなかった。"
                     "次年度以降の課題として改善していく。")
    return lines or ["実績は集計中であり、確定後に改めて検証する。"]


def fill_year(seed: int, body: SynthBody, project: Project, year: int, *, plan: WidePlan | None) -> None:
    """The year's money, actuals, まとめ, evaluation and next direction of one project."""
    key = project_key(body.body, project)
    rng = _rng(seed, "year", key, body.body.code, year)
    if plan is None:
        cost = int(_base_cost(seed, body, key) * rng.uniform(0.75, 1.2))
    elif body.body.code == plan.lead.body.code:
        cost = int(plan.lead_cost * rng.uniform(0.8, 1.1))
    else:
        cost = plan.partner_costs[body.body.code]
    project.cost_yen = cost
    project.grant_yen = grant_for(cost, PROGRAM.rate)
    effect = _rng(seed, "effect", key, year).gauss(0, 0.08)
    partner = project.kind is ProjectKind.WIDE_AREA and body.body.code != (plan.lead.body.code if plan else "")
    for kpi in project.kpis:
        if year in kpi.targets:
            kpi.actuals[year] = actual_for(seed, kpi_key(body.body, project, kpi), kpi, year, effect,
                                           wide_partner=partner)
    project.verification = _verification(project, year)
    level = _effect_level([judge_kpi(kpi, year).judgement for kpi in project.kpis])
    project.evaluation = Categorised(level, f"{format_fiscal_year(year)}事業を総括すると、"
                                            f"{EFFECT_LABELS[level]}と考えられる。")
    if year >= project.end_year:
        direction = NextDirection.COMPLETE
    elif plan is not None:
        direction = NextDirection.CONTINUE
    else:
        direction = rng.choices(list(NextDirection)[:4], weights=(12, 25, 60, 3))[0]
    project.next_direction = Categorised(direction, DIRECTION_LABELS[direction])
    project.direction_reason = [f"{format_fiscal_period(project.start_year, project.end_year)}の計画に基づき、"
                                f"{DIRECTION_LABELS[direction]}とする。"]
    if rng.random() < 0.3:
        project.reviewer_opinion = ["成果目標の達成に向けて、関係機関との連携をさらに強化されたい。"]


def _counts_text(single: int, wide: int) -> str:
    if not wide:
        return f"単独事業を{single}事業実施し、その"
    if not single:
        return f"広域連携事業を{wide}事業実施し、その"
    return f"単独事業を{single}事業、広域連携事業を{wide}事業実施し、計{single + wide}事業の"


def _join(labels: list[str]) -> str:
    """A、B及びC."""
    return labels[0] if len(labels) == 1 else "、".join(labels[:-1]) + "及び" + labels[-1]


def _introduction(body: SynthBody, report: Report) -> list[str]:
    single = sum(p.kind is ProjectKind.SINGLE for p in report.projects)
    wide = len(report.projects) - single
    own = body.own
    return [
        "地方創生推進交付金は、地方公共団体による地域の実情に応じた地方創生に資する事業の効率的かつ効果的な実施を"
        "図ることを目的として、平成28年度に国において創設されました。事業費（交付対象経費）の1/2が交付金として"
        "国から交付されます。",
        f"{own}では、{format_fiscal_year(report.fiscal_year)}においては、{_counts_text(single, wide)}"
        f"事業費（交付対象経費）の1/2である{format_yen(report_total(report))}が交付されました。",
    ]


@dataclass
class _BodyState:
    serial: int = 0
    wanted: int = 0


def _active_plans(plans: list[WidePlan], year: int) -> list[WidePlan]:
    return [plan for plan in plans if plan.start <= year <= plan.end]


def _make_room(previous: Report, year: int, wide_starting: int) -> None:
    """Stop own projects (事業の中止) so the next year holds at most MAX_PROJECTS."""
    going_on = [p for p in previous.projects if p.next_direction and p.next_direction.category not in
                (NextDirection.COMPLETE, NextDirection.DISCONTINUE) and p.end_year >= year]
    excess = len(going_on) + wide_starting - max(MAX_PROJECTS, wide_starting)
    own = [p for p in going_on if p.kind is ProjectKind.SINGLE]
    for project in sorted(own, key=lambda p: (-p.start_year, -p.number))[: max(0, excess)]:
        project.next_direction = Categorised(NextDirection.DISCONTINUE, DIRECTION_LABELS[NextDirection.DISCONTINUE])
        project.direction_reason = ["事業の重点化を図るため、他事業に統合し本事業は中止とする。"]


def body_document(seed: int, body: SynthBody, years: range, plans: list[WidePlan]) -> Document:
    """All fiscal years of one body, each carried from the one before."""
    rng = _rng(seed, "timeline", body.body.code)
    state = _BodyState(wanted=rng.randint(2, MAX_PROJECTS))
    reports: list[Report] = []
    for year in years:
        state.wanted = min(MAX_PROJECTS, max(2, state.wanted + rng.choice((-1, 0, 0, 0, 1))))
        starting = [plan for plan in plans if plan.start == year]
        if reports:
            _make_room(reports[-1], year, len(starting))
            report = carry_report(reports[-1], year)
        else:
            report = Report(body.body, year, PROGRAM)
            starting = _active_plans(plans, year)
        report.projects += [wide_project(seed, plan, body) for plan in starting]
        while len(report.projects) < state.wanted:
            state.serial += 1
            report.projects.append(own_project(seed, body, year, state.serial))
        by_key = {plan.key: plan for plan in plans}
        for number, project in enumerate(report.projects, start=1):
            project.number = number
            fill_year(seed, body, project, year, plan=by_key.get(project.key))
        report.title = f"{format_fiscal_year(year)} {PROGRAM.name}事業の効果検証"
        report.introduction = _introduction(body, report)
        report.stated_total_yen = report_total(report)
        report.stated_total_label = f"{body.own}交付額（{format_fiscal_year(year)}）"
        report.source = f"synthetic:kouka-synth:seed={seed}"
        reports.append(report)
    return Document(reports)


# --- the whole set -------------------------------------------------------------------


def generate(*, bodies: int = NATIONAL_BODIES, years: int = 3, seed: int = 0, first_year: int = FIRST_YEAR,
             part: int = 0, parts: int = 1) -> Iterator[tuple[SynthBody, Document]]:
    """One document per body, in code order; nothing is kept once yielded. Bad arguments raise at once.

    ``part`` of ``parts`` takes every ``parts``-th body, so that processes can share the work; each body's
    document depends only on the arguments and the body, never on which part made it.
    """
    if not 1 <= years <= 50:
        raise SynthError(_("年数は1～50です（{years}）").format(years=years))
    if not 1868 <= first_year <= 2200 - years:
        raise SynthError(_("初年度が範囲外です（{first_year}）").format(first_year=first_year))
    span = range(first_year, first_year + years)
    chosen = choose_bodies(seed, bodies)
    plans = plan_wide_area(seed, chosen, span)
    return ((body, body_document(seed, body, span, plans.get(body.body.code, []))) for body in chosen[part::parts])


@dataclass
class WriteSummary:
    files: int = 0
    reports: int = 0
    projects: int = 0
    kpis: int = 0
    bytes: int = 0


def _write_part(directory: Path, bodies: int, years: int, seed: int, first_year: int, validate: bool,
                part: int, parts: int) -> WriteSummary:
    summary = WriteSummary()
    for body, document in generate(bodies=bodies, years=years, seed=seed, first_year=first_year, part=part,
                                    parts=parts):
        if validate:
            interchange.validate(interchange.to_json(document))
        text = interchange.dumps(document).encode("utf-8")
        write_atomically(directory / f"{body.body.code}.json", text)
        summary.files += 1
        summary.reports += len(document.reports)
        summary.projects += sum(len(r.projects) for r in document.reports)
        summary.kpis += sum(len(p.kpis) for r in document.reports for p in r.projects)
        summary.bytes += len(text)
    return summary


def write(directory: str | os.PathLike[str], *, bodies: int = NATIONAL_BODIES, years: int = 3, seed: int = 0,
          first_year: int = FIRST_YEAR, validate: bool = True, jobs: int = 1) -> WriteSummary:
    """Write ``<code>.json`` per body into ``directory``, each validated against the schema first.

    ``jobs`` > 1 shares the bodies among that many processes; the files are the same either way.
    """
    generate(bodies=bodies, years=years, seed=seed, first_year=first_year)  # refuse bad arguments first
    if jobs < 1:
        raise SynthError(_("並列数は1以上です（{jobs}）").format(jobs=jobs))
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    arguments = (out, bodies, years, seed, first_year, validate)
    if jobs == 1:
        return _write_part(*arguments, 0, 1)
    total = WriteSummary()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_write_part, *arguments, part, jobs) for part in range(jobs)]
        for future in futures:
            summary = future.result()
            total.files += summary.files
            total.reports += summary.reports
            total.projects += summary.projects
            total.kpis += summary.kpis
            total.bytes += summary.bytes
    return total
