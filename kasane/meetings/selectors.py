"""Reads of meetings through the access policy, written to the access log.

A 支援会議's items are read only through `items_of`, which the policy limits to members who accepted the duty
of secrecy; nothing else in kasane lists them (no export outside the meeting, no copy into agency records).
"""

from datetime import timedelta

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone

from kasane.core import audit, policy

from .models import AgendaItem, Attachment, ItemKind, Meeting, MeetingBody, ResourceGap

Action = audit.Action


def meeting_list(*, user, upcoming: bool = False) -> list[Meeting]:
    qs = policy.scope(user, Meeting).select_related("convener", "body")
    if upcoming:
        qs = qs.filter(held_on__gte=timezone.localdate()).order_by("held_on", "starts_at", "pk")
    return list(qs[:300])


def meetings_this_week(*, user) -> list[Meeting]:
    today = timezone.localdate()
    return list(
        policy.scope(user, Meeting)
        .filter(held_on__range=(today, today + timedelta(days=7)))
        .order_by("held_on")
    )


def meeting_get(*, user, pk) -> Meeting:
    meeting = policy.get_or_404(user, Meeting.objects.select_related("convener", "body"), pk=pk)
    audit.record(user=user, action=Action.VIEW, obj=meeting)
    return meeting


def _emergency_first(qs: QuerySet[AgendaItem]) -> QuerySet[AgendaItem]:
    """Emergency items (衰弱, 重篤な疾患, 虐待・DV の疑い) are listed first."""
    urgent = Case(When(kind=ItemKind.EMERGENCY, then=Value(0)), When(emergency_reason__gt="", then=Value(0)),
                  default=Value(1), output_field=IntegerField())  # fmt: skip
    return qs.annotate(_urgent=urgent).order_by("_urgent", "pk")


def items_of(*, user, meeting: Meeting) -> list[AgendaItem]:
    """The agenda the user may read: none of a 支援会議 before the secrecy pledge."""
    if not policy.may_see_meeting_material(user, meeting):
        return []
    qs = policy.scope(user, AgendaItem).filter(meeting=meeting).select_related("case", "case__person", "plan")
    # The files themselves stay in the database until downloaded (up to 10 MB each).
    attachments = Prefetch("attachments", queryset=Attachment.objects.defer("data"))
    rows = list(_emergency_first(qs.prefetch_related(attachments)))
    for item in rows:
        audit.record(user=user, action=Action.VIEW, obj=item, person_id=item.case.person_id if item.case_id else None,
                     case_id=item.case_id, detail=f"{meeting.get_kind_display()}の議題")  # fmt: skip
    return rows


def item_get(*, user, pk) -> AgendaItem:
    item = policy.get_or_404(
        user, AgendaItem.objects.select_related("meeting", "case", "case__person", "plan"), pk=pk
    )
    audit.record(user=user, action=Action.VIEW, obj=item, person_id=item.case.person_id if item.case_id else None,
                 case_id=item.case_id)  # fmt: skip
    return item


def items_for_case(*, user, case) -> list[AgendaItem]:
    """The meeting record of a case as its team sees it: 重層的支援会議 items, and released 支援会議 items."""
    qs = policy.scope(user, AgendaItem).filter(case=case).select_related("meeting", "plan", "release")
    qs = qs.filter(meeting__kind="plan") | qs.filter(release__isnull=False)
    rows = list(qs.order_by("meeting__held_on", "pk"))
    for item in rows:
        audit.record(user=user, action=Action.VIEW, obj=item, person_id=case.person_id, case_id=case.pk,
                     detail="事例の会議の記録")  # fmt: skip
    return rows


def bodies(*, user) -> QuerySet[MeetingBody]:
    return policy.scope(user, MeetingBody)


def gaps(*, user, status: str = "") -> QuerySet[ResourceGap]:
    qs = policy.scope(user, ResourceGap).select_related("meeting", "recorded_by")
    return qs.filter(status=status) if status else qs
