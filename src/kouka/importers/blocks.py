"""The neutral form every reader produces: headings, paragraphs and table rows, each with where it came from."""

from dataclasses import dataclass, field
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
