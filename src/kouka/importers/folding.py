"""Text where each cell sits on its own line, folded back into table rows before the walk.

``担当課`` then ``企画課`` become one row; a run of KPI column headers and the lines after them become a table;
a heading that is a label (1 事業名) with its value on the next line becomes a label/value row.
"""

from kouka.importers.blocks import Block, Kind
from kouka.importers.headers import MARKED_START, kpi_header
from kouka.importers.labels import Field, column_of, field_of, kpi_marker, project_number

# Fields whose value is running text, read line by line under their label.
PROSE_FIELDS = {Field.SUMMARY, Field.VERIFICATION, Field.REVIEWER, Field.DIRECTION_REASON, Field.NOTES}
_SECTION_HEADINGS = (Field.KPI, Field.EVALUATION, Field.DIRECTION)


def is_label(text: str) -> bool:
    """Whether a line is a label (事業名, 目標値, 成果目標①, 事業1) rather than a value."""
    return (field_of(text) is not None or column_of(text) is not None or kpi_marker(text) is not None
            or (project_number(text) is not None and text.startswith("事業")))


class _Folder:
    """The blocks read one after another, the folded ones written out."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.out: list[Block] = []
        self.i = 0
        self.table = 10_000

    def paragraph(self, j: int) -> Block | None:
        """The block at ``j`` when it is a paragraph."""
        return self.blocks[j] if j < len(self.blocks) and self.blocks[j].kind is Kind.PARAGRAPH else None

    def pair(self, label: Block, value: Block) -> None:
        self.table += 1
        self.out.append(Block(Kind.ROW, cells=(label.text, value.text), where=label.where, table=self.table))
        self.i += 2

    def labelled_heading(self) -> bool:
        """1 事業名 as a heading, the name below it: a label and its value."""
        block, following = self.blocks[self.i], self.paragraph(self.i + 1)
        labelled = field_of(block.text) if block.kind is Kind.HEADING and following is not None else None
        if (labelled is None or following is None or labelled[0] in PROSE_FIELDS
                or labelled[0] in _SECTION_HEADINGS or is_label(following.text)):
            return False
        self.pair(block, following)
        return True

    def column_run(self) -> bool:
        """Three or more KPI column headers in a row, and the lines after them in runs of as many: a table."""
        i, blocks = self.i, self.blocks
        run = 0
        while self.paragraph(i + run) is not None and column_of(blocks[i + run].text) is not None:
            run += 1
        if run < 3 or kpi_header([b.text for b in blocks[i:i + run]]) is None:
            return False
        self.table += 1
        self.out.append(Block(Kind.ROW, cells=tuple(b.text for b in blocks[i:i + run]), where=blocks[i].where,
                              table=self.table))
        i += run
        while i + run <= len(blocks) and all(
                blocks[j].kind is Kind.PARAGRAPH and not is_label(blocks[j].text) for j in range(i, i + run)):
            self.out.append(Block(Kind.ROW, cells=tuple(b.text for b in blocks[i:i + run]), where=blocks[i].where,
                                  table=self.table))
            i += run
        self.i = i
        return True

    def label_line(self) -> bool:
        """A label (or a bare 事業① line) on one line and its value on the next."""
        block, following = self.blocks[self.i], self.paragraph(self.i + 1)
        if following is None or is_label(following.text):
            return False
        labelled = field_of(block.text)
        numbered = project_number(block.text)
        if numbered is not None and not numbered[1] and MARKED_START.match(block.text):
            labelled = (Field.PROJECT_NUMBER, "")
        if labelled is None or labelled[0] is Field.KPI:
            return False
        self.pair(block, following)
        return True

    def fold(self) -> list[Block]:
        while self.i < len(self.blocks):
            block = self.blocks[self.i]
            if block.kind is Kind.HEADING and self.labelled_heading():
                continue
            if block.kind is Kind.PARAGRAPH and (self.column_run() or self.label_line()):
                continue
            self.out.append(block)
            self.i += 1
        return self.out


def fold_flattened(blocks: list[Block]) -> list[Block]:
    """Text where each cell sits on its own line: ``担当課`` then ``企画課`` become one row; a run of
    KPI column headers and the lines after them become table rows."""
    return _Folder(blocks).fold()
