"""The fields a department fills in its workbook: how each is written to a cell, read back as a clerk types it,
shown in a plan in the city's words, and found in (or put into) a project or a KPI.

A field is a :class:`Kind` (yen, a KPI figure, a fiscal year, paragraphs, a choice of a national list) and an
:class:`Access` (which attribute of which node holds it). ``FIELDS`` is the one table of what a department may
fill: 事業費, 交付金充当額, まとめ（検証結果）, 事業の評価, 今後の方針 and its reason, and per KPI 基準値, 基準値の
年度 and the year's 目標値 and 実績値. Everything else in the workbook is shown, locked, and never read into kouka.

Two values of a field are "the same" when they mean the same to the public: a figure typed as 「27」 where the
workbook said 「27人」 is no change.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

from kouka.domain import limits
from kouka.domain.checks import kpi_label, project_label
from kouka.domain.eras import format_fiscal_year, parse_fiscal_year
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import format_yen, parse_quantity, parse_yen
from kouka.domain.model import (
    DIRECTION_LABELS,
    EFFECT_LABELS,
    C,
    Categorised,
    EffectLevel,
    Kpi,
    Measurement,
    NextDirection,
    Project,
)
from kouka.domain.notation import compose_measurement, read_measurement, write_measurement
from kouka.exchange.errors import CellUnreadable
from kouka.render.national import EFFECT_CHOICES

V = TypeVar("V")

# What openpyxl gives for a cell (a date when Excel took 「R5.4」 for one).
CellValue = str | int | float | Decimal | bool | datetime | date | time | None
Shown = str | int | None  # what the export writes in a cell
Value = int | tuple[str, ...] | Measurement | Categorised[EffectLevel] | Categorised[NextDirection] | None

SHOWN_LENGTH = 40  # how much of a typed text a message repeats


def clip(text: str, length: int = SHOWN_LENGTH) -> str:
    return text if len(text) <= length else text[:length] + "…"


def cell_text(cell: CellValue) -> str:
    """A cell as the text a clerk sees: 27 → "27", 1.5 → "1.5", a date → 2023-04-01, lines joined by \\n."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        cell = Decimal(repr(cell))
    if isinstance(cell, int | Decimal):
        return format(cell, "f") if isinstance(cell, Decimal) else str(cell)
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    return cell.replace("\r\n", "\n").replace("\r", "\n").strip()


def same_cell(shown: CellValue, found: CellValue) -> bool:
    """Whether a cell still holds what the export wrote (27 and 27.0 alike, trailing spaces aside)."""
    if _numeric(shown) and _numeric(found):
        return Decimal(cell_text(shown)) == Decimal(cell_text(found))
    if isinstance(shown, bool) or isinstance(found, bool):
        return shown is found
    return cell_text(shown) == cell_text(found)


def _numeric(cell: CellValue) -> bool:
    return isinstance(cell, int | float | Decimal) and not isinstance(cell, bool)


class Kind(Protocol):
    def read(self, cell: CellValue, unit: str) -> Value:
        """The value of a non-empty cell; :class:`CellUnreadable` with the reason when it cannot be read."""

    def write(self, value: Value) -> Shown:
        """What the export puts in the cell."""

    def show(self, value: Value) -> str:
        """The value in the city's words, for a plan: 1,929万3,030円, 27人, 令和5年度."""

    def same(self, a: Value, b: Value) -> bool:
        """Whether the two values mean the same."""


def empty() -> str:
    return _("（空欄）")


def parsed(text: str, parse: Callable[[str], V], refusal: str) -> V:
    """``parse(text)``, or :class:`CellUnreadable` saying ``refusal`` (of the text, clipped) when it cannot."""
    try:
        return parse(text)
    except (KoukaError, ArithmeticError) as exc:
        raise CellUnreadable(refusal.format(text=clip(text))) from exc


class WholeNumber:
    """A kind whose value is an int (yen, a fiscal year), the same when equal: a subclass says how it is
    ``written`` in a cell and in the city's ``words``."""

    def written(self, value: int) -> Shown:
        raise NotImplementedError

    def words(self, value: int) -> str:
        raise NotImplementedError

    def write(self, value: Value) -> Shown:
        assert value is None or isinstance(value, int)
        return None if value is None else self.written(value)

    def show(self, value: Value) -> str:
        return self.words(value) if isinstance(value, int) else empty()

    def same(self, a: Value, b: Value) -> bool:
        return a == b


def _yen_and_whether_approximate(text: str) -> tuple[int, bool]:
    approximate = parse_quantity(text).approximate
    return parse_yen(text), approximate


