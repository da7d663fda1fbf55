"""What a stored report may hold: lengths, ranges and the characters of every field, stated once.

The interchange schema (``schema/kouka.schema.json``), the database's columns and the web forms state the
same numbers; ``tests/test_limits.py`` compares them with this table, so a value one door accepts is never
refused (or cut) by another. :mod:`kouka.domain.validation` applies the table to domain objects.

Every limit is far above what a real publication holds (the longest project title in the fixtures is 40
characters, the longest まとめ paragraph about 200) and low enough that no page, export or column breaks.
"""

import re
from dataclasses import dataclass

from kouka.domain.i18n import gettext_noop


@dataclass(frozen=True)
class TextLimit:
    """A text field: the city's word for it, its longest length, whether it may span lines."""

    label: str
    max_length: int
    multiline: bool = False
    required: bool = False


@dataclass(frozen=True)
class YearRange:
    """Fiscal (or calendar) years a field may name."""

    label: str
    first: int
    last: int

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.first <= year <= self.last


# Years. The grant began with the 地方創生先行型交付金 of 平成26年度 (2014); KPI targets of a municipality's
# 人口ビジョン reach 2060, some newer ones 2070. Baselines and statistics' own years can be older (令和元年,
# 平成22年国勢調査), down to the first era kouka reads (明治).
LAST_YEAR = 2070
REPORT_YEARS = YearRange(gettext_noop("報告の年度"), 2014, LAST_YEAR)
PROJECT_YEARS = YearRange(gettext_noop("事業期間"), 2014, LAST_YEAR)
FIGURE_YEARS = YearRange(gettext_noop("成果目標の年度"), 1868, LAST_YEAR)

# Money: integer yen, never negative, below 10兆円 (the program's national budget is about 1,000億円 a year).
MAX_YEN = 10**13 - 1

# KPI figures: at most 18 digits before the decimal point and 10 after (exact in any Decimal context and in
# the schema's decimal strings); no exponent notation.
MAX_INTEGER_DIGITS = 18
MAX_FRACTION_DIGITS = 10
MAX_DECIMAL_LENGTH = 1 + MAX_INTEGER_DIGITS + 1 + MAX_FRACTION_DIGITS

MAX_PROJECT_NUMBER = 999
MAX_KPI_NUMBER = 99

# Characters no field may hold: C0 controls but tab, newline and carriage return; DEL; and the
# bidirectional overrides that make a text display differently from what it stores (U+202A-U+202E,
# U+2066-U+2069). A one-line field holds no line break or tab either.
CONTROL_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069"
LINE_BREAK_CLASS = r"\t\n\r"
FORBIDDEN_IN_TEXT = re.compile(f"[{CONTROL_CLASS}]")
FORBIDDEN_IN_LINE = re.compile(f"[{CONTROL_CLASS}{LINE_BREAK_CLASS}]")

# Report.
REPORT_TITLE = TextLimit(gettext_noop("表題"), 300)
PARAGRAPH = TextLimit(gettext_noop("本文"), 8000, multiline=True)
STATED_TOTAL_LABEL = TextLimit(gettext_noop("交付額の見出し"), 100)  # the heading of the stated total: 本市交付額
SOURCE = TextLimit(gettext_noop("出典"), 2000)
PROGRAM_NAME = TextLimit(gettext_noop("交付金の名称"), 200, required=True)
BODY_NAME = TextLimit(gettext_noop("団体名"), 60)
PREFECTURE = TextLimit(gettext_noop("都道府県"), 20)

# Project.
PROJECT_TITLE = TextLimit(gettext_noop("事業名"), 300, required=True)
DEPARTMENT = TextLimit(gettext_noop("担当課"), 60, required=True)
COST_LABEL = TextLimit(gettext_noop("事業費の見出し"), 50)  # 事業費, or the city's own heading for it
KPI_SCOPE_LABEL = TextLimit(gettext_noop("成果目標の対象"), 100)  # whose KPIs they are: 群馬県全体
CATEGORY_TEXT = TextLimit(gettext_noop("評価の表記"), 500, multiline=True)  # an assessment in the city's words
KEY = TextLimit(gettext_noop("識別子"), 200)  # a project's or KPI's identity across years
REVIEWER_LABEL = TextLimit(gettext_noop("意見の見出し"), 40)  # the city's heading: 推進会議の評価

# KPI.
KPI_NAME = TextLimit(gettext_noop("成果目標"), 300, required=True)
UNIT = TextLimit(gettext_noop("単位"), 20)
FIGURE_TEXT = TextLimit(gettext_noop("値の表記"), 100)  # a figure as written: 11,788億円（令和元年）
FIGURE_NOTE = TextLimit(gettext_noop("値の注記"), 100)  # a qualifier's wording: 県において集計中
MARK = TextLimit(gettext_noop("評価記号"), 10)  # the city's own mark of a year: ◎ ○ △ ×

