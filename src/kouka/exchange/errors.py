"""What goes wrong with a department workbook, as errors whose message is for people (Japanese first).

A whole workbook is refused with one of these; a single cell that cannot be read is not an error but an
item of the plan (:mod:`kouka.exchange.plan`), so that the rest of the workbook still applies.
"""

from kouka.domain.errors import KoukaError


class WorkbookError(KoukaError):
    """Base of the department workbook's errors."""


class WorkbookUnreadable(WorkbookError):
    """Not a readable .xlsx, or one kouka will not open: damaged, too large, a zip bomb, XML entities."""


class WorkbookRefused(WorkbookError):
    """A readable workbook that is not this department's for this year: not kouka's, another municipality,
    year or department, or a format kouka does not know."""


class NothingToExport(WorkbookError):
    """The department has no project in the report."""


class PlanStale(WorkbookError):
    """What the plan was made against changed before it was applied (someone saved meanwhile)."""


class PlanInvalid(WorkbookError):
    """Applying the plan would give a report that may not be stored (:mod:`kouka.domain.validation`)."""


class CellUnreadable(WorkbookError):
    """One cell's value read as a clerk types it failed; the message says why (『約30件』は数値として読めません)."""
