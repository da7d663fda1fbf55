"""The things a municipality's effect verification is made of.

A :class:`Report` is one municipality's publication for one fiscal year under one
grant program: its projects (事業), each with KPIs (成果目標) whose baselines,
targets and actuals are :class:`Measurement` s that keep the city's original text.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Generic, TypeVar

from kouka.domain.eras import YearRef


class MeasurementStatus(StrEnum):
    FINAL = "final"
    PRELIMINARY = "preliminary"  # 速報値
    PENDING = "pending"  # 集計中
    BEFORE_START = "before_start"  # 事業開始前
    NOT_APPLICABLE = "not_applicable"  # ー, 該当なし


class Direction(StrEnum):
    HIGHER = "higher"  # more is better
    LOWER = "lower"  # less is better


class TargetKind(StrEnum):
    """How a KPI's yearly targets are written in the 地域再生計画."""

    LEVEL = "level"  # each year's target is the level to reach that year (running level, 累計)
    INCREMENT = "increment"  # each year's target is that year's increase (増加分) over the year before


class KpiScope(StrEnum):
    MUNICIPALITY = "municipality"  # the KPI measures this municipality's project
    WIDE_AREA = "wide_area"  # the KPI belongs to the whole wide-area project (e.g. 群馬県全体)


class ProjectKind(StrEnum):
    SINGLE = "single"  # 市単独事業
    WIDE_AREA = "wide_area"  # 広域連携事業


class EffectLevel(StrEnum):
    """The national four-level scale of a project's effect."""

    VERY_EFFECTIVE = "very_effective"  # 地方創生に非常に効果的であった
    CONSIDERABLE = "considerable"  # 地方創生に相当程度効果があった
    EFFECTIVE = "effective"  # 地方創生に効果があった
    NOT_EFFECTIVE = "not_effective"  # 地方創生に対して効果がなかった


EFFECT_LABELS: dict[EffectLevel, str] = {
    EffectLevel.VERY_EFFECTIVE: "地方創生に非常に効果的であった",
    EffectLevel.CONSIDERABLE: "地方創生に相当程度効果があった",
    EffectLevel.EFFECTIVE: "地方創生に効果があった",
    EffectLevel.NOT_EFFECTIVE: "地方創生に対して効果がなかった",
}


class NextDirection(StrEnum):
    """The national set of next-year directions."""

    EXPAND = "expand"  # 追加等更に発展させる
    IMPROVE = "improve"  # 事業内容の見直し（改善）
    CONTINUE = "continue"  # 事業の継続
    DISCONTINUE = "discontinue"  # 事業の中止
    COMPLETE = "complete"  # 予定通り事業終了


DIRECTION_LABELS: dict[NextDirection, str] = {
    NextDirection.EXPAND: "追加等更に発展させる",
    NextDirection.IMPROVE: "事業内容の見直し（改善）",
    NextDirection.CONTINUE: "事業の継続",
    NextDirection.DISCONTINUE: "事業の中止",
    NextDirection.COMPLETE: "予定通り事業終了",
}


@dataclass(frozen=True)
class Measurement:
    """One figure in a KPI table, as the city wrote it and as kouka reads it.

    ``reference`` is the period the figure itself refers to when it differs from
    its column (``11,788億円（令和元年）`` in a 令和3年度実績 column).
    """

    value: Decimal | None
    unit: str
    status: MeasurementStatus = MeasurementStatus.FINAL
    reference: YearRef | None = None
    text: str = ""
    note: str = ""  # the wording of a qualifier, e.g. 県において集計中
    approximate: bool = False  # 約 …

    @property
    def has_value(self) -> bool:
        return self.value is not None


C = TypeVar("C", EffectLevel, NextDirection)


@dataclass(frozen=True)
class Categorised(Generic[C]):
    """A category of a national scale together with the city's own wording."""

    category: C | None
    text: str


@dataclass
class Kpi:
    number: int
    name: str
    unit: str
    direction: Direction = Direction.HIGHER
    scope: KpiScope = KpiScope.MUNICIPALITY
    baseline: Measurement | None = None
    baseline_year: int | None = None  # the fiscal year of the baseline column (令和3年度実績)
    targets: dict[int, Measurement] = field(default_factory=dict)
    actuals: dict[int, Measurement] = field(default_factory=dict)
    marks: dict[int, str] = field(default_factory=dict)  # the city's own per-year marks: ◎ ○ △ ×
    notes: list[str] = field(default_factory=list)
    key: str = ""  # stable identity across fiscal years; "" means derived (kouka.domain.carry.kpi_key)
    target_kind: TargetKind = TargetKind.LEVEL  # targets as running levels or as yearly increments (増加分)


