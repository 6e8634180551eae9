"""Template filters of 多機関協働 for pages of other apps (the 「多機関協働の事例を開始」 link)."""

from django import template

from kasane.core import policy

register = template.Library()


@register.filter
def can_open_case(user) -> bool:
    """May this user open a collaboration case (the collaboration or municipal role)?"""
    return policy.can_create(user, "cases.CollaborationCase")
