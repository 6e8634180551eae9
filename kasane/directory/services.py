"""Writes of the agency directory: create and edit agencies (optimistic locking), the theme list."""

from django.db import IntegrityError, transaction

from kasane.core import policy
from kasane.core.concurrency import lock_for_update
from kasane.core.errors import DomainError

from .models import Agency, Theme

AGENCY_FIELDS = (
    "name",
    "field",
    "legal_item",
    "operation",
    "contractor",
    "section",
    "site_count",
    "catchment",
    "address",
    "phone",
    "hours",
    "description",
    "is_active",
)


def _check_themes(user, themes) -> list[Theme]:
    themes = list(themes or [])
    if any(t.municipality_id != user.municipality_id for t in themes):
        raise DomainError("他の自治体のテーマは選べません。", field="themes")
    return themes


def _save(agency: Agency, themes) -> Agency:
    try:
        with transaction.atomic():
            agency.save()
    except IntegrityError:
        raise DomainError("同じ名前の機関が既に登録されています。", field="name") from None
    agency.themes.set(themes)
    agency.refresh_search_text()
    Agency.objects.filter(pk=agency.pk).update(search_text=agency.search_text)
    return agency


@transaction.atomic
def agency_create(*, user, themes=(), **fields) -> Agency:
    policy.require_create(user, "directory.Agency")
    themes = _check_themes(user, themes)
    agency = Agency(
        municipality_id=user.municipality_id, **{k: fields[k] for k in AGENCY_FIELDS if k in fields}
    )
    return _save(agency, themes)


@transaction.atomic
def agency_update(*, user, agency: Agency, version, themes=(), **fields) -> Agency:
    policy.require(user, policy.CHANGE, agency)
    themes = _check_themes(user, themes)
    locked = lock_for_update(Agency, agency.pk, version)
    for key in AGENCY_FIELDS:
        if key in fields:
            setattr(locked, key, fields[key])
    return _save(locked, themes)


@transaction.atomic
def theme_ensure(*, municipality_id: int, names) -> list[Theme]:
    """The municipality's themes with these names (a dict gives readings), created in order when missing."""
    readings = names if isinstance(names, dict) else {}
    existing = {t.name: t for t in Theme.objects.filter(municipality_id=municipality_id)}
    result = []
    for order, name in enumerate(names):
        theme = existing.get(name) or Theme.objects.create(
            municipality_id=municipality_id, name=name, reading=readings.get(name, ""), sort_order=order
        )
        result.append(theme)
    return result


@transaction.atomic
def theme_create(*, user, name: str, reading: str = "") -> Theme:
    """Add a theme to the municipality's list (at the end)."""
    policy.require_capability(user, "directory.manage")
    name = name.strip()
    if Theme.objects.filter(municipality_id=user.municipality_id, name=name).exists():
        raise DomainError("同じ名前のテーマが既にあります。", field="name")
    last = Theme.objects.filter(municipality_id=user.municipality_id).order_by("-sort_order").first()
    try:
        with transaction.atomic():
            return Theme.objects.create(
                municipality_id=user.municipality_id,
                name=name,
                reading=reading.strip(),
                sort_order=(last.sort_order + 1) if last else 0,
            )
    except IntegrityError:
        raise DomainError("同じ名前のテーマが既にあります。", field="name") from None


@transaction.atomic
def theme_update(*, user, theme: Theme, name: str, reading: str, version) -> Theme:
    """Rename a theme or change its reading; every agency that handles it is re-indexed for search."""
    policy.require(user, policy.CHANGE, theme)
    name = name.strip()
    if Theme.objects.filter(municipality_id=theme.municipality_id, name=name).exclude(pk=theme.pk).exists():
        raise DomainError("同じ名前のテーマが既にあります。", field="name")
    theme = lock_for_update(Theme, theme.pk, version)
    theme.name, theme.reading = name, reading.strip()
    theme.save()
    for agency in theme.agencies.all():
        agency.refresh_search_text()
        Agency.objects.filter(pk=agency.pk).update(search_text=agency.search_text)
    return theme
