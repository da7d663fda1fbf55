"""Bulk loading: many interchange files into the database as published reports (``kouka load``).

Each report of each file becomes, for its municipality (found by body code, else by name and prefecture,
else created) and fiscal year, a :class:`Cycle` in the published state with its :class:`ProjectRecord` and
:class:`KpiRecord` rows, a frozen :class:`Publication` revision, a :class:`Change` record and its
:class:`KpiFact` rows (:mod:`kouka.web.stats.facts`) and the public search's :class:`SearchEntry` rows
(:mod:`kouka.web.stats.search`).

Files are read, validated and turned into fact rows by worker processes (:func:`parsed_files`, a bounded
read-ahead) while this process writes them in batches: one transaction per batch of about ``batch_reports``
reports, rows written with :func:`kouka.web.ops.fastinsert.insert` (``COPY`` on PostgreSQL). A batch boundary
is always a file boundary, so a file is in the database whole or not at all; a process killed part-way
leaves the batches committed so far and nothing of the one it was writing. ``atomic=True`` makes the whole
load one transaction instead.

What is already there decides what happens to a report:

- nothing for that municipality and year: it is created, published as revision 1;
- a published cycle whose latest publication has the same content (:func:`digest`): it is skipped, so a
  re-run after an interruption skips what was loaded and continues with the rest;
- a published cycle with different content: the report is published as the next revision (a correction,
  with a note naming the file), replacing the cycle's projects, as the web's correction would; with
  ``revise=False`` the file is refused instead;
- a cycle being worked on in the web application (draft, submitted or reviewed): the file is refused, so
  nobody's unpublished work is overwritten.

A file that cannot be read, breaks the schema, does not fit the database's fields or is refused is named in
the summary with the reason, and none of its reports are written; the other files are loaded regardless
(with ``atomic=True`` nothing at all is written when any file fails).
"""

import hashlib
import itertools
import json
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DataError, IntegrityError, models
from django.utils import timezone

from kouka import interchange
from kouka.domain import limits
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.model import Body, Report
from kouka.web import dbrouter, mapping, selectors
from kouka.web.models import (
    Change,
    Cycle,
    Department,
    KpiFact,
    KpiRecord,
    Municipality,
    ProjectRecord,
    Publication,
    SearchEntry,
    State,
)
from kouka.web.ops import fastinsert
from kouka.web.stats import facts, search

JSON = dict[str, Any]

BATCH_REPORTS = 200
ACTION = "bulkload"

# Fault injection for the atomicity tests. KOUKA_LOAD_FAULT="pause:N" stops inside the N-th batch (1-based)
# after all its rows are written, before its commit; "fail:N" raises FaultInjected there. When
# KOUKA_LOAD_FAULT_READY names a folder, the load first writes <folder>/before ahead of batch N and waits for
# <folder>/go (so a test can take a snapshot), then a pause writes <folder>/inside and waits to be killed;
# without it a pause kills its own process with SIGKILL.
FAULT_ENV = "KOUKA_LOAD_FAULT"
FAULT_READY_ENV = "KOUKA_LOAD_FAULT_READY"


class LoadError(KoukaError):
    """A file that cannot be loaded as it is; the message names the file and the reason."""


class FaultInjected(RuntimeError):
    """Raised inside a batch when KOUKA_LOAD_FAULT asks for it (tests of atomicity only)."""


def digest(document: JSON) -> str:
    """SHA-256 of a document's canonical JSON (sorted keys, no spaces): equal content, equal digest."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ParsedReport:
    """One report of a file, as the writer needs it. Plain data (no domain objects but the body), so that it
    crosses from a parsing process to the writing one cheaply."""

    municipality: Body
    fiscal_year: int
    document: JSON  # {"schema": ..., "reports": [report_json]}: what the Publication freezes
    digest: str
    facts: list[dict[str, Any]] = field(default_factory=list)  # facts.fact_values of the report's own body
    search: list[dict[str, Any]] = field(default_factory=list)  # search.entry_values: the public search's rows

    @property
    def key(self) -> tuple[str, ...]:
        return body_key(self.municipality)

    def report(self) -> Report:
        """The domain report, made again from the document (the writer rarely needs it)."""
        return interchange.document_from_json(self.document).reports[0]


@dataclass
class ParsedFile:
    path: Path
    reports: list[ParsedReport] = field(default_factory=list)
    error: str = ""


@dataclass(frozen=True)
class Failure:
    path: Path
    message: str


@dataclass
class LoadSummary:
    files: int = 0
    files_loaded: int = 0  # files with at least one report created or revised
    created: int = 0  # reports published for the first time
    revised: int = 0  # reports published as a new revision
    unchanged: int = 0  # reports skipped: already published with the same content
    projects: int = 0
    kpis: int = 0
    facts: int = 0
    batches: int = 0
    failures: list[Failure] = field(default_factory=list)
    rolled_back: bool = False  # atomic mode: something failed, so nothing was written

    @property
    def reports(self) -> int:
        return self.created + self.revised + self.unchanged


def body_key(body: Body) -> tuple[str, ...]:
    """How a report's body is matched to a municipality: by code where it has one, else by prefecture and name."""
    return ("code", body.code) if body.code else ("name", body.prefecture, body.name)


