"""A KPI written on one line: ・名称（単位） 基準値：… 目標値：120人 実績値(R4)：85人 (a colon after each word)."""

import re

from kouka.domain.errors import KoukaError
from kouka.domain.model import Measurement
from kouka.domain.notation import read_measurement
from kouka.importers.blocks import Block
from kouka.importers.build import Build, set_figure
from kouka.importers.headers import header_year, kpi_numbered, name_and_unit, unit_from_cells
from kouka.importers.labels import FIGURE_WORDS, Column, Field, column_of
from kouka.importers.layouts.base import Layout

# A figure's word with a colon in a KPI written on one line: 目標値：120人 / 実績値(R4)：85人.
_INLINE_ROLE_RE = re.compile(
    r"(?P<role>" + "|".join(FIGURE_WORDS) + r")\s*(?:[（(](?P<year>[^（）()]{1,12})[）)])?\s*[:：]\s*")
_BULLET_RE = re.compile(r"^[\s・●○◆◇■□\-－]+")

Figure = tuple[Column, int | None, Measurement]


def _figures(roles: list[re.Match[str]], values: list[str], unit: str) -> list[Figure] | None:
    """Each word's figure (None when a word has none: a sentence, left as text)."""
    read: list[Figure] = []
    for match, value in zip(roles, values, strict=True):
        kind = column_of(match.group("role"))
        if kind is None or not value:
            return None
        try:
            measurement = read_measurement(value, unit)
        except KoukaError:
            return None  # not a figure after the word: a sentence, left as text
        read.append((kind[0], header_year(match.group("year") or ""), measurement))
    return read


class InlineKpi(Layout):
    """Read in running text only (no section, or the project's notes)."""

    def prose(self, build: Build, block: Block) -> bool:
        text = block.text
        if build.state.section not in (None, Field.NOTES) or build.state.project is None or "。" in text:
            return False
        roles = list(_INLINE_ROLE_RE.finditer(text))
        kinds = [column_of(m.group("role")) for m in roles]
        if not roles or not any(k is not None and k[0] in (Column.TARGET, Column.ACTUAL) for k in kinds):
            return False
        number, raw_name = kpi_numbered(_BULLET_RE.sub("", text[:roles[0].start()]).strip(" 　:：、,"))
        name, unit = name_and_unit(raw_name)
        if not name or len(name) > 60:
            return False
        ends = [m.start() for m in roles[1:]] + [len(text)]
        values = [text[m.end():end].strip(" 　、,，/／;；") for m, end in zip(roles, ends, strict=True)]
        unit = unit or unit_from_cells(values)
        read = _figures(roles, values, unit)
        if read is None:
            return False
        kpi = build.add_kpi(number, name, unit)
        for role, year, measurement in read:
            set_figure(kpi, role, year if role is Column.BASELINE else year or build.fiscal_year or 0, measurement)
        return True