@dataclass(frozen=True)
class Body:
    """A local public body (地方公共団体)."""

    name: str
    prefecture: str = ""
    code: str = ""  # 全国地方公共団体コード (6 digits with check digit) where known


@dataclass(frozen=True)
class Figure:
    """A photo or figure of a project's まとめ（検証結果）, where the city put it: after ``after`` of its paragraphs
    (0: before the first). ``name`` is the image's name in the web application's storage; ``src`` is what a
    renderer shows (a data URI the web application fills in when it reads the report; "" when there is no
    image, and then the caption and the text alternative are printed instead)."""

    name: str
    caption: str
    alt: str
    after: int = 0
    width: int = 0
    height: int = 0
    media_type: str = "image/jpeg"
    src: str = field(default="", compare=False)


@dataclass
class Project:
    number: int
    title: str
    start_year: int
    end_year: int
    title_notes: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    kind: ProjectKind = ProjectKind.SINGLE
    lead_body: str = ""
    partner_bodies: list[str] = field(default_factory=list)
    cost_label: str = "事業費"
    cost_yen: int | None = None
    grant_yen: int | None = None
    kpi_scope_label: str = ""  # e.g. 群馬県全体
    kpi_notes: list[str] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    verification: list[str] = field(default_factory=list)  # まとめ（検証結果）
    figure_captions: list[str] = field(default_factory=list)  # captions published without their image
    figures: list[Figure] = field(default_factory=list)  # photos and figures placed in the まとめ
    notes: list[str] = field(default_factory=list)  # further narrative the city published
    reviewer_opinion: list[str] = field(default_factory=list)  # 外部有識者の意見
    reviewer_label: str = ""  # the heading the city gives it: 推進会議の評価; "" is 外部有識者の意見
    council_remarks: list[str] = field(default_factory=list)  # 議会の意見 (optional)
    review_response: list[str] = field(default_factory=list)  # 対応: how each remark is reflected
    evaluation: Categorised[EffectLevel] | None = None
    next_direction: Categorised[NextDirection] | None = None
    direction_reason: list[str] = field(default_factory=list)  # 今後の方針の理由
    key: str = ""  # stable identity across years and bodies; "" means derived (kouka.domain.carry.project_key)

    def kpi(self, number: int) -> Kpi:
        for kpi in self.kpis:
            if kpi.number == number:
                return kpi
        raise KeyError(number)


@dataclass(frozen=True)
class GrantProgram:
    name: str = "地方創生推進交付金"
    rate: Fraction = Fraction(1, 2)


@dataclass
class Report:
    """One municipality's effect verification for one fiscal year."""

    municipality: Body
    fiscal_year: int
    program: GrantProgram = field(default_factory=GrantProgram)
    title: str = ""
    introduction: list[str] = field(default_factory=list)
    stated_total_yen: int | None = None
    stated_total_label: str = ""
    projects: list[Project] = field(default_factory=list)
    source: str = ""
    # An imported draft (取込途中): the document did not say everything (the fiscal year, the municipality, a
    # project's name or period), so those fields may be empty (0 / "") until someone fills them in; a draft
    # cannot be published (kouka.domain.gate).
    draft: bool = False

    def project(self, number: int) -> Project:
        for project in self.projects:
            if project.number == number:
                return project
        raise KeyError(number)


@dataclass
class Document:
    """What an interchange file holds: one or more reports (a multi-year file has several)."""

    reports: list[Report] = field(default_factory=list)

    def report_for(self, fiscal_year: int | None = None) -> Report:
        """The report of ``fiscal_year``, or the latest when None."""
        if not self.reports:
            raise KeyError("empty document")
        if fiscal_year is None:
            return max(self.reports, key=lambda report: report.fiscal_year)
        for report in self.reports:
            if report.fiscal_year == fiscal_year:
                return report
        raise KeyError(fiscal_year)


_CODE_WEIGHTS = (6, 5, 4, 3, 2)


def body_code_check_digit(code5: str) -> int:
    """The check digit of a 全国地方公共団体コード (JIS X 0402 style): 10204 → 1 (伊勢崎市 102041)."""
    total = sum(int(digit) * weight for digit, weight in zip(code5, _CODE_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def is_valid_body_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit() and body_code_check_digit(code[:5]) == int(code[5])
