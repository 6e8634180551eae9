"""Template helpers for laying out long forms in sections."""

from django import template

register = template.Library()


@register.filter
def pick_fields(form, names: str):
    """The bound fields named (space-separated), in that order."""
    return [form[name] for name in names.split()]


@register.filter
def add_class(bound_field, css_class: str):
    return bound_field.as_widget(attrs={"class": css_class})
