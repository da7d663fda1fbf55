"""How far a department has come with a project of the year: what is still missing before it can submit.

>>> from kouka.domain.model import Kpi, Project
>>> project = Project(1, "企業誘致", 2023, 2024, kpis=[Kpi(1, "誘致企業数", "社")])
>>> project_missing(project, 2023)
['実績値', 'まとめ', '事業費']
>>> project_started(project, 2023)
False
"""

from kouka.domain.i18n import gettext_noop
from kouka.domain.model import Project

ACTUALS = gettext_noop("実績値")
SUMMARY = gettext_noop("まとめ")
COST = gettext_noop("事業費")


def project_missing(project: Project, fiscal_year: int) -> list[str]:
    """The parts of ``project`` not yet written for ``fiscal_year`` (message ids: translate with ``_``):
    an actual of a KPI, the まとめ, the 事業費."""
    missing = []
    if any(fiscal_year not in kpi.actuals for kpi in project.kpis):
        missing.append(ACTUALS)
    if not any(p.strip() for p in project.verification):
        missing.append(SUMMARY)
    if project.cost_yen is None:
        missing.append(COST)
    return missing


def project_started(project: Project, fiscal_year: int) -> bool:
    """Whether anything of the year has been written: an actual of ``fiscal_year`` or a まとめ."""
    return (any(fiscal_year in kpi.actuals for kpi in project.kpis)
            or any(p.strip() for p in project.verification))

