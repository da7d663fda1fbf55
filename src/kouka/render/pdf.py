"""The publication as PDF: WeasyPrint renders the same HTML page (A4, Debian's Noto CJK fonts, page numbers
in the footer, table rows never split across pages — all in :data:`kouka.render.html.STYLESHEET`).

It refuses (:class:`~kouka.render.fonts.MissingJapaneseFontError`) on a machine without a Japanese font
rather than write a PDF of empty boxes.
"""

from kouka.domain.model import Report
from kouka.render.fonts import require_japanese_font
from kouka.render.html import render_page

# What only paper needs: the charts side by side in a narrower measure.
PRINT_EXTRA = """
.kouka-report .charts { display: block; }
.kouka-report .charts::after { content: ""; display: block; clear: both; }
.kouka-report figure { float: left; width: 30%; max-width: none; margin: 0 3% 0.6rem 0; }
.kouka-report svg.kpi-chart { width: 100%; height: auto; }
.kouka-report figcaption { font-size: 8pt; }
"""


def render_pdf(report: Report) -> bytes:
    """A4 PDF bytes of ``report``; MissingJapaneseFontError when no installed font can draw Japanese."""
    require_japanese_font()
    from weasyprint import CSS, HTML  # imported here: loading WeasyPrint costs a second

    document = HTML(string=render_page(report), base_url=None)
    return bytes(document.write_pdf(stylesheets=[CSS(string=PRINT_EXTRA)]))
