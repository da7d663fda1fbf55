"""Running text under a project: each line goes to the section its label opened (事業概要, まとめ, 今後の方針 …),
else to the project's notes. A heading no label names opens the project's further narrative; a row whose first
cell is no known label is kept in the notes as 項目名：値, with a finding. Registered last: what no other layout
takes ends here (before the first project, as text not placed)."""

import re

from kouka.domain.checks import Finding, Severity
from kouka.domain.i18n import _
from kouka.importers.blocks import Block, Kind
from kouka.importers.build import Build
from kouka.importers.labels import Field
from kouka.importers.layouts.base import Layout

_KPI_WORDS = re.compile("成果目標|指標|KPI")


class UnknownHeading(Layout):
    """A heading the label table does not know: what follows is the project's further narrative."""

    def prose(self, build: Build, block: Block) -> bool:
        if block.kind is not Kind.HEADING or build.state.project is None:
            return False
        build.state.section = Field.NOTES if not _KPI_WORDS.search(block.text) else None
        build.findings.append(Finding(Severity.INFO, "import_heading",
                                      _("見出し「{text}」は本文に含めていません").format(text=block.text),
                                      "$", block.where))
        return True


class UnknownLabel(Layout):
    """A row 項目名 | 値 whose label is unknown, outside any section: kept in the notes, with a finding."""

    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        filled = [c for c in cells if c]
        project, first = build.state.project, filled[0]
        if project is None or len(filled) < 2 or len(first) > 20 or build.state.section is not None:
            return False
        joined = "　".join(filled[1:])
        project.notes.append(f"{first}：{joined}")
        build.findings.append(Finding(Severity.WARNING, "import_unknown_label",
                                      f"項目名「{first}」を読み取れないため備考に入れました / unknown label "
                                      f"{first!r}: kept in the project's notes", "$", block.where))
        return True


class ProseSections(Layout):
    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        for cell in (c for c in cells if c):
            if build.state.project is not None:
                build.add_prose(build.state.section, cell, block)
            else:
                build.unplaced(block, cell)
        return True

    def prose(self, build: Build, block: Block) -> bool:
        if build.state.project is None:
            build.unplaced(block, block.text)
        else:
            build.add_prose(build.state.section, block.text, block)
        return True
