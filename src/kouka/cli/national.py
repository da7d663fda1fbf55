"""kouka synth / stats: national-scale data on the command line (synthetic sets, dashboard numbers)."""

import json
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kouka import interchange
from kouka.cli import app
from kouka.cli.common import EXIT_OK, EXIT_UNREADABLE, FINDINGS_SUFFIX, SOURCES_SUFFIX, console, error_console, fail
from kouka.domain.aggregate import (
    Aggregate,
    Aggregator,
    JudgementCounts,
    KpiSeries,
    OverlapError,
    Tally,
    kpi_series,
    percent,
)
from kouka.domain.eras import format_fiscal_year
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.jpnumbers import format_grouped, format_yen
from kouka.domain.model import Measurement, Report
from kouka.domain.notation import write_measurement
from kouka.domain.rules import JUDGEMENT_LABELS, Judgement
from kouka.synth_data import PREFECTURES


@app.command("synth", help=_("全国規模の合成データを交換形式で書き出します（同じ種なら同じバイト列）"))
def synth_command(
    out: Annotated[Path, typer.Option("-o", "--out", help=_("出力先ディレクトリ"))],
    bodies: Annotated[int, typer.Option("--bodies", help=_("団体数"))] = 1788,
    years: Annotated[int, typer.Option("--years", help=_("年数"))] = 3,
    seed: Annotated[int, typer.Option("--seed", help=_("乱数の種"))] = 0,
    first_year: Annotated[int, typer.Option("--first-year", help=_("初年度（西暦）"))] = 2016,
    jobs: Annotated[int, typer.Option("--jobs", help=_("並列数"))] = 0,
) -> None:
    """全国規模の合成データを交換形式で書き出します（同じ種なら同じバイト列）"""
    from kouka import synth  # only this command writes synthetic data

    try:
        summary = synth.write(out, bodies=bodies, years=years, seed=seed, first_year=first_year,
                              jobs=jobs or os.cpu_count() or 1)
    except (synth.SynthError, KoukaError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(_("{out}: 書き込めません（{strerror}）").format(out=out, strerror=exc.strerror))
    console.print(_("{files}団体・{reports}報告・{projects}事業・成果目標{kpis}件を {out} に書き出しました"
                    "（{bytes:,}バイト）").format(
        files=summary.files, reports=summary.reports, projects=summary.projects, kpis=summary.kpis, out=out,
        bytes=summary.bytes))


def interchange_files(paths: list[Path]) -> Iterator[Path]:
    """The files named, and the ``*.json`` files under each directory named (sorted; not kouka import's findings)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json")
                              if p.is_file() and not p.name.endswith((FINDINGS_SUFFIX, SOURCES_SUFFIX)))
        else:
            yield path


def _share_text(counts: JudgementCounts, judgement: Judgement) -> str:
    value = percent(counts.share(judgement))
    return "" if value is None else f"{value}%"


def _rate_text(rate: Fraction | None) -> str:
    value = percent(rate)
    return "－" if value is None else f"{value}%"


# 達成割合 = met ÷ (met + not met); not 達成率, which is a KPI's actual ÷ target.
_COUNT_COLUMNS = ("成果目標", "達成", "未達成", "集計中", "判定対象外", "達成割合")
_PREFECTURE_ORDER = {name: number for number, name, *_ in PREFECTURES}


def _count_cells(counts: JudgementCounts) -> list[str]:
    return [format_grouped(counts.total), *(_share_text(counts, j) for j in Judgement), _rate_text(counts.met_rate())]


def _tally_table(title: str, first: str, rows: list[tuple[str, Tally]]) -> Table:
    table = Table(title=title)
    for column in (first, "報告", "事業", "うち広域", "交付金", *_COUNT_COLUMNS):
        table.add_column(column, justify="left" if column == first else "right")
    for label, tally in rows:
        table.add_row(label, format_grouped(tally.report_count), format_grouped(tally.projects),
                      format_grouped(tally.wide_area_projects), format_yen(tally.grant_yen),
                      *_count_cells(tally.kpis))
    return table


def _prefecture_order(name: str) -> tuple[int, str]:
    """JIS order (北海道 first, 沖縄県 last); unknown names after, by name."""
    return _PREFECTURE_ORDER.get(name, 99), name


def _print_tables(result: Aggregate, top: int) -> None:
    total = result.total
    bodies = len(result.bodies)
    console.print(f"[bold]{bodies:,}団体・{total.report_count:,}報告[/]　事業 {total.projects:,}（うち広域連携 "
                  f"{total.wide_area_projects:,}、一度だけ数えます）　事業費 {format_yen(total.cost_yen)}　"
                  f"交付金 {format_yen(total.grant_yen)}", highlight=False)
    console.print(_tally_table(_("年度別"), "年度",
                               [(format_fiscal_year(y), result.by_year[y]) for y in sorted(result.by_year)]))
    prefectures = sorted(result.by_prefecture, key=_prefecture_order)
    console.print(_tally_table(_("都道府県別"), "都道府県",
                               [(p or "（不明）", result.by_prefecture[p]) for p in prefectures]))
    units = Table(title=_("単位別"))
    for column in ("単位", *_COUNT_COLUMNS):
        units.add_column(column, justify="left" if column == "単位" else "right")
    for unit in sorted(result.by_unit, key=lambda u: (-result.by_unit[u].total, u)):
        units.add_row(unit, *_count_cells(result.by_unit[unit]))
    console.print(units)
    ranking = Table(title=_("団体別ランキング（達成割合順、上位{top}）").format(top=top))
    for column in ("順位", "団体", "都道府県", "コード", "事業", "交付金", *_COUNT_COLUMNS):
        ranking.add_column(column, justify="left" if column in ("団体", "都道府県") else "right")
    for row in result.ranking()[:top]:
        ranking.add_row(str(row.rank), row.body.name, row.body.prefecture, row.body.code,
                        format_grouped(row.tally.projects), format_yen(row.tally.grant_yen),
                        *_count_cells(row.tally.kpis))
    console.print(ranking)


def _counts_json(counts: JudgementCounts) -> dict[str, Any]:
    return {
        "kpis": counts.total,
        **{judgement.value: counts[judgement] for judgement in Judgement},
        "preliminary": counts.preliminary,
        "shares": {judgement.value: _fraction_text(counts.share(judgement)) for judgement in Judgement},
        "met_rate": _fraction_text(counts.met_rate()),
    }


def _fraction_text(value: Fraction | None) -> str | None:
    """2/3 → "0.6667" (four places, half up)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return format(exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), "f")


