"""Plain text as copied from a city's page: tab-separated rows (or columns aligned with spaces, as copied from a
PDF), ``<p>`` inside cells, ``---`` rules, ``#`` headings."""

import re
from dataclasses import replace

from kouka.importers.blocks import Block, heading, paragraph, row
from kouka.importers.labels import column_of, field_of, project_number

_RULE = re.compile(r"^[\s\-=_─━―ー*＊・]*$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*)$")
# Spaces are taken from where their run starts, and a tag ends before the next <, so that no run of spaces or of
# unclosed <p is read again from each of its characters.
_P_SPLIT = re.compile(r"(?<!\s)\s*(?:</p>\s*<p[^<>]*>|<br\s*/?>)\s*", re.IGNORECASE)
_TAG = re.compile(r"</?p[^<>]*>", re.IGNORECASE)
# Columns aligned with spaces (text copied from a PDF, or pdftotext -layout): two spaces or more between cells.
_SPACED = re.compile(r"[ \u3000]{2,}")
_FIGURE = re.compile(r"^[△▲\-－約]?[0-9０-９]|^[①-⑳]|^[（(](?:事業開始前|[0-9０-９])")


def clean_cell(cell: str) -> str:
    """``<p>a</p> <p>b</p>`` → ``a\\nb``: paragraphs inside a cell become lines."""
    if "<" not in cell:
        return cell.strip()
    return _TAG.sub("", _P_SPLIT.sub("\n", cell.strip())).strip()


def _spaced_cells(line: str) -> list[str] | None:
    """The cells of a line whose columns are aligned with spaces, or None for a line of running text (a
    sentence is split only after a label: まとめ    目標を達成した。)."""
    stripped = line.strip()
    if not _SPACED.search(stripped):
        return None
    cells = _SPACED.split(stripped)
    if "。" in stripped and field_of(cells[0]) is None:
        return None
    if (field_of(cells[0]) or project_number(cells[0]) or sum(column_of(c) is not None for c in cells) >= 2
            or any(_FIGURE.match(c) for c in cells)):
        return cells  # a label and its value, a project's number and title, a table's header or a row of figures
    return None  # a title or a sentence with wide spaces


def _joined(first: str, second: str) -> str:
    """Two pieces of one wrapped value: Japanese joins without a space, Latin words with one."""
    return f"{first} {second}" if first[-1:].isascii() and second[:1].isascii() else first + second


def read_text(text: str) -> list[Block]:
    blocks: list[Block] = []
    table = 0
    in_table = False
    spaced_row = False  # the last block is a row of space-aligned columns
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{number}行目"
        if not line.strip() or _RULE.match(line):
            spaced_row = False
            continue
        spaced = _spaced_cells(line) if "\t" not in line else None
        if spaced_row and spaced is None and "\t" not in line and line.startswith("    "):
            # the value of the row above, wrapped onto an indented line of its own
            last = blocks[-1]
            blocks[-1] = replace(last, cells=(*last.cells[:-1], _joined(last.cells[-1], line.strip())))
            continue
        spaced_row = spaced is not None
        if "\t" in line or spaced is not None:
            cells = [clean_cell(cell) for cell in (spaced or line.split("\t"))]
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
