"""Reads for the pages and the API, named ``<entity>_<what>`` (``publication_latest``, ``cycle_findings``).

"The latest publication" is defined here once (:func:`publications_latest`): every publication moves its
cycle's revision on, so a cycle's latest publication is the one whose revision is the cycle's.
"""

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F, Max, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka import interchange
from kouka.domain.checks import Finding, check_report, names_project
from kouka.domain.eras import format_fiscal_year
from kouka.domain.model import Kpi, Report
from kouka.web import mapping
from kouka.web.models import (
    ApiToken,
    Change,
    Cycle,
    Department,
    KpiRecord,
    Membership,
    Municipality,
    ProjectRecord,
    Publication,
    Role,
)

NO_PUBLICATION = gettext_noop("公表された報告がありません")


# --- publications -------------------------------------------------------------------------------------


def publications_latest() -> "QuerySet[Publication]":
    """The latest publication of every published cycle."""
    return Publication.objects.filter(revision=F("cycle__revision"))


def publication_latest(*, slug: str, year: int) -> Publication:
    """The latest published revision of a municipality's year (Http404 when there is none). One light query:
    only what names the revision is read; the document and the cycle load when a page has to be rendered."""
    publication: Publication | None = (
        publications_latest().filter(cycle__municipality__slug=slug, cycle__fiscal_year=year)
        .only("id", "revision", "published_at", "cycle_id").first())
    if publication is None:
        raise Http404(_(NO_PUBLICATION))
    return publication


def publication_of_cycle(cycle: Cycle) -> Publication | None:
    found: Publication | None = publications_latest().filter(cycle=cycle).first()
    return found


def publication_report(publication: Publication) -> Report:
    return mapping.report_from_document(publication.document)


def published_cycles() -> "QuerySet[Cycle]":
    return Cycle.objects.filter(revision__gt=0).select_related("municipality")


def published_reports(municipality: Municipality) -> list[Report]:
    """The latest published revision of each of a municipality's published years."""
    rows = publications_latest().filter(cycle__municipality=municipality).order_by("cycle__fiscal_year")
    return [mapping.report_from_document(document) for document in rows.values_list("document", flat=True)]


def published_index() -> list[tuple[Municipality, list[tuple[int, str]]]]:
    """Every municipality with a publication, with its published years (newest first) and their labels."""
    rows: dict[int, tuple[Municipality, list[tuple[int, str]]]] = {}
    for cycle in published_cycles().order_by("municipality__code", "municipality__name", "-fiscal_year"):
        entry = rows.setdefault(cycle.municipality_id, (cycle.municipality, []))
        entry[1].append((cycle.fiscal_year, format_fiscal_year(cycle.fiscal_year)))
    return list(rows.values())


def published_years(municipality: Municipality) -> list[tuple[Cycle, str]]:
    """A municipality's published years, newest first, each with when it was last published."""
    cycles = published_cycles().filter(municipality=municipality).annotate(latest=Max("publications__published_at"))
    return [(c, format_fiscal_year(c.fiscal_year)) for c in cycles.order_by("-fiscal_year")]


def published_search(query: str) -> list[dict[str, Any]]:
    """The projects of the latest publications whose title or summary, or a KPI's name, holds ``query``."""
    hits: list[dict[str, Any]] = []
    for publication in publications_latest().select_related("cycle__municipality").order_by("-cycle__fiscal_year",
                                                                                             "cycle_id"):
        cycle = publication.cycle
        for project in publication_report(publication).projects:
            project_hit = query in project.title or query in " ".join(project.summary)
            kpi_hits = [k for k in project.kpis if query in k.name]
            if project_hit or kpi_hits:
                hits.append({"cycle": cycle, "project": project, "kpis": kpi_hits,
                             "year_label": format_fiscal_year(cycle.fiscal_year)})
    return hits


def municipality_get(slug: str) -> Municipality:
    municipality: Municipality | None = Municipality.objects.filter(slug=slug).first()
    if municipality is None:
        raise Http404("団体がありません")
    return municipality


# --- the staff's year -------------------------------------------------------------------------------------


def cycle_findings(member: Membership, report: Report, projects: list[ProjectRecord]) -> list[Finding]:
    """The checks' findings of a year as ``member`` sees them: an editor's are those of their own projects."""
    findings = check_report(report)
    if member.role != Role.EDITOR:
        return findings
    numbers = {p.number for p in projects}
    return [f for f in findings if any(names_project(f.where, n) for n in numbers)]


def cycle_report(member: Membership, cycle: Cycle) -> tuple[Report, list[ProjectRecord]]:
    """The year's whole report and the projects ``member`` may see, read from the records once."""
    rows = list(cycle.projects.prefetch_related("departments", "kpis"))
    report = interchange.report_from_json(mapping.report_json(cycle, rows))
    if member.municipality_id != cycle.municipality_id:
        return report, []
    if member.role == Role.EDITOR:
        own = {d.pk for d in member.departments.all()}
        rows = [p for p in rows if any(d.pk in own for d in p.departments.all())]
    return report, rows