# --- reading -------------------------------------------------------------------------


def parse_file(path: Path) -> ParsedFile:
    """Read, validate and prepare one file; any problem is kept as the file's error (nothing raised)."""
    parsed = ParsedFile(path)
    try:
        document = interchange.load(path)
    except KoukaError as exc:
        parsed.error = str(exc)
        return parsed
    if not document.reports:
        parsed.error = _("{path}: 報告がありません").format(path=path)
        return parsed
    seen: set[tuple[tuple[str, ...], int]] = set()
    for report in document.reports:
        key = (body_key(report.municipality), report.fiscal_year)
        if key in seen:
            parsed.error = (_("{path}: {name}の{fiscal_year}年度の報告が2つあります").format(
                path=path, name=report.municipality.name, fiscal_year=report.fiscal_year))
            return parsed
        seen.add(key)
        data = {"schema": interchange.SCHEMA_ID, "reports": [interchange.report_json(report)]}
        parsed.reports.append(ParsedReport(report.municipality, report.fiscal_year, data, digest(data),
                                           facts.fact_values(report.municipality, report),
                                           search.entry_values(report)))
    try:
        check_fits(parsed, document.reports)
    except LoadError as exc:
        parsed.error = str(exc)
    return parsed


def _limit(model: type[models.Model], name: str) -> int:
    found = model._meta.get_field(name)
    assert isinstance(found, models.CharField) and found.max_length is not None
    return found.max_length


def check_fits(parsed: ParsedFile, reports: Sequence[Report]) -> None:
    """Refuse text longer than the database field that keeps it (PostgreSQL would refuse it; SQLite would not)."""
    checks: list[tuple[str, str, int]] = []
    for report in reports:
        where = _("{year}年度").format(year=report.fiscal_year)
        if not report.municipality.name.strip():
            raise LoadError(_("{path}: {where}の報告に団体名がありません。団体名を記入してくだ"
                              "さい").format(path=parsed.path, where=where))
        checks += [(f"{where} {_(limits.BODY_NAME.label)}", report.municipality.name, _limit(Municipality, "name")),
                   (f"{where} {_(limits.PREFECTURE.label)}", report.municipality.prefecture,
                    _limit(Municipality, "prefecture"))]
        for project in report.projects:
            at = _("{where} 事業{number}").format(where=where, number=project.number)
            checks.append((f"{at} {_(limits.PROJECT_TITLE.label)}", project.title, _limit(ProjectRecord, "title")))
            checks += [(f"{at} {_(limits.DEPARTMENT.label)}", name, _limit(Department, "name"))
                       for name in project.departments]
            for kpi in project.kpis:
                named = _("{where} 成果目標{number}").format(where=at, number=kpi.number)
                checks += [(named, kpi.name, _limit(KpiRecord, "name")),
                           (f"{named} {_(limits.UNIT.label)}", kpi.unit, _limit(KpiRecord, "unit"))]
    for label, text, limit in checks:
        if len(text) > limit:
            raise LoadError(_("{path}: {label}が長すぎます（{text}文字、上限{limit}文字）").format(
                path=parsed.path, label=label, text=len(text), limit=limit))


# Files parsed ahead of the one being written, by other processes: reading and validating JSON costs about as
# much as writing it, so the two overlap on a machine with more than one core. Bounded, so that memory does not
# grow with the set.
READ_AHEAD = 32


