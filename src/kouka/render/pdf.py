"""The publication as PDF: WeasyPrint renders the same HTML page (A4, Debian's Noto CJK fonts, page numbers
in the footer, table rows never split across pages — all in :data:`kouka.render.html.STYLESHEET`).

It refuses (:class:`~kouka.render.fonts.MissingJapaneseFontError`) on a machine without a Japanese font
rather than write a PDF of empty boxes.
"""

from kouka.domain.model import Report
from kouka.render.fonts import require_japanese_font
from kouka.render.html import render_page

PDF_VARIANT = "pdf/ua-1"

# What only paper needs: the charts side by side in a narrower measure; bookmarks for the introduction and
# each project (level 1) and their sections (level 2), the document's title being the PDF's own.
PRINT_EXTRA = """
.kouka-report .charts { display: block; }
.kouka-report .charts::after { content: ""; display: block; clear: both; }
.kouka-report .charts figure { float: left; width: 30%; max-width: none; margin: 0 3% 0.6rem 0; }
.kouka-report svg.kpi-chart { width: 100%; height: auto; }
.kouka-report .charts figcaption { font-size: 8pt; }
.kouka-report figure.photo { max-width: 14cm; }
.kouka-report figure.photo img { max-height: 9cm; width: auto; }
.kouka-page h1 { bookmark-level: none; }
.kouka-report h2 { bookmark-level: 1; }
.kouka-report h3 { bookmark-level: 2; }
"""


def render_pdf(report: Report) -> bytes:
    """A4 PDF bytes of ``report``; MissingJapaneseFontError when no installed font can draw Japanese."""
    require_japanese_font()
    from weasyprint import CSS, HTML  # imported here: loading WeasyPrint costs a second

    document = HTML(string=render_page(report, paper=True), base_url=None)
    # PDF/UA-1: tagged (headings, tables with their header cells, figures with their text alternative), the
    # title shown as the window's title, the language (ja) from <html lang>, an XMP metadata stream.
    return bytes(document.write_pdf(stylesheets=[CSS(string=PRINT_EXTRA)], pdf_variant=PDF_VARIANT))