class Yen(WholeNumber):
    """事業費, 交付金充当額: integer yen, typed as 19293030 or 「1,929万3,030円」 (not 「約1,929万円」)."""

    def read(self, cell: CellValue, unit: str) -> Value:
        text = cell_text(cell)
        yen, approximate = parsed(text, _yen_and_whether_approximate, _("『{text}』は金額（円）として読めません"))
        if approximate:
            raise CellUnreadable(_("『{text}』は概数のため金額として使えません").format(text=clip(text)))
        return yen

    def written(self, value: int) -> Shown:
        return value

    def words(self, value: int) -> str:
        return format_yen(value)


class Figure:
    """A KPI figure as the city writes it: 27人, 90社(速報値), 県において集計中, 11,788億円（令和元年）, or 27."""

    def read(self, cell: CellValue, unit: str) -> Value:
        text = cell_text(cell)
        measurement = parsed(text, lambda typed: read_measurement(typed, unit), _("『{text}』は数値として読めません"))
        if measurement.value is not None and measurement.unit != unit:
            raise CellUnreadable(_("『{text}』の単位が成果目標の単位（{unit}）と違います").format(
                text=clip(text), unit=unit))
        if _numeric(cell):  # a bare number: written with its unit, as the city publishes it (27人)
            bare = Measurement(measurement.value, unit, measurement.status)
            measurement = replace(bare, text=compose_measurement(bare))
        return measurement

    def write(self, value: Value) -> Shown:
        assert value is None or isinstance(value, Measurement)
        return write_measurement(value) if value is not None else None

    def show(self, value: Value) -> str:
        return write_measurement(value) if isinstance(value, Measurement) else empty()

    def same(self, a: Value, b: Value) -> bool:
        if not isinstance(a, Measurement) or not isinstance(b, Measurement):
            return a is None and b is None
        return (a.value, a.unit, a.status, a.reference, a.note, a.approximate) == \
            (b.value, b.unit, b.status, b.reference, b.note, b.approximate)


class FiscalYear(WholeNumber):
    """基準値の年度: 「令和5年度」, 「R5」, 「2023年度」 or 2023."""

    def read(self, cell: CellValue, unit: str) -> Value:
        return parsed(cell_text(cell), parse_fiscal_year, _("『{text}』は年度として読めません（例: 令和5年度）"))

    def written(self, value: int) -> Shown:
        return format_fiscal_year(value)

    def words(self, value: int) -> str:
        return format_fiscal_year(value)


class Paragraphs:
    """まとめ（検証結果）, 今後の方針の理由: one paragraph per line of the cell (Alt+Enter), blank lines dropped."""

    def read(self, cell: CellValue, unit: str) -> Value:
        return tuple(line.strip() for line in cell_text(cell).split("\n") if line.strip())

    def write(self, value: Value) -> Shown:
        assert value is None or isinstance(value, tuple)
        return "\n".join(value) if value else None

    def show(self, value: Value) -> str:
        if not isinstance(value, tuple) or not value:
            return empty()
        return "「" + clip(" ".join(value)) + "」"

    def same(self, a: Value, b: Value) -> bool:
        return (a or ()) == (b or ())


class Choice(Generic[C]):
    """A choice of a national list (事業の評価, 今後の方針): the cell holds one of ``shown``'s wordings (the
    drop-down's), or the bare label; the category is what counts."""

    def __init__(self, labels: Mapping[C, str], shown: Mapping[C, str]) -> None:
        self.labels: Mapping[C, str] = labels
        self.shown: Mapping[C, str] = shown
        self.by_text: dict[str, C] = {text: category for category, text in labels.items()} | \
            {text: category for category, text in shown.items()}
        # by the category's code (expanding), since a read Categorised's category is either scale's to mypy
        self.label_of = {category.value: text for category, text in labels.items()}
        self.shown_of = {category.value: text for category, text in shown.items()}

    def read(self, cell: CellValue, unit: str) -> Value:
        text = cell_text(cell)
        category = self.by_text.get(text)
        if category is None:
            raise CellUnreadable(_("『{text}』は一覧にない値です（一覧から選んでください）").format(text=clip(text)))
        value: Categorised[Any] = Categorised(category, self.labels[category])
        return value

    def write(self, value: Value) -> Shown:
        if not isinstance(value, Categorised):
            return None
        return self.shown_of[value.category.value] if value.category is not None else value.text or None

    def show(self, value: Value) -> str:
        if not isinstance(value, Categorised):
            return empty()
        return self.label_of[value.category.value] if value.category is not None else value.text or empty()

    def same(self, a: Value, b: Value) -> bool:
        if not isinstance(a, Categorised) or not isinstance(b, Categorised):
            return a is None and b is None
        return a.category == b.category if a.category or b.category else a.text == b.text


