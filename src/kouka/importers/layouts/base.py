"""What a layout is: a small recogniser offered each block of a document in turn."""

from kouka.importers.blocks import Block
from kouka.importers.build import Build


class Layout:
    """One way published reports lay out their facts (a KPI table, a year matrix, a project table …).

    The assembler offers every table row to each registered layout's :meth:`row`, and every heading or paragraph
    to its :meth:`prose`, in the order of :data:`kouka.importers.layouts.LAYOUTS`; the first that answers True
    has taken the block. A layout reads and changes the :class:`~kouka.importers.build.Build` (the report so far
    and where the walk is); one that has nothing to say of rows or of prose leaves that method as it is here.
    """

    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        """Take the row ``block`` (``cells``: its cells without empty ones at the end), or answer False."""
        return False

    def prose(self, build: Build, block: Block) -> bool:
        """Take the heading or paragraph ``block``, or answer False."""
        return False
