"""Reads of core data, scoped by the access policy and written to the access log."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import audit, policy
from .models import AccessLogEntry, ApiToken, Municipality, User

Action = audit.Action


def staff_list(*, user: User, q: str = "") -> list[User]:
    qs = policy.scope(user, User)
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(last_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(agency__name__icontains=q)
        )
    rows = list(qs.order_by("agency__name", "username"))
    audit.record_many(
        user=user, action=Action.SEARCH if q else Action.LIST, objects=rows, model=User, detail=q
    )
    return rows


def staff_get(*, user: User, pk) -> User:
    staff = policy.get_or_404(user, User, pk=pk)
    audit.record(user=user, action=Action.VIEW, obj=staff)
    return staff


def municipality_of(*, user: User) -> Municipality:
    return policy.get_or_404(user, Municipality, pk=user.municipality_id)


def access_log_search(
    *,
    user: User,
    username: str = "",
    person_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AccessLogEntry]:
    qs = policy.scope(user, AccessLogEntry)
    tz = timezone.get_current_timezone()
    if username:
        qs = qs.filter(username__icontains=username)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz))
    return qs


def api_token_list(*, user: User) -> list[ApiToken]:
    rows = list(policy.scope(user, ApiToken).select_related("user", "revoked_by"))
    audit.record_many(user=user, action=Action.LIST, objects=rows, model=ApiToken)
    return rows


def api_token_get(*, user: User, pk) -> ApiToken:
    return policy.get_or_404(user, ApiToken, pk=pk)