def _die_with(parent: int) -> None:
    """A parsing worker ends when the loader does, even when it is killed (SIGKILL runs no clean-up)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):  # not Linux: the worker ends when it finds its queue closed
        pass
    if os.getppid() != parent:  # the loader died before the line above
        os._exit(1)


def parsed_files(files: Iterable[Path]) -> Iterator[ParsedFile]:
    """Each file parsed (:func:`parse_file`), in order; by a pool of worker processes where there are cores."""
    paths = iter(files)
    cores = os.cpu_count() or 1
    if cores < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(parse_file, paths)
        return
    # forked workers inherit the configured Django (parse_file reads field lengths; it never opens a connection);
    # this process writes while the others parse (the system shares the cores among them)
    with ProcessPoolExecutor(max_workers=min(4, cores), mp_context=multiprocessing.get_context("fork"),
                             initializer=_die_with, initargs=(os.getpid(),)) as pool:
        pending: deque[Future[ParsedFile]] = deque()
        for path in itertools.islice(paths, READ_AHEAD):
            pending.append(pool.submit(parse_file, path))
        while pending:
            parsed = pending.popleft().result()
            for path in itertools.islice(paths, 1):
                pending.append(pool.submit(parse_file, path))
            yield parsed


def batches(files: Iterable[Path], batch_reports: int) -> Iterator[list[ParsedFile]]:
    """Parsed files grouped so each group holds about ``batch_reports`` reports (files are never split).

    A group also ends before a file that names a municipality and year already in it, so that the second
    one sees the first in the database.
    """
    group: list[ParsedFile] = []
    keys: set[tuple[tuple[str, ...], int]] = set()
    count = 0
    for parsed in parsed_files(files):
        mine = {(r.key, r.fiscal_year) for r in parsed.reports}
        if group and (mine & keys):
            yield group
            group, keys, count = [], set(), 0
        group.append(parsed)
        keys |= mine
        count += len(parsed.reports)
        if count >= batch_reports:
            yield group
            group, keys, count = [], set(), 0
    if group:
        yield group


# --- writing -------------------------------------------------------------------------


@dataclass
class _Existing:
    cycle: Cycle
    digest: str  # of its latest publication; "" when never published


@dataclass
class _Plan:
    """What one batch will write."""

    municipalities: dict[tuple[str, ...], Municipality] = field(default_factory=dict)
    new: list[tuple[ParsedFile, ParsedReport]] = field(default_factory=list)
    revise: list[tuple[ParsedFile, ParsedReport, Cycle]] = field(default_factory=list)
    files: list[ParsedFile] = field(default_factory=list)  # files that write something
    unchanged: int = 0


def _find_municipalities(keys: set[tuple[str, ...]]) -> dict[tuple[str, ...], Municipality]:
    """The existing municipality of each key that has one."""
    objects = Municipality.objects
    codes = [k[1] for k in keys if k[0] == "code"]
    names = [k[2] for k in keys if k[0] == "name"]
    found: dict[tuple[str, ...], Municipality] = {}
    for municipality in objects.filter(code__in=codes).order_by("pk"):
        found.setdefault(("code", municipality.code), municipality)
    for municipality in objects.filter(name__in=names, code="").order_by("pk"):
        found.setdefault(("name", municipality.prefecture, municipality.name), municipality)
    return {k: v for k, v in found.items() if k in keys}


def _create_municipalities(bodies: dict[tuple[str, ...], Body]) -> dict[tuple[str, ...], Municipality]:
    objects = Municipality.objects
    keys = sorted(bodies)
    slugs = {k: _slug(bodies[k]) for k in keys}
    taken = set(objects.filter(slug__in=slugs.values()).values_list("slug", flat=True))
    created = []
    for key in keys:
        body = bodies[key]
        slug = slugs[key] if slugs[key] not in taken else _slug(body, unique=True)
        taken.add(slug)
        created.append(Municipality(slug=slug, name=body.name, prefecture=body.prefecture, code=body.code))
    return dict(zip(keys, objects.bulk_create(created), strict=True))


def _slug(body: Body, *, unique: bool = False) -> str:
    slug = mapping.municipality_slug(body.name, body.code)
    if unique or slug == "body":
        slug = "body-" + hashlib.sha1(f"{body.prefecture}/{body.name}/{body.code}".encode()).hexdigest()[:12]
    return slug


def _existing(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], _Existing]:
    """The cycles of the (municipality id, fiscal year) pairs that exist, with their latest publication's digest."""
    if not pairs:
        return {}
    cycles = {(c.municipality_id, c.fiscal_year): c
              for c in Cycle.objects.select_related("municipality")
              .filter(municipality_id__in={p[0] for p in pairs}, fiscal_year__in={p[1] for p in pairs})
              if (c.municipality_id, c.fiscal_year) in pairs}
    rows = selectors.publications_latest().filter(cycle_id__in=[c.pk for c in cycles.values()])
    latest = {cycle_id: (revision, stored)
              for cycle_id, revision, stored in rows.values_list("cycle_id", "revision", "digest")}
    result = {}
    for pair, cycle in cycles.items():
        entry = latest.get(cycle.pk)
        found = "" if entry is None else entry[1] or _stored_digest(cycle, entry[0])
        result[pair] = _Existing(cycle, found)
    return result


