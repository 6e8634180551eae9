"""Reads of persons and households through the access policy, written to the access log."""

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Q

from kasane.core import audit, policy
from kasane.core.models import User

from .models import Household, Membership, Person, PersonMerge
from .names import kana_key, name_key

Action = audit.Action
HIDDEN_AGENCY = "他機関が関与（詳細は閲覧権限なし）"
MUNICIPAL_OFFICE = "市町村（所管課）"


def person_search(*, user: User, q: str = "", birth_date: date | None = None, page=1, per_page=50) -> Page:
    """Persons the user may see, by name or フリガナ (any kana, variant kanji) and birth date."""
    qs = policy.scope(user, Person).filter(
        merged_into__isnull=True
    )  # a merged record is reached via its kept one
    for word in (q or "").split():
        qs = qs.filter(Q(name_key__contains=name_key(word)) | Q(kana_key__contains=kana_key(word)))
    if birth_date:
        qs = qs.filter(birth_date=birth_date)
    result = Paginator(qs.order_by("kana_key", "pk"), per_page).get_page(page)
    audit.record_many(user=user, action=Action.SEARCH if q or birth_date else Action.LIST,
                      objects=result.object_list, model=Person, detail=q[:100])  # fmt: skip
    return result


def person_get(*, user: User, pk) -> Person:
    person = policy.get_or_404(user, Person, pk=pk)
    audit.record(user=user, action=Action.VIEW, obj=person, person_id=person.pk)
    return person


def current_household(person: Person) -> Household | None:
    membership = person.memberships.filter(left_on__isnull=True).select_related("household").first()
    return membership.household if membership else None


@dataclass
class MemberView:
    membership: Membership
    person: Person | None  # None: the user may not see this member
    age: int | None = None
    problems: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    hidden_involvement: bool = False
    open_consultations: list = field(default_factory=list)
    referrals: list = field(default_factory=list)


def _holder_name(agency) -> str:
    return agency.name if agency is not None else MUNICIPAL_OFFICE


def household_view(*, user: User, pk) -> tuple[Household, list[MemberView], list[Membership]]:
    """The whole household as this user may see it (世帯全体の見える化): current members, then former ones."""
    from kasane.intake.models import Consultation, Referral

    household = policy.get_or_404(user, Household, pk=pk)
    visible_ids = set(
        policy.scope(user, Person).filter(memberships__household=household).values_list("pk", flat=True)
    )
    consultations = policy.scope(user, Consultation).filter(person_id__in=visible_ids)
    consultations = consultations.select_related("agency").prefetch_related("problem_rows", "patterns")
    referrals = (
        policy.scope(user, Referral)
        .filter(person_id__in=visible_ids)
        .select_related("to_agency", "from_agency")
    )
    all_involved = policy.involved_holders(visible_ids)
    members, former = [], []
    # A merged record's row (a duplicate membership a merge left behind) is not a member of its own.
    memberships = household.memberships.filter(person__merged_into__isnull=True)
    for membership in memberships.select_related("person").order_by("left_on", "pk"):
        if membership.left_on is not None:
            former.append(membership)
            continue
        person = membership.person if membership.person_id in visible_ids else None
        view = MemberView(membership=membership, person=person)
        if person is not None:
            view.age = person.age
            seen_agencies = set()
            for c in consultations:
                if c.person_id != person.pk:
                    continue
                view.problems += [r.get_problem_display() for r in c.problem_rows.all()]
                view.patterns += [p.name for p in c.patterns.all()]
                seen_agencies.add(c.agency_id)
                view.agencies.append(_holder_name(c.agency))
                if c.status == Consultation.Status.OPEN:
                    view.open_consultations.append(c)
            for r in referrals:
                if r.person_id == person.pk:
                    view.referrals.append(r)
                    if r.status in (Referral.Status.ACCEPTED_JOINT, Referral.Status.ACCEPTED_TAKEOVER):
                        seen_agencies.add(r.to_agency_id)
                        view.agencies.append(r.to_agency.name)
            view.problems = list(dict.fromkeys(view.problems))
            view.patterns = list(dict.fromkeys(view.patterns))
            view.agencies = list(dict.fromkeys(view.agencies))
            view.hidden_involvement = bool(all_involved.get(person.pk, set()) - seen_agencies)
        members.append(view)
    former = [m for m in former if m.person_id in visible_ids]
    audit.record(user=user, action=Action.VIEW, obj=household, detail="世帯全体の表示")
    shown = [m.person for m in members if m.person] + [m.person for m in former]
    audit.record_many(
        user=user, action=Action.VIEW, objects=shown, model=Person, detail=f"世帯 {household.pk}"
    )
    return household, members, former


def merged_into_visible(*, user: User, person: Person) -> Person | None:
    """The record a merged person was merged into (for the 「統合されました」 banner), if the user may see it."""
    if person.merged_into_id is None:
        return None
    return policy.scope(user, Person).filter(pk=person.merged_into_id).first()


def merge_list(*, user: User, page=1, per_page=50) -> Page:
    """The merges (名寄せ) the user may see, newest first: those whose kept record the user may see."""
    qs = policy.scope(user, PersonMerge).select_related("kept", "merged", "merged_by", "undone_by")
    result = Paginator(qs.order_by("-merged_at", "-pk"), per_page).get_page(page)
    # The merged record's name only where the user may see that record (the kept one is seen by the scope).
    merged_ids = [m.merged_id for m in result.object_list]
    visible = set(policy.scope(user, Person).filter(pk__in=merged_ids).values_list("pk", flat=True))
    for m in result.object_list:
        m.merged_visible = m.merged_id in visible
    persons = [p for m in result.object_list for p in ((m.kept, m.merged) if m.merged_visible else (m.kept,))]
    audit.record_many(user=user, action=Action.LIST, objects=persons, model=Person, detail="名寄せの履歴")
    return result


def merge_get(*, user: User, pk) -> PersonMerge:
    return policy.get_or_404(user, PersonMerge.objects.select_related("kept", "merged"), pk=pk)
