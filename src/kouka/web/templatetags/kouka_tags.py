from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kouka.domain import checks
from kouka.domain.eras import format_fiscal_year
from kouka.domain.rules import KpiResult
from kouka.render import html
from kouka.web.models import user_label

register = template.Library()


@register.filter
def wareki(year: int) -> str:
    """2023 → 令和5年度 (the domain core's era rules)."""
    return format_fiscal_year(int(year))


@register.filter
def circled(number: int) -> str:
    """3 → ③, as the publication numbers its 事業 and 成果目標."""
    return checks.circled(int(number))


@register.filter
def judgement_mark(result: KpiResult) -> SafeString:
    """The publication's mark of a judgement (○ 達成, × 未達成) in the page's language, escaped by the renderer."""
    word = _(result.label) + (_("（速報値）") if result.preliminary else "")
    return mark_safe(html.judgement_mark(result, word))


@register.filter
def person(user: Any) -> str:
    """A user as people know them: 商工 太郎 (the display name), else the user name; 「－」 for nobody."""
    return user_label(user)
