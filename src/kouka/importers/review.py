"""What a person checks in an imported report before it is kept: the review screen's values, and the report with
the corrections made.

The staff upload reads a published report into a draft (:mod:`kouka.importers.partial`); before it is stored, the
planning division sees each field read beside the text it came from, corrects a value, fills what the document
left out (the fiscal year, the municipality) and drops a project or KPI read by mistake. :func:`review_of` gives
the values to show; :func:`apply_review` a copy of the report with the corrections, the problems of figures typed
that cannot be read, and the way back from a path of the corrected report to the field on the screen::

    review = review_of(report)                      # 対象年度 "", 事業① 事業費 9,600,000 …
    reviewed = apply_review(report, replace(review, fiscal_year=2022))
    reviewed.report.projects[0].kpis[0].targets    # {2022: 2,500人}: the figure kept as a note is filed

A KPI shows the figures of the report's year (目標値, 実績値); other years' figures (a year matrix) are kept as
read. When the document did not say its year, the importer kept those figures as the KPI's notes
(``目標値: 2,500人``); the review shows them in their fields and files them under the year filled in.
"""

import copy
import re
from dataclasses import dataclass, field, replace

from kouka.domain.checks import Finding, Severity, kpi_label
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.model import Body, Kpi, Measurement, Project, Report
from kouka.domain.notation import read_measurement, write_measurement
from kouka.domain.validation import CODE
from kouka.importers import bodies

REPORT = "$.reports[0]"


@dataclass(frozen=True)
class KpiReview:
    """A KPI as the screen shows it: texts as written (2,500人), the figures of the report's year."""

    keep: bool = True
    name: str = ""
    unit: str = ""
    baseline: str = ""
    target: str = ""
    actual: str = ""


@dataclass(frozen=True)
class ProjectReview:
    keep: bool = True
    title: str = ""
    start_year: int | None = None
    end_year: int | None = None
    cost_yen: int | None = None
    grant_yen: int | None = None
    kpis: tuple[KpiReview, ...] = ()


@dataclass(frozen=True)
class Review:
    """Every value of the review screen, in the report's order (a project's index is its place here)."""

    fiscal_year: int | None = None
    municipality: str = ""
    prefecture: str = ""
    projects: tuple[ProjectReview, ...] = ()


@dataclass
class Reviewed:
    """The corrected report, the problems of what was typed (paths of the review), and each kept project's and
    KPI's index in the review (:meth:`review_path` turns a path of the corrected report into the review's)."""

    report: Report
    problems: list[Finding] = field(default_factory=list)
    origins: list[tuple[int, list[int]]] = field(default_factory=list)

    def review_path(self, path: str) -> str:
        """``$.reports[0].projects[0].kpis[0].unit`` of the corrected report → the same field's path in the
        review, where dropped projects and KPIs still count."""
        found = _PROJECT_PATH.match(path)
        if found is None or int(found["project"]) >= len(self.origins):
            return path
        project, kpis = self.origins[int(found["project"])]
        rest = found["rest"]
        kpi = _KPI_PATH.match(rest)
        if kpi is not None and int(kpi["kpi"]) < len(kpis):
            rest = f".kpis[{kpis[int(kpi['kpi'])]}]{kpi['rest']}"
        return f"{REPORT}.projects[{project}]{rest}"


_PROJECT_PATH = re.compile(r"^\$\.reports\[0\]\.projects\[(?P<project>\d+)\](?P<rest>.*)$")
_KPI_PATH = re.compile(r"^\.kpis\[(?P<kpi>\d+)\](?P<rest>.*)$")


def noted_figures(kpi: Kpi) -> dict[str, str]:
    """The figures the importer kept as notes for want of a year: {"目標値": "2,500人", "実績値": …}."""
    words = (_("目標値"), _("実績値"))
    found: dict[str, str] = {}
    for note in kpi.notes:
        word, colon, text = note.partition(": ")
        if colon and word in words and word not in found:
            found[word] = text
    return found


def _written(measurement: Measurement | None) -> str:
    return write_measurement(measurement) if measurement is not None else ""


def _kpi_review(kpi: Kpi, year: int) -> KpiReview:
    if year:
        target, actual = _written(kpi.targets.get(year)), _written(kpi.actuals.get(year))
    else:
        noted = noted_figures(kpi)
        target, actual = noted.get(_("目標値"), ""), noted.get(_("実績値"), "")
    return KpiReview(True, kpi.name, kpi.unit, _written(kpi.baseline), target, actual)


