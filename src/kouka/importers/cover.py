"""What a report says of itself before its projects: the municipality, the fiscal year, the grant program.

Read once over the whole document before the walk (:class:`kouka.importers.build.Build`), each from the
likeliest place first: a labelled row, then the headings, then the running text.
"""

import re
from collections.abc import Callable
from fractions import Fraction

from kouka.domain.eras import find_year
from kouka.domain.model import Body, GrantProgram
from kouka.domain.textnorm import halfwidth
from kouka.importers import bodies
from kouka.importers.blocks import Block, Kind
from kouka.importers.labels import Field, field_of

PROGRAM_NAMES = ("地方創生推進交付金", "地方創生拠点整備交付金", "地方創生加速化交付金",
                 "デジタル田園都市国家構想交付金", "地方創生応援税制", "地域再生計画")
_RATE_RE = re.compile(r"(\d+)\s*/\s*(\d+)\s*(?:が|を)?\s*(?:交付金|国から|国費)|(\d+)\s*分の\s*(\d+)")
_SELF_YEAR_RE = re.compile(r"(?:本市|本町|本村|本県|本区|当市|当町|当村)(?:では|において)[、,]?\s*(.{2,12}?年度)")


def _labelled_year(blocks: list[Block], texts: list[str]) -> int | None:
    """年度 | 令和4年度: a row labelled with the fiscal year."""
    for block in blocks:
        labelled = field_of(block.cells[0]) if block.kind is Kind.ROW and block.cells else None
        if labelled and labelled[0] is Field.FISCAL_YEAR and len(block.cells) > 1:
            ref = find_year(block.cells[1])
            if ref:
                return ref.year
    return None


def _heading_year(blocks: list[Block], texts: list[str]) -> int | None:
    """令和4年度 地方創生推進交付金の効果検証: the year in a heading about the grant."""
    for block in blocks:
        if block.kind is Kind.HEADING and ("交付金" in block.text or "効果" in block.text or "検証" in block.text):
            ref = find_year(block.text)
            if ref:
                return ref.year
    return None


def _self_year(blocks: list[Block], texts: list[str]) -> int | None:
    """本市では、令和4年度に… / 令和4年度においては…: the year the text says it speaks of."""
    for text in texts:
        match = _SELF_YEAR_RE.search(text)
        ref = find_year(match.group(1)) if match else None
        if ref is None and "においては" in text:
            ref = find_year(text.split("においては")[0][-14:])
        if ref:
            return ref.year
    return None


def _opening_year(blocks: list[Block], texts: list[str]) -> int | None:
    """A year in the first lines, when they speak of the verification (効果検証, 実施状況)."""
    for text in texts[:5]:
        if "交付金" in text or "効果検証" in text:
            ref = find_year(text)
            if ref and ("効果検証" in text or "実施状況" in text):
                return ref.year
    return None


_YEAR_FINDERS: tuple[Callable[[list[Block], list[str]], int | None], ...] = (
    _labelled_year, _heading_year, _self_year, _opening_year)


def fiscal_year_of(blocks: list[Block], texts: list[str]) -> int | None:
    """The fiscal year the report verifies, from the likeliest place that states one, or None."""
    for finder in _YEAR_FINDERS:
        year = finder(blocks, texts)
        if year is not None:
            return year
    return None


def municipality_of(blocks: list[Block], texts: list[str]) -> Body:
    """団体名 | 群馬県伊勢崎市, else the body the headings or the text speak of."""
    name = ""
    for block in blocks:
        if block.kind is Kind.ROW and len(block.cells) > 1:
            labelled = field_of(block.cells[0])
            if labelled and labelled[0] is Field.MUNICIPALITY:
                name = block.cells[1].strip()
                break
    prefecture = ""
    if name:
        prefecture, name = bodies.split_prefecture(name)
    if not name:
        titles = [b.text for b in blocks if b.kind is Kind.HEADING][:3]
        name = bodies.guess_municipality(titles, texts)
    prefecture = prefecture or bodies.guess_prefecture(name, texts)
    return Body(name=name, prefecture=prefecture, code=bodies.body_code(name))


def program_of(texts: list[str]) -> GrantProgram:
    """The grant named first in the text, and its rate (1/2 が交付金, 2分の1), else the default program at 1/2."""
    name = next((candidate for text in texts for candidate in PROGRAM_NAMES if candidate in text), "")
    rate = Fraction(1, 2)
    for text in texts:
        match = _RATE_RE.search(halfwidth(text))
        if match:
            if match.group(1):
                rate = Fraction(int(match.group(1)), int(match.group(2)))
            else:
                rate = Fraction(int(match.group(4)), int(match.group(3)))
            break
    return GrantProgram(name=name or GrantProgram().name, rate=rate)