def _tally_json(tally: Tally) -> dict[str, Any]:
    return {"reports": tally.report_count, "projects": tally.projects,
            "wide_area_projects": tally.wide_area_projects, "cost_yen": tally.cost_yen,
            "grant_yen": tally.grant_yen, **_counts_json(tally.kpis)}


def stats_json(result: Aggregate, top: int) -> dict[str, Any]:
    """The dashboard numbers as JSON (what ``kouka stats --json`` prints)."""
    return {
        "bodies": len(result.bodies),
        "duplicates": [{"name": ref.municipality, "code": ref.code, "fiscal_year": ref.fiscal_year}
                       for ref in result.duplicates],
        "total": _tally_json(result.total),
        "by_year": {str(year): _tally_json(result.by_year[year]) for year in sorted(result.by_year)},
        "by_prefecture": {p: _tally_json(result.by_prefecture[p])
                          for p in sorted(result.by_prefecture, key=_prefecture_order)},
        "by_unit": {unit: _counts_json(result.by_unit[unit]) for unit in sorted(result.by_unit)},
        "ranking": [{"rank": row.rank, "name": row.body.name, "prefecture": row.body.prefecture,
                     "code": row.body.code, **_tally_json(row.tally)} for row in result.ranking()[:top]],
        "wide_area": [{"key": shared.key, "fiscal_year": shared.fiscal_year, "title": shared.title,
                       "lead_body": shared.lead_body, "cost_yen": shared.cost_yen, "grant_yen": shared.grant_yen,
                       "shares": [{"name": share.body.name, "code": share.body.code, "lead": share.lead,
                                   "cost_yen": share.cost_yen, "grant_yen": share.grant_yen,
                                   "share_of_cost": _fraction_text(shared.share_of_cost(share.body))}
                                  for share in shared.shares]}
                      for shared in sorted(result.wide_area.values(), key=lambda s: (s.fiscal_year, s.key))],
    }


