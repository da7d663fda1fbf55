"""The database's published reports for analysis: the latest revision of every published cycle.

``kouka export-db`` writes them with :func:`kouka.analytics.export_reports`, so the Parquet file has the
columns of the open-data CSV (:func:`kouka.render.opendata.kpi_rows`) and nothing is listed twice.
"""

from collections.abc import Iterator
from pathlib import Path

from kouka.analytics import ExportSummary, export_reports
from kouka.domain.model import Report
from kouka.web import mapping, selectors

CHUNK = 200


def published_reports() -> Iterator[Report]:
    """The latest publication of each published cycle, by body code, name and fiscal year, streamed."""
    latest = (selectors.publications_latest()
              .order_by("cycle__municipality__code", "cycle__municipality__name", "cycle__fiscal_year")
              .values_list("document", flat=True))
    for document in latest.iterator(chunk_size=CHUNK):
        yield mapping.report_from_document(document)


def export_database(out: Path) -> ExportSummary:
    """Every published report in the selected database as one Parquet file (see :mod:`kouka.analytics`)."""
    return export_reports(published_reports(), out)
