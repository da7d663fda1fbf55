"""Japanese era years and fiscal years (年度), both directions.

Written here rather than taken from a library: kouka needs fiscal years
(年度, April to March), the abbreviations used in tables (R4, H28.3), 元年,
full-width and kanji digits, and ranges such as 令和4年度～令和6年度. The
japanera package converts dates and formats them with strftime-like patterns,
but knows none of fiscal years, abbreviations or ranges, so it would cover the
smallest part of this module. The era table is five rows of public fact.
"""

import re
from dataclasses import dataclass
from itertools import pairwise

from kouka.domain.errors import EraFormatError
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import KANJI_DIGITS, parse_kanji_integer
from kouka.domain.textnorm import halfwidth


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    first_year: int  # the Western year of the era's first (元) year

    def western(self, era_year: int) -> int:
        return self.first_year + era_year - 1


# Newest first: formatting picks the first era whose first year is not after the year.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", 2019),
    Era("平成", "H", 1989),
    Era("昭和", "S", 1926),
    Era("大正", "T", 1912),
    Era("明治", "M", 1868),
)
_BY_NAME = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}
# The last year each closed era had (平成31年 = 2019, the year 令和 began), and how far past it a year is still
# read: forms printed before an era change went on being used (平成32年度 for 令和2年度), but 平成40年度 is
# a mistake, not a year.
_ERA_ENDS = {older.name: newer.first_year - older.first_year + 1 for newer, older in pairwise(ERAS)}
ERA_GRACE_YEARS = 2