def review_of(report: Report) -> Review:
    """The values the review screen starts from: what was read."""
    year = report.fiscal_year
    return Review(year or None, report.municipality.name, report.municipality.prefecture, tuple(
        ProjectReview(True, p.title, p.start_year or None, p.end_year or None, p.cost_yen, p.grant_yen,
                      tuple(_kpi_review(k, year) for k in p.kpis)) for p in report.projects))


def _figure(text: str, kpi: Kpi, project: Project, path: str, found: list[Finding]) -> Measurement | None:
    """A figure as typed (2,500人, 90社(速報値)); None for blank, and a problem at ``path`` when unreadable
    (事業① 成果目標① 実績値: 数値として読めません: 「たくさん」)."""
    text = text.strip()
    if not text:
        return None
    try:
        return read_measurement(text, kpi.unit)
    except KoukaError as exc:
        where = kpi_label(project, kpi)
        label = {"baseline": _("基準値"), "targets": _("目標値"), "actuals": _("実績値")}[path.rsplit(".", 1)[1]]
        found.append(Finding(Severity.ERROR, CODE, f"{where} {label}: {exc}", path, where))
        return None


def _apply_kpi(kpi: Kpi, review: KpiReview, project: Project, years: tuple[int, int], path: str,
               found: list[Finding]) -> Kpi:
    """``kpi`` with the review's values; ``years`` is (the year read, the year now)."""
    read, year = years
    kpi = replace(kpi, name=review.name.strip(), unit=review.unit.strip(), targets=dict(kpi.targets),
                  actuals=dict(kpi.actuals), notes=list(kpi.notes))
    kpi.baseline = _figure(review.baseline, kpi, project, f"{path}.baseline", found)
    if not read:  # the figures were kept as notes: they are the fields' now
        noted = {_("目標値"), _("実績値")}
        kpi.notes = [n for n in kpi.notes if n.partition(": ")[0] not in noted or not n.partition(": ")[1]]
    for role, series, text in (("targets", kpi.targets, review.target), ("actuals", kpi.actuals, review.actual)):
        series.pop(read, None)
        figure = _figure(text, kpi, project, f"{path}.{role}", found)
        if figure is not None and year:
            series[year] = figure
        elif figure is not None:  # still no year to file it under: kept as a note, as the importer does
            kpi.notes.append(f"{_('目標値') if role == 'targets' else _('実績値')}: {text.strip()}")
    return kpi


def _apply_project(project: Project, review: ProjectReview, year: int, read: int, path: str,
                   found: list[Finding]) -> tuple[Project, list[int]]:
    start = review.start_year or year
    end = review.end_year or max(year, start)
    corrected = replace(project, title=review.title.strip(), start_year=start, end_year=end,
                        cost_yen=review.cost_yen, grant_yen=review.grant_yen, kpis=[])
    kept: list[int] = []
    for index, (kpi, kpi_review) in enumerate(zip(project.kpis, review.kpis, strict=True)):
        if kpi_review.keep:
            corrected.kpis.append(_apply_kpi(kpi, kpi_review, corrected, (read, year), f"{path}.kpis[{index}]",
                                             found))
            kept.append(index)
    return corrected, kept


def apply_review(report: Report, review: Review) -> Reviewed:
    """A copy of ``report`` with the review's values; dropped projects and KPIs left out. A project without a
    period gets the year's (as the importer gives it when it knows the year). ValueError when the review does
    not have the report's shape (another reading's screen)."""
    if len(review.projects) != len(report.projects) or any(
            len(r.kpis) != len(p.kpis) for r, p in zip(review.projects, report.projects, strict=True)):
        raise ValueError("the review is of another reading")
    corrected = copy.deepcopy(report)
    year = review.fiscal_year or 0
    corrected.fiscal_year = year
    name, prefecture = review.municipality.strip(), review.prefecture.strip()
    if (name, prefecture) != (report.municipality.name, report.municipality.prefecture):
        code = report.municipality.code if name == report.municipality.name else bodies.body_code(name)
        corrected.municipality = Body(name, prefecture, code)
    reviewed = Reviewed(corrected)
    corrected.projects = []
    for index, (project, project_review) in enumerate(zip(report.projects, review.projects, strict=True)):
        if project_review.keep:
            kept, kpis = _apply_project(project, project_review, year, report.fiscal_year,
                                        f"{REPORT}.projects[{index}]", reviewed.problems)
            corrected.projects.append(kept)
            reviewed.origins.append((index, kpis))
    corrected.draft = not year or not name or any(not p.title for p in corrected.projects)
    return reviewed


__all__ = ["KpiReview", "ProjectReview", "Review", "Reviewed", "apply_review", "noted_figures", "review_of"]
