"""A label and its value: a row 事業費 | 12,345千円, a line 事業費：12,345千円 or 【事業費】12,345千円, and a label
alone on a line that opens a section of prose (まとめ, 今後の方針) or of KPIs (成果目標（群馬県全体）)."""

import re

from kouka.importers.blocks import Block
from kouka.importers.build import PROSE_FIELDS, Build
from kouka.importers.fields import apply
from kouka.importers.labels import Field, field_of
from kouka.importers.layouts.base import Layout
from kouka.importers.layouts.kpi_lines import name_kpi

_COLON_PAIR = re.compile(r"^\s*([^:：]{1,20})\s*[:：]\s*(.+)$", re.S)
_BRACKET_PAIR = re.compile(r"^\s*(【[^】]{1,20}】)\s*(.+)$", re.S)
_SECTION_LABELS = (Field.EVALUATION, Field.DIRECTION)


class Labelled(Layout):
    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        filled = [c for c in cells if c]
        labelled = field_of(filled[0])
        if labelled is None:
            return False
        fld, remark = labelled
        values = filled[1:]
        if fld is Field.KPI:
            if remark and build.state.project is not None:
                build.state.project.kpi_scope_label = remark
            if values:
                name_kpi(build, values, block, labelled=True)
            return True
        apply(build, labelled, "\n".join(values), block, label=filled[0])
        return True

    def prose(self, build: Build, block: Block) -> bool:
        text = block.text
        labelled = field_of(text)
        if labelled is None:
            pair = _COLON_PAIR.match(text) or _BRACKET_PAIR.match(text)
            found = field_of(pair.group(1)) if pair else None
            if pair is None or found is None:
                return False
            apply(build, found, pair.group(2), block, label=pair.group(1).strip("【】 　"))
            return True
        fld, remark = labelled
        if fld in PROSE_FIELDS or fld in _SECTION_LABELS:
            build.state.section = fld
            return True
        if fld is Field.KPI:
            if remark and build.state.project is not None:
                build.state.project.kpi_scope_label = remark
            build.state.section = None
            return True
        return False
