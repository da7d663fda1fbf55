"""The one table of label synonyms the importer reads documents through.

Every label a city may print (担当課, 担当部局課名, 交付金充当額 …) is listed once here and
mapped to the field it fills; matching goes through :func:`kouka.domain.textnorm.label_key`
(width, spaces and line breaks folded), so ``事 業 費`` and ``交付金\\n充当額`` read alike.
Words that map to the national categories (EffectLevel, NextDirection, ◎○△×) are here too.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

from kouka.domain.eras import find_year
from kouka.domain.model import Categorised, EffectLevel, NextDirection, Project
from kouka.domain.textnorm import halfwidth, label_key

T = TypeVar("T")

class Field(StrEnum):
    """What a labelled value fills."""

    PROJECT_NUMBER = "project_number"
    TITLE = "title"
    DEPARTMENTS = "departments"
    PERIOD = "period"
    PERIOD_START = "period_start"
    PERIOD_END = "period_end"
    SUMMARY = "summary"
    COST = "cost"
    GRANT = "grant"
    PARTNERS = "partners"
    LEAD = "lead"
    KPI = "kpi"
    EVALUATION = "evaluation"
    DIRECTION = "direction"
    DIRECTION_REASON = "direction_reason"
    REVIEWER = "reviewer"
    VERIFICATION = "verification"
    NOTES = "notes"
    TOTAL = "total"
    MUNICIPALITY = "municipality"
    FISCAL_YEAR = "fiscal_year"
    PROGRAM = "program"  # the grant's name (地方創生推進交付金 …)
    KIND = "kind"  # 単独事業 or 広域連携事業


# label → field; the key of each label is compared, so spelling variants of width and spacing need no entry.
FIELD_LABELS: dict[Field, tuple[str, ...]] = {
    Field.PROJECT_NUMBER: ("事業番号", "番号", "No", "No.", "№", "整理番号"),
    Field.TITLE: ("事業名", "事業", "事業名称", "交付対象事業の名称", "交付対象事業名", "事業の名称", "対象事業名"),
    Field.DEPARTMENTS: ("担当課", "担当部局課名", "担当部局", "担当部署", "所管課", "担当部課", "担当", "所管部署"),
    Field.PERIOD: ("事業期間", "実施期間", "計画期間", "事業実施期間", "交付対象期間"),
    Field.PERIOD_START: ("事業始期", "開始年度", "事業開始年度"),
    Field.PERIOD_END: ("事業終期", "終了年度", "事業終了年度"),
    Field.SUMMARY: ("事業概要", "事業の概要", "概要", "事業内容", "主な事業内容", "取組内容"),
    Field.COST: ("事業費", "総事業費", "交付対象事業に要した経費", "交付対象経費",
                 "事業に要した経費", "実績額", "決算額", "事業費実績", "市事業費", "町事業費", "村事業費",
                 "県事業費", "事業費(決算額)", "交付対象事業費", "事業費総額"),
    Field.GRANT: ("交付金充当額", "交付額", "国費充当額", "交付金額", "うち交付金充当額", "交付金", "国費",
                  "うち交付金", "交付金実績額"),
    Field.PARTNERS: ("連携自治体", "連携団体", "連携市町村", "連携先自治体", "関係自治体"),
    Field.LEAD: ("代表団体", "幹事団体", "主体団体", "代表自治体"),
    Field.KPI: ("成果目標", "重要業績評価指標(KPI)", "重要業績評価指標",
                "KPI(重要業績評価指標)", "KPI", "指標", "評価指標", "成果指標"),
    Field.EVALUATION: ("事業の効果", "地方創生への効果", "総合評価", "事業効果", "効果", "評価結果", "事業の評価",
                       "地方創生に対する効果", "評価"),
    Field.DIRECTION: ("今後の方針", "今後の方向性", "次年度以降の方針", "事業の方向性", "今後の事業方針",
                      "今後の対応方針", "次年度の方針"),
    Field.DIRECTION_REASON: ("今後の方針の理由", "方針の理由", "今後の方針の考え方", "理由"),
    Field.REVIEWER: ("外部有識者の意見", "推進会議での意見", "有識者会議の意見", "外部評価委員の意見",
                     "有識者の意見", "推進会議の意見", "外部有識者からの意見"),
    Field.VERIFICATION: ("まとめ", "まとめ(検証結果)", "検証結果", "効果発現要因", "課題", "今後の取組",
                         "事業の成果", "成果と課題", "効果検証", "今後の取組方針", "評価の理由", "検証"),
    Field.NOTES: ("備考", "その他"),
    Field.TOTAL: ("本市交付額", "交付額合計", "交付金合計", "合計", "交付総額", "本町交付額", "本村交付額",
                  "本県交付額", "交付決定額合計", "総額", "交付金の総額", "交付金総額", "交付金の合計", "交付額の合計",
                  "交付金額の合計", "交付金充当額の合計", "交付金充当額合計"),
    Field.MUNICIPALITY: ("自治体名", "団体名", "地方公共団体名", "市町村名", "都道府県名"),
    Field.FISCAL_YEAR: ("年度", "対象年度", "実施年度"),
    Field.PROGRAM: ("交付金名", "交付金の種類", "交付金の名称"),
    Field.KIND: ("事業の区分", "区分", "事業区分", "事業種別", "事業の種類", "事業形態"),
}

_FIELD_BY_KEY: dict[str, Field] = {
    label_key(label): field for field, labels in FIELD_LABELS.items() for label in labels
}
_DECORATION = re.compile(r"^[■□●○◆◇▼▽・*]+|^[【\[〔<《]|[】\]〕>》]$|[:]$"
                         r"|^(?:\d{1,2}[.)、]?|\(\d{1,2}\)|[一二三四五六七八九十]{1,3}[、.])(?=[^\d.,])")


# A label is at most 24 characters once bare; no city decorates one with more marks than this. Longer text is no
# label, and stripping one mark per pass from 20,000 ： would take quadratic time.
_LONGEST_DECORATED = 100


def _bare(key: str) -> str:
    """【事業名】, ■担当課：, [事業費] → the label inside."""
    if len(key) > _LONGEST_DECORATED:
        return key
    previous = None
    while previous != key:
        previous, key = key, _DECORATION.sub("", key)
    return key


# Labels with a parenthesised remark, 事業費(千円), 成果目標(群馬県全体): the part before the bracket decides.
_REMARK = re.compile(r"^(?P<head>[^()]+?)\((?P<remark>[^()]*)\)$")


def _short_key(label: str) -> str:
    """The bare key of a label, or "" for text too long (or too empty) to be one."""
    key = _bare(label_key(label))
    return key if len(key) <= 24 else ""


def _looked_up(table: dict[str, T], key: str) -> tuple[T, str] | None:
    """What a bare label key names in ``table``, itself or by its part before a bracketed remark, and the remark."""
    if key in table:
        return table[key], ""
    match = _REMARK.match(key)
    if match and match.group("head") in table:
        return table[match.group("head")], match.group("remark")
    return None


@lru_cache(maxsize=8192)
def field_of(label: str) -> tuple[Field, str] | None:
    """The field a label names and any bracketed remark after it, or None for text that is no label."""
    key = _short_key(label)
    return _looked_up(_FIELD_BY_KEY, key) if key else None


# Columns of a KPI table.
class Column(StrEnum):
    NAME = "name"
    UNIT = "unit"
    BASELINE = "baseline"
    TARGET = "target"
    ACTUAL = "actual"
    RATE = "rate"  # 達成率 as printed (kouka derives it from the figures)
    MARK = "mark"  # ◎○△× or 達成/未達成
    TARGET_DATE = "target_date"  # when the target is to be met (目標年度)
    NUMBER = "number"


COLUMN_LABELS: dict[Column, tuple[str, ...]] = {
    Column.NAME: ("指標名", "成果目標", "KPI", "重要業績評価指標(KPI)", "重要業績評価指標", "指標", "評価指標",
                  "指標の名称", "KPIの名称", "成果指標", "項目"),
    Column.UNIT: ("単位",),
    Column.BASELINE: ("基準値", "事業開始前", "基準", "現状値", "当初値"),
    Column.TARGET: ("目標値", "目標", "目標値(A)", "KPI目標値"),
    Column.ACTUAL: ("実績値", "実績", "実績値(B)", "KPI実績値"),
    Column.RATE: ("達成率", "達成率(B/A)", "達成度", "進捗率"),
    Column.MARK: ("評価", "達成状況", "判定", "達成評価", "KPI評価"),
    Column.TARGET_DATE: ("目標年月", "目標時期", "目標年度", "達成時期"),
    Column.NUMBER: ("番号", "No", "No.", "№"),
}
_COLUMN_BY_KEY: dict[str, Column] = {
    label_key(label): column for column, labels in COLUMN_LABELS.items() for label in labels
}
# The header of a year-matrix table's column that says which figure each row holds (目標値 / 実績値 …).
ROW_ROLE_HEADERS: frozenset[str] = frozenset(
    label_key(word) for word in ("区分", "項目", "内訳", "種別", "目標・実績", "目標/実績"))
# Words naming a figure written after them with a colon, on one line: 目標値：120人 実績値：85人.
FIGURE_WORDS: tuple[str, ...] = ("基準値", "現状値", "目標値", "目標", "実績値", "実績")
# A year in a column header, 令和4年度目標 / 目標値(R4) / R3実績: the role word decides the column.
_ROLE_WORDS: tuple[tuple[str, Column], ...] = (
    ("基準", Column.BASELINE), ("目標", Column.TARGET), ("実績", Column.ACTUAL), ("達成率", Column.RATE),
)


@lru_cache(maxsize=8192)
def column_of(header: str) -> tuple[Column, str] | None:
    """The role of a KPI-table column header and the rest of its text (a year, a unit remark)."""
    key = _short_key(header)
    if not key:
        return None
    found = _looked_up(_COLUMN_BY_KEY, key)
    if found is not None:
        return found
    if KPI_MARKER.match(key):
        return None
    for word, column in _ROLE_WORDS:
        if word in key:
            rest = key.replace(word + "値", "").replace(word, "")
            if not rest or find_year(rest) is not None or re.fullmatch(r"\(?[A-Za-z]\)?|\(.*\)", rest):
                return column, rest
    return None


def _by_meaning(groups: dict[T, tuple[str, ...]]) -> tuple[tuple[str, T], ...]:
    """(word, meaning) pairs in the order written: the meanings in turn, each one's words in turn."""
    return tuple((word, meaning) for meaning, words in groups.items() for word in words)


