"""Shared helpers of the tests that write hostile or generated values through every door (issue 12): the
forms' POST data as the pages fill it, the API's paths, and every page of a year that must keep answering."""

import json
from typing import TYPE_CHECKING, Any

from django.test import Client

from kouka.web import mapping
from kouka.web.forms import KpiForm, ProjectForm
from kouka.web.models import Cycle, KpiRecord, ProjectRecord

if TYPE_CHECKING:
    from web_fixtures import World

YEAR = 2023
STAFF = f"/staff/{YEAR}"
API = f"/api/staff/cycles/{YEAR}"
# Every publication format of a year's data; the PDF costs seconds, so the tests that loop ask for it once.
FAST_FORMATS = ("xlsx", "csv", "json")


def project_post(world: "World", project: int = 1, **values: Any) -> dict[str, Any]:
    """The project form's POST data as the page fills it for the administrator, with ``values`` typed over."""
    record = ProjectRecord.objects.get(cycle=world.cycle(YEAR), number=project)
    data = ProjectForm.initial_for(mapping.project_of(record), record.version)
    data["departments"] = [d.pk for d in record.departments.all()]
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def kpi_post(world: "World", project: int = 1, kpi: int = 1, **values: Any) -> dict[str, Any]:
    """The KPI form's POST data as the page fills it, with ``values`` typed over."""
    record = KpiRecord.objects.get(project__cycle=world.cycle(YEAR), project__number=project, number=kpi)
    data = KpiForm.initial_for(mapping.kpi_of(record), record.version)
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def kpi_version(world: "World", number: int = 1, kpi: int = 1) -> int:
    version: int = KpiRecord.objects.get(project__cycle=world.cycle(YEAR), project__number=number,
                                         number=kpi).version
    return version


def put_json(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.put(path, json.dumps(body), content_type="application/json")


def year_pages(cycle: Cycle, formats: tuple[str, ...] = FAST_FORMATS, admin: bool = True) -> list[str]:
    """Every staff page of the year (forms included), its exports in ``formats`` and the API's reads of it;
    without ``admin``, those a reviewer opens too (not the report's and the new project's forms)."""
    year = cycle.fiscal_year
    pages = ["/staff/", f"/staff/{year}/", f"/staff/{year}/history/", f"/api/staff/cycles/{year}"]
    if admin:
        pages += [f"/staff/{year}/report/", f"/staff/{year}/projects/new/"]
    for project in ProjectRecord.objects.filter(cycle=cycle).prefetch_related("kpis"):
        base = f"/staff/{year}/projects/{project.number}"
        pages += [f"{base}/", f"{base}/kpis/new/", f"/api/staff/cycles/{year}/projects/{project.number}"]
        pages += [f"{base}/kpis/{kpi.number}/" for kpi in project.kpis.all()]
    return pages + [f"/staff/{year}/export/{fmt}/" for fmt in formats]


def failing_pages(client: Client, cycle: Cycle, formats: tuple[str, ...] = FAST_FORMATS,
                  admin: bool = True) -> dict[str, int]:
    """The pages of :func:`year_pages` that do not answer 200 (an exception raised is a 500: the test client
    raises it, and the test fails with its traceback)."""
    return {page: status for page in year_pages(cycle, formats, admin)
            if (status := client.get(page).status_code) != 200}
