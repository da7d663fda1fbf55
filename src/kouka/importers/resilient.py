"""The assembler that never stops at one block: a block whose shape no rule expected becomes a finding naming its
place (行12, 表2 行3), and the walk goes on with the next. A person gets what could be read and where the rest is,
never a Python exception."""

from kouka.domain.errors import KoukaError
from kouka.importers.assemble import Assembler
from kouka.importers.blocks import Block
from kouka.importers.flatform import unexpected


class ResilientAssembler(Assembler):
    """:class:`Assembler` with each row and paragraph read on its own: an unexpected shape is a finding."""

    def row(self, block: Block) -> None:
        try:
            super().row(block)
        except (KoukaError, ArithmeticError, ValueError, IndexError, KeyError, StopIteration, AssertionError):
            self.findings.append(unexpected(block.where))  # a shape no rule expected: named, skipped

    def prose(self, block: Block) -> None:
        try:
            super().prose(block)
        except (KoukaError, ArithmeticError, ValueError, IndexError, KeyError, StopIteration, AssertionError):
            self.findings.append(unexpected(block.where))  # a shape no rule expected: named, skipped


__all__ = ["ResilientAssembler"]