@dataclass(frozen=True)
class Query:
    """What ``kouka stats`` keeps: reports of this prefecture, fiscal year, body (code or name) when given."""

    prefecture: str | None = None
    year: int | None = None
    body: str | None = None

    def aggregator(self) -> Aggregator:
        return Aggregator(prefecture=self.prefecture, year=self.year, body=self.body)


@dataclass
class Loaded:
    aggregator: Aggregator
    errors: list[str] = field(default_factory=list)  # files that could not be read, in order
    body_reports: list[Report] = field(default_factory=list)  # the asked-for body's reports, for its KPI series


def aggregate_files(files: list[Path], query: Query) -> Loaded:
    """Load and aggregate ``files``."""
    loaded = Loaded(query.aggregator())
    for file in files:
        try:
            document = interchange.load(file)
        except KoukaError as exc:
            loaded.errors.append(str(exc))
            continue
        for report in document.reports:
            loaded.aggregator.add(report)
            if query.body is not None and loaded.aggregator.wants(report):
                loaded.body_reports.append(report)
    return loaded


def _chunks(files: list[Path], count: int) -> list[list[Path]]:
    size = max(1, -(-len(files) // count))
    return [files[start:start + size] for start in range(0, len(files), size)]


def aggregate_in_parallel(files: list[Path], query: Query, jobs: int) -> Loaded:
    """The same as :func:`aggregate_files`, with the files shared among ``jobs`` processes in order."""
    if jobs <= 1 or len(files) < 2 * jobs:
        return aggregate_files(files, query)
    loaded = Loaded(query.aggregator())
    chunks = _chunks(files, jobs * 4)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        try:
            for part in pool.map(aggregate_files, chunks, [query] * len(chunks)):
                loaded.aggregator.merge(part.aggregator)
                loaded.errors += part.errors
                loaded.body_reports += part.body_reports
        except OverlapError:  # the same report in files of different parts: only one pass can drop the copy
            pool.shutdown(cancel_futures=True)
            return aggregate_files(files, query)
    return loaded


def _measurement_text(measurement: Measurement | None) -> str:
    return "" if measurement is None else write_measurement(measurement)


def _print_series(series: dict[str, KpiSeries]) -> None:
    table = Table(title=_("成果目標の推移"))
    for column in ("成果目標", "基準値", "年度", "目標", "実績", "判定"):
        table.add_column(column)
    for entry in series.values():
        for index, point in enumerate(entry.points):
            label = _(JUDGEMENT_LABELS[point.judgement]) + (_("（速報値）") if point.preliminary else "")
            table.add_row(f"{entry.name}（{entry.unit}）" if index == 0 else "",
                          _measurement_text(entry.baseline) if index == 0 else "",
                          format_fiscal_year(point.fiscal_year), _measurement_text(point.target),
                          _measurement_text(point.actual), label, end_section=index == len(entry.points) - 1)
    console.print(table)


def series_json(series: dict[str, KpiSeries]) -> dict[str, Any]:
    return {key: {"name": entry.name, "unit": entry.unit, "project": entry.project_title,
                  "baseline": interchange.measurement_json(entry.baseline),
                  "points": [{"fiscal_year": p.fiscal_year, "target": interchange.measurement_json(p.target),
                              "actual": interchange.measurement_json(p.actual), "judgement": p.judgement.value,
                              "preliminary": p.preliminary} for p in entry.points]}
            for key, entry in series.items()}


@app.command(help=_("事業数・交付金・成果目標の達成状況を集計します（年度・都道府県・単位別、団体ランキング）"))
def stats(
    paths: Annotated[list[Path], typer.Argument(help=_("交換形式"))],
    prefecture: Annotated[str | None, typer.Option("--prefecture", help=_("都道府県"))] = None,
    year: Annotated[int | None, typer.Option("--year", help=_("年度で絞り込み"))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("JSONで出力"))] = False,
    top: Annotated[int, typer.Option("--top", help=_("ランキングの行数"))] = 10,
    body: Annotated[str | None, typer.Option("--body", help=_("団体（コードまたは名称）"))] = None,
    jobs: Annotated[int, typer.Option("--jobs", help=_("並列数"))] = 0,
) -> None:
    """事業数・交付金・成果目標の達成状況を集計します（年度・都道府県・単位別、団体ランキング）"""
    files = list(interchange_files(paths))
    if not files:
        fail(_("交換形式のファイルがありません（{paths}）").format(paths=", ".join(map(str, paths))))
    loaded = aggregate_in_parallel(files, Query(prefecture, year, body), jobs or os.cpu_count() or 1)
    errors = loaded.errors
    for message in errors:
        error_console.print(f"[bold red]{_('エラー')}:[/] {message}", highlight=False, soft_wrap=True)
    result = loaded.aggregator.result()
    series = kpi_series(loaded.body_reports) if body is not None else None
    if as_json:
        printed = stats_json(result, top)
        if series is not None:
            printed["series"] = series_json(series)
        typer.echo(json.dumps(printed, ensure_ascii=False, indent=2))
    else:
        _print_tables(result, top)
        if series is not None:
            _print_series(series)
    for ref in result.duplicates:
        which = f"{ref.municipality}の{format_fiscal_year(ref.fiscal_year)}"
        error_console.print(f"[yellow]{_('警告')}:[/] " + _("{which}の報告が重複しているため一度だけ数えました").format(
            which=which), highlight=False, soft_wrap=True)
    if errors:
        error_console.print(_("{files}件中{errors}件を読めませんでした").format(
            files=len(files), errors=len(errors)))
    raise typer.Exit(EXIT_UNREADABLE if errors else EXIT_OK)


@app.command("export-parquet", help=_("オープンデータCSVと同じ列をParquetで書き出します（研究者向け）"))
def export_parquet_command(
    paths: Annotated[list[Path], typer.Argument(help=_("交換形式"))],
    out: Annotated[Path, typer.Option("-o", "--out", help=_("出力ファイル"))],
    skip_unreadable: Annotated[bool, typer.Option("--skip-unreadable",
                                                  help=_("読めないファイルを除外"))] = False,
) -> None:
    """オープンデータCSVと同じ列をParquetで書き出します（研究者向け）"""
    from kouka.analytics import ExportError, export_parquet

    files = list(interchange_files(paths))
    if not files:
        fail(_("交換形式のファイルがありません（{paths}）").format(paths=", ".join(map(str, paths))))
    try:
        summary = export_parquet(files, out, skip_unreadable=skip_unreadable)
    except ExportError as exc:
        fail(_("{reason}（出力は作成していません）").format(reason=exc))
    for message in summary.errors:
        error_console.print(f"[yellow]{_('除外')}:[/] {message}", highlight=False, soft_wrap=True)
    console.print(_("{files}ファイル・{reports}報告・{rows}行を {out} に書き出しました").format(
        files=summary.files - len(summary.errors), reports=summary.reports, rows=summary.rows, out=out),
        highlight=False)
    raise typer.Exit(EXIT_UNREADABLE if summary.errors else EXIT_OK)
