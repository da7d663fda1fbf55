"""Analytical export: many interchange files, or every report published in the database, as one Parquet file.

The rows and columns are the open-data CSV's (:func:`kouka.render.opendata.kpi_rows`, one row per KPI per
fiscal year), typed rather than text: years and yen as 64-bit integers, KPI values and rates as exact
decimals (38 digits, 10 after the point), flags as booleans, everything else as UTF-8 strings. A column's
type is taken from the first rows that have a value in it; a column without any value is a string column.

Files are read one at a time and written in row groups, so memory stays flat however many there are. The
output appears only when complete (written beside it under a temporary name, then renamed).
"""

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kouka import interchange
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.domain.model import Document, Report
from kouka.render.opendata import COLUMN_NAMES, kpi_rows

DECIMAL_PRECISION, DECIMAL_SCALE = 38, 10
BATCH_ROWS = 20_000

Row = dict[str, object]


class ExportError(KoukaError):
    """The export could not be written; nothing was left behind."""


@dataclass
class ExportSummary:
    files: int = 0
    reports: int = 0
    rows: int = 0
    errors: list[str] = field(default_factory=list)  # files that could not be read, with the reason


def arrow_type(value: object) -> Any:
    """The Arrow type for a row value (bool before int: a bool is an int in Python)."""
    import pyarrow as pa

    if isinstance(value, bool):
        return pa.bool_()
    if isinstance(value, int):
        return pa.int64()
    if isinstance(value, Decimal):
        return pa.decimal128(DECIMAL_PRECISION, DECIMAL_SCALE)
    return pa.string()


def arrow_schema(rows: list[Row]) -> Any:
    """The schema of the export, from the first value each column has in ``rows``."""
    import pyarrow as pa

    types: dict[str, Any] = {}
    for row in rows:
        for name in COLUMN_NAMES:
            if name not in types and row[name] is not None:
                types[name] = arrow_type(row[name])
        if len(types) == len(COLUMN_NAMES):
            break
    return pa.schema([pa.field(name, types.get(name, pa.string())) for name in COLUMN_NAMES])


class ParquetRows:
    """Collects rows and writes them to a Parquet file in row groups; :meth:`finish` makes the file appear."""

    def __init__(self, path: Path, batch_rows: int = BATCH_ROWS) -> None:
        self.path = path
        self.temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self.batch_rows = batch_rows
        self.pending: list[Row] = []
        self.rows = 0
        self._writer: Any = None
        self._schema: Any = None

    def add(self, rows: Iterable[Row]) -> None:
        self.pending.extend(rows)
        if len(self.pending) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.pending and self._writer is not None:
            return
        if self._schema is None:
            self._schema = arrow_schema(self.pending)
            self._writer = pq.ParquetWriter(self.temporary, self._schema, compression="zstd")
        columns = {name: [row[name] for row in self.pending] for name in COLUMN_NAMES}
        try:
            table = pa.Table.from_pydict(columns, schema=self._schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
            raise ExportError(_("列の型に合わない値があります（{exc}）").format(exc=exc)) from exc
        self._writer.write_table(table)
        self.rows += len(self.pending)
        self.pending = []

    def finish(self) -> None:
        self._flush()
        self._writer.close()
        os.replace(self.temporary, self.path)

    def abandon(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self.temporary.unlink(missing_ok=True)


def _documents(files: Iterable[Path], summary: ExportSummary) -> Iterator[Document]:
    for file in files:
        summary.files += 1
        try:
            yield interchange.load(file)
        except KoukaError as exc:
            summary.errors.append(str(exc))


@contextmanager
def _writing(out: Path, batch_rows: int, summary: ExportSummary) -> Iterator[ParquetRows]:
    """A Parquet writer for ``out`` that is finished (renamed into place) when the block ends normally and
    abandoned (no file, no temporary) when it raises; the rows written go to ``summary``."""
    writer = ParquetRows(out, batch_rows)
    try:
        yield writer
        writer.finish()
    except OSError as exc:
        writer.abandon()
        raise ExportError(_("{out}: 書き込めません（{value}）").format(out=out, value=exc.strerror or exc)) from exc
    except BaseException:
        writer.abandon()
        raise
    summary.rows = writer.rows


def export_parquet(files: Iterable[Path], out: Path, *, skip_unreadable: bool = False,
                   batch_rows: int = BATCH_ROWS) -> ExportSummary:
    """Write the open-data rows of every file to ``out``.

    An unreadable file stops the export (nothing is written) unless ``skip_unreadable``, in which case it is
    left out and named in the summary's ``errors``.
    """
    summary = ExportSummary()
    with _writing(out, batch_rows, summary) as writer:
        for document in _documents(files, summary):
            if summary.errors and not skip_unreadable:
                break
            summary.reports += len(document.reports)
            writer.add(kpi_rows(document))
        if summary.errors and not skip_unreadable:
            raise ExportError(summary.errors[0])
    return summary


def export_reports(reports: Iterable[Report], out: Path, *, batch_rows: int = BATCH_ROWS) -> ExportSummary:
    """Write the open-data rows of ``reports`` (for instance every published report in the database) to ``out``."""
    summary = ExportSummary()
    with _writing(out, batch_rows, summary) as writer:
        for report in reports:
            summary.reports += 1
            writer.add(kpi_rows(report))
    return summary
