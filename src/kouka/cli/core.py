"""kouka show / check / judge: read an interchange file and say what it holds and whether it adds up."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from kouka.cli import app
from kouka.cli.common import EXIT_FINDINGS, EXIT_OK, console, load_document, pick_report
from kouka.domain.checks import Finding, Severity, check_report, circled, has_errors
from kouka.domain.eras import format_fiscal_period, format_fiscal_year
from kouka.domain.gate import publication_findings
from kouka.domain.i18n import _, gettext_noop
from kouka.domain.jpnumbers import format_yen
from kouka.domain.model import Report
from kouka.domain.notation import write_measurement
from kouka.domain.rules import judge_kpi, report_total

FileArg = Annotated[Path, typer.Argument(help=_("交換形式のJSONファイル"))]
YearOpt = Annotated[int | None, typer.Option("--year", help=_("年度（西暦）"))]

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_SEVERITY_LABEL = {Severity.ERROR: gettext_noop("エラー"), Severity.WARNING: gettext_noop("警告"),
                   Severity.INFO: gettext_noop("情報")}


def _rate_text(rate: Decimal | None) -> str | None:
    if rate is None:
        return None
    return format(rate.normalize(), "f")


@app.command(help=_("事業・交付金・成果目標と判定を表で示します"))
def show(file: FileArg, year: YearOpt = None) -> None:
    """事業・交付金・成果目標と判定を表で示します"""
    from rich.table import Table  # only ``show`` draws tables: ``check`` and ``judge`` start faster without

    report = pick_report(load_document(file), file, year)
    console.print(f"[bold]{report.municipality.name}[/] {format_fiscal_year(report.fiscal_year)} "
                  f"{report.program.name}（交付率 {report.program.rate}）")
    projects = Table(title=_("事業"), show_lines=False)
    for column in ("事業", "事業名", "事業期間", "事業費", "交付金充当額"):
        projects.add_column(column, justify="right" if column in ("事業費", "交付金充当額") else "left")
    for project in report.projects:
        projects.add_row(
            circled(project.number), project.title, format_fiscal_period(project.start_year, project.end_year),
            "" if project.cost_yen is None else format_yen(project.cost_yen),
            "" if project.grant_yen is None else format_yen(project.grant_yen))
    projects.add_row("", "[bold]合計[/]", "", "", f"[bold]{format_yen(report_total(report))}[/]")
    console.print(projects)
    kpis = Table(title=_("成果目標と判定（{fiscal_year}）").format(
        fiscal_year=format_fiscal_year(report.fiscal_year)))
    for column in ("事業", "成果目標", "基準値", "目標", "実績", "判定", "達成率"):
        kpis.add_column(column)
    for project in report.projects:
        for kpi in project.kpis:
            result = judge_kpi(kpi, report.fiscal_year)
            mark = _(result.label) + (_("（速報値）") if result.preliminary else "")
            kpis.add_row(
                circled(project.number), f"{circled(kpi.number)} {kpi.name}（{kpi.unit}）",
                write_measurement(kpi.baseline) if kpi.baseline else "",
                write_measurement(result.target) if result.target else "",
                write_measurement(result.actual) if result.actual else "",
                mark, _rate_text(result.achievement_rate) or "")
    console.print(kpis)
    _print_findings(check_report(report))


def _print_findings(findings: list[Finding]) -> None:
    if not findings:
        console.print(f"[green]{_('指摘事項はありません')}[/]")
        return
    for finding in findings:
        style = _SEVERITY_STYLE[finding.severity]
        console.print(f"[{style}]{_(_SEVERITY_LABEL[finding.severity])}[/] "
                      f"{finding.sentence} [dim]{finding.path}[/]", highlight=False, soft_wrap=True)


@app.command(help=_("公表前の点検をします（公表できない誤りがあれば終了コード1）"))
def check(file: FileArg, year: YearOpt = None) -> None:
    """公表前の点検をします（公表できない誤りがあれば終了コード1）"""
    document = load_document(file)
    by_year = {report.fiscal_year: report for report in document.reports}
    findings: list[Finding] = []
    for index, report in enumerate(document.reports):
        if year is None or report.fiscal_year == year:
            findings += publication_findings(report, by_year.get(report.fiscal_year - 1), f"$.reports[{index}]")
    _print_findings(findings)
    raise typer.Exit(EXIT_FINDINGS if has_errors(findings) else EXIT_OK)


def judgement_json(report: Report, path: str = "$.reports[0]") -> dict[str, Any]:
    """The machine-readable judgement of one report (what ``kouka judge`` prints)."""
    projects = []
    for project in report.projects:
        kpis = []
        for kpi in project.kpis:
            result = judge_kpi(kpi, report.fiscal_year)
            kpis.append({
                "number": kpi.number,
                "judgement": result.judgement.value,
                "preliminary": result.preliminary,
                "achievement_rate": _rate_text(result.achievement_rate),
            })
        projects.append({"number": project.number, "cost_yen": project.cost_yen,
                         "grant_yen": project.grant_yen, "kpis": kpis})
    return {
        "municipality": report.municipality.name,
        "fiscal_year": report.fiscal_year,
        "total_grant_yen": report_total(report),
        "projects": projects,
        "findings": [finding.as_dict() for finding in check_report(report, path)],
    }


@app.command(help=_("判定をJSONで出力します（スクリプト向け）"))
def judge(file: FileArg, year: YearOpt = None) -> None:
    """判定をJSONで出力します（スクリプト向け）"""
    document = load_document(file)
    report = pick_report(document, file, year)
    index = document.reports.index(report)
    typer.echo(json.dumps(judgement_json(report, f"$.reports[{index}]"), ensure_ascii=False, indent=2))
