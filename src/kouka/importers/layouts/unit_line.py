"""単位：千円 (a line or a row that states the unit of the amounts below it)."""

import re

from kouka.domain.textnorm import halfwidth
from kouka.importers.blocks import Block, Kind
from kouka.importers.build import Build, scale_of
from kouka.importers.layouts.base import Layout

_SCALE_RE = re.compile(r"単位\s*[:：]?\s*(百万円|千円|万円|円)")


class UnitLine(Layout):
    """The unit is kept for the amounts that follow; a line that says nothing more is taken whole."""

    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        return self.take(build, block)

    def prose(self, build: Build, block: Block) -> bool:
        return self.take(build, block)

    @staticmethod
    def take(build: Build, block: Block) -> bool:
        whole = block.text or " ".join(block.cells)
        scale = _SCALE_RE.search(halfwidth(whole)) if "単位" in whole else None
        if scale is None:
            return False
        build.state.scale = scale_of(scale.group(1)) or 1
        rest = _SCALE_RE.sub("", whole).strip(" ()（）")
        return not rest or (len(rest) <= 20 and block.kind is not Kind.ROW and "。" not in rest)
