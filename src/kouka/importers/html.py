"""HTML pages as municipal CMSs publish them: the main content's headings, paragraphs and tables.

Site chrome (navigation, breadcrumbs, headers, footers, side menus, scripts) is left out; tables are
expanded into full rows (a rowspan repeats its text down the rows, a colspan leaves the spanned cells
empty so columns stay aligned).
"""

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from kouka.importers.blocks import Block, heading, paragraph, row

_CHROME_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe", "template",
                "button", "select", "svg")
_CHROME_WORDS = re.compile(
    r"breadcrumb|pankuzu|topicpath|topic-path|gnav|global-?nav|lnav|local-?nav|side|menu|footer|header|"
    r"skip|sns|share|banner|pagetop|page-top|search|related|utility|navi\b|navigation|crumb|chart|graph|legend",
    re.IGNORECASE,
)
_INLINE = {"span", "a", "strong", "em", "b", "i", "font", "small", "sup", "sub", "u", "abbr", "time", "mark",
           "img", "label", "code", "q", "s", "del", "ins", "wbr"}
_BLOCK_TEXT = {"p", "li", "dt", "dd", "address", "blockquote", "pre", "figcaption"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_MAIN_IDS = ("main", "contents", "content", "main-contents", "maincontents", "tmp_contents", "article")


def _is_chart(tag: Tag) -> bool:
    """A figure drawn from data (an SVG chart): its figures are in the tables, its words are no text."""
    return tag.name == "figure" and tag.find("svg") is not None


def _is_chrome(tag: Tag) -> bool:
    if _is_chart(tag):
        return True
    if tag.name == "header" and tag.find_parent(["main", "article"]) is not None:
        return False  # an article's own header holds its title
    if tag.name in _CHROME_TAGS:
        return True
    attrs = " ".join([str(tag.get("id") or ""), " ".join(tag.get("class") or []), str(tag.get("role") or "")])
    return bool(attrs.strip()) and bool(_CHROME_WORDS.search(attrs)) and tag.name not in ("table", "tr", "td", "th")


def cell_text(tag: Tag) -> str:
    """The text of an element with <br>, <p> and list items as line breaks and spaces squeezed."""
    parts: list[str] = []

    def visit(node: Tag | NavigableString) -> None:
        if isinstance(node, NavigableString):
            if type(node) is NavigableString:
                parts.append(str(node))
            return
        if node.name == "br":
            parts.append("\n")
            return
        if node.name in _CHROME_TAGS:
            return
        block = node.name in _BLOCK_TEXT or node.name in ("div", "ul", "ol", "tr") or node.name in _HEADINGS
        if block:
            parts.append("\n")
        for child in node.children:
            visit(child)  # type: ignore[arg-type]
        if block:
            parts.append("\n")

    visit(tag)
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _table_rows(table: Tag) -> list[list[str]]:
    grid: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            text = cell_text(cell)
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if dc == 0 else ""
            c += colspan
            width = max(width, c)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _span(value: object) -> int:
    try:
        return max(1, min(int(str(value)), 100))
    except (TypeError, ValueError):
        return 1


def _main(soup: BeautifulSoup) -> Tag:
    main = soup.find("main") or soup.select_one("[role=main]")
    if isinstance(main, Tag):
        return main
    for ident in _MAIN_IDS:
        found = soup.find(id=ident)
        if isinstance(found, Tag):
            return found
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup


def read_html(text: str) -> list[Block]:
    soup = BeautifulSoup(text, "html.parser")
    blocks: list[Block] = []
    tables = 0
    inline: list[str] = []
    inline_line = [0]

    def where(tag: Tag | None) -> str:
        line = getattr(tag, "sourceline", None) if tag is not None else inline_line[0]
        return f"{line}行目" if line else ""

    def flush() -> None:
        text = re.sub(r"[ \t]+", " ", "".join(inline)).strip()
        inline.clear()
        for line in text.split("\n"):
            if line.strip():
                blocks.append(paragraph(line, f"{inline_line[0]}行目"))

    def walk(node: Tag) -> None:
        nonlocal tables
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString and child.strip():
                    inline.append(str(child))
                continue
            if not isinstance(child, Tag) or _is_chrome(child):
                continue
            if child.name in _INLINE:
                if not inline:
                    inline_line[0] = child.sourceline or 0
                inline.append(cell_text(child))
                continue
            if child.name == "br":
                inline.append("\n")
                continue
            flush()
            inline_line[0] = child.sourceline or 0
            if child.name in _HEADINGS:
                text = cell_text(child).replace("\n", " ")
                if text:
                    blocks.append(heading(text, where(child)))
            elif child.name == "table":
                tables += 1
                caption = child.find("caption")
                if isinstance(caption, Tag) and cell_text(caption):
                    blocks.append(heading(cell_text(caption).replace("\n", " "), where(caption)))
                for r, cells in enumerate(_table_rows(child), start=1):
                    if any(cells):
                        blocks.append(row(cells, f"表{tables} {r}行目", tables,
                                          [f"表{tables} {r}行{c}列" for c in range(1, len(cells) + 1)]))
            elif child.name in _BLOCK_TEXT:
                for line in cell_text(child).split("\n"):
                    if line.strip():
                        blocks.append(paragraph(line, where(child)))
            else:
                walk(child)
                flush()

    walk(_main(soup))
    flush()
    return blocks
