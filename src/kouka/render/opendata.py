"""Open data: one row per KPI per fiscal year, with every field of the model that a row can carry.

:func:`kpi_rows` builds the rows (a Parquet export uses it too); :func:`render_csv` writes them as CSV
(UTF-8, optionally with a BOM for Excel, with the column names or their Japanese 列名 as headers).
:data:`COLUMNS` names, titles, types and explains each column (:mod:`kouka.render.datapackage` describes
the CSV from it); the README's section "オープンデータ（CSV）の列 / CSV columns" lists the same. The columns
follow the 自治体標準オープンデータセット where one applies: 全国地方公共団体コード, 都道府県名, and each
fiscal year in 西暦 with its 和暦 beside it.

Row value types, stable per column: ``str`` for text (``""`` when absent), ``int | None`` for yen and years,
``Decimal | None`` for KPI values and rates, ``bool`` for flags. A KPI's fiscal years are the union of the
years it has a target or an actual for; a KPI with neither still gets one row for its report's year.
"""

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from kouka.domain.eras import format_fiscal_year, format_year_ref
from kouka.domain.model import (
    Direction,
    Document,
    Kpi,
    KpiScope,
    Measurement,
    MeasurementStatus,
    Project,
    ProjectKind,
    Report,
)
from kouka.domain.notation import write_measurement
from kouka.domain.rules import JUDGEMENT_LABELS, Judgement, judge_kpi


class Headers(StrEnum):
    """The header row of the CSV."""

    NAMES = "names"  # municipality, body_code …: for programs
    JAPANESE = "ja"  # 地方公共団体名, 全国地方公共団体コード …: the 列名 a Japanese spreadsheet user reads


# The values a column of codes takes (a Data Package lists them as the column's allowed values).
STATUS_CODES = tuple(status.value for status in MeasurementStatus)
CODES: dict[str, tuple[str, ...]] = {
    "project_kind": tuple(kind.value for kind in ProjectKind),
    "direction": tuple(direction.value for direction in Direction),
    "kpi_scope": tuple(scope.value for scope in KpiScope),
    "baseline_status": STATUS_CODES, "target_status": STATUS_CODES, "actual_status": STATUS_CODES,
    "judgement": tuple(judgement.value for judgement in Judgement),
}


@dataclass(frozen=True)
class Column:
    """One column: its name, its 列名 (``title``), what it holds in Japanese and English, its type (a Table
    Schema type: string, integer, number, boolean) and its unit (円, or ``@unit``: the unit is in the row's
    column of that name)."""

    name: str
    title: str
    ja: str
    en: str
    type: str = "string"
    unit: str = ""


def measurement_columns(prefix: str, word: str, remarks: Mapping[str, str] = MappingProxyType({})) -> list[Column]:
    """The seven columns of a year's target or actual (``prefix``), each part's as :func:`_measurement_fields`
    fills it: its 列名 built from the figure's ``word`` (目標値), its 内容 the same with the part's remark, if any."""
    columns = [
        Column("value", word, f"{word}（数値）", "{} value", "number", f"@{prefix}_unit"),
        Column("unit", f"{word}の単位", f"{word}の単位", "unit of the {} value"),
        Column("text", f"{word}（表記）", f"{word}（市の表記）", "{} as the city writes it"),
        Column("status", f"{word}の状態", f"{word}の状態", "{} status"),
        Column("reference", f"{word}の対象時点", f"{word}の対象時点", "period the {} refers to"),
        Column("note", f"{word}の注記", f"{word}の注記", "qualifier of the {}"),
        Column("approximate", f"{word}が概数か", f"{word}が概数（約）か", "{} is approximate", "boolean"),
    ]
    return [replace(column, name=f"{prefix}_{column.name}", ja=column.ja + remarks.get(column.name, ""),
                    en=column.en.format(prefix)) for column in columns]


