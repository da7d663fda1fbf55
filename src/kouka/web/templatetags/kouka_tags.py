from typing import Any

from django import template

from kouka.domain.eras import format_fiscal_year

register = template.Library()


@register.filter
def join_if_list(value: Any) -> str:
    """Lists (e.g. chosen departments) shown as 「、」-joined text; anything else as text."""
    if isinstance(value, list | tuple):
        return "、".join(str(item) for item in value)
    return str(value)


@register.filter
def wareki(year: int) -> str:
    """2023 → 令和5年度 (the domain core's era rules)."""
    return format_fiscal_year(int(year))