# The national four-level effect scale: the first wording found in a text says its level, so the more specific
# wordings come first (非常に効果的であった holds 効果的であった, 相当程度効果があった holds 効果があった).
EFFECT_WORDS: tuple[tuple[str, EffectLevel], ...] = _by_meaning({
    EffectLevel.VERY_EFFECTIVE: ("非常に効果的", "非常に効果があ", "非常に有効"),
    EffectLevel.CONSIDERABLE: ("相当程度効果", "相当程度の効果", "相当程度有効"),
    EffectLevel.NOT_EFFECTIVE: ("効果がなかった", "効果が無かった", "効果が見られなかった", "効果がみられなかった",
                                "効果がなかったもの"),
    EffectLevel.EFFECTIVE: ("効果があった", "効果的であった", "効果が認められた", "有効であった"),
})

# Next-year directions in the sets cities use; longer wording first so 改善し事業継続 is not read as 事業継続.
DIRECTION_WORDS: tuple[tuple[str, NextDirection], ...] = _by_meaning({
    NextDirection.EXPAND: ("追加等更に発展", "更に発展", "事業の発展", "事業拡大", "拡充"),
    NextDirection.IMPROVE: ("改善し事業継続", "見直し", "改善"),
    NextDirection.DISCONTINUE: ("事業の中止", "事業中止", "廃止", "中止"),
    NextDirection.COMPLETE: ("予定通り事業終了", "事業・期間の終了", "期間の終了", "事業終了", "終了"),
    NextDirection.CONTINUE: ("現状通り事業継続", "事業の継続", "事業継続", "継続"),
})

