"""The public search's index: one :class:`SearchEntry` row per project of each cycle's latest publication.

Rows are derived from the publication, as the dashboards' facts are (:mod:`kouka.web.stats.facts`): a
publication or correction replaces its cycle's rows in its own transaction (:func:`replace_entries`, called by
``facts.replace_facts``), and ``kouka load`` writes them with its batches (:func:`entry_values` in the parsing
processes, :func:`with_ids` and ``fastinsert`` in the writer). Drafts never reach the table.

The database indexes the folded ``text`` (migration ``0008_search``): SQLite an FTS5 table with the trigram
tokenizer (``kouka_search_fts``, external content kept by triggers on every insert, update and delete, so
any way of writing rows keeps it), PostgreSQL a pg_trgm GIN index when the extension can be had (else the
same query scans the table). :func:`kouka.web.selectors.published_search` reads it.
"""

from collections.abc import Iterable
from typing import Any

from kouka.domain.model import Report
from kouka.domain.search import folded
from kouka.web import dbrouter
from kouka.web.models import Cycle, SearchEntry

FTS_TABLE = "kouka_search_fts"  # SQLite's FTS5 index of SearchEntry.text (migration 0008_search)


def entry_values(report: Report) -> list[dict[str, Any]]:
    """The search rows of ``report``'s projects, without the cycle and municipality they will belong to."""
    return [{
        "fiscal_year": report.fiscal_year, "project_number": project.number, "title": project.title,
        "kpis": [[kpi.number, kpi.name] for kpi in project.kpis],
        "text": folded("\n".join([project.title, *project.summary, *(kpi.name for kpi in project.kpis)])),
    } for project in report.projects]


def with_ids(cycle: Cycle, values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = {"cycle_id": cycle.pk, "municipality_id": cycle.municipality_id}
    return [row | ids for row in values]


def replace_entries(published: Iterable[tuple[Cycle, Report | None]]) -> int:
    """Replace the search rows of each cycle by those of its report just published (None: it has none);
    return the rows written. Inside the caller's transaction when there is one."""
    written = 0
    with dbrouter.atomic():
        for cycle, report in published:
            SearchEntry.objects.filter(cycle=cycle).delete()
            if report is None:
                continue
            rows = with_ids(cycle, entry_values(report))
            SearchEntry.objects.bulk_create([SearchEntry(**row) for row in rows], batch_size=1000)
            written += len(rows)
    return written
