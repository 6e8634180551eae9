"""Template filters of the progress sheets."""

from django import template

from kasane.evaluation.progress import format_value

register = template.Library()


@register.filter
def sheet_value(value, decimals=0):
    """80.9, 85.0, 1,110: a value as the sheets print it."""
    try:
        return format_value(value, int(decimals))
    except (TypeError, ValueError, ArithmeticError):
        return ""
