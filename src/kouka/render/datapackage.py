"""The open-data CSV's data dictionary as a Frictionless Data Package (``datapackage.json``).

One tabular resource, the CSV of :func:`kouka.render.opendata.render_csv`, with a Table Schema that names every
column (by its header: the code name, or the Japanese 列名 for that variant), gives its 列名 as ``title``, what
it holds as ``description`` (Japanese, then English), its type, the allowed codes where it holds codes, and its
unit as ``unit``: 円 for money; for a KPI's figures, whose unit differs from row to row, the name of the
column that holds it (``unitField``; Table Schema has no unit of its own, and extra properties are allowed).

Pure functions: the caller says where the CSV is (``csv_path``, a name beside the package or a URL) and under
which licence it is published, and writes the dict as JSON (``json.dumps(package, ensure_ascii=False)``).
"""

from dataclasses import dataclass
from typing import Any

from kouka.domain.model import Document, Report
from kouka.render.html import report_heading
from kouka.render.opendata import CODES, COLUMNS, Column, Headers

PROFILE = "tabular-data-package"


@dataclass(frozen=True)
class Licence:
    """A licence as a Data Package (and a catalogue) names it."""

    name: str  # an Open Definition identifier, e.g. CC-BY-4.0
    path: str  # its URL
    title: str


# The licence Japanese government open data is published under: the 政府標準利用規約（第2.0版） is compatible with it.
CC_BY_4 = Licence("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/",
                  "クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）")


def _field(column: Column, headers: Headers) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": column.title if headers is Headers.JAPANESE else column.name,
        "title": column.title,
        "description": f"{column.ja} / {column.en}",
        "type": column.type,
    }
    if headers is Headers.JAPANESE:
        field["description"] += f"（列の名前：{column.name}）"
    if column.unit.startswith("@"):
        unit_column = next(c for c in COLUMNS if c.name == column.unit[1:])
        field["unitField"] = unit_column.title if headers is Headers.JAPANESE else unit_column.name
    elif column.unit:
        field["unit"] = column.unit
    if column.type == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    constraints: dict[str, Any] = {}
    if column.name in CODES:
        constraints["enum"] = list(CODES[column.name])
    if column.name == "body_code":
        constraints["pattern"] = "[0-9]{6}"  # 5 digits and a check digit; leading zeros kept: text, not a number
    if column.type in ("integer", "number") and column.unit == "円":
        constraints["minimum"] = 0
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(headers: Headers = Headers.NAMES) -> dict[str, Any]:
    """The Table Schema of the CSV whose header row is ``headers``; an empty cell is a missing value."""
    return {"fields": [_field(column, headers) for column in COLUMNS], "missingValues": [""]}


def _reports(source: Document | Report) -> list[Report]:
    return [source] if isinstance(source, Report) else list(source.reports)


def data_package(source: Document | Report, *, name: str, csv_path: str, headers: Headers = Headers.NAMES,
                 bom: bool = False, licence: Licence = CC_BY_4) -> dict[str, Any]:
    """The ``datapackage.json`` of the CSV of ``source`` at ``csv_path`` (as rendered with ``headers`` and
    ``bom``). ``name`` is lower-case letters, digits and ``-._/`` (isesaki-2022)."""
    reports = _reports(source)
    titles = [report_heading(report) for report in reports]
    return {
        "profile": PROFILE,
        "name": name,
        "title": "、".join(titles) + "（成果目標の一覧）",
        "description": "地方創生推進交付金事業の効果検証の成果目標（KPI）を、成果目標ごと・年度ごとに1行で示したもの。"
                       "金額は円、年度は西暦（和暦を併記）。",
        "keywords": ["地方創生推進交付金", "効果検証", "成果目標", "KPI"],
        "licenses": [{"name": licence.name, "path": licence.path, "title": licence.title}],
        "resources": [{
            "profile": "tabular-data-resource",
            "name": name.replace("/", "-"),
            "path": csv_path,
            "title": titles[0] if len(titles) == 1 else "、".join(titles),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig" if bom else "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True,
                        "header": True},
            "schema": table_schema(headers),
        }],
    }

