"""Publish once, serve as files: each published revision's page, body, CMS fragment and downloads, rendered
once and kept as immutable files (issue 18.1).

A :class:`~kouka.web.models.Publication` never changes, so everything rendered from it is stored under its
digest (:func:`kouka.web.selectors.publication_digest`) and the language, in Django's storage alias
``artifacts`` (a folder under ``MEDIA_ROOT`` on the embedded default, the production storage backend when one
is configured): ``artifacts/ab/<digest>/<code>/<language>/<file>``, where ``<code>`` is a fingerprint of
kouka's code and templates, so a release that renders differently renders again instead of serving the old
bytes. Nothing lists a folder on a request: a name is computed and the file read.

The queue renders every artifact of a new revision after its publication commits (:mod:`kouka.web.queue`);
a request that comes first renders the one it needs and stores it. One render per artifact, also when many
requests (threads or gunicorn processes) ask at once: the renderer takes a file lock (one of
:data:`LOCK_STRIPES` lock files, so the locks never grow in number) and looks again before rendering.
:data:`RENDERS` counts renders in this process (the tests and the benchmark read it).

What grows is reclaimed: :func:`artifacts_reclaim` (``python -m django kouka_artifacts reclaim``) deletes the
folders of digests no publication has any more (a year deleted, a database restored) and those of an older
``<code>``. Every revision stays reachable at its own address, so its files stay as long as it exists.
"""

import fcntl
import hashlib
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

import kouka
from kouka.domain import i18n
from kouka.domain.checks import circled
from kouka.domain.eras import format_fiscal_year
from kouka.domain.jpnumbers import format_yen
from kouka.domain.model import Report
from kouka.domain.notation import write_measurement
from kouka.domain.rules import judge_kpi, report_total
from kouka.web import integrations, selectors
from kouka.web.models import Publication

STORAGE = "artifacts"  # the alias in settings.STORAGES
FOLDER = "artifacts"
LOCK_STRIPES = 256
CODE_SUFFIXES = (".py", ".html", ".css", ".json")
# Where a revision's page says it was superseded (written in report_body.html); filled in when it is served
# (the stored bytes never change).
SUPERSEDED_MARK = "<!--kouka:superseded-->"

RENDERS: Counter[str] = Counter()  # renders in this process, by kind
_renders_lock = threading.Lock()


class AtomicFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage that writes to a temporary file and renames it into place, so a reader sees a whole
    file or none (Django's own writes into the final name); an existing name is overwritten."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**({"allow_overwrite": True} | options))

    def _save(self, name: str, content: File) -> str:  # type: ignore[type-arg]
        full = Path(self.path(name))
        full.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=full.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
            os.chmod(temporary, 0o644)
            os.replace(temporary, full)
        except BaseException:  # a full disk or an interrupted write: leave no temporary file behind
            Path(temporary).unlink(missing_ok=True)
            raise
        return name


def storage() -> Storage:
    found: Storage = storages[STORAGE]
    return found


@cache
def code_fingerprint() -> str:
    """A hash of kouka's version and every source and template file: a change to any rule or template that
    could alter a rendered artifact gives every artifact a new name."""
    digest = hashlib.sha256(kouka.__version__.encode())
    root = Path(kouka.__file__).resolve().parent
    for path in sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# --- what is rendered -------------------------------------------------------------------------------------


def kpi_rows(report: Report) -> list[dict[str, Any]]:
    rows = []
    for project in report.projects:
        for kpi in project.kpis:
            result = judge_kpi(kpi, report.fiscal_year)
            rows.append({"project": project, "kpi": kpi, "result": result,
                         "label": _("事業{project} 成果目標{kpi}").format(project=circled(project.number),
                                                                        kpi=circled(kpi.number)),
                         "target": write_measurement(result.target) if result.target else "－",
                         "actual": write_measurement(result.actual) if result.actual else "－"})
    return rows


def revision_url(publication: Publication, fmt: str = "") -> str:
    """The address of a revision that never changes: its page, or its download ``fmt``."""
    cycle = publication.cycle
    args = [cycle.municipality.slug, cycle.fiscal_year, selectors.publication_digest(publication)]
    return reverse("kouka:revision_export", args=[*args, fmt]) if fmt else reverse("kouka:revision", args=args)


def report_body(publication: Publication) -> str:
    """The page body of one published revision; it depends on nothing but the publication and its earlier
    revisions, so it is stored. Its downloads point at the revision's own addresses (an unsaved preview's at
    the year's latest ones)."""
    cycle = publication.cycle
    slug, year = cycle.municipality.slug, cycle.fiscal_year
    report = selectors.publication_report(publication)
    fragment = mark_safe(integrations.render_fragment(report))
    saved = publication.pk is not None
    downloads = [(e.label, revision_url(publication, e.name) if saved else reverse("kouka:export",
                                                                                    args=[slug, year, e.name]))
                 for e in integrations.EXPORTS.values()]
    earlier = (cycle.publications.filter(revision__lte=publication.revision)
               .only("id", "cycle_id", "revision", "published_at", "note", "digest").order_by("-revision"))
    return render_to_string("kouka/public/report_body.html", {
        "cycle": cycle, "publication": publication, "report": report, "fragment": fragment,
        "year_label": format_fiscal_year(year), "total": format_yen(report_total(report)),
        "rows": kpi_rows(report), "downloads": downloads,
        "revisions": [(r, reverse("kouka:revision", args=[slug, year, selectors.publication_digest(r)]))
                      for r in earlier],
    })


def page_title(publication: Publication) -> str:
    cycle = publication.cycle
    return f"{cycle.municipality.name} {format_fiscal_year(cycle.fiscal_year)}"


def report_page(publication: Publication) -> str:
    """The whole page as every anonymous reader gets it: no messages, no CSRF token, the language switch
    leading back to the revision's own address."""
    body = report_body(publication)
    return render_to_string("kouka/public/report.html", {
        "title": page_title(publication), "body": mark_safe(body), "user": AnonymousUser(),
        "here": revision_url(publication)})


def _export(name: str) -> Callable[[Publication], bytes]:
    return lambda publication: integrations.export(name, selectors.publication_report(publication))


@dataclass(frozen=True)
class Kind:
    """One artifact of a revision: its stored file name, media type and renderer."""

    name: str
    filename: str
    content_type: str
    render: Callable[[Publication], bytes]


HTML = "text/html; charset=utf-8"
KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("page", "page.html", HTML, lambda p: report_page(p).encode()),
    Kind("body", "body.html", HTML, lambda p: report_body(p).encode()),
    Kind("fragment", "fragment.html", HTML,
         lambda p: integrations.render_fragment(selectors.publication_report(p)).encode()),
    *(Kind(e.name, f"{e.name}.{e.extension}", e.content_type, _export(e.name))
      for e in integrations.EXPORTS.values()),
)}


def language_now() -> str:
    """The request's language as an artifact is keyed: one of settings.LANGUAGES (ja, en)."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def artifact_name(digest: str, kind: str, language: str) -> str:
    """``artifacts/ab/ab12…/<code>/ja/page.html``: a name computed, never searched for."""
    return f"{FOLDER}/{digest[:2]}/{digest}/{code_fingerprint()}/{language}/{KINDS[kind].filename}"


# --- getting one: stored, else rendered once ----------------------------------------------------------------


@contextmanager
def render_lock(name: str) -> Iterator[None]:
    """An exclusive lock for rendering ``name``, held across threads and server processes (a file lock on one
    of :data:`LOCK_STRIPES` files of the lock folder; released by the system if the process dies)."""
    folder = Path(settings.KOUKA_LOCK_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stripe = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % LOCK_STRIPES
    with open(folder / f"artifact-{stripe:03d}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def stored(name: str) -> bytes | None:
    """The bytes stored under ``name``; None when there are none yet."""
    try:
        with storage().open(name, "rb") as handle:
            data: bytes = handle.read()
    except FileNotFoundError:
        return None
    return data


def render(publication: Publication, kind: str, language: str) -> bytes:
    """Render one artifact in ``language`` (counted in :data:`RENDERS`)."""
    with translation.override(language), i18n.language(language):
        data = KINDS[kind].render(publication)
    with _renders_lock:
        RENDERS[kind] += 1
    return data


def artifact_bytes(publication: Publication, kind: str, language: str) -> bytes:
    """The stored artifact ``kind`` of ``publication`` in ``language``; rendered and stored first when there
    is none (once: a second asker waits for the first and reads what it stored).
    :class:`kouka.web.integrations.Unavailable` when a download's library is missing."""
    name = artifact_name(selectors.publication_digest(publication), kind, language)
    data = stored(name)
    if data is not None:
        return data
    with render_lock(name):
        data = stored(name)
        if data is None:
            data = render(publication, kind, language)
            storage().save(name, ContentFile(data))
    return data


