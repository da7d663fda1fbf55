from django import template

from kouka.domain.eras import format_fiscal_year

register = template.Library()


@register.filter
def wareki(year: int) -> str:
    """2023 → 令和5年度 (the domain core's era rules)."""
    return format_fiscal_year(int(year))