# Judgements printed beside figures (○ 達成, × 未達成, － 判定対象外): derived from the figures, which kouka
# judges itself (kouka.domain.rules.judge_kpi), so they are read as such and not stored.
JUDGEMENT_WORDS: tuple[str, ...] = ("達成", "未達成", "集計中", "判定対象外", "達成見込み")


@lru_cache(maxsize=4096)
def is_judgement(text: str) -> bool:
    key = re.sub(r"[◎○〇△×✕－\-]|\(速報値\)|\(暫定値\)", "", label_key(text))
    return key in JUDGEMENT_WORDS


# Per-KPI marks as cities print them; the mark is kept as written.
MARKS: tuple[str, ...] = ("◎", "○", "〇", "△", "×", "✕", "評価なし", "-", "－")
# The marks that plainly say met (True) or not met (False); △ and the rest say neither.
ACHIEVED_MARKS: dict[str, bool] = {"◎": True, "○": True, "〇": True, "×": False, "✕": False}


def _first_word_in(words: tuple[tuple[str, T], ...], text: str) -> T | None:
    """What the first of ``words`` found in ``text`` means."""
    key = label_key(text)
    return next((meaning for word, meaning in words if label_key(word) in key), None)


@lru_cache(maxsize=8192)
def effect_of(text: str) -> EffectLevel | None:
    return _first_word_in(EFFECT_WORDS, text)


