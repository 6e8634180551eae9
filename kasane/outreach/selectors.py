"""Reads of outreach through the access policy, written to the access log (with the person and case when
known): the engagement list (overdue planned attempts first), one engagement with its attempts and stages."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from kasane.core import audit, policy

from .models import Engagement, Status

Action = audit.Action


def _engagements(user) -> QuerySet[Engagement]:
    return policy.scope(user, Engagement).select_related("person", "case", "created_by")


def engagement_queryset(*, user, status: str = Status.ACTIVE) -> QuerySet[Engagement]:
    """Active (or all) engagements: overdue next attempts first, then by the planned date, unplanned last."""
    qs = _engagements(user)
    if status:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    rank = Case(
        When(next_attempt_on__lt=today, then=Value(0)),
        When(next_attempt_on__isnull=False, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(rank=rank).order_by("rank", "next_attempt_on", "-started_on", "-pk")


def engagement_list(*, user, status: str = Status.ACTIVE, limit: int = 500) -> list[Engagement]:
    rows = list(engagement_queryset(user=user, status=status)[:limit])
    audit.record_many(
        user=user, action=Action.LIST, objects=rows, model=Engagement, detail="アウトリーチ一覧"
    )
    return rows


def engagement_get(*, user, pk, log: bool = True) -> Engagement:
    engagement = policy.get_or_404(user, _engagements(user), pk=pk)
    if log:
        audit.record(user=user, action=Action.VIEW, obj=engagement, person_id=engagement.person_id,
                     case_id=engagement.case_id)  # fmt: skip
    return engagement


def attempts_of(engagement: Engagement):
    return engagement.attempts.select_related("staff").order_by("-attempted_on", "-pk")


def stages_of(engagement: Engagement):
    return engagement.stage_changes.select_related("by").order_by("changed_on", "pk")


def has_consent(engagement: Engagement) -> bool:
    return (
        engagement.person_id is not None
        and engagement.person.consents.filter(withdrawn_on__isnull=True).exists()
    )


def linkable_cases(*, user, engagement: Engagement):
    """The identified person's collaboration cases the user may see (to link one to the engagement)."""
    from kasane.cases.models import CollaborationCase

    if engagement.person_id is None:
        return CollaborationCase.objects.none()
    return (
        policy.scope(user, CollaborationCase)
        .filter(person_id=engagement.person_id)
        .exclude(pk=engagement.case_id or 0)
    )