def _stored_digest(cycle: Cycle, revision: int) -> str:
    """The digest of a publication made without one (published in the web application), in canonical form."""
    document = Publication.objects.get(cycle=cycle, revision=revision).document
    try:
        report = mapping.report_from_document(document)
    except KoukaError:
        return ""
    return digest({"schema": interchange.SCHEMA_ID, "reports": [interchange.report_json(report)]})


def _fate(parsed: ParsedFile, item: ParsedReport, municipality: Municipality | None, found: _Existing | None,
          revise: bool) -> str:
    """What happens to one report: "new", "revise" or "same"; :class:`LoadError` when it is refused."""
    if municipality is None or found is None:
        return "new"
    where = _("{path}: {name}の{year}年度").format(path=parsed.path, name=municipality.name, year=item.fiscal_year)
    if found.cycle.state != State.PUBLISHED:
        raise LoadError(_("{where}はWebで{value}のため読み込みません").format(
            where=where, value=found.cycle.get_state_display()))
    if found.digest == item.digest:
        return "same"
    if not revise:
        raise LoadError(_("{where}は内容の異なる版が公表済みです（--revise で訂正版として読み込み）").format(
            where=where))
    return "revise"


def _plan_file(plan: _Plan, parsed: ParsedFile, existing: dict[tuple[int, int], _Existing], revise: bool) -> None:
    """Add what one file writes to ``plan``; a refused file keeps its error and adds nothing."""
    new, changed, same = [], [], 0
    try:
        for item in parsed.reports:
            municipality = plan.municipalities.get(item.key)
            found = None if municipality is None else existing.get((municipality.pk, item.fiscal_year))
            fate = _fate(parsed, item, municipality, found, revise)
            if fate == "new":
                new.append((parsed, item))
            elif fate == "revise" and found is not None:
                changed.append((parsed, item, found.cycle))
            else:
                same += 1
    except LoadError as exc:
        parsed.error = str(exc)
        return
    plan.new += new
    plan.revise += changed
    plan.unchanged += same
    if new or changed:
        plan.files.append(parsed)


def _plan(group: list[ParsedFile], summary: LoadSummary, revise: bool) -> _Plan:
    plan = _Plan()
    readable = [f for f in group if not f.error]
    plan.municipalities = _find_municipalities({r.key for f in readable for r in f.reports})
    pairs = {(plan.municipalities[r.key].pk, r.fiscal_year)
             for f in readable for r in f.reports if r.key in plan.municipalities}
    existing = _existing(pairs)
    for parsed in readable:
        _plan_file(plan, parsed, existing, revise)
    # only now, so that a refused file leaves no municipality behind
    missing = {item.key: item.municipality for _, item in plan.new if item.key not in plan.municipalities}
    if missing:
        plan.municipalities.update(_create_municipalities(missing))
    return plan