@lru_cache(maxsize=8192)
def direction_of(text: str) -> NextDirection | None:
    return _first_word_in(DIRECTION_WORDS, text)


# The national form's scales by number, as its legend gives them (事業の効果：①地方創生に非常に効果的であった …
# ④地方創生に対して効果がなかった; 今後の方針：1 追加等更に発展させる … 4 事業の中止). A city that fills the
# column or section with the bare number means this scale.
EFFECT_SCALE: tuple[EffectLevel, ...] = (EffectLevel.VERY_EFFECTIVE, EffectLevel.CONSIDERABLE, EffectLevel.EFFECTIVE,
                                         EffectLevel.NOT_EFFECTIVE)
DIRECTION_SCALE: tuple[NextDirection, ...] = (NextDirection.EXPAND, NextDirection.IMPROVE, NextDirection.CONTINUE,
                                              NextDirection.DISCONTINUE)
_SCALE_NUMBER = re.compile(r"^[(（]?([1-4]|[①-④])[)）.．]?$")


def scale_number(text: str) -> int | None:
    """The place (1-4) on a national scale of a value that is only its number (3, ３, ③, (3)); None otherwise."""
    found = _SCALE_NUMBER.match(halfwidth(text).strip())
    if found is None:
        return None
    digit = found.group(1)
    return "①②③④".index(digit) + 1 if digit in "①②③④" else int(digit)


def _on_scale(text: str, scale: tuple[T, ...], in_words: Callable[[str], T | None]) -> T | None:
    """What a value says in its scale's words, or by the scale's bare number."""
    number = scale_number(text)
    return in_words(text) if number is None else scale[number - 1]


def effect_in_column(text: str) -> EffectLevel | None:
    """The effect a 事業の効果 value says: in the scale's words, or by the scale's bare number."""
    return _on_scale(text, EFFECT_SCALE, effect_of)


def direction_in_column(text: str) -> NextDirection | None:
    """The direction a 今後の方針 value says: in the directions' words, or by the national scale's bare number."""
    return _on_scale(text, DIRECTION_SCALE, direction_of)


@dataclass(frozen=True)
class Assessment:
    """One of a project's two assessments (事業の効果, 今後の方針): the field its label names, how its value is
    read, the project's attribute that holds it and the project's list its other lines of prose go to."""

    field: Field
    read: Callable[[str], EffectLevel | NextDirection | None]
    attribute: str
    overflow: str

    def held(self, project: Project) -> Categorised[EffectLevel] | Categorised[NextDirection] | None:
        held: Categorised[EffectLevel] | Categorised[NextDirection] | None = getattr(project, self.attribute)
        return held

    def hold(self, project: Project, level: EffectLevel | NextDirection, text: str) -> None:
        """Set the project's assessment to ``level``, as ``text`` wrote it."""
        setattr(project, self.attribute, Categorised(level, text))


