"""The hostile files of issue 12 item 3, generated: small files that would make a parser take minutes and
gigabytes, and large but legal ones.

Each function returns the file's bytes; the PDFs are written object by object with a correct cross-reference
table, the workbook as the zip of XML parts Excel writes (one sheet).
"""

import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def workbook(sheet_body: str) -> bytes:
    """A one-sheet .xlsx whose sheet XML holds ``sheet_body`` (sheetData, mergeCells …)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + sheet_body + "</worksheet>")
    return out.getvalue()


def merged_whole_sheet() -> bytes:
    """A few KB: two cells, and one merged range over the whole sheet (A1:XFD1048576)."""
    cells = ('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>事業名</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>伊勢崎市の事業</t></is></c></row></sheetData>')
    return workbook(cells + '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')


def many_cells(count: int = 1_200_000, columns: int = 20) -> bytes:
    """A sheet of ``count`` numeric cells (1.2 million: large, and legal)."""
    rows = []
    for r in range(1, count // columns + 1):
        rows.append(f'<row r="{r}">' + "".join(f"<c><v>{r}</v></c>" for _ in range(columns)) + "</row>")
    return workbook("<sheetData>" + "".join(rows) + "</sheetData>")


def pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (object 1 the catalog), numbered from 1, with its cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, compressed: bool = True) -> bytes:
    body = zlib.compress(data, 9) if compressed else data
    flate = b" /Filter /FlateDecode" if compressed else b""
    return b"<< /Length " + str(len(body)).encode() + flate + b" >>\nstream\n" + body + b"\nendstream"


_PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
         b"/Resources << /Font << /F1 3 0 R >> >> >>")


def _one_page(content: bytes) -> bytes:
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>", font, content,
                _PAGE])


def inflating_stream(inflated: int = 2 * 1024**3) -> bytes:
    """A page whose content stream inflates to ``inflated`` bytes (2 GiB of spaces from about 2 MB): written as
    one compressed block of 1 MiB repeated, each after a full flush so that every copy stands alone."""
    chunk = 1024 * 1024
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b" " * chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush(zlib.Z_FINISH)
    checksum = 1
    for _ in range(inflated // chunk):
        checksum = zlib.adler32(b" " * chunk, checksum)
    body = b"\x78\xda" + block * (inflated // chunk) + end + checksum.to_bytes(4, "big")
    content = b"<< /Length " + str(len(body)).encode() + b" /Filter /FlateDecode >>\nstream\n" + body + b"\nendstream"
    return _one_page(content)


def million_text_objects(count: int = 1_000_000) -> bytes:
    """A page with ``count`` text objects (BT … ET), compressed."""
    return _one_page(_stream(b"BT /F1 1 Tf 1 1 Td (a) Tj ET\n" * count))


def many_pages(count: int = 70_000) -> bytes:
    """A PDF of ``count`` pages sharing one small content stream (large, and legal)."""
    kids = b" ".join(f"{5 + i} 0 R".encode() for i in range(count))
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    content = _stream(b"BT /F1 12 Tf 72 720 Td (Jigyo) Tj ET", compressed=False)
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count "
                + str(count).encode() + b" >>", font, content] + [_PAGE] * count)


def large_html(size: int = 15 * 1024 * 1024) -> bytes:
    """``size`` bytes of HTML: a report's table with many rows."""
    row = "<tr><td>事業名</td><td>伊勢崎市の事業</td></tr>\n".encode()
    head = "<!DOCTYPE html><html><body><h1>令和4年度 伊勢崎市 地方創生推進交付金事業の効果検証</h1><table>".encode()
    return head + row * ((size - len(head)) // len(row)) + b"</table></body></html>"


def digits_after_cost(count: int = 40_000) -> bytes:
    """事業費： and a line of ``count`` digits, in a report that is otherwise plain."""
    return ("令和4年度 伊勢崎市 地方創生推進交付金事業の効果検証\n事業① テスト事業\n担当課\t企画課\n"
            "事業費：" + "1" * count + "\n").encode()


def colons(count: int = 20_000) -> bytes:
    """``count`` ： in a row, on a line of a report."""
    return ("令和4年度 伊勢崎市 地方創生推進交付金事業の効果検証\n事業① テスト事業\n" + "：" * count + "\n").encode()


def repeated_report_page(page: Path, copies: int) -> bytes:
    """A published report page (an HTML file) whose body is repeated ``copies`` times: legal, and seconds of
    reading for the importer."""
    html = page.read_text(encoding="utf-8")
    head, rest = html.split("<body", 1)
    inner = rest.split(">", 1)[1].rsplit("</body>", 1)[0]
    return f"{head}<body>{inner * copies}</body></html>".encode()


# The hostile files of issue 12.3 as the benchmarks name them: (what it is, a file name, how to make it).
NAMED: list[tuple[str, str, Callable[[], bytes]]] = [
    ("merged range over the whole sheet", "merged.xlsx", merged_whole_sheet),
    ("stream inflating to 2 GiB", "inflating.pdf", inflating_stream),
    ("a million text objects", "text-objects.pdf", million_text_objects),
    ("40 KB of digits after 事業費：", "digits.txt", digits_after_cost),
    ("20,000 ：", "colons.txt", colons),
    ("70,000 pages", "pages.pdf", many_pages),
    ("1.2 million cells", "cells.xlsx", many_cells),
    ("15 MB of HTML", "large.html", large_html),
]
