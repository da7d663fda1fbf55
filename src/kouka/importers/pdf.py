"""PDF, best effort: each page's tables through pdfplumber, and the lines of text outside them, in reading order."""

import bisect
import io
import itertools
import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from kouka.domain.i18n import _
from kouka.importers.blocks import Block, paragraph, row

if TYPE_CHECKING:
    from pdfminer.pdfdocument import PDFBaseXRef
    from pdfplumber.page import Page
    from pdfplumber.pdf import PDF
from kouka.importers.errors import UnreadableDocumentError


def _cell(text: str | None) -> str:
    """A wrapped cell's lines joined: Japanese wraps anywhere, so no space is added between CJK characters."""
    if not text:
        return ""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    joined = ""
    for line in lines:
        if joined and re.match(r"[A-Za-z0-9]", joined[-1]) and re.match(r"[A-Za-z0-9]", line[0]):
            joined += " "
        joined += line
    return joined


def _gap_cells(line: dict[str, object]) -> list[str] | None:
    """The cells of a text line laid out as columns without rules (label and value with a wide space between,
    a borderless table's row): pieces split where the gap between glyphs is over 0.6 em (Japanese glyphs
    touch; a space between Latin words is about 0.25 em). None for running text, or where most pieces would
    be single letters (a letter-spaced word)."""
    glyphs = [c for c in line.get("chars", []) if str(c["text"]).strip()]  # type: ignore[attr-defined]
    if len(glyphs) < 3:
        return None
    sizes = sorted(float(c.get("size", 0)) or float(c["x1"]) - float(c["x0"]) for c in glyphs)
    em = sizes[len(sizes) // 2]
    cells = [str(glyphs[0]["text"])]
    for before, after in itertools.pairwise(glyphs):
        gap = float(after["x0"]) - float(before["x1"])
        if gap > 0.6 * em:
            cells.append("")
        elif gap > 0.15 * em and cells[-1][-1:].isascii() and str(after["text"]).isascii():
            cells[-1] += " "  # a space between Latin words or numbers
        cells[-1] += str(after["text"])
    if len(cells) < 2 or 2 * sum(len(cell) == 1 and not cell.isdigit() for cell in cells) > len(cells):
        return None
    return cells


_STARTS_ITEM = re.compile(r"^[■□●○◆◇▼▽・※▲①-⑳（(【\[]|^\d+[.．、)]|^事業|^No|^№")


def _paragraphs(lines: list[dict[str, object]], table_tops: list[float]) -> list[tuple[float, str | list[str]]]:
    """Text lines joined back into paragraphs: a line that runs to the right edge and does not end a
    sentence continues on the next line (unless a table or an item marker comes in between). A line laid
    out in columns (:func:`_gap_cells`) comes out as its cells, never joined."""
    if not lines:
        return []
    right = max(float(line["x1"]) for line in lines)  # type: ignore[arg-type]
    out: list[tuple[float, str | list[str]]] = []
    previous: dict[str, object] | None = None
    for line in lines:
        text = str(line["text"]).strip()
        top = float(line["top"])  # type: ignore[arg-type]
        cells = _gap_cells(line)
        if cells is not None:
            out.append((top, cells))
            previous = None
            continue
        if previous is not None and out and isinstance(out[-1][1], str):
            prev_text = str(previous["text"]).strip()
            width = (float(previous["x1"]) - float(previous["x0"])) / max(len(prev_text), 1)  # type: ignore[arg-type]
            wrapped = float(previous["x1"]) >= right - 1.5 * width  # type: ignore[arg-type]
            between = any(float(previous["top"]) < t < top for t in table_tops)  # type: ignore[arg-type]
            height = float(line["bottom"]) - top  # type: ignore[arg-type]
            prev_height = float(previous["bottom"]) - float(previous["top"])  # type: ignore[arg-type]
            aligned = abs(float(line["x0"]) - float(previous["x0"])) <= 2 * width  # type: ignore[arg-type]
            wrapped = wrapped and aligned and abs(height - prev_height) <= 0.15 * max(prev_height, 1)
            if wrapped and not between and not prev_text.endswith(("。", ":", "：")) and not _STARTS_ITEM.match(text):
                out[-1] = (out[-1][0], str(out[-1][1]) + text)
                previous = line
                continue
        out.append((top, text))
        previous = line
    return out


class _DamageLog(logging.Handler):
    """pdfminer's warnings about this thread's PDF (corrupted streams, unreadable fonts), by page."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.page = 0
        self.notes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        note = f"{self.page}ページ: {record.getMessage()[:200]}" if self.page else record.getMessage()[:200]
        if note not in self.notes and len(self.notes) < 20:
            self.notes.append(note)


@contextmanager
def _damage_log() -> Iterator[_DamageLog]:
    """Collects pdfminer's warnings instead of printing them; they become one finding of the import."""
    logger = logging.getLogger("pdfminer")
    handler = _DamageLog()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def read_pdf(data: bytes, label: str = "", damage: list[str] | None = None) -> list[Block]:
    """The PDF's blocks; pdfminer's complaints about damaged parts are appended to ``damage`` (with pages)."""
    with _damage_log() as log:
        blocks = [_unmapped_glyphs(block) for block in _read(data, label, log)]
    if damage is not None:
        damage += log.notes
    return blocks


# pdfminer writes a glyph its font maps to no character as (cid:123): an undecodable character, marked as such.
_CID = re.compile(r"\(cid:\d+\)")


def _unmapped_glyphs(block: Block) -> Block:
    if "(cid:" not in block.text and not any("(cid:" in cell for cell in block.cells):
        return block
    return replace(block, text=_CID.sub("\ufffd", block.text), cells=tuple(_CID.sub("\ufffd", c) for c in block.cells))


def _lost_streams(page: object) -> bool:
    """Whether a content stream of the page (or of a form it draws, at any depth) came out empty though the
    file holds bytes for it: pdfminer drops a stream whose compressed data is damaged without saying so."""
    from pdfminer.pdftypes import PDFStream, resolve1

    pending = [resolve1(s) for s in getattr(page, "contents", [])]
    resources = [getattr(page, "resources", None)]
    seen: set[int] = set()
    while resources and len(seen) < 10_000:
        xobjects = resolve1((resolve1(resources.pop()) or {}).get("XObject")) if resources else None
        for xobject in (xobjects.values() if isinstance(xobjects, dict) else ()):
            stream = resolve1(xobject)
            if stream is None:  # the cross-reference table names an object the file no longer holds
                return True
            if isinstance(stream, PDFStream) and id(stream) not in seen:
                seen.add(id(stream))
                pending.append(stream)
                resources.append(stream.attrs.get("Resources"))
    for stream in pending:
        if stream is None:
            return True
        if not isinstance(stream, PDFStream) or stream.data is None:  # not drawn on this page: never decoded
            continue
        length = resolve1(stream.attrs.get("Length"))
        if isinstance(length, int) and length > 8 and not stream.data:
            return True
    return False


_OBJECT_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")


def _misplaced_objects(xrefs: "list[PDFBaseXRef]", data: bytes) -> int:
    """How many objects the cross-reference table places at an offset where no such object begins: the sign
    of bytes zeroed, inserted or removed inside the file (a PDF has no checksum to tell it otherwise)."""
    misplaced = 0
    checked = 0
    for xref in xrefs:
        for objid in xref.get_objids():
            checked += 1
            if checked > 100_000:
                return misplaced
            try:
                stream_id, pos, _ = xref.get_pos(objid)
            except KeyError:
                continue
            if stream_id is not None:  # inside an object stream, checked when that stream is decoded
                continue
            found = _OBJECT_HEADER.match(data, pos) if isinstance(pos, int) and 0 <= pos < len(data) else None
            if found is None or int(found.group(1)) != objid:
                misplaced += 1
    return misplaced


# What a report's PDF may hold: a prefecture's report is a few hundred pages and a few thousand objects, its
# streams a few MB inflated. A hostile file declares or holds far more (a stream that inflates to 2 GiB, a
# million text objects, 70,000 pages) and would keep pdfminer busy for minutes and gigabytes: it is refused
# before any page is read, while the streams are inflated in chunks that are counted and dropped.
MAX_PAGES = 2_000
MAX_OBJECTS = 500_000
MAX_STREAM_BYTES = 64 * 1024 * 1024  # one stream, inflated (a large Flate image is some tens of MB)
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # every stream of the file together
MAX_TEXT_OBJECTS = 50_000  # BT … ET in the content streams (pdfminer reads some 10,000 a second)
_FLATE_CHUNK = 1024 * 1024


class _Inflated:
    """What the check of the compressed streams has found so far, against the limits."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.damaged = 0
        self.total = 0
        self.text_objects = 0

    def stream(self, raw: bytes) -> None:
        """Inflate one Flate stream in chunks (keeping none), counting its size and text objects."""
        import zlib

        inflater = zlib.decompressobj()
        pending, produced = raw, 0
        try:
            while pending and not inflater.eof:
                piece = inflater.decompress(pending, _FLATE_CHUNK)
                pending = inflater.unconsumed_tail
                produced += len(piece)
                self.text_objects += piece.count(b"BT")  # an operator; a word of a font's data counts, at worst
                self.refuse_beyond(produced)
        except zlib.error:
            self.damaged += 1
            return
        self.damaged += 0 if inflater.eof else 1
        self.total += produced

    def refuse_beyond(self, produced: int) -> None:
        if produced > MAX_STREAM_BYTES or self.total + produced > MAX_INFLATED_BYTES:
            raise UnreadableDocumentError(_("{file}: PDFの圧縮されたデータを展開すると大きすぎます（上限{limit}MB）。"
                                            "1件の報告としては大きすぎるため読みません").format(
                file=self.label, limit=MAX_STREAM_BYTES // 1024 // 1024))
        if self.text_objects > MAX_TEXT_OBJECTS:
            raise UnreadableDocumentError(_("{file}: PDFの文字の配置が多すぎます（{count}個以上、上限{limit}個）。"
                                            "1件の報告としては大きすぎるため読みません").format(
                file=self.label, count=f"{self.text_objects:,}", limit=f"{MAX_TEXT_OBJECTS:,}"))


def _damaged_streams(xrefs: "list[PDFBaseXRef]", resolve: "Callable[[int], object]", label: str = "") -> int:
    """How many Flate-compressed streams of the file do not inflate whole: pdfminer reads such a stream as far
    as it goes without a word, and a font whose program is cut draws other characters. Refuses a file whose
    streams inflate past the limits or hold too many text objects (see ``MAX_STREAM_BYTES``)."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream

    inflated = _Inflated(label)
    checked = 0
    for xref in xrefs:
        for objid in xref.get_objids():
            checked += 1
            if checked > MAX_OBJECTS:
                raise UnreadableDocumentError(_("{file}: PDFのオブジェクトが多すぎます（上限{limit}個）。"
                                                "1件の報告としては大きすぎるため読みません").format(
                    file=label, limit=f"{MAX_OBJECTS:,}"))
            try:
                stream = resolve(objid)
            except Exception:  # an object that does not parse: the cross-reference checks report the file
                continue
            if isinstance(stream, PDFStream) and stream.get_filters()[:1] and \
                    stream.get_filters()[0][0] in LITERALS_FLATE_DECODE:
                inflated.stream(stream.rawdata or b"")
    return inflated.damaged


_PAGE_COUNT = re.compile(rb"/Count\s+(\d{1,12})")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def _check_pages(data: bytes, label: str) -> None:
    """Refuse a PDF that declares (in a page tree's /Count) or holds more pages than a report has, read from the
    file's bytes: pdfminer's parse of a page tree of 70,000 kids alone takes seconds."""
    declared = max((int(count) for count in _PAGE_COUNT.findall(data)), default=0)
    count = max(declared, len(_PAGE_OBJECT.findall(data)))
    if count > MAX_PAGES:
        raise UnreadableDocumentError(_("{file}: PDFのページ数が多すぎます（{count}ページ、上限{limit}ページ）。"
                                        "1件の報告としては大きすぎるため読みません").format(
            file=label, count=f"{count:,}", limit=f"{MAX_PAGES:,}"))


def _file_damage(pdf: "PDF", data: bytes, log: _DamageLog, label: str) -> None:
    """Notes on damage to the file as a whole: its cross-reference table and its compressed streams (a file past
    the limits on pages, objects or inflated streams is refused)."""
    from pdfminer.pdfdocument import PDFXRefFallback

    if any(isinstance(xref, PDFXRefFallback) for xref in pdf.doc.xrefs):
        log.notes.append(_("相互参照表が壊れていたため、ファイルを走査して読み直しました"))
    else:
        misplaced = _misplaced_objects(pdf.doc.xrefs, data)
        if misplaced:
            log.notes.append(_("相互参照表の示す位置に{misplaced}個のオブジェクトが見つかりません").format(
                misplaced=misplaced))
    damaged = _damaged_streams(pdf.doc.xrefs, pdf.doc.getobj, label)
    if damaged:
        log.notes.append(_("圧縮されたデータのうち{count}個が壊れています（フォントや図の一部が正しく読めない"
                           "おそれがあります）").format(count=damaged))


def _page_blocks(page: "Page", page_number: int, tables: int) -> tuple[list[Block], int]:
    """One page's blocks in reading order (its tables' rows and the lines of text outside them), and the number
    of tables read so far."""
    found = page.find_tables()
    items: list[tuple[float, int, Block | list[Block]]] = []
    boxes = [table.bbox for table in found]
    for table in found:
        tables += 1
        rows = []
        for r, cells in enumerate(table.extract(), start=1):
            texts = [_cell(cell) for cell in cells]
            if any(texts):
                rows.append(row(texts, f"{page_number}ページ 表{tables} {r}行目", tables))
        items.append((table.bbox[1], 1, rows))

    def outside(obj: dict[str, object], boxes: list[tuple[float, float, float, float]] = boxes) -> bool:
        x = (float(obj["x0"]) + float(obj["x1"])) / 2  # type: ignore[arg-type]
        y = (float(obj["top"]) + float(obj["bottom"])) / 2  # type: ignore[arg-type]
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    lines = [line for line in text_page.extract_text_lines(layout=False, strip=True) if str(line["text"]).strip()]
    laid_out = False  # the previous line was a row of columns: the next one joins its table
    tops = sorted({round(float(line["top"]), 1) for line in lines})
    for top, text in _paragraphs(lines, [box[1] for box in boxes]):
        if isinstance(text, list):
            tables += 0 if laid_out else 1
            items.append((top, 0, row(text, f"{page_number}ページ 表{tables}", tables)))
        else:  # where on the page: the line of text (outside the tables) the paragraph starts on
            line_number = bisect.bisect_left(tops, round(top, 1)) + 1
            items.append((top, 0, paragraph(text, f"{page_number}ページ {line_number}行目")))
        laid_out = isinstance(text, list)
    blocks: list[Block] = []
    for _top, _order, item in sorted(items, key=lambda entry: (entry[0], entry[1])):
        if isinstance(item, list):
            blocks += item
        else:
            blocks.append(item)
    return blocks, tables


def _read(data: bytes, label: str, log: _DamageLog) -> list[Block]:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    blocks: list[Block] = []
    tables = 0
    _check_pages(data, label)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, ValueError, TypeError) as exc:
        raise UnreadableDocumentError(_("{label}: PDFとして読めません").format(label=label)) from exc
    # Checked before ``with``: pdfplumber's close reads every page of the tree, the very work a refusal avoids.
    _file_damage(pdf, data, log, label)
    with pdf:
        for page_number, page in enumerate(pdf.pages, start=1):
            log.page = page_number
            found, tables = _page_blocks(page, page_number, tables)
            blocks += found
            if _lost_streams(page.page_obj):
                log.notes.append(_("{page_number}ページ: 内容の一部が壊れていて読めません").format(
                    page_number=page_number))
    if not blocks:
        raise UnreadableDocumentError(_("{label}: PDFに文字がありません（画像のみ？）").format(label=label))
    return blocks