ASSESSMENTS: tuple[Assessment, ...] = (
    Assessment(Field.EVALUATION, effect_in_column, "evaluation", "verification"),
    Assessment(Field.DIRECTION, direction_in_column, "next_direction", "direction_reason"),
)


@lru_cache(maxsize=8192)
def mark_of(text: str) -> str | None:
    key = label_key(text)
    for mark in MARKS:
        if key == label_key(mark):
            return text.strip()
    return None


# A project's number as cities write it: 事業①, 事業1, №1, No 1, No.1, (1), 1.
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
PROJECT_MARKER = re.compile(
    r"^\s*(?:事業\s*(?P<c1>[①-⑳])|事業\s*(?P<d1>\d{1,3})|(?:No|NO|№|No\.)\s*\.?\s*(?P<d2>\d{1,3})"
    r"|\((?P<d3>\d{1,3})\)|(?P<c2>[①-⑳]))(?:\s*[.．:：、]\s*|\s+|$|(?<=[)①-⑳]))"
)
# A KPI's number and name: 成果目標① 名称（社）, 指標1 名称, KPI② 名称.
KPI_MARKER = re.compile(
    r"^\s*(?:成果目標|指標|KPI|重要業績評価指標)\s*(?:(?P<c>[①-⑳])|(?P<d>\d{1,2}))\s*[.．:：]?\s*(?P<rest>.*)$"
)


# Numbers that may start a project's heading in running text (1 名称, 1. 名称, 1) 名称, (1) 名称, ① 名称,
# 第1 名称) but also start list items: the assembler takes one as a project only when a project's fields follow.
LOOSE_PROJECT_MARKER = re.compile(
    r"^\s*(?:第\s*(?P<d1>\d{1,2})\s*[.:、]?\s*|(?P<d2>\d{1,2})\s*(?:[.、)]\s*|\s+)|\((?P<d3>\d{1,2})\)\s*"
    r"|(?P<c>[①-⑳])\s*)"
)


def circled_value(char: str) -> int:
    return _CIRCLED.index(char) + 1


@lru_cache(maxsize=8192)
def project_number(text: str) -> tuple[int, str] | None:
    """(number, rest) when ``text`` starts with a project number, else None."""
    bullet = re.match(r"^[\s■□●◆◇▼▽☆★]*", text)
    text = text[bullet.end():] if bullet else text
    match = PROJECT_MARKER.match(text.replace("（", "(").replace("）", ")"))
    if not match:
        return None
    circled = match.group("c1") or match.group("c2")
    digits = match.group("d1") or match.group("d2") or match.group("d3")
    number = circled_value(circled) if circled else int(digits or "0")
    return number, text[match.end():].strip()  # the brackets were swapped one for one, so positions hold


@lru_cache(maxsize=8192)
def loose_project_number(text: str) -> tuple[int, str] | None:
    """(number, rest) when ``text`` starts with a number that could be a project's (see LOOSE_PROJECT_MARKER)."""
    bullet = re.match(r"^[\s■□●◆◇▼▽☆★]*", text)
    text = text[bullet.end():] if bullet else text
    match = LOOSE_PROJECT_MARKER.match(halfwidth(text))  # one character for one: positions hold
    if not match:
        return None
    digits = match.group("d1") or match.group("d2") or match.group("d3")
    number = int(digits) if digits else circled_value(match.group("c"))
    return number, text[match.end():].strip()


@lru_cache(maxsize=8192)
def kpi_marker(text: str) -> tuple[int, str] | None:
    """(number, name) when ``text`` names a KPI with its number, else None."""
    match = KPI_MARKER.match(text)
    if not match:
        return None
    number = circled_value(match.group("c")) if match.group("c") else int(match.group("d"))
    return number, match.group("rest").strip()


# Sections of prose under a heading: these words start them.
SECTION_FIELDS = (Field.VERIFICATION, Field.REVIEWER, Field.DIRECTION_REASON, Field.NOTES, Field.EVALUATION,
                  Field.DIRECTION)
