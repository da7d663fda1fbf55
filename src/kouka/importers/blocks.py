"""The neutral form every reader produces: headings, paragraphs and table rows, each with where it came from."""

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum


class Kind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ROW = "row"


@dataclass(frozen=True)
class Block:
    """One piece of a document.

    A table arrives as one ROW block per row (rowspan/colspan already expanded), all rows of one
    table sharing ``table``; ``where`` names the place in the source: 行12, 表2 行3, Sheet1!A3, 2ページ.
    """

    kind: Kind
    text: str = ""
    cells: tuple[str, ...] = ()
    where: str = ""
    table: int = 0
    cell_wheres: tuple[str, ...] = field(default=(), compare=False)


def heading(text: str, where: str) -> Block:
    return Block(Kind.HEADING, text=text.strip(), where=where)


def paragraph(text: str, where: str) -> Block:
    return Block(Kind.PARAGRAPH, text=text.strip(), where=where)


def row(cells: list[str], where: str, table: int, cell_wheres: list[str] | None = None) -> Block:
    return Block(Kind.ROW, cells=tuple(c.strip() for c in cells), where=where, table=table,
                 cell_wheres=tuple(cell_wheres or ()))


# Control characters (C0 but tab, line feed and carriage return, DEL, C1) and non-characters: no report
# holds them; they are damage (zeroed bytes, binary junk, a mis-decoded file) and would end up in stored
# text (PostgreSQL refuses NUL).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def mark_damage(blocks: list[Block]) -> list[Block]:
    """The blocks with every control character replaced by U+FFFD, the mark of an undecodable byte."""
    marked: list[Block] = []
    for block in blocks:
        if _CONTROL.search(block.text) or any(_CONTROL.search(cell) for cell in block.cells):
            block = replace(block, text=_CONTROL.sub("\ufffd", block.text),
                            cells=tuple(_CONTROL.sub("\ufffd", cell) for cell in block.cells))
        marked.append(block)
    return marked
