"""Plain text as copied from a city's page: tab-separated rows, ``<p>`` inside cells, ``---`` rules, ``#`` headings."""

import re

from kouka.importers.blocks import Block, heading, paragraph, row

_RULE = re.compile(r"^[\s\-=_─━―ー*＊・]*$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*)$")
_P_SPLIT = re.compile(r"\s*</p>\s*<p[^>]*>\s*|\s*<br\s*/?>\s*", re.IGNORECASE)
_TAG = re.compile(r"</?p[^>]*>", re.IGNORECASE)


def clean_cell(cell: str) -> str:
    """``<p>a</p> <p>b</p>`` → ``a\\nb``: paragraphs inside a cell become lines."""
    if "<" not in cell:
        return cell.strip()
    return _TAG.sub("", _P_SPLIT.sub("\n", cell.strip())).strip()


def read_text(text: str) -> list[Block]:
    blocks: list[Block] = []
    table = 0
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{number}行目"
        if not line.strip() or _RULE.match(line):
            continue
        if "\t" in line:
            cells = [clean_cell(cell) for cell in line.split("\t")]
            if all(_RULE.match(cell) for cell in cells):
                in_table = False
                continue
            if not in_table:
                table += 1
                in_table = True
            blocks.append(row(cells, where, table))
            continue
        in_table = False
        match = _HEADING.match(line)
        if match:
            blocks.append(heading(match.group(1), where))
        else:
            blocks.append(paragraph(clean_cell(line), where))
    return blocks
