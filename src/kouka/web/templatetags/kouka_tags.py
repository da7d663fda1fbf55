from typing import Any

from django import template

register = template.Library()


@register.filter
def join_if_list(value: Any) -> str:
    """Lists (e.g. chosen departments) shown as 「、」-joined text; anything else as text."""
    if isinstance(value, list | tuple):
        return "、".join(str(item) for item in value)
    return str(value)
