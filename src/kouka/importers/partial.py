"""Partial results: what the person importing supplies (the fiscal year, the municipality, its prefecture), and
the gaps of a document that did not say them, as findings on an imported draft instead of a refusal.

A published report that leaves out its fiscal year (the year is in the page's title, not in the text copied)
still holds its projects, amounts and KPIs; refusing it loses all of them. The importer reads what is there,
marks the report as a draft (:attr:`kouka.domain.model.Report.draft`) and names each gap, and
``kouka import --year 令和4年度 --municipality 伊勢崎市`` fills them in before the walk, so that the document read
is the same as if the text had said so.
"""

from dataclasses import dataclass

from kouka.domain.checks import Finding, Severity, project_label
from kouka.domain.eras import format_fiscal_year, parse_fiscal_year
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.model import Body, Report
from kouka.importers import bodies
from kouka.importers.assemble import Assembler
from kouka.importers.errors import UnreadableDocumentError


@dataclass(frozen=True)
class Supplied:
    """What the person importing says about the document: ``--year``, ``--municipality``, ``--prefecture``."""

    fiscal_year: int | None = None
    municipality: str = ""
    prefecture: str = ""


def supplied_from(year: str = "", municipality: str = "", prefecture: str = "") -> Supplied:
    """The options as typed: 令和4年度 (or R4, 2022年度) → 2022; UnreadableDocumentError for a year not read."""
    fiscal: int | None = None
    if year.strip():
        try:
            fiscal = parse_fiscal_year(year.strip())
        except KoukaError as exc:
            raise UnreadableDocumentError(
                _("対象年度「{year}」を読み取れません（例: 令和4年度）").format(year=year.strip()[:40])) from exc
    return Supplied(fiscal, municipality.strip(), prefecture.strip())


def apply_supplied(assembler: Assembler, supplied: Supplied, label: str) -> list[Finding]:
    """Put what was supplied into the report before the walk (so the KPIs' years are read as with a stated year);
    the findings say where the supplied values replaced or differ from the document's."""
    findings: list[Finding] = []
    report = assembler.report
    if supplied.fiscal_year is not None:
        stated = assembler.build.fiscal_year
        if stated and stated != supplied.fiscal_year:
            findings.append(Finding(
                Severity.WARNING, "import_fiscal_year_differs",
                _("文書の対象年度（{stated}）と指定された年度（{supplied}）が異なります。指定された年度で取り込みました")
                .format(stated=format_fiscal_year(stated), supplied=format_fiscal_year(supplied.fiscal_year)),
                "$.reports[0].fiscal_year", label))
        assembler.build.fiscal_year = supplied.fiscal_year
        report.fiscal_year = supplied.fiscal_year
    if supplied.municipality or supplied.prefecture:
        name = supplied.municipality or report.municipality.name
        prefecture = supplied.prefecture or (report.municipality.prefecture if not supplied.municipality else "")
        if not prefecture:
            prefecture = bodies.guess_prefecture(name, [])
        report.municipality = Body(name=name, prefecture=prefecture, code=bodies.body_code(name))
        if name:
            assembler.build.findings = [f for f in assembler.findings if f.code != "import_no_municipality"]
    return findings


