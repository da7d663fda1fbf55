"""PDF, best effort: each page's tables through pdfplumber, and the lines of text outside them, in reading order."""

import io
import re

from kouka.importers.blocks import Block, paragraph, row
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


_STARTS_ITEM = re.compile(r"^[■□●○◆◇▼▽・※▲①-⑳（(【\[]|^\d+[.．、)]|^事業|^No|^№")


def _paragraphs(lines: list[dict[str, object]], table_tops: list[float]) -> list[tuple[float, str]]:
    """Text lines joined back into paragraphs: a line that runs to the right edge and does not end a
    sentence continues on the next line (unless a table or an item marker comes in between)."""
    if not lines:
        return []
    right = max(float(line["x1"]) for line in lines)  # type: ignore[arg-type]
    out: list[tuple[float, str]] = []
    previous: dict[str, object] | None = None
    for line in lines:
        text = str(line["text"]).strip()
        top = float(line["top"])  # type: ignore[arg-type]
        if previous is not None and out:
            prev_text = str(previous["text"]).strip()
            width = (float(previous["x1"]) - float(previous["x0"])) / max(len(prev_text), 1)  # type: ignore[arg-type]
            wrapped = float(previous["x1"]) >= right - 1.5 * width  # type: ignore[arg-type]
            between = any(float(previous["top"]) < t < top for t in table_tops)  # type: ignore[arg-type]
            height = float(line["bottom"]) - top  # type: ignore[arg-type]
            prev_height = float(previous["bottom"]) - float(previous["top"])  # type: ignore[arg-type]
            aligned = abs(float(line["x0"]) - float(previous["x0"])) <= 2 * width  # type: ignore[arg-type]
            wrapped = wrapped and aligned and abs(height - prev_height) <= 0.15 * max(prev_height, 1)
            if wrapped and not between and not prev_text.endswith(("。", ":", "：")) and not _STARTS_ITEM.match(text):
                out[-1] = (out[-1][0], out[-1][1] + text)
                previous = line
                continue
        out.append((top, text))
        previous = line
    return out


def read_pdf(data: bytes, label: str = "") -> list[Block]:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    blocks: list[Block] = []
    tables = 0
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, ValueError, TypeError) as exc:
        raise UnreadableDocumentError(f"{label}: PDFとして読めません / not a readable PDF") from exc
    with pdf:
        for page_number, page in enumerate(pdf.pages, start=1):
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
            lines = [line for line in text_page.extract_text_lines(layout=False, strip=True)
                     if str(line["text"]).strip()]
            for top, text in _paragraphs(lines, [box[1] for box in boxes]):
                items.append((top, 0, paragraph(text, f"{page_number}ページ")))
            for _, _, item in sorted(items, key=lambda entry: (entry[0], entry[1])):
                if isinstance(item, list):
                    blocks += item
                else:
                    blocks.append(item)
    if not blocks:
        raise UnreadableDocumentError(f"{label}: PDFに文字がありません（画像のみ？） / no text in the PDF (scanned?)")
    return blocks
