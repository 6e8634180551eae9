"""Template filters: 和暦 dates and 年度 (loaded as a builtin in every template)."""

from datetime import date, datetime

from django import template
from django.utils import timezone

from kasane.core import wareki

register = template.Library()


def _as_date(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def wareki_date(value, style="long"):
    """令和6年4月1日 (style "short": R6.4.1)."""
    value = _as_date(value)
    if not isinstance(value, date):
        return ""
    try:
        return wareki.format_wareki(value, style=style)
    except ValueError:
        return value.isoformat()


@register.filter
def wareki_datetime(value):
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{wareki.format_wareki(local.date())} {local:%H:%M}"


@register.filter
def fiscal_year_label(value):
    """令和6年度 from a 年度 number or a date."""
    if isinstance(value, date | datetime):
        value = wareki.fiscal_year(_as_date(value))
    try:
        return wareki.format_fiscal_year(int(value))
    except (TypeError, ValueError):
        return ""