COLUMNS: tuple[Column, ...] = (
    Column("municipality", "地方公共団体名", "地方公共団体名", "name of the local public body"),
    Column("prefecture", "都道府県名", "都道府県", "prefecture"),
    Column("body_code", "全国地方公共団体コード", "全国地方公共団体コード（6桁）", "local government code (6 digits)"),
    Column("report_fiscal_year", "報告年度", "報告の年度（西暦）", "fiscal year of the report (Western)", "integer"),
    Column("report_fiscal_year_ja", "報告年度（和暦）", "報告の年度（和暦）", "fiscal year of the report (era)"),
    Column("program", "交付金の名称", "交付金の名称", "grant program"),
    Column("grant_rate", "交付率", "交付率（例 1/2）", "grant rate, e.g. 1/2"),
    Column("stated_total_yen", "本市交付額（円）", "本市交付額（円）", "the municipality's stated total grant in yen",
           "integer", "円"),
    Column("project_number", "事業番号", "事業番号", "project number", "integer"),
    Column("project_key", "事業の識別子", "事業の識別子（年度をまたいで同じ）", "stable project key"),
    Column("project_title", "事業名", "事業名", "project title"),
    Column("project_kind", "事業の種類", "事業の種類（single 市単独 / wide_area 広域連携）", "single or wide_area"),
    Column("lead_body", "広域連携事業の主体", "広域連携事業の主体", "lead body of a wide-area project"),
    Column("partner_bodies", "連携自治体", "連携自治体（「、」区切り）", "partner bodies, separated by 、"),
    Column("departments", "担当課", "担当課（「・」区切り）", "departments, separated by ・"),
    Column("start_year", "事業開始年度", "事業期間の開始年度（西暦）", "first fiscal year of the project", "integer"),
    Column("start_year_ja", "事業開始年度（和暦）", "事業期間の開始年度（和暦）",
           "first fiscal year of the project (era)"),
    Column("end_year", "事業終了年度", "事業期間の終了年度（西暦）", "last fiscal year of the project", "integer"),
    Column("end_year_ja", "事業終了年度（和暦）", "事業期間の終了年度（和暦）",
           "last fiscal year of the project (era)"),
    Column("cost_label", "事業費の見出し", "事業費の見出し（事業費 / 市事業費）", "the label of the cost"),
    Column("cost_yen", "事業費（円）", "事業費（円）", "cost in yen", "integer", "円"),
    Column("grant_yen", "交付金充当額（円）", "交付金充当額（円）", "grant in yen", "integer", "円"),
    Column("kpi_scope_label", "成果目標の範囲", "成果目標の範囲（例 群馬県全体）", "scope label of the KPIs"),
    Column("kpi_number", "成果目標番号", "成果目標の番号", "KPI number", "integer"),
    Column("kpi_key", "成果目標の識別子", "成果目標の識別子", "stable KPI key"),
    Column("kpi_name", "成果目標", "成果目標", "KPI name"),
    Column("unit", "単位", "単位", "unit"),
    Column("direction", "望ましい方向", "望ましい方向（higher 多いほど良い / lower 少ないほど良い）",
           "higher or lower is better"),
    Column("kpi_scope", "成果目標の対象", "成果目標の対象（municipality 本市 / wide_area 広域全体）",
           "municipality or wide_area"),
    Column("baseline_year", "基準値の年度", "基準値の年度（西暦）", "fiscal year of the baseline column", "integer"),
    Column("baseline_year_ja", "基準値の年度（和暦）", "基準値の年度（和暦）",
           "fiscal year of the baseline column (era)"),
    Column("baseline_value", "基準値", "基準値（数値）", "baseline value", "number", "@unit"),
    Column("baseline_text", "基準値（表記）", "基準値（市の表記）", "baseline as the city writes it"),
    Column("baseline_status", "基準値の状態", "基準値の状態", "baseline status"),
    Column("baseline_reference", "基準値の対象時点", "基準値の対象時点（例 令和元年）",
           "period the baseline refers to"),
    Column("fiscal_year", "年度", "この行の年度（西暦）", "fiscal year of this row", "integer"),
    Column("fiscal_year_ja", "年度（和暦）", "この行の年度（和暦）", "fiscal year of this row (era)"),
    *measurement_columns("target", "目標値"),
    *measurement_columns("actual", "実績値", remarks={
        "status": "（final 確定 / preliminary 速報値 / pending 集計中 / before_start 事業開始前 / "
                  "not_applicable 該当なし）",
        "note": "（例 県において集計中）",
    }),
    Column("mark", "評価記号", "市が付けた評価記号（◎ ○ △ ×）", "the city's own mark"),
    Column("judgement", "判定コード", "判定（met / not_met / pending / not_judgeable）", "judgement code"),
    Column("judgement_ja", "判定", "判定（達成 / 未達成 / 集計中 / 判定対象外）", "judgement in Japanese"),
    Column("preliminary", "速報値による判定", "判定が速報値に基づくか", "judgement rests on a preliminary figure",
           "boolean"),
    Column("achievement_rate", "達成率", "達成率（実績÷目標、小数）", "achievement rate (actual ÷ target)", "number",
           "比（1 = 100%）"),
    Column("progress_rate", "進捗率", "進捗率（(実績−基準)÷(目標−基準)、小数）", "progress rate", "number",
           "比（1 = 100%）"),
    Column("kpi_notes", "成果目標の注記", "成果目標の注記（改行区切り）", "KPI notes, newline separated"),
)

COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)
COLUMN_TITLES: tuple[str, ...] = tuple(column.title for column in COLUMNS)


def header_row(headers: Headers = Headers.NAMES) -> tuple[str, ...]:
    """The CSV's first row: the column names, or their 列名."""
    return COLUMN_TITLES if headers is Headers.JAPANESE else COLUMN_NAMES


def _reports(source: Document | Report) -> list[Report]:
    return [source] if isinstance(source, Report) else list(source.reports)


def kpi_years(kpi: Kpi, report_year: int) -> list[int]:
    """The fiscal years a KPI has a row for."""
    years = set(kpi.targets) | set(kpi.actuals)
    return sorted(years) if years else [report_year]


