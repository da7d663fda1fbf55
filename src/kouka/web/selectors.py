"""Reads for the pages and the API, named ``<entity>_<what>`` (``publication_latest``, ``cycle_findings``).

"The latest publication" is defined here once (:func:`publications_latest`): every publication moves its
cycle's revision on, so a cycle's latest publication is the one whose revision is the cycle's.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db import connections
from django.db.models import F, Max, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka import interchange
from kouka.domain.carry import continues_into, target_series
from kouka.domain.checks import Finding, check_report, names_project
from kouka.domain.eras import format_fiscal_year
from kouka.domain.gate import publication_findings
from kouka.domain.model import Body, Figure, GrantProgram, Kpi, Project, Report, TargetKind
from kouka.domain.notation import write_measurement
from kouka.domain.progress import project_missing, project_started
from kouka.domain.search import INDEXED_CHARS, folded, search_terms, too_short
from kouka.domain.validation import report_problems
from kouka.web import mapping
from kouka.web.figures import data_uri, figures_attach
from kouka.web.models import (
    ApiToken,
    Change,
    Cycle,
    Department,
    DepartmentPart,
    KpiRecord,
    Membership,
    Municipality,
    PartState,
    ProjectRecord,
    Publication,
    Role,
    SearchEntry,
    UploadTask,
)

NO_PUBLICATION = gettext_noop("公表された報告がありません")


# --- publications -------------------------------------------------------------------------------------


def publications_latest() -> "QuerySet[Publication]":
    """The latest publication of every published cycle."""
    return Publication.objects.filter(revision=F("cycle__revision"))


def publication_latest(*, slug: str, year: int, with_document: bool = False) -> Publication:
    """The latest published revision of a municipality's year (Http404 when there is none). One light query:
    only what names the revision is read; the document and the cycle load when a page has to be rendered
    (``with_document``: the document and the revision's note are read in the same query)."""
    fields = PUBLICATION_NAMING + (("document", "note") if with_document else ())
    publication: Publication | None = (
        publications_latest().filter(cycle__municipality__slug=slug, cycle__fiscal_year=year)
        .only(*fields).first())
    if publication is None:
        raise Http404(_(NO_PUBLICATION))
    return publication


PUBLICATION_NAMING = ("id", "cycle_id", "revision", "published_at", "digest")  # what publication_digest reads


@cache
def _latest_version_sql() -> str:
    publication, cycle = Publication._meta.db_table, Cycle._meta.db_table
    municipality = Municipality._meta.db_table
    return (f"SELECT p.id, p.cycle_id, p.revision, p.published_at, p.digest FROM {publication} p "
            f"JOIN {cycle} c ON c.id = p.cycle_id JOIN {municipality} m ON m.id = c.municipality_id "
            "WHERE m.slug = %s AND c.fiscal_year = %s AND p.revision = c.revision")


def publication_latest_version(*, slug: str, year: int) -> tuple[Any, ...] | None:
    """What names the latest published revision of a municipality's year (None when there is none): the same
    row as :func:`publication_latest`, read past the ORM because :mod:`kouka.web.front` asks it on every
    request. Equal answers mean the same revision."""
    with connections[Publication.objects.db].cursor() as cursor:
        cursor.execute(_latest_version_sql(), [slug, year])
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def publication_digest(publication: Publication) -> str:
    """The address of a published revision, 32 hex digits: a hash of its cycle, revision, time of publication
    and content digest (when it has one). It never changes, and no other publication has it, in this
    database or in another restored into the same storage (kouka.web.artifacts stores files under it)."""
    parts = (f"{publication.cycle_id}/{publication.revision}/{publication.published_at.isoformat()}/"
             f"{publication.digest}")
    return hashlib.sha256(parts.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class RevisionAt:
    """The revision at a digest's address and the year's latest one (the same when it is not superseded)."""

    publication: Publication
    latest: Publication

    @property
    def superseded(self) -> bool:
        return self.publication.revision != self.latest.revision


def publication_at(*, slug: str, year: int, digest: str) -> RevisionAt:
    """The revision of a municipality's year whose :func:`publication_digest` is ``digest`` (Http404 when
    there is none): one light query of the year's few revisions."""
    rows = list(Publication.objects.filter(cycle__municipality__slug=slug, cycle__fiscal_year=year,
                                           revision__lte=F("cycle__revision"))
                .only(*PUBLICATION_NAMING).order_by("-revision"))
    for row in rows:
        if publication_digest(row) == digest:
            return RevisionAt(row, rows[0])
    raise Http404(_(NO_PUBLICATION))


def publication_digests() -> set[str]:
    """The digest of every publication there is (what :func:`kouka.web.artifacts.artifacts_reclaim` keeps)."""
    return {publication_digest(p) for p in Publication.objects.only(*PUBLICATION_NAMING).iterator(chunk_size=2000)}


@dataclass(frozen=True)
class CatalogEntry:
    """What the open-data catalogue says of one published year, read without the report's projects."""

    slug: str
    report: Report  # the report-level fields only (no projects)
    modified: Any  # when the latest revision was published
    issued: Any  # when the first revision was published


def publications_for_catalog() -> list[CatalogEntry]:
    """Every published year's latest revision, newest year first: its body, year, title and programme read
    from the stored document's report-level keys (two queries, whatever the number of reports)."""
    first = dict(Publication.objects.filter(revision=1).values_list("cycle_id", "published_at"))
    rows = (publications_latest().order_by("-cycle__fiscal_year", "cycle__municipality__code", "cycle_id")
            .values_list("cycle_id", "cycle__municipality__slug", "cycle__municipality__name",
                         "cycle__municipality__prefecture", "cycle__municipality__code", "cycle__fiscal_year",
                         "document__reports__0__title", "document__reports__0__program", "published_at"))
    entries = []
    for cycle_id, slug, name, prefecture, code, year, title, program, published_at in rows:
        grant = GrantProgram(str(program["name"])) if isinstance(program, dict) and program.get("name") else \
            GrantProgram()
        report = Report(municipality=Body(name=name, prefecture=prefecture, code=code), fiscal_year=year,
                        program=grant, title=title if isinstance(title, str) else "")
        entries.append(CatalogEntry(slug, report, published_at, first.get(cycle_id, published_at)))
    return entries


def publication_of_cycle(cycle: Cycle) -> Publication | None:
    found: Publication | None = publications_latest().filter(cycle=cycle).first()
    return found


def publication_report(publication: Publication) -> Report:
    """A published revision's report, its photos read from the storage (for its page, fragment and exports)."""
    return figures_attach(mapping.report_from_document(publication.document))


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


SEARCH_PAGE = 20  # hits per page of the public search
# At most this many hits are counted and paged (「1,000件以上」): a common word of the national set finds thousands,
# and counting and ordering them all for every request is work nobody reads; more words narrow it down.
SEARCH_SHOWN = 1000
SEARCH_FTS = "SELECT rowid FROM kouka_search_fts WHERE kouka_search_fts MATCH %s"  # migration 0008_search


@dataclass(frozen=True)
class SearchHit:
    """One project found, with the KPIs whose names hold a word of the query."""

    entry: SearchEntry
    kpis: list[tuple[int, str]]
    year_label: str


def published_search(query: str) -> "QuerySet[SearchEntry]":
    """The projects of the latest publications whose title, まとめ or a KPI's name holds every word of
    ``query`` (folded: ＡＢＣ finds abc), newest year first; none when the query is too short
    (:func:`kouka.domain.search.too_short`).

    The index (:mod:`kouka.web.stats.search`) is read, never the publications: on SQLite the words of three
    characters or more go through the FTS5 trigram table and shorter ones are matched in the rows it found
    (or, when every word is short, in the whole table); PostgreSQL's LIKE uses the pg_trgm index.
    """
    terms = search_terms(query)
    rows = SearchEntry.objects.all()
    if too_short(terms):
        return rows.none()
    scanned = terms
    if connections[rows.db].vendor == "sqlite":
        indexed = [term for term in terms if len(term) >= INDEXED_CHARS]
        scanned = [term for term in terms if len(term) < INDEXED_CHARS]
        if indexed:
            phrases = " AND ".join('"' + term.replace('"', '""') + '"' for term in indexed)
            rows = rows.filter(pk__in=RawSQL(SEARCH_FTS, [phrases]))
    for term in scanned:
        rows = rows.filter(text__contains=term)
    return rows.select_related("municipality").order_by("-fiscal_year", "cycle_id", "project_number")


def published_search_shown(query: str) -> tuple[list[int], bool]:
    """The keys of the hits of :func:`published_search` that the pages show (the first :data:`SEARCH_SHOWN`, in
    order), and whether there are more than that: one query, whatever the page asked for."""
    keys = list(published_search(query).values_list("pk", flat=True)[:SEARCH_SHOWN + 1])
    return keys[:SEARCH_SHOWN], len(keys) > SEARCH_SHOWN


def search_entries(keys: Sequence[int]) -> list[SearchEntry]:
    """The search rows of ``keys`` (a page of :func:`published_search_shown`), in that order, each with its
    municipality."""
    found = SearchEntry.objects.select_related("municipality").in_bulk(list(keys))
    return [found[key] for key in keys if key in found]


def search_hits(query: str, entries: Iterable[SearchEntry]) -> list[SearchHit]:
    """A page of :func:`published_search` as the page shows it (the municipality read with each)."""
    terms = search_terms(query)
    return [SearchHit(entry, [(number, name) for number, name in entry.kpis
                              if any(term in folded(name) for term in terms)],
                      format_fiscal_year(entry.fiscal_year)) for entry in entries]


def municipality_published(slug: str) -> Municipality | None:
    """The municipality of ``slug`` when it has published a report (None otherwise: the public pages never
    name a body that has published nothing)."""
    found: Municipality | None = Municipality.objects.filter(slug=slug, cycles__revision__gt=0).distinct().first()
    return found


def municipality_get(slug: str) -> Municipality:
    municipality: Municipality | None = Municipality.objects.filter(slug=slug).first()
    if municipality is None:
        raise Http404("団体がありません")
    return municipality


# --- the staff's year -------------------------------------------------------------------------------------


def cycle_findings(member: Membership, report: Report, projects: list[ProjectRecord]) -> list[Finding]:
    """The checks' findings of a year as ``member`` sees them: an editor's are those of their own projects.

    Values that may not be stored (:mod:`kouka.domain.validation`: written before that check, or by hand in
    the database) come first, each naming its field, so the page shows what to fix instead of failing."""
    findings = report_problems(report) + check_report(report)
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
    """The year's whole report as its records hold it now, photos included (for administrators, reviewers and
    exports)."""
    return figures_attach(mapping.report_of(cycle))


def project_figures(project: Project) -> list[Figure]:
    """A project's photos with their images read from the storage (the staff page shows them)."""
    return [replace(figure, src=data_uri(figure)) for figure in project.figures]


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


def upload_task_get(member: Membership, pk: int) -> UploadTask:
    """One of ``member``'s own uploads (404 for anyone else's: an upload is private to who made it)."""
    try:
        task: UploadTask = UploadTask.objects.select_related("member__municipality").get(pk=pk, member=member)
    except UploadTask.DoesNotExist as exc:
        raise Http404("取込がありません") from exc
    return task


def workbook_departments(member: Membership, cycle: Cycle) -> list[tuple[str, str]]:
    """The departments whose workbook ``member`` may handle for the year, as (value, label): every department
    with a project of the year for the planning division (and "" for all of them), an editor's own."""
    names = list(Department.objects.filter(projects__cycle=cycle).order_by("name").values_list("name", flat=True)
                 .distinct())
    if member.role == Role.EDITOR:
        own = set(member.departments.values_list("name", flat=True))
        return [(name, name) for name in names if name in own]
    choices = [(name, name) for name in names]
    return [*choices, ("", _("全課（すべての事業）"))] if member.role == Role.ADMIN else []
# --- departments' parts of a year --------------------------------------------------------------------

# A project's status on the board, by its department's part: 未着手 / 作成中 / 提出済み / 差し戻し / 確認済み.
NOT_STARTED = "not_started"


@dataclass
class BoardProject:
    record: ProjectRecord
    status: str  # NOT_STARTED or a PartState
    missing: list[str]  # message ids of kouka.domain.progress


@dataclass
class BoardPart:
    """One department's part of the year: its state, the return reason, its projects."""

    department: Department
    state: PartState
    reason: str
    version: int  # 0: no part yet
    projects: list[BoardProject] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.projects)

    @property
    def missing(self) -> bool:
        return any(p.missing for p in self.projects)


def cycle_board(member: Membership, cycle: Cycle) -> list[BoardPart]:
    """Every department's part of the year that ``member`` may see (an editor: their own departments), with
    each project it leads (:func:`kouka.web.mapping.lead_department`), the project's status and what is still
    missing; projects without a department are not on the board."""
    report, rows = cycle_report(member, cycle)
    parts = {p.department_id: p for p in DepartmentPart.objects.filter(cycle=cycle)}
    own = {d.pk for d in member.departments.all()} if member.role == Role.EDITOR else None
    board: dict[int, BoardPart] = {}
    for record in rows:
        project = report.project(record.number)
        department = mapping.lead_department(record)
        if department is not None and (own is None or department.pk in own):
            if department.pk not in board:
                stored = parts.get(department.pk)
                board[department.pk] = BoardPart(
                    department, PartState(stored.state) if stored else PartState.OPEN,
                    stored.reason if stored else "", stored.version if stored else 0)
            part = board[department.pk]
            status = str(part.state)
            if part.state == PartState.OPEN and not project_started(project, cycle.fiscal_year):
                status = NOT_STARTED
            part.projects.append(BoardProject(record, status, project_missing(project, cycle.fiscal_year)))
    return sorted(board.values(), key=lambda p: p.department.name)


def cycle_part(member: Membership, cycle: Cycle, department_id: int) -> BoardPart:
    """One department's part of the board; Http404 when ``member`` may not see it or it has no projects."""
    for part in cycle_board(member, cycle):
        if part.department.pk == department_id:
            return part
    raise Http404("担当課がありません")


def cycle_checklist(cycle: Cycle) -> tuple[Report, list[Finding]]:
    """The year's whole report as it would be published and the publication checklist's findings for it
    (:func:`kouka.domain.gate.publication_findings`, compared with last year's published report)."""
    report = mapping.report_of(cycle)
    return report, publication_findings(report, mapping.previous_report(cycle))


def publication_preview(cycle: Cycle, note: str = "") -> Publication:
    """The publication that 公表する would make now, unsaved: the exact public page is rendered from it."""
    return Publication(cycle=cycle, revision=cycle.revision + 1, note=note, document=mapping.document_json(cycle),
                       published_at=timezone.now())


@dataclass
class CarryKpi:
    kpi: Kpi
    baseline: str
    last_target: str  # last year's target, read-only beside the entry field
    last_actual: str  # last year's actual, read-only
    plan_target: str  # the target of the new year the plan holds already, "" when none
    series: list[tuple[str, str]]  # 開始前 (baseline), 1年目 … of the project's period, in words ("－": none)
    increment: bool  # the targets are yearly increments (増加分), not levels


@dataclass
class CarryOffer:
    project: Any  # kouka.domain.model.Project of last year
    kpis: list[CarryKpi]


def carry_source(member: Membership, fiscal_year: int) -> Report | None:
    """Last year's report to start ``fiscal_year`` from: its latest publication, else its draft; None when the
    municipality has no such year."""
    cycle = Cycle.objects.filter(municipality=member.municipality, fiscal_year=fiscal_year - 1).first()
    if cycle is None:
        return None
    publication = publication_of_cycle(cycle)
    return publication_report(publication) if publication is not None else mapping.report_of(cycle)


def carry_offers(source: Report, fiscal_year: int) -> list[CarryOffer]:
    """The projects of ``source`` whose 事業期間 covers ``fiscal_year`` (and that are not stopped), each KPI
    with its baseline and last year's target and actual in words."""
    def text(m: Any) -> str:
        return write_measurement(m) if m is not None else "－"

    def offer(project: Any, k: Kpi) -> CarryKpi:
        return CarryKpi(k, text(k.baseline), text(k.targets.get(source.fiscal_year)),
                        text(k.actuals.get(source.fiscal_year)),
                        write_measurement(k.targets[fiscal_year]) if fiscal_year in k.targets else "",
                        [(label, text(m)) for label, m in target_series(project, k)],
                        k.target_kind is TargetKind.INCREMENT)

    return [CarryOffer(project, [offer(project, k) for k in project.kpis])
            for project in source.projects if continues_into(project, fiscal_year)]
