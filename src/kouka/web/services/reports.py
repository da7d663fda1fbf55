"""Writes to a year's report as a whole: its title, introduction and stated total (本市交付額)."""

from typing import Any

from kouka import interchange
from kouka.domain.validation import report_problems
from kouka.web import mapping
from kouka.web.models import Cycle, Membership
from kouka.web.permissions import require_admin, require_edit
from kouka.web.services.writes import Written, require_valid, write


def report_update(*, member: Membership, cycle: Cycle, fields: dict[str, Any], version: int | None) -> Cycle:
    """Set the report-level interchange ``fields``; :class:`StaleVersion` when ``version`` is not the cycle's,
    :class:`Invalid` (nothing written) when a field may not be stored."""
    require_admin(member)
    require_edit(member, cycle)
    require_valid(report_problems(interchange.report_from_json({**mapping.report_json(cycle, []), **fields})))

    def change(locked: Cycle | None) -> Written:
        assert locked is not None
        before = locked.report
        locked.report = {**before, **fields}
        Cycle.objects.filter(pk=locked.pk).update(report=locked.report)
        return Written(locked, locked, "report:update", f"{locked.fiscal_year}年度 報告全体", before, locked.report)

    row = write(member, Cycle.objects.filter(pk=cycle.pk), version, change, editable=cycle).row
    assert isinstance(row, Cycle)
    return row
