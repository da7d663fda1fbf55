"""An independent reading of the synthetic national set's figures, shared by the aggregate and dashboard tests."""

from decimal import Decimal
from typing import Any


def oracle_judgement(kpi: dict[str, Any], year: int) -> str:
    """An independent reading of the synthetic figures (same units for target and actual throughout)."""
    if kpi["scope"] == "wide_area":
        return "not_judgeable"
    actual = kpi["actuals"].get(str(year))
    if actual is None or actual["status"] == "pending":
        return "pending"
    target = kpi["targets"].get(str(year))
    if target is None or target["value"] is None or actual["value"] is None:
        return "not_judgeable"
    a, t = Decimal(actual["value"]), Decimal(target["value"])
    met = a >= t if kpi["direction"] == "higher" else a <= t
    return "met" if met else "not_met"
