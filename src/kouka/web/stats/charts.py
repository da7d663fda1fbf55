"""A KPI over every published year, charted by the publication renderer (kouka.render.charts)."""

from dataclasses import replace

from kouka.domain.aggregate import KpiSeries
from kouka.domain.model import Kpi


def across_years(kpi: Kpi, published: KpiSeries | None) -> Kpi:
    """``kpi`` with each published year's target and actual as that year's report published them
    (from the domain core's :func:`~kouka.domain.aggregate.kpi_series`), plus the targets still ahead."""
    targets, actuals = dict(kpi.targets), dict(kpi.actuals)
    for point in published.points if published else []:
        if point.target is not None:
            targets[point.fiscal_year] = point.target
        if point.actual is not None:
            actuals[point.fiscal_year] = point.actual
    return replace(kpi, targets=targets, actuals=actuals)


def svg(kpi: Kpi) -> str:
    from kouka.render.charts import kpi_series_svg

    return kpi_series_svg(kpi)