_ERA_NAMES = "|".join([era.name for era in ERAS] + [era.letter for era in ERAS])
_KANJI_NUM = f"[{KANJI_DIGITS}十]+"
_YEAR_PATTERN = (
    rf"(?:(?P<era>{_ERA_NAMES})\s*(?P<eyear>元|\d{{1,3}}|{_KANJI_NUM})"
    r"|(?P<west>\d{4}))"
    r"(?:\s*(?:(?P<suffix>年度|年)|[.．/](?P<dotmonth>\d{1,2})(?!\d))"
    r"(?:\s*(?P<month>\d{1,2})\s*月(?:末)?)?)?"
)
_YEAR_RE = re.compile(_YEAR_PATTERN, re.IGNORECASE)
_FULL_YEAR_RE = re.compile(rf"\s*{_YEAR_PATTERN}\s*(?:末|時点)?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class YearRef:
    """A year a figure refers to: a fiscal year (年度), a calendar year (年), or a month."""

    year: int
    fiscal: bool = True
    month: int | None = None

    def __str__(self) -> str:
        return format_year_ref(self)


def era_of(year: int) -> Era:
    for era in ERAS:
        if year >= era.first_year:
            return era
    raise EraFormatError(_("{year}年は明治より前です").format(year=year))


def _era_year_text(year: int) -> str:
    """令和4, 平成元; a year before the first era kouka knows (明治) in the western calendar (1800), so a year
    stored before kouka checked years is still shown."""
    if year < ERAS[-1].first_year:
        return str(year)
    era = era_of(year)
    n = year - era.first_year + 1
    return f"{era.name}{'元' if n == 1 else n}"


def format_fiscal_year(year: int) -> str:
    """2022 → 令和4年度; 2019 → 令和元年度; 2016 → 平成28年度."""
    return f"{_era_year_text(year)}年度"


def format_year(year: int) -> str:
    """A calendar year: 2019 → 令和元年."""
    return f"{_era_year_text(year)}年"


def format_year_ref(ref: YearRef) -> str:
    if ref.month is not None:
        return f"{_era_year_text(ref.year)}年{ref.month}月"
    return format_fiscal_year(ref.year) if ref.fiscal else format_year(ref.year)


def _from_match(match: re.Match[str], default_fiscal: bool) -> YearRef:
    if match.group("west"):
        year = int(match.group("west"))
    else:
        era = _BY_NAME[match.group("era").upper() if len(match.group("era")) == 1 else match.group("era")]
        raw = match.group("eyear")
        era_year = 1 if raw == "元" else int(raw) if raw.isdigit() else parse_kanji_integer(raw)
        if era_year < 1:
            raise EraFormatError(_("元号の年が正しくありません: 「{text}」").format(text=match.group(0)))
        last = _ERA_ENDS.get(era.name)
        if last is not None and era_year > last + ERA_GRACE_YEARS:
            raise EraFormatError(_("{era}は{last}年までです: 「{text}」").format(
                era=era.name, last=last, text=match.group(0)))
        year = era.western(era_year)
    month_text = match.group("dotmonth") or match.group("month")
    if month_text is not None:
        month = int(month_text)
        if not 1 <= month <= 12:
            raise EraFormatError(_("月が正しくありません: 「{text}」").format(text=match.group(0)))
        return YearRef(year, fiscal=False, month=month)
    suffix = match.group("suffix")
    fiscal = default_fiscal if suffix is None else suffix == "年度"
    return YearRef(year, fiscal=fiscal)


def parse_year(text: str, *, default_fiscal: bool = True) -> YearRef:
    """Read a whole string as a year: 令和4年度, 令和元年, 平成28年度, R4, 2022年度, H28.3, 平成28年3月."""
    match = _FULL_YEAR_RE.fullmatch(halfwidth(text))
    if match is None:
        raise EraFormatError(_("年（年度）として読めません: 「{text}」").format(text=text[:40]))
    return _from_match(match, default_fiscal)


def find_year(text: str, *, default_fiscal: bool = True) -> YearRef | None:
    """The first year mentioned anywhere in ``text``, or None."""
    for match in _YEAR_RE.finditer(halfwidth(text)):
        # A bare four-digit number is a year only with a suffix (2022年度), not "1,929".
        if match.group("west") and not (match.group("suffix") or match.group("month")):
            continue
        try:
            return _from_match(match, default_fiscal)
        except EraFormatError:
            continue
    return None


def year_mistake(text: str) -> str:
    """Why a year ``text`` mentions is no year (平成40年度, 令和0年), or "" (what :func:`find_year` skips).

    >>> year_mistake("3社（平成40年度）")
    '平成は31年までです: 「平成40年度」'
    >>> year_mistake("3社（令和4年度）")
    ''
    """
    for match in _YEAR_RE.finditer(halfwidth(text)):
        if match.group("west"):
            continue
        try:
            _from_match(match, True)
        except EraFormatError as exc:
            return str(exc)
    return ""


def parse_fiscal_year(text: str) -> int:
    """令和4年度 → 2022. A calendar-year spelling (令和4年) is read as the same fiscal year."""
    return parse_year(text).year


_RANGE_SEP = re.compile(r"\s*(?:~|-|–|—|―|ー|から|より)\s*")


def parse_fiscal_period(text: str) -> tuple[int, int]:
    """令和4年度～令和6年度 → (2022, 2024); also 令和4年度 ～ 6年度, R4-R6, 2022年度～2024年度."""
    normal = halfwidth(text).strip()
    parts = [part for part in _RANGE_SEP.split(normal, maxsplit=1) if part.strip()]
    if len(parts) == 1:
        year = parse_fiscal_year(parts[0])
        return year, year
    if len(parts) != 2:
        raise EraFormatError(_("期間として読めません: 「{text}」").format(text=text[:60]))
    start = parse_year(parts[0])
    end_text = parts[1].strip()
    if re.fullmatch(rf"(?:元|\d{{1,3}}|{_KANJI_NUM})\s*(?:年度|年)?(?:まで)?", end_text):
        # "令和4年度～6年度": the end carries the start's era.
        era = era_of(start.year)
        end_text = f"{era.name}{end_text.removesuffix('まで')}"
    end = parse_year(end_text.removesuffix("まで"))
    if end.year < start.year:
        raise EraFormatError(_("期間の終わりが始まりより前です: 「{text}」").format(text=text[:60]))
    return start.year, end.year


def format_fiscal_period(start: int, end: int, *, spaced: bool = False) -> str:
    """(2022, 2024) → 令和4年度～令和6年度 (or 令和4年度 ～ 令和6年度 when ``spaced``)."""
    if start == end:
        return format_fiscal_year(start)
    sep = " ～ " if spaced else "～"
    return f"{format_fiscal_year(start)}{sep}{format_fiscal_year(end)}"