def _write(plan: _Plan) -> tuple[int, int, int]:
    """Write a planned batch; return (projects, KPIs, facts) written."""
    cycles = Cycle.objects
    stale = [cycle for _, _, cycle in plan.revise]
    touched: set[facts.WideKey] = set()
    if stale:
        old_facts = KpiFact.objects.filter(cycle__in=stale)
        touched |= set(old_facts.exclude(wide_key="").values_list("wide_key", "fiscal_year").distinct())
        old_facts.delete()
        SearchEntry.objects.filter(cycle__in=stale).delete()
        ProjectRecord.objects.filter(cycle__in=stale).delete()
    written: list[tuple[ParsedFile, ParsedReport, Cycle, int]] = []  # with the revision before
    created = cycles.bulk_create([
        Cycle(municipality=plan.municipalities[item.key], fiscal_year=item.fiscal_year,
              state=State.PUBLISHED, revision=1, report=_report_fields(item))
        for _, item in plan.new])
    written += [(parsed, item, cycle, 0) for (parsed, item), cycle in zip(plan.new, created, strict=True)]
    for parsed, item, cycle in plan.revise:
        before = cycle.revision
        cycle.revision += 1
        cycle.version += 1
        cycle.report = _report_fields(item)
        cycle.updated = timezone.now()
        written.append((parsed, item, cycle, before))
    if plan.revise:
        cycles.bulk_update([cycle for _, _, cycle in plan.revise], ["revision", "version", "report", "updated"])
    projects, kpis = _write_projects(written)
    fastinsert.insert(Publication, (
        {"cycle_id": cycle.pk, "revision": cycle.revision, "document": item.document, "digest": item.digest,
         "note": "" if before == 0 else _("一括読み込みによる訂正（{name}）").format(name=parsed.path.name)}
        for parsed, item, cycle, before in written))
    fastinsert.insert(Change, (
        {"municipality_id": cycle.municipality_id, "cycle_id": cycle.pk, "action": ACTION,
         "target": f"{cycle.fiscal_year}年度 一括読み込み（{parsed.path.name}）"[:300],
         "before": {"revision": before} if before else None,
         "after": {"revision": cycle.revision, "file": str(parsed.path), "digest": item.digest}}
        for parsed, item, cycle, before in written))
    rows = [row for _, item, cycle, _ in written for row in _facts(cycle, item)]
    fastinsert.insert(KpiFact, rows)
    fastinsert.insert(SearchEntry, (row for _, item, cycle, _ in written
                                    for row in search.with_ids(cycle, item.search)))
    touched |= facts.wide_keys(rows)
    facts.settle_wide_area(touched)
    return projects, kpis, len(rows)


def _facts(cycle: Cycle, item: ParsedReport) -> list[dict[str, Any]]:
    """The facts of a written report with their ids; made again when the stored municipality completes the
    body the document gives (its code or prefecture), since the facts' keys are made from the body."""
    body = facts.complete_body(cycle, item.municipality)
    return facts.with_ids(cycle, item.facts if body == item.municipality else facts.fact_values(body, item.report()))


def _report_fields(item: ParsedReport) -> JSON:
    data = item.document["reports"][0]
    return {k: data[k] for k in mapping.REPORT_FIELDS}


def _write_projects(written: Sequence[tuple[ParsedFile, ParsedReport, Cycle, int]]) -> tuple[int, int]:
    """The projects, their KPIs and departments of the written reports, from the documents' JSON (as stored by
    :func:`kouka.web.mapping.save_project` and :func:`~kouka.web.mapping.save_kpi`)."""
    departments = _departments(written)
    projects: list[dict[str, Any]] = []
    for _parsed, item, cycle, _count in written:
        for data in item.document["reports"][0]["projects"]:
            stored = {k: v for k, v in data.items() if k != "kpis"}
            projects.append({"cycle_id": cycle.pk, "number": data["number"], "title": data["title"], "data": stored})
    count = fastinsert.insert(ProjectRecord, projects)
    cycles = {cycle.pk: cycle for _, _, cycle, _ in written}
    ids = {(cycle_id, number): pk for pk, cycle_id, number in ProjectRecord.objects
           .filter(cycle_id__in=cycles).values_list("pk", "cycle_id", "number")}
    kpis: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for _parsed, item, cycle, _count in written:
        for data in item.document["reports"][0]["projects"]:
            project_id = ids[(cycle.pk, data["number"])]
            kpis += [{"project_id": project_id, "number": k["number"], "name": k["name"], "unit": k["unit"], "data": k}
                     for k in data["kpis"]]
            links += [{"projectrecord_id": project_id, "department_id": departments[(cycle.municipality_id, name)]}
                      for name in dict.fromkeys(data.get("departments", []))]
    fastinsert.insert(KpiRecord, kpis)
    fastinsert.insert(ProjectRecord.departments.through, links)
    return count, len(kpis)


def _departments(written: Sequence[tuple[ParsedFile, ParsedReport, Cycle, int]]) -> dict[tuple[int, str], int]:
    """The id of each (municipality, department name) the batch needs, creating the missing ones."""
    wanted = {(cycle.municipality_id, name) for _, item, cycle, _ in written
              for project in item.document["reports"][0]["projects"] for name in project.get("departments", [])}
    objects = Department.objects
    ids = {(d.municipality_id, d.name): d.pk
           for d in objects.filter(municipality_id__in={m for m, _ in wanted}, name__in={n for _, n in wanted})}
    missing = sorted(wanted - set(ids))
    for department in objects.bulk_create([Department(municipality_id=m, name=n) for m, n in missing]):
        ids[(department.municipality_id, department.name)] = department.pk
    return ids