def cycle_project(member: Membership, cycle: Cycle, number: int) -> tuple[Report, ProjectRecord]:
    """The year's report and project ``number`` when ``member`` may see it (its departments and KPIs read
    with it); Http404 otherwise, as for a project that does not exist."""
    report, visible = cycle_report(member, cycle)
    for record in visible:
        if record.number == number:
            return report, record
    raise Http404("事業がありません")


def cycle_report_whole(cycle: Cycle) -> Report:
    """The year's whole report as its records hold it now (for administrators, reviewers and exports)."""
    return mapping.report_of(cycle)


def project_json(record: ProjectRecord) -> dict[str, Any]:
    """A project's interchange JSON with its KPIs, and the version to send back with a change."""
    return mapping.project_record_json(record) | {"version": record.version}


def kpi_saved(record: KpiRecord) -> Kpi:
    """What is saved now of a KPI (read again from the database)."""
    record.refresh_from_db()
    return mapping.kpi_of(record)


def kpi_json(record: KpiRecord) -> dict[str, Any]:
    return mapping.kpi_record_json(record)


def department_choices(member: Membership) -> "QuerySet[Department]":
    """The departments ``member`` may assign: an editor's own, else all of the municipality's."""
    departments = Department.objects.filter(municipality=member.municipality)
    if member.role == Role.EDITOR:
        departments = departments.filter(pk__in=member.departments.all())
    return departments


def departments_with_members(member: Membership) -> "QuerySet[Department]":
    people = Membership.objects.filter(api_token__isnull=True).select_related("user")
    return Department.objects.filter(municipality=member.municipality).prefetch_related(
        Prefetch("members", queryset=people))


def project_next_number(cycle: Cycle) -> int:
    return (cycle.projects.order_by("-number").values_list("number", flat=True).first() or 0) + 1


def kpi_get(record: ProjectRecord, number: int) -> KpiRecord:
    """KPI ``number`` of the project (from its prefetched KPIs when they were read with it); else Http404."""
    for found in record.kpis.all():
        if found.number == number:
            return found
    raise Http404("成果目標がありません")


def kpi_next_number(record: ProjectRecord) -> int:
    return (record.kpis.order_by("-number").values_list("number", flat=True).first() or 0) + 1


AUTHOR = "user__membership__api_token"  # what names the author of a change (kouka.web.models.user_label)


def changes_of(member: Membership, cycle: Cycle) -> "QuerySet[Change]":
    return Change.objects.filter(municipality=member.municipality, cycle=cycle).select_related(AUTHOR, "cycle")[:500]


def project_numbers(cycle: Cycle) -> dict[str, int]:
    """The year's projects' numbers by title (what the history names a project by: 事業①)."""
    return dict(cycle.projects.values_list("title", "number"))


def changes_outside_years(member: Membership) -> "QuerySet[Change]":
    """The municipality's changes that belong to no year: its departments, people and API tokens."""
    return Change.objects.filter(municipality=member.municipality, cycle=None).select_related(AUTHOR)[:500]


def change_get(member: Membership, pk: int) -> Change:
    try:
        change: Change = Change.objects.select_related(AUTHOR, "cycle").get(pk=pk, municipality=member.municipality)
    except Change.DoesNotExist as exc:
        raise Http404("変更がありません") from exc
    return change


# --- people and API tokens --------------------------------------------------------------------------------


def people_of(member: Membership) -> "QuerySet[Membership]":
    """The staff users of the member's municipality (the API tokens' memberships aside), by role and name."""
    return (Membership.objects.filter(municipality=member.municipality, api_token__isnull=True)
            .select_related("user").prefetch_related("departments").order_by("role", "user__username"))


def person_get(member: Membership, pk: int) -> Membership:
    """A staff user of the member's municipality; Http404 for anyone else's (their existence does not leak)."""
    found: Membership | None = people_of(member).filter(pk=pk).first()
    if found is None:
        raise Http404("職員がいません")
    return found


def people_locked(usernames: list[str]) -> set[str]:
    """Which of ``usernames`` django-axes refuses now (too many failed sign-ins within the cool-off time)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = AccessAttempt.objects.filter(username__in=usernames, failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                                        attempt_time__gte=since)
    return set(rows.values_list("username", flat=True))


def tokens_of(member: Membership) -> "QuerySet[ApiToken]":
    return ApiToken.objects.filter(municipality=member.municipality).select_related("department", "created_by")


def token_get(member: Membership, pk: int) -> ApiToken:
    found: ApiToken | None = tokens_of(member).filter(pk=pk).first()
    if found is None:
        raise Http404("トークンがありません")
    return found
