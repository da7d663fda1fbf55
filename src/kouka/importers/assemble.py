"""Blocks → Report: one assembler for every format, a dispatcher over the registered layouts.

It walks the blocks once. Each table row, and each heading or paragraph, is offered to the layouts of
:data:`kouka.importers.layouts.LAYOUTS` in their order (a project table, a year matrix, a KPI table, a project's
heading, a label and its value, a KPI on one line, prose sections …); the first that recognises it takes it and
adds what it says to the report being built (:class:`kouka.importers.build.Build`). Labels are read only through
:mod:`kouka.importers.labels`. After the walk, :func:`kouka.importers.finish.finish` settles what follows from the
whole (periods, wide-area leads, KPI directions). Whatever no layout can place is returned as a finding with the
block's location.
"""

from kouka.domain.checks import Finding
from kouka.domain.model import EffectLevel, NextDirection, Report
from kouka.importers.blocks import Block, Kind
from kouka.importers.build import Build
from kouka.importers.finish import finish
from kouka.importers.folding import fold_flattened
from kouka.importers.layouts import LAYOUTS, Layout


class Assembler:
    """``Assembler(blocks).run()`` → the report; ``findings`` then holds what could not be placed or was assumed."""

    def __init__(self, blocks: list[Block], source: str = "", layouts: tuple[Layout, ...] = LAYOUTS) -> None:
        self.build = Build(blocks, source)
        self.layouts = layouts

    @property
    def findings(self) -> list[Finding]:
        return self.build.findings

    @property
    def report(self) -> Report:
        return self.build.report

    def run(self) -> Report:
        build = self.build
        for position, block in enumerate(build.blocks):
            build.position = position
            if block.kind is Kind.ROW:
                self.row(block)
            else:
                self.prose(block)
        finish(build)
        return build.report

    def row(self, block: Block) -> None:
        cells = list(block.cells)
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            return
        for layout in self.layouts:
            if layout.row(self.build, cells, block):
                return

    def prose(self, block: Block) -> None:
        for layout in self.layouts:
            if layout.prose(self.build, block):
                return


__all__ = ["Assembler", "EffectLevel", "NextDirection", "fold_flattened"]
