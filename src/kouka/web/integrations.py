"""Calls into the other parts of kouka the web application uses: the publication renderers, the exports and
the importers, each imported by name. The PDF renderer (WeasyPrint) is imported when first used, so pages
that never export a PDF do not pay for loading it; where a third-party library an export needs is missing,
the export is reported as unavailable.
"""

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka import interchange
from kouka.domain.errors import KoukaError
from kouka.domain.model import Document, Report
from kouka.render.html import render_fragment


class Unavailable(KoukaError):
    """A part of kouka this feature needs is not available."""


def _pdf(report: Report) -> bytes:
    from kouka.render.pdf import render_pdf  # loads WeasyPrint: only when a PDF is asked for

    return render_pdf(report)


def _xlsx(report: Report) -> bytes:
    from kouka.render.xlsx import render_xlsx

    return render_xlsx(report)


def _csv(report: Report) -> str:
    """The open-data CSV with a BOM, so that Excel in Japan opens it as UTF-8 (``?bom=0`` drops it for
    programs: :func:`without_bom`)."""
    from kouka.render.opendata import render_csv

    return render_csv(report, bom=True)


def _csv_ja(report: Report) -> str:
    """The same rows under the Japanese 列名 (地方公共団体名, 全国地方公共団体コード …)."""
    from kouka.render.opendata import Headers, render_csv

    return render_csv(report, bom=True, headers=Headers.JAPANESE)


BOM = "\ufeff".encode()


def without_bom(body: bytes) -> bytes:
    return body[len(BOM):] if body.startswith(BOM) else body


def _json(report: Report) -> str:
    return interchange.dumps(Document([report]))


@dataclass(frozen=True)
class Export:
    name: str
    label: str
    render: Callable[[Report], str | bytes]
    extension: str
    content_type: str
    requires: tuple[str, ...] = ()  # third-party packages it needs


EXPORTS: dict[str, Export] = {e.name: e for e in (
    Export("pdf", "PDF", _pdf, "pdf", "application/pdf", ("weasyprint",)),
    Export("xlsx", "Excel", _xlsx, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           ("openpyxl",)),
    Export("csv", gettext_noop("オープンデータ（CSV）"), _csv, "csv", "text/csv; charset=utf-8"),
    Export("csv-ja", gettext_noop("オープンデータ（CSV・日本語の列名）"), _csv_ja, "csv", "text/csv; charset=utf-8"),
    Export("json", "kouka JSON", _json, "json", "application/json; charset=utf-8"),
)}


def export_available(name: str) -> bool:
    return all(importlib.util.find_spec(package) is not None for package in EXPORTS[name].requires)


def export(name: str, report: Report) -> bytes:
    spec = EXPORTS[name]
    if not export_available(name):
        raise Unavailable(_("{format}の出力に必要な {packages} がありません").format(
            format=_(spec.label), packages=", ".join(spec.requires)))
    result = spec.render(report)
    return result.encode("utf-8") if isinstance(result, str) else bytes(result)


__all__ = ["BOM", "EXPORTS", "Export", "Unavailable", "export", "export_available",
           "render_fragment", "without_bom"]