def _measurement_fields(prefix: str, m: Measurement | None) -> dict[str, object]:
    return {
        f"{prefix}_value": None if m is None else m.value,
        f"{prefix}_unit": "" if m is None else m.unit,
        f"{prefix}_text": "" if m is None else write_measurement(m),
        f"{prefix}_status": "" if m is None else m.status.value,
        f"{prefix}_reference": "" if m is None or m.reference is None else format_year_ref(m.reference),
        f"{prefix}_note": "" if m is None else m.note,
        f"{prefix}_approximate": False if m is None else m.approximate,
    }


def _report_fields(report: Report) -> dict[str, object]:
    rate = report.program.rate
    return {
        "municipality": report.municipality.name,
        "prefecture": report.municipality.prefecture,
        "body_code": report.municipality.code,
        "report_fiscal_year": report.fiscal_year,
        "report_fiscal_year_ja": format_fiscal_year(report.fiscal_year),
        "program": report.program.name,
        "grant_rate": f"{rate.numerator}/{rate.denominator}",
        "stated_total_yen": report.stated_total_yen,
    }


def _project_fields(project: Project) -> dict[str, object]:
    return {
        "project_number": project.number,
        "project_key": project.key,
        "project_title": project.title,
        "project_kind": project.kind.value,
        "lead_body": project.lead_body,
        "partner_bodies": "、".join(project.partner_bodies),
        "departments": "・".join(project.departments),
        "start_year": project.start_year,
        "start_year_ja": format_fiscal_year(project.start_year),
        "end_year": project.end_year,
        "end_year_ja": format_fiscal_year(project.end_year),
        "cost_label": project.cost_label,
        "cost_yen": project.cost_yen,
        "grant_yen": project.grant_yen,
        "kpi_scope_label": project.kpi_scope_label,
    }


def _kpi_fields(kpi: Kpi) -> dict[str, object]:
    baseline = _measurement_fields("baseline", kpi.baseline)
    return {
        "kpi_number": kpi.number,
        "kpi_key": kpi.key,
        "kpi_name": kpi.name,
        "unit": kpi.unit,
        "direction": kpi.direction.value,
        "kpi_scope": kpi.scope.value,
        "baseline_year": kpi.baseline_year,
        "baseline_year_ja": format_fiscal_year(kpi.baseline_year) if kpi.baseline_year else "",
        "baseline_value": baseline["baseline_value"],
        "baseline_text": baseline["baseline_text"],
        "baseline_status": baseline["baseline_status"],
        "baseline_reference": baseline["baseline_reference"],
    }


def _year_fields(kpi: Kpi, year: int) -> dict[str, object]:
    result = judge_kpi(kpi, year)
    return {
        "fiscal_year": year,
        "fiscal_year_ja": format_fiscal_year(year),
        **_measurement_fields("target", kpi.targets.get(year)),
        **_measurement_fields("actual", kpi.actuals.get(year)),
        "mark": kpi.marks.get(year, ""),
        "judgement": result.judgement.value,
        "judgement_ja": JUDGEMENT_LABELS[result.judgement],
        "preliminary": result.preliminary,
        "achievement_rate": result.achievement_rate,
        "progress_rate": result.progress_rate,
        "kpi_notes": "\n".join(kpi.notes),
    }


def kpi_rows(document: Document | Report) -> Iterator[dict[str, object]]:
    """One dict per KPI per fiscal year, keys in :data:`COLUMN_NAMES` order."""
    for report in _reports(document):
        report_fields = _report_fields(report)
        for project in report.projects:
            project_fields = _project_fields(project)
            for kpi in project.kpis:
                kpi_fields = _kpi_fields(kpi)
                for year in kpi_years(kpi, report.fiscal_year):
                    row = {**report_fields, **project_fields, **kpi_fields, **_year_fields(kpi, year)}
                    yield {name: row[name] for name in COLUMN_NAMES}


# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before anything that could start a formula.

    A lone dash (the city's "no figure") is left alone: it cannot be a formula.
    """
    if text.startswith(FORMULA_STARTS) and text.strip() not in ("-", "－"):
        return "'" + text
    return text


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    return safe_text(str(value))


def render_csv(document_or_report: Document | Report, bom: bool = False, headers: Headers = Headers.NAMES) -> str:
    """The open-data CSV (a header row of :func:`header_row`, CRLF line ends as RFC 4180 says); ``bom`` puts
    the UTF-8 byte order mark first, by which Japanese Excel knows the file is UTF-8."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header_row(headers))
    for row in kpi_rows(document_or_report):
        writer.writerow([csv_cell(row[name]) for name in COLUMN_NAMES])
    return out.getvalue()


def columns_markdown() -> str:
    """The README table of the columns (kept in sync by a test)."""
    lines = ["| 列 / column | 列名（日本語見出し） | 内容 | meaning |", "|---|---|---|---|"]
    lines += [f"| `{c.name}` | {c.title} | {c.ja} | {c.en} |" for c in COLUMNS]
    return "\n".join(lines)
