"""Reads of consultations, consents and referrals through the access policy, written to the access log."""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from kasane.core import audit, policy
from kasane.core.models import User
from kasane.core.wareki import fiscal_year_range
from kasane.core.workdays import add_working_days

from .models import Consent, Consultation, Referral

Action = audit.Action


@dataclass
class ConsultationFilters:
    fiscal_year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    problem: str = ""
    pattern_id: int | None = None
    status: str = ""
    staff_id: int | None = None


def my_consultations(*, user: User, filters: ConsultationFilters | None = None) -> QuerySet[Consultation]:
    """The consultations recorded at the user's counter, filtered; not yet logged (see log_page)."""
    f = filters or ConsultationFilters()
    qs = policy.scope(user, Consultation).filter(policy.holder_q("agency", user))
    if f.fiscal_year:
        start, end = fiscal_year_range(f.fiscal_year)
        qs = qs.filter(received_on__range=(start, end))
    if f.date_from:
        qs = qs.filter(received_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(received_on__lte=f.date_to)
    if f.problem:
        qs = qs.filter(problem_rows__problem=f.problem)
    if f.pattern_id:
        qs = qs.filter(patterns__id=f.pattern_id)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.staff_id:
        qs = qs.filter(staff_id=f.staff_id)
    return qs.select_related("person", "staff", "agency").order_by("-received_on", "-pk").distinct()


def consultation_page(*, user: User, filters=None, page=1, per_page=50) -> Page:
    result = Paginator(my_consultations(user=user, filters=filters), per_page).get_page(page)
    audit.record_many(user=user, action=Action.LIST, objects=result.object_list, model=Consultation)
    return result


def consultation_get(*, user: User, pk) -> tuple[Consultation, bool]:
    """The consultation and whether the user may read its narrative (相談内容)."""
    consultation = policy.get_or_404(
        user, Consultation.objects.select_related("person", "agency", "staff", "household"), pk=pk
    )
    audit.record(user=user, action=Action.VIEW, obj=consultation, person_id=consultation.person_id)
    return consultation, policy.can_see_narrative(user, consultation)


def consultations_of_person(*, user: User, person) -> QuerySet[Consultation]:
    qs = policy.scope(user, Consultation).filter(person=person).select_related("agency", "staff")
    return qs.order_by("-received_on", "-pk")


def consents_of_person(*, user: User, person) -> QuerySet[Consent]:
    return policy.scope(user, Consent).filter(person=person).prefetch_related("agencies")


def consent_get(*, user: User, pk) -> Consent:
    consent = policy.get_or_404(user, Consent, pk=pk)
    audit.record(user=user, action=Action.VIEW, obj=consent, person_id=consent.person_id)
    return consent


def referral_get(*, user: User, pk) -> Referral:
    referral = policy.get_or_404(
        user,
        Referral.objects.select_related(
            "person", "from_agency", "to_agency", "from_staff", "consultation", "consent"
        ),
        pk=pk,
    )
    audit.record(user=user, action=Action.VIEW, obj=referral, person_id=referral.person_id)
    return referral


def _with_due(referrals, municipality) -> list[Referral]:
    days = municipality.referral_overdue_working_days
    today = timezone.localdate()
    for r in referrals:
        r.due_on = add_working_days(timezone.localtime(r.sent_at).date(), days)
        r.is_overdue = r.status == Referral.Status.SENT and r.due_on < today
    return referrals


def referral_inbox(*, user: User) -> list[Referral]:
    qs = policy.scope(user, Referral).filter(policy.holder_q("to_agency", user))
    rows = _with_due(list(qs.select_related("person", "from_agency", "to_agency")), user.municipality)
    audit.record_many(user=user, action=Action.LIST, objects=rows, model=Referral, detail="受信箱")
    return rows


def referral_outbox(*, user: User) -> list[Referral]:
    qs = policy.scope(user, Referral).filter(policy.holder_q("from_agency", user))
    rows = _with_due(list(qs.select_related("person", "from_agency", "to_agency")), user.municipality)
    audit.record_many(user=user, action=Action.LIST, objects=rows, model=Referral, detail="送信箱")
    return rows


@dataclass
class OverdueRow:
    referral: Referral
    visible: bool


def overdue_referrals(*, user: User) -> list[OverdueRow]:
    """Unanswered referrals past the deadline: the sender's and receiver's own, and for the municipal office
    every one in the municipality (person shown only where the policy allows; agencies and dates always)."""
    if not policy.allows(user, "casework"):
        return []
    visible = policy.scope(user, Referral).filter(status=Referral.Status.SENT)
    base = policy.referrals_for_oversight(user, Referral.objects.filter(status=Referral.Status.SENT))
    visible_ids = set(visible.values_list("pk", flat=True))
    rows = _with_due(list(base.select_related("person", "from_agency", "to_agency")), user.municipality)
    result = [OverdueRow(r, r.pk in visible_ids) for r in rows if r.is_overdue]
    shown = [row.referral for row in result if row.visible]
    if shown:
        audit.record_many(user=user, action=Action.LIST, objects=shown, model=Referral, detail="応答期限超過")
    return result