def _fault_wanted(batch: int) -> tuple[str, Path | None]:
    action, _, number = os.environ.get(FAULT_ENV, "").partition(":")
    if number != str(batch) or action not in ("pause", "fail"):
        return "", None
    ready = os.environ.get(FAULT_READY_ENV)
    return action, Path(ready) if ready else None


def _wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.02)


def _fault_before(batch: int) -> None:
    """The test hook of :data:`FAULT_ENV` ahead of a batch (does nothing unless it is set)."""
    action, ready = _fault_wanted(batch)
    if action and ready is not None:
        (ready / "before").write_text(str(os.getpid()), encoding="utf-8")
        _wait_for(ready / "go")


def _fault_inside(batch: int) -> None:
    """The test hook of :data:`FAULT_ENV` inside a batch's transaction, its rows written."""
    action, ready = _fault_wanted(batch)
    if action == "fail":
        raise FaultInjected(_("{FAULT_ENV}: 第{batch}バッチで中断").format(FAULT_ENV=FAULT_ENV, batch=batch))
    if action == "pause":
        if ready is None:
            os.kill(os.getpid(), signal.SIGKILL)
            return
        seen = {"cycles": Cycle.objects.count(),
                "publications": Publication.objects.count()}
        (ready / "inside.tmp").write_text(json.dumps(seen), encoding="utf-8")
        (ready / "inside.tmp").rename(ready / "inside")
        while True:  # until the test kills the process
            time.sleep(1)


class _Rollback(Exception):
    """Ends the outer transaction of an atomic load that had a failure."""


def _write_group(group: list[ParsedFile], summary: LoadSummary, revise: bool,
                 batch: int | None) -> None:
    """One transaction: plan, write, count."""
    with dbrouter.atomic():
        plan = _plan(group, summary, revise)
        counts = _write(plan)
        if batch is not None:
            _fault_inside(batch)
    _count(group, plan, counts, summary)


def _load_group(group: list[ParsedFile], summary: LoadSummary, revise: bool) -> None:
    """One batch in one transaction; when the database refuses it, each file alone, to name the culprit."""
    summary.batches += 1
    _fault_before(summary.batches)
    try:
        _write_group(group, summary, revise, summary.batches)
        return
    except (IntegrityError, DataError) as exc:
        if len(group) == 1:
            group[0].error = _("{path}: データベースが受け付けません（{exc}）").format(path=group[0].path, exc=exc)
            _count(group, None, (0, 0, 0), summary)
            return
    for parsed in group:
        try:
            _write_group([parsed], summary, revise, None)
        except (IntegrityError, DataError) as exc:
            parsed.error = _("{path}: データベースが受け付けません（{exc}）").format(path=parsed.path, exc=exc)
            _count([parsed], None, (0, 0, 0), summary)


def _count(group: list[ParsedFile], plan: _Plan | None, counts: tuple[int, int, int], summary: LoadSummary) -> None:
    summary.files += len(group)
    summary.failures += [Failure(f.path, f.error) for f in group if f.error]
    if plan is None:
        return
    summary.files_loaded += len(plan.files)
    summary.created += len(plan.new)
    summary.revised += len(plan.revise)
    summary.unchanged += plan.unchanged
    summary.projects, summary.kpis, summary.facts = (
        summary.projects + counts[0], summary.kpis + counts[1], summary.facts + counts[2])


def load(files: Iterable[Path], *, batch_reports: int = BATCH_REPORTS, atomic: bool = False, revise: bool = True,
         progress: Callable[[list[ParsedFile], LoadSummary], None] | None = None) -> LoadSummary:
    """Load ``files`` into the selected database (:mod:`kouka.web.dbrouter`); see the module's description.

    ``progress`` is called after each batch with its files and the summary so far. An exception other than a
    file's own problem (the database going away, an interruption) propagates: the batch being written is
    rolled back, earlier batches stay (all of them with ``atomic``).
    """
    if batch_reports < 1:
        raise LoadError(_("バッチの大きさは1以上です（{batch_reports}）").format(batch_reports=batch_reports))
    summary = LoadSummary()

    def run() -> None:
        for group in batches(files, batch_reports):
            if atomic and summary.failures:  # nothing will be kept: only read the rest, to name every bad file
                summary.files += len(group)
                summary.failures += [Failure(f.path, f.error) for f in group if f.error]
            else:
                _load_group(group, summary, revise)
            if progress is not None:
                progress(group, summary)

    if not atomic:
        run()
        return summary
    try:
        with dbrouter.atomic():
            run()
            if summary.failures:
                raise _Rollback
    except _Rollback:
        summary.rolled_back = True
    return summary
