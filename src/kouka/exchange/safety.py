"""Opening an uploaded workbook without trusting it: the limits, and the checks made before any XML parser runs.

An .xlsx is a zip of XML parts. Before openpyxl sees one, :func:`check_archive` refuses

- a file larger than ``MAX_WORKBOOK_BYTES``, or one that is no zip (damaged, or an encrypted workbook, which is
  an OLE file);
- a zip bomb: more than ``MAX_EXPANDED_BYTES`` once expanded, by the sizes the archive declares (Python's zipfile
  never expands a part past its declared size: a part that lies fails its CRC check and is refused too), or more
  than ``MAX_PARTS`` parts;
- XML with a document type declaration (``<!DOCTYPE``, ``<!ENTITY``): external entities and entity expansion
  ("billion laughs"); Excel and LibreOffice never write one;
- a sheet of more than ``MAX_SHEET_ROWS`` rows, more than ``MAX_CELLS`` cells or shared strings in all, more
  than ``MAX_MARKUP`` tags in all.

The limits are the department workbook's own, lower than the importer's (``kouka.importers.xlsx`` allows 64 MiB
expanded for any city's sheet): kouka's export for a department of 20 projects × 4 KPIs is 90 KB, 530 KB expanded,
3,100 cells, 17,000 tags, some 40 rows a sheet; a workbook of every project of a city with a hundred holds some
15,000 cells and 85,000 tags. Within these limits the largest workbook they let through is read in under 2 s on
one core (``bench/workbook.py``).
"""

import io
import re
import zipfile
import zlib

from kouka.domain.i18n import _
from kouka.exchange.errors import WorkbookUnreadable

MAX_WORKBOOK_BYTES = 10 * 1024 * 1024
MAX_EXPANDED_BYTES = 16 * 1024 * 1024
MAX_PARTS = 500
MAX_SHEET_ROWS = 5_000
MAX_COLUMNS = 64  # the manifest names no cell right of BL (a project sheet uses A–K)
MAX_CELLS = 50_000
MAX_MARKUP = 250_000
MAX_MANIFEST_ROWS = 1_000  # pieces of 30,000 characters: far past MAX_EXPANDED_BYTES already
CHUNK_BYTES = 1024 * 1024

XML_PART = (".xml", ".rels", ".vml")
DECLARATION = (b"<!DOCTYPE", b"<!ENTITY")
ROW = re.compile(rb"<(?:\w{1,32}:)?row[\s/>]")
CELL = re.compile(rb"<(?:\w{1,32}:)?(?:c|si)[\s/>]")
LONGEST_TAG_START = 64  # what a pattern above needs to see of a tag


def unreadable() -> WorkbookUnreadable:
    return WorkbookUnreadable(_("Excelファイル（.xlsx）として読めません。ファイルが壊れているか、"
                                "パスワードが設定されています"))


class Tally:
    """What the scan of the parts has counted so far, against the limits."""

    def __init__(self) -> None:
        self.rows = 0  # of the part being scanned
        self.cells = 0
        self.markup = 0

    def segment(self, text: bytes) -> None:
        if any(declaration in text for declaration in DECLARATION):
            raise WorkbookUnreadable(_("Excelファイルに外部参照などの定義（DOCTYPE）が含まれているため読みません"))
        self.rows += len(ROW.findall(text))
        self.cells += len(CELL.findall(text))
        self.markup += text.count(b"<")
        if self.rows > MAX_SHEET_ROWS:
            raise WorkbookUnreadable(_("シートの行数が上限（{limit}行）を超えています。"
                                       "kouka から書き出した記入シートを使ってください").format(
                limit=f"{MAX_SHEET_ROWS:,}"))
        if self.cells > MAX_CELLS or self.markup > MAX_MARKUP:
            raise WorkbookUnreadable(_("セルの数が多すぎます（上限{limit}セル）。"
                                       "kouka から書き出した記入シートを使ってください").format(limit=f"{MAX_CELLS:,}"))

    def part(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """Scan one XML part in pieces (never whole in memory), each cut before a ``<`` so no tag is split."""
        self.rows = 0
        carry = b""
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                text = carry + chunk
                cut = text.rfind(b"<")
                if cut == -1 or len(text) - cut > LONGEST_TAG_START:
                    cut = len(text)
                self.segment(text[:cut])
                carry = text[cut:]
        self.segment(carry)


def check_archive(data: bytes) -> None:
    """Refuse what kouka will not open (see the module's docstring); return when the workbook may be parsed."""
    if len(data) > MAX_WORKBOOK_BYTES:
        raise WorkbookUnreadable(_("ファイルが大きすぎます（{size}バイト、上限{limit}バイト）").format(
            size=f"{len(data):,}", limit=f"{MAX_WORKBOOK_BYTES:,}"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            expanded = sum(info.file_size for info in infos)
            if len(infos) > MAX_PARTS or expanded > MAX_EXPANDED_BYTES:
                raise WorkbookUnreadable(_("Excelファイルの展開後の大きさ（{size}バイト）が上限（{limit}バイト）を"
                                           "超えています").format(size=f"{expanded:,}",
                                                                 limit=f"{MAX_EXPANDED_BYTES:,}"))
            tally = Tally()
            for info in infos:
                if info.filename.lower().endswith(XML_PART):
                    tally.part(archive, info)
    except WorkbookUnreadable:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, OSError,
            EOFError, zlib.error) as exc:  # zipfile's and zlib's ways of saying it is damaged, encrypted or odd
        raise unreadable() from exc
