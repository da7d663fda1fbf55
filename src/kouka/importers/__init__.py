"""Import published effect-verification reports (text, HTML, Excel, PDF) into kouka's model.

Every reader turns its format into the same neutral blocks (:mod:`kouka.importers.blocks`); one
assembler (:mod:`kouka.importers.assemble`) offers the blocks to the registered layouts
(:mod:`kouka.importers.layouts`), which build a :class:`~kouka.domain.model.Report` through one table of labels
(:mod:`kouka.importers.labels`).
"""

from kouka.importers.api import ImportResult, detect_format, import_bytes, import_path
from kouka.importers.errors import UnreadableDocumentError

__all__ = ["ImportResult", "UnreadableDocumentError", "detect_format", "import_bytes", "import_path"]