def fill_supplied(reports: list[Report], supplied: Supplied, label: str) -> list[Finding]:
    """Fill what a report read whole (kouka JSON) leaves empty with what was supplied; never replace what it states.

    A kouka file keys its figures by year, so a year given at the upload cannot move them as it does when a
    document is read (:func:`apply_supplied`): a year, a municipality or a prefecture the file already states is
    kept, with a finding that names both (the review corrects it). A file of several reports is left as it is,
    with a finding, since what was supplied names one report.
    """
    if not (supplied.fiscal_year or supplied.municipality or supplied.prefecture) or not reports:
        return []
    if len(reports) > 1:
        return [Finding(Severity.WARNING, "import_supplied_not_used",
                        _("このファイルには{count}件の報告があるため、指定された対象年度・団体名・都道府県は使いませんでした")
                        .format(count=len(reports)), "$.reports", label)]
    report, findings = reports[0], []
    given = [("fiscal_year", supplied.fiscal_year, report.fiscal_year),
             ("municipality", supplied.municipality, report.municipality.name),
             ("prefecture", supplied.prefecture, report.municipality.prefecture)]
    for field, value, stated in given:
        if value and stated and value != stated:
            shown = [format_fiscal_year(v) if isinstance(v, int) else v for v in (stated, value)]
            findings.append(Finding(
                Severity.WARNING, "import_supplied_differs",
                _("ファイルには「{stated}」とあるため、指定された「{supplied}」は使いませんでした。違う場合はこの画面で直してください")
                .format(stated=shown[0], supplied=shown[1]), f"$.reports[0]{_SUPPLIED_PATHS[field]}", label))
    if supplied.fiscal_year and not report.fiscal_year:
        report.fiscal_year = supplied.fiscal_year
    stated = report.municipality
    name = stated.name or supplied.municipality
    # the prefecture supplied goes with the municipality supplied, not with another the file names
    given_prefecture = supplied.prefecture if supplied.municipality in ("", name) else ""
    prefecture = stated.prefecture or given_prefecture or bodies.guess_prefecture(name, [])
    if (name, prefecture) != (stated.name, stated.prefecture):
        report.municipality = Body(name, prefecture, stated.code if stated.name else bodies.body_code(name))
    return findings


_SUPPLIED_PATHS = {"fiscal_year": ".fiscal_year", "municipality": ".municipality.name",
                   "prefecture": ".municipality.prefecture"}


def draft_gaps(report: Report, stated_year: int | None, label: str) -> list[Finding]:
    """The findings for what the document did not say, after the walk; marks ``report`` as a draft when a field
    the schema requires of a finished report is still empty."""
    findings: list[Finding] = []
    path = "$.reports[0]"
    if not report.fiscal_year:
        findings.append(Finding(
            Severity.WARNING, "import_no_fiscal_year",
            _("対象年度が読み取れません。取り込むときに指定するか（取込画面の対象年度、kouka import --year）、"
              "取り込んだ下書きに記入してください"),
            f"{path}.fiscal_year", label))
    elif stated_year is None:
        findings.append(Finding(
            Severity.WARNING, "import_fiscal_year_inferred",
            _("対象年度が書かれていないため、成果目標の年度から{year}としました。違う場合は取り込むときに指定してください"
              "（取込画面の対象年度、kouka import --year）")
            .format(year=format_fiscal_year(report.fiscal_year)),
            f"{path}.fiscal_year", label))
    if report.municipality.name and not report.municipality.prefecture:
        findings.append(Finding(
            Severity.WARNING, "import_no_prefecture",
            _("{name}の都道府県が読み取れません。取り込むときに指定してください（取込画面の都道府県、"
              "kouka import --prefecture）").format(
                name=report.municipality.name),
            f"{path}.municipality.prefecture", label))
    for index, project in enumerate(report.projects):
        if not project.title:
            findings.append(Finding(
                Severity.WARNING, "import_no_title",
                _("{where}の事業名が読み取れません。下書きに記入してください").format(where=project_label(project)),
                f"{path}.projects[{index}].title", project_label(project)))
    if not report.fiscal_year:
        _keep_figures_without_year(report)
    report.draft = (not report.fiscal_year or not report.municipality.name
                    or any(not p.title or not p.start_year or not p.end_year for p in report.projects))
    return findings


def _keep_figures_without_year(report: Report) -> None:
    """Figures read for "the report's year" when that year is unknown: kept as the KPI's notes (目標値: 30人) until
    the year is given, since the interchange files a figure under its fiscal year."""
    for kpi in (kpi for project in report.projects for kpi in project.kpis):
        for word, series in ((_("目標値"), kpi.targets), (_("実績値"), kpi.actuals)):
            if 0 in series:
                kpi.notes.append(f"{word}: {series.pop(0).text}")
        kpi.marks.pop(0, None)
