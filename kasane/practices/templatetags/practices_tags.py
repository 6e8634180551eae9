"""Template filters of the practice library: numbers as written in Japanese tables (1,966,735 / 26.7)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def num(value):
    """Thousands separators, no trailing zeros; 「—」 for a missing value."""
    if value is None or value == "":
        return "—"
    value = Decimal(str(value))
    if value == value.to_integral():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"