def artifacts_fill(publication: Publication, *, languages: tuple[str, ...] = (), kinds: tuple[str, ...] = ()) -> int:
    """Render what is missing of the artifacts of ``publication`` (every kind in each language of the site,
    unless ``kinds`` or ``languages`` name fewer); the number rendered. The queue runs it after a publication;
    ``kouka_artifacts fill`` too."""
    rendered = 0
    for language in languages or tuple(dict(settings.LANGUAGES)):
        for kind in kinds or tuple(KINDS):
            if kind in integrations.EXPORTS and not integrations.export_available(kind):
                continue
            before = RENDERS[kind]
            artifact_bytes(publication, kind, language)
            rendered += RENDERS[kind] - before
    return rendered


def switched_back_to(page: bytes, revision_path: str, path: str) -> bytes:
    """A stored page served at ``path`` (the year's plain address) rather than at its revision's own: its
    language switch leads back to ``path``."""
    return page.replace(f"?next={revision_path}".encode(), f"?next={path}".encode())


def superseded(page: bytes, latest_url: str) -> bytes:
    """A stored page (or body) of a revision that a later one replaced, with the note saying so."""
    note = render_to_string("kouka/public/superseded.html", {"latest_url": latest_url})
    return page.replace(SUPERSEDED_MARK.encode(), note.encode(), 1)


# --- reclaiming ---------------------------------------------------------------------------------------------


@dataclass
class Reclaimed:
    folders: int = 0
    files: int = 0


def _delete_tree(store: Storage, folder: str, reclaimed: Reclaimed) -> None:
    folders, files = store.listdir(folder)
    for name in files:
        store.delete(f"{folder}/{name}")
        reclaimed.files += 1
    for name in folders:
        _delete_tree(store, f"{folder}/{name}", reclaimed)
    if isinstance(store, FileSystemStorage):  # an object store has no folders to remove
        store.delete(folder)


def artifacts_reclaim(*, live: set[str], older_than: float = 3600) -> Reclaimed:
    """Delete the stored artifacts of every digest not in ``live`` (the publications that exist) and those of
    another code fingerprint; temporary files of an interrupted write once older than ``older_than`` seconds.
    Reads the whole ``artifacts`` folder: a maintenance task, never run on a request."""
    store, reclaimed, current = storage(), Reclaimed(), code_fingerprint()
    if not store.exists(FOLDER):
        return reclaimed
    for prefix in store.listdir(FOLDER)[0]:
        for digest in store.listdir(f"{FOLDER}/{prefix}")[0]:
            folder = f"{FOLDER}/{prefix}/{digest}"
            if digest not in live:
                _delete_tree(store, folder, reclaimed)
                reclaimed.folders += 1
                continue
            for code in store.listdir(folder)[0]:
                if code != current:
                    _delete_tree(store, f"{folder}/{code}", reclaimed)
                    reclaimed.folders += 1
                else:
                    _reclaim_temporary(store, f"{folder}/{code}", older_than, reclaimed)
    return reclaimed


def _reclaim_temporary(store: Storage, folder: str, older_than: float, reclaimed: Reclaimed) -> None:
    if not isinstance(store, FileSystemStorage):  # only this module's own storage writes temporary files
        return
    for language in store.listdir(folder)[0]:
        for name in store.listdir(f"{folder}/{language}")[1]:
            path = Path(store.path(f"{folder}/{language}/{name}"))
            if name.startswith(".tmp-") and time.time() - path.stat().st_mtime > older_than:
                path.unlink(missing_ok=True)
                reclaimed.files += 1