EFFECT_SHOWN: dict[EffectLevel, str] = dict(zip(EFFECT_LABELS, EFFECT_CHOICES, strict=True))  # ③地方創生に効果があった


class Access(Protocol):
    def get(self, project: Project, kpi: Kpi | None, year: int) -> Value: ...

    def put(self, project: Project, kpi: Kpi | None, year: int, value: Value) -> None: ...


def _stored(value: Any) -> Value:
    stored: Value = tuple(value) if isinstance(value, list) else value
    return stored


def _storable(value: Value) -> Any:
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class ProjectAttribute:
    name: str

    def get(self, project: Project, kpi: Kpi | None, year: int) -> Value:
        return _stored(getattr(project, self.name))

    def put(self, project: Project, kpi: Kpi | None, year: int, value: Value) -> None:
        setattr(project, self.name, _storable(value))


@dataclass(frozen=True)
class KpiAttribute:
    name: str

    def get(self, project: Project, kpi: Kpi | None, year: int) -> Value:
        assert kpi is not None
        return _stored(getattr(kpi, self.name))

    def put(self, project: Project, kpi: Kpi | None, year: int, value: Value) -> None:
        assert kpi is not None
        setattr(kpi, self.name, value)


@dataclass(frozen=True)
class KpiYear:
    """One year of a KPI's targets or actuals; an empty cell takes the year's figure away."""

    name: str

    def get(self, project: Project, kpi: Kpi | None, year: int) -> Value:
        assert kpi is not None
        series: dict[int, Measurement] = getattr(kpi, self.name)
        return series.get(year)

    def put(self, project: Project, kpi: Kpi | None, year: int, value: Value) -> None:
        assert kpi is not None and (value is None or isinstance(value, Measurement))
        series: dict[int, Measurement] = getattr(kpi, self.name)
        if value is None:
            series.pop(year, None)
        else:
            series[year] = value


@dataclass(frozen=True)
class Field:
    name: str
    holder: str  # "project" or "kpi": the key of its label in kouka.domain.limits.LABELS
    kind: Kind
    access: Access
    per_year: bool = False

    @property
    def label(self) -> str:
        """The city's word for the field in the current language: 実績値."""
        return _(limits.LABELS[(self.holder, self.name)])


YEN, FIGURE, YEAR, PARAGRAPHS = Yen(), Figure(), FiscalYear(), Paragraphs()
EFFECT: Choice[EffectLevel] = Choice(EFFECT_LABELS, EFFECT_SHOWN)
DIRECTION: Choice[NextDirection] = Choice(DIRECTION_LABELS, DIRECTION_LABELS)

FIELDS: dict[str, Field] = {field.name: field for field in (
    Field("cost_yen", "project", YEN, ProjectAttribute("cost_yen")),
    Field("grant_yen", "project", YEN, ProjectAttribute("grant_yen")),
    Field("verification", "project", PARAGRAPHS, ProjectAttribute("verification")),
    Field("evaluation", "project", EFFECT, ProjectAttribute("evaluation")),
    Field("next_direction", "project", DIRECTION, ProjectAttribute("next_direction")),
    Field("direction_reason", "project", PARAGRAPHS, ProjectAttribute("direction_reason")),
    Field("baseline", "kpi", FIGURE, KpiAttribute("baseline")),
    Field("baseline_year", "kpi", YEAR, KpiAttribute("baseline_year")),
    Field("targets", "kpi", FIGURE, KpiYear("targets"), per_year=True),
    Field("actuals", "kpi", FIGURE, KpiYear("actuals"), per_year=True),
)}


@dataclass(frozen=True, order=True)
class FieldRef:
    """One field of one project or KPI, by stable identity: the project's key (kouka.domain.carry.project_key),
    the field's name in ``FIELDS``, the KPI's key for a KPI's field, and the fiscal year of a target or actual."""

    project: str
    name: str
    kpi: str = ""
    year: int = 0

    @property
    def field(self) -> Field:
        return FIELDS[self.name]

    def as_json(self) -> list[str | int]:
        return [self.project, self.name, self.kpi, self.year]


def where(ref: FieldRef, project: Project, kpi: Kpi | None) -> str:
    """The field in the city's words: 事業① 事業費, 事業① 成果目標② 令和5年度 実績値."""
    field = ref.field
    label = project.cost_label if ref.name == "cost_yen" and project.cost_label else field.label
    if kpi is None:
        return f"{project_label(project)} {label}"
    if field.per_year:
        return f"{kpi_label(project, kpi)} {format_fiscal_year(ref.year)} {label}"
    return f"{kpi_label(project, kpi)} {label}"
