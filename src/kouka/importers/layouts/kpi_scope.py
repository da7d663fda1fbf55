"""事業③の成果目標（群馬県全体）: a KPI table's caption naming the area its KPIs cover (a wide-area project's)."""

import re

from kouka.importers.blocks import Block
from kouka.importers.build import Build
from kouka.importers.layouts.base import Layout

_KPI_SCOPE_RE = re.compile(r"(?:成果目標|KPI|指標)\s*[（(]([^（）()]*(?:全体|全域|広域)[^（）()]*)[）)]\s*$")


class KpiScopeCaption(Layout):
    def prose(self, build: Build, block: Block) -> bool:
        project = build.state.project
        scope = _KPI_SCOPE_RE.search(block.text) if project is not None else None
        if project is None or scope is None or len(block.text) > 40:
            return False
        project.kpi_scope_label = scope.group(1)
        return True
