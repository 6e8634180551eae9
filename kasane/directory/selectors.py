"""Reads of the agency directory, through the access policy."""

from django.db.models import QuerySet

from kasane.core import policy
from kasane.core.text import normalize_for_search

from .models import Agency, Theme


def agency_search(
    *, user, q: str = "", theme_id: int | None = None, field: str = "", include_inactive: bool = False
) -> QuerySet[Agency]:
    """Agencies matching free text (kana- and width-insensitive, every word must match) and a theme."""
    qs = policy.scope(user, Agency).prefetch_related("themes")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    for word in (q or "").split():
        qs = qs.filter(search_text__contains=normalize_for_search(word))
    if theme_id:
        qs = qs.filter(themes__id=theme_id)
    if field:
        qs = qs.filter(field=field)
    return qs.distinct()


def agency_get(*, user, pk) -> Agency:
    return policy.get_or_404(user, Agency.objects.prefetch_related("themes"), pk=pk)


def agency_choices(*, user) -> QuerySet[Agency]:
    return policy.scope(user, Agency).filter(is_active=True).order_by("name")


def theme_list(*, user) -> QuerySet[Theme]:
    return policy.scope(user, Theme)


def theme_get(*, user, pk) -> Theme:
    return policy.get_or_404(user, Theme, pk=pk)