# Comments and notes typed on the site.
COMMENT = TextLimit(gettext_noop("コメント"), 4000, multiline=True)
CORRECTION_NOTE = TextLimit(gettext_noop("訂正内容"), 2000, multiline=True)
RETURN_REASON = TextLimit(gettext_noop("差し戻しの理由"), 2000, multiline=True)  # a department's part returned

# People and other systems on the site (kouka.web.services.people, kouka.web.services.tokens).
DISPLAY_NAME = TextLimit(gettext_noop("表示名"), 60)
TOKEN_NAME = TextLimit(gettext_noop("トークンの名前"), 100, required=True)

# The city's word for each field of the interchange document, by the object that holds it: what a message
# names instead of the field's code name (a path such as $.reports[0].projects[1].verification[2]).
LABELS: dict[tuple[str, str], str] = {
    ("report", "title"): gettext_noop("表題"),
    ("report", "introduction"): gettext_noop("はじめに"),
    ("report", "source"): gettext_noop("出典"),
    ("report", "stated_total_label"): gettext_noop("交付額の見出し"),
    ("report", "stated_total_yen"): gettext_noop("交付額"),
    ("report", "fiscal_year"): gettext_noop("報告の年度"),
    ("report", "projects"): gettext_noop("事業"),

    ("municipality", "name"): gettext_noop("団体名"),
    ("municipality", "prefecture"): gettext_noop("都道府県"),
    ("municipality", "code"): gettext_noop("団体コード"),

    ("program", "name"): gettext_noop("交付金の名称"),
    ("program", "rate"): gettext_noop("交付率"),

    ("project", "number"): gettext_noop("事業番号"),
    ("project", "title"): gettext_noop("事業名"),
    ("project", "title_notes"): gettext_noop("事業名の注記"),
    ("project", "departments"): gettext_noop("担当課"),
    ("project", "period"): gettext_noop("事業期間"),
    ("project", "summary"): gettext_noop("事業概要"),
    ("project", "kind"): gettext_noop("事業の区分"),
    ("project", "lead_body"): gettext_noop("主体となる団体"),
    ("project", "partner_bodies"): gettext_noop("連携団体"),
    ("project", "cost_label"): gettext_noop("事業費の見出し"),
    ("project", "cost_yen"): gettext_noop("事業費"),
    ("project", "grant_yen"): gettext_noop("交付金充当額"),
    ("project", "kpi_scope_label"): gettext_noop("成果目標の対象"),
    ("project", "kpi_notes"): gettext_noop("成果目標の注記"),
    ("project", "kpis"): gettext_noop("成果目標"),
    ("project", "verification"): gettext_noop("まとめ（検証結果）"),
    ("project", "figure_captions"): gettext_noop("図や写真の説明"),
    ("project", "notes"): gettext_noop("事業の説明"),
    ("project", "reviewer_opinion"): gettext_noop("外部有識者の意見"),
    ("project", "reviewer_label"): gettext_noop("意見の見出し"),
    ("project", "council_remarks"): gettext_noop("議会の意見"),
    ("project", "review_response"): gettext_noop("対応"),
    ("project", "evaluation"): gettext_noop("事業の評価"),
    ("project", "next_direction"): gettext_noop("今後の方針"),
    ("project", "direction_reason"): gettext_noop("今後の方針の理由"),
    ("project", "key"): gettext_noop("事業の識別子"),

    ("kpi", "number"): gettext_noop("成果目標番号"),
    ("kpi", "name"): gettext_noop("成果目標"),
    ("kpi", "unit"): gettext_noop("単位"),
    ("kpi", "direction"): gettext_noop("目標の向き"),
    ("kpi", "scope"): gettext_noop("成果目標の範囲"),
    ("kpi", "target_kind"): gettext_noop("目標値の書き方"),
    ("kpi", "baseline"): gettext_noop("基準値"),
    ("kpi", "baseline_year"): gettext_noop("基準値の年度"),
    ("kpi", "targets"): gettext_noop("目標値"),
    ("kpi", "actuals"): gettext_noop("実績値"),
    ("kpi", "marks"): gettext_noop("評価記号"),
    ("kpi", "notes"): gettext_noop("注記"),
    ("kpi", "key"): gettext_noop("成果目標の識別子"),

    ("measurement", "value"): gettext_noop("値"),
    ("measurement", "unit"): gettext_noop("値の単位"),
    ("measurement", "status"): gettext_noop("値の状態"),
    ("measurement", "reference"): gettext_noop("値の対象時点"),
    ("measurement", "text"): gettext_noop("値の表記"),
    ("measurement", "note"): gettext_noop("値の注記"),

    ("categorised", "category"): gettext_noop("区分"),
    ("categorised", "text"): gettext_noop("評価の表記"),
}
