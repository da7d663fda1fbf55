"""The one place where stored records and the domain core meet.

Records keep the interchange JSON of their part of a report (a project without its KPIs, each KPI on its
own); :func:`report_of` assembles a whole report with the interchange's per-node readers, and
:func:`store_report` goes the other way, turning each KPI into JSON once. Stored JSON was written by kouka
(or validated when it came in: an import, a file load, the API's input), so it is not validated again each
time a page reads it.
"""

from typing import Any

from kouka import interchange
from kouka.domain.model import Kpi, Project, Report
from kouka.web import dbrouter
from kouka.web.models import Cycle, Department, KpiRecord, Municipality, ProjectRecord, Publication

JSON = dict[str, Any]

REPORT_FIELDS = ("title", "introduction", "stated_total_yen", "stated_total_label", "source", "program")
DEFAULT_PROGRAM: JSON = {"name": "地方創生推進交付金", "rate": "1/2"}


def municipality_slug(name: str, code: str) -> str:
    """The short name of a body in URLs: 伊勢崎市 → isesaki, else body-<body code>."""
    return {"伊勢崎市": "isesaki"}.get(name, f"body-{code}" if code else "body")


def municipality_json(municipality: Municipality) -> JSON:
    return {"name": municipality.name, "prefecture": municipality.prefecture, "code": municipality.code}


def project_data(project: Project) -> JSON:
    """A project's interchange JSON without its KPIs (they are stored as their own records)."""
    return interchange.project_json(project, with_kpis=False)


def project_record_json(record: ProjectRecord, kpis: list[KpiRecord] | None = None) -> JSON:
    data = dict(record.data)
    data["number"] = record.number
    data["title"] = record.title
    if "departments" not in data:  # the city's own order is kept in data; the relation is for permissions
        data["departments"] = [d.name for d in record.departments.all()] if record.pk else []
    rows = kpis if kpis is not None else list(record.kpis.all())
    data["kpis"] = [kpi_record_json(k) for k in rows]
    return data


def kpi_record_json(record: KpiRecord) -> JSON:
    data = dict(record.data)
    data["number"] = record.number
    data["name"] = record.name
    data["unit"] = record.unit
    return data


def report_json(cycle: Cycle, projects: list[ProjectRecord] | None = None) -> JSON:
    data: JSON = {"program": dict(DEFAULT_PROGRAM), "introduction": []}
    data.update({k: v for k, v in cycle.report.items() if k in REPORT_FIELDS})
    data["municipality"] = municipality_json(cycle.municipality)
    data["fiscal_year"] = cycle.fiscal_year
    rows = projects if projects is not None else list(
        cycle.projects.prefetch_related("departments", "kpis").all())
    data["projects"] = [project_record_json(p) for p in rows]
    return data


def document_json(cycle: Cycle) -> JSON:
    return {"schema": interchange.SCHEMA_ID, "reports": [report_json(cycle)]}


def report_of(cycle: Cycle) -> Report:
    """The domain report a cycle's records make up."""
    return interchange.report_from_json(report_json(cycle))


def report_from_document(document: JSON) -> Report:
    """The report of a stored document (a publication kouka wrote)."""
    return interchange.document_from_json(document).reports[0]


def project_of(record: ProjectRecord) -> Project:
    """One project as a domain object, inside its report (so checks see the program's rate)."""
    report = report_of(record.cycle)
    return report.project(record.number)


def kpi_of(record: KpiRecord) -> Kpi:
    return interchange.kpi_from_json(kpi_record_json(record))


def department(municipality: Municipality, name: str) -> Department:
    found, _ = Department.objects.get_or_create(municipality=municipality, name=name)
    return found


def save_project(cycle: Cycle, project: Project, record: ProjectRecord | None = None,
                 data: JSON | None = None) -> ProjectRecord:
    """Create or overwrite a project record (and its departments) from a domain project; KPIs untouched.

    ``data`` is the project's JSON without KPIs when the caller has it already (:func:`project_data`).
    """
    if record is None:
        record = ProjectRecord(cycle=cycle)
    record.number = project.number
    record.title = project.title
    record.data = data if data is not None else project_data(project)
    record.save()
    record.departments.set([department(cycle.municipality, name) for name in project.departments])
    return record


def save_kpi(project_record: ProjectRecord, kpi: Kpi, record: KpiRecord | None = None,
             data: JSON | None = None) -> KpiRecord:
    """Create or overwrite a KPI record; ``data`` is the KPI's JSON when the caller has it already."""
    if record is None:
        record = KpiRecord(project=project_record)
    record.number = kpi.number
    record.name = kpi.name
    record.unit = kpi.unit
    record.data = data if data is not None else interchange.kpi_json(kpi)
    record.save()
    return record


def store_report(municipality: Municipality, report: Report, data: JSON | None = None) -> Cycle:
    """Store a domain report as the draft of its fiscal year, replacing that draft's projects.

    ``data`` is the report's interchange JSON when the caller has it (:func:`kouka.interchange.report_json`);
    each project and KPI is stored from its part of it.
    """
    data = data if data is not None else interchange.report_json(report)
    with dbrouter.atomic():
        cycle, _ = Cycle.objects.get_or_create(municipality=municipality, fiscal_year=report.fiscal_year)
        cycle.report = {k: data[k] for k in REPORT_FIELDS}
        cycle.save()
        cycle.projects.all().delete()
        for project, project_json in zip(report.projects, data["projects"], strict=True):
            stored = {k: v for k, v in project_json.items() if k != "kpis"}
            record = save_project(cycle, project, data=stored)
            for kpi, kpi_json in zip(project.kpis, project_json["kpis"], strict=True):
                save_kpi(record, kpi, data=kpi_json)
        return cycle


def lead_department(record: ProjectRecord) -> Department | None:
    """The department that submits a project: the first the city lists (its own order, kept in the data);
    a project of several departments is submitted by its lead, the others helping with the entry."""
    names = record.data.get("departments") or []
    assigned = {d.name: d for d in record.departments.all()}
    for name in names:
        if name in assigned:
            return assigned[name]
    return min(assigned.values(), key=lambda d: d.name) if assigned else None


def lead_projects(cycle: Cycle) -> dict[int, list[ProjectRecord]]:
    """The year's projects by the primary key of their lead department (projects without one are left out)."""
    found: dict[int, list[ProjectRecord]] = {}
    for record in cycle.projects.prefetch_related("departments"):
        lead = lead_department(record)
        if lead is not None:
            found.setdefault(lead.pk, []).append(record)
    return found


def previous_report(cycle: Cycle) -> Report | None:
    """The municipality's latest published report of the year before ``cycle``'s, if any (for the checklist's
    comparison with last year: a unit that changed)."""
    publication = (Publication.objects.filter(cycle__municipality_id=cycle.municipality_id,
                                              cycle__fiscal_year=cycle.fiscal_year - 1)
                   .order_by("-revision").first())
    return report_from_document(publication.document) if publication is not None else None
