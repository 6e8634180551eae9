"""The access policy: the one place that decides who may see and do what, per object type.

Every query of tenant data starts with `scope(user, Model)`; every action on an object asks
`can(user, action, obj)`. Views, the API, exports, prints and the admin all call these; nothing else
filters personal data. A record outside a user's scope is reported as missing (404), never as
forbidden, so that its existence is not confirmed.

Models are named by their label ("directory.Agency") so that core imports no domain app.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import (
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from .roles import CASEWORK_ROLES, Role
from .validators import MAX_DB_ID

VIEW = "view"
CHANGE = "change"
CREATE = "create"
DELETE = "delete"
REVOKE = "revoke"


@dataclass(frozen=True)
class Policy:
    """How one object type is scoped (`visible`) and which roles may act on it (`actions`)."""

    label: str
    visible: Callable  # (user, queryset) -> queryset, already limited to the user's municipality
    actions: dict[str, Callable]  # action -> (user, obj) -> bool
    tenant_field: str = "municipality"


_POLICIES: dict[str, Policy] = {}


def _register(policy: Policy) -> None:
    _POLICIES[policy.label.lower()] = policy


def _policy_for(model: type[Model]) -> Policy:
    try:
        return _POLICIES[model._meta.label_lower]
    except KeyError:
        raise LookupError(
            f"No access policy for {model._meta.label}: add one to kasane.core.policy"
        ) from None


def _is_staff_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.municipality_id)


# --- capabilities: pages and features that are not one record -------------------------------------

CAPABILITIES: dict[str, frozenset[str]] = {
    "directory.view": frozenset(Role),  # the directory is public information: every role
    "directory.manage": frozenset({Role.ADMIN, Role.MUNICIPAL}),
    "staff.manage": frozenset({Role.ADMIN}),
    "tenant.configure": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN}),
    "casework": CASEWORK_ROLES,
    "aggregates.view": frozenset({Role.EVALUATOR, Role.MUNICIPAL, Role.ADMIN}),
    # The municipal office watches that no referral is lost: it sees every overdue one (agencies and dates).
    "oversight": frozenset({Role.MUNICIPAL}),
}


def allows(user, capability: str) -> bool:
    return _is_staff_user(user) and bool(user.roles & CAPABILITIES[capability])


def require_capability(user, capability: str) -> None:
    if not allows(user, capability):
        raise PermissionDenied("この機能を使う権限がありません。")


# --- objects -----------------------------------------------------------------------------------------


def scope(user, model_or_queryset) -> QuerySet:
    """The rows of this type the user may see: never another municipality's, never out of policy."""
    qs = (
        model_or_queryset
        if isinstance(model_or_queryset, QuerySet)
        else model_or_queryset._default_manager.all()
    )
    policy = _policy_for(qs.model)
    if not _is_staff_user(user):
        return qs.none()
    if policy.tenant_field:
        qs = qs.filter(**{policy.tenant_field: user.municipality_id})
    return policy.visible(user, qs)


def get_or_404(user, model_or_queryset, **lookup) -> Model:
    """The object if the user may see it; otherwise 404, whether it is missing or out of scope."""
    if any(isinstance(v, int) and not -MAX_DB_ID <= v <= MAX_DB_ID for v in lookup.values()):
        raise Http404  # beyond any stored id (PostgreSQL would refuse the query itself)
    try:
        return scope(user, model_or_queryset).get(**lookup)
    except (
        ObjectDoesNotExist,
        MultipleObjectsReturned,
        ValidationError,
        ValueError,
        TypeError,
        OverflowError,
    ):
        raise Http404 from None


def can(user, action: str, obj: Model) -> bool:
    policy = _policy_for(type(obj))
    if not _is_staff_user(user):
        return False
    if policy.tenant_field and _tenant_id(obj, policy.tenant_field) != user.municipality_id:
        return False
    check = policy.actions.get(action)
    return bool(check and check(user, obj))


def require(user, action: str, obj: Model) -> None:
    """Raise PermissionDenied for a visible object the user may not act on (callers 404 the invisible)."""
    if not can(user, action, obj):
        raise PermissionDenied("この操作を行う権限がありません。")


def can_create(user, label: str) -> bool:
    policy = _POLICIES[label.lower()]
    check = policy.actions.get(CREATE)
    return _is_staff_user(user) and bool(check and check(user, None))


def require_create(user, label: str) -> None:
    if not can_create(user, label):
        raise PermissionDenied("登録する権限がありません。")


def _tenant_id(obj: Model, path: str):
    value = obj
    for part in path.split("__")[:-1]:
        value = getattr(value, part)
    return getattr(value, path.split("__")[-1] + "_id")


def model(label: str) -> type[Model]:
    return apps.get_model(label)


# --- the policies --------------------------------------------------------------------------------------


def _everyone(user, qs):
    return qs


def _role(*roles: str) -> Callable:
    return lambda user, obj: user.has_role(*roles)


_register(
    Policy(
        label="core.Municipality",
        tenant_field="",
        visible=lambda user, qs: qs.filter(pk=user.municipality_id),
        actions={
            VIEW: lambda user, obj: obj.pk == user.municipality_id,
            CHANGE: lambda user, obj: obj.pk == user.municipality_id and user.has_role(Role.ADMIN),
        },
    )
)

# Staff records: an admin manages all staff of the municipality; others see their own counter's staff.
_register(
    Policy(
        label="core.User",
        # Colleagues of the same counter see each other (e.g. to filter by 受付者); admins see everyone.
        visible=lambda user, qs: qs if user.has_role(Role.ADMIN) else qs.filter(holder_q("agency", user)),
        actions={
            VIEW: lambda user, obj: user.has_role(Role.ADMIN) or obj.pk == user.pk,
            CHANGE: _role(Role.ADMIN),
            CREATE: _role(Role.ADMIN),
        },
    )
)

_register(
    Policy(
        label="core.AccessLogEntry",
        visible=lambda user, qs: qs if user.has_role(Role.ADMIN) else qs.none(),
        actions={VIEW: _role(Role.ADMIN)},  # no CHANGE or DELETE for anyone: the log is append-only
    )
)

_register(
    Policy(
        label="core.ApiToken",
        tenant_field="user__municipality",
        visible=lambda user, qs: qs if user.has_role(Role.ADMIN) else qs.filter(user=user),
        actions={
            VIEW: lambda user, obj: user.has_role(Role.ADMIN) or obj.user_id == user.pk,
            REVOKE: lambda user, obj: user.has_role(Role.ADMIN) or obj.user_id == user.pk,
            CREATE: lambda user, obj: True,
        },
    )
)

# The agency directory is public information: every staff member of the municipality sees it.
_register(
    Policy(
        label="directory.Agency",
        visible=_everyone,
        actions={
            VIEW: lambda user, obj: True,
            CHANGE: _role(Role.ADMIN, Role.MUNICIPAL),
            CREATE: _role(Role.ADMIN, Role.MUNICIPAL),
        },
    )
)

_register(
    Policy(
        label="directory.Theme",
        visible=_everyone,
        actions={VIEW: lambda user, obj: True, CHANGE: _role(Role.ADMIN, Role.MUNICIPAL)},
    )
)


# --- people and intake: who sees a person, a consultation, a referral -------------------------------------
#
# A staff member works for a "holder": their agency, or the municipal office when they have none. Only
# casework roles see personal data (an admin or evaluator without one sees none). A holder sees a person
# when it registered them, recorded a consultation about them, sent or received a referral about them, or
# holds the person's active consent to share basic information. Narrative and household details need the
# consent's matching scope unless the holder recorded them itself.


def holder_q(field: str, user) -> Q:
    """Rows whose `field` is the user's holder (their agency, or NULL for the municipal office)."""
    return Q(**{field: user.agency_id}) if user.agency_id else Q(**{f"{field}__isnull": True})


def _consent_covering(user, scope: str):
    """Active consents whose scope covers the user's holder for this kind of information."""
    covering = holder_q("obtained_by_agency", user) | (
        Q(agencies=user.agency_id) if user.agency_id else Q(covers_municipal_office=True)
    )
    return model("intake.Consent").objects.filter(
        covering, withdrawn_on__isnull=True, municipality_id=user.municipality_id, **{f"share_{scope}": True}
    )


def _casework(user) -> bool:
    return bool(user.roles & CASEWORK_ROLES)


def person_visible(user, ref: str = "pk", registered_by: str = "registered_by_agency") -> Q:
    """The condition "the user's holder may see this person", correlated to each row (`ref` names the
    person's id on the row being filtered), so that a lookup of 8 candidates checks 8 persons, not all."""
    person = OuterRef(ref)
    consultation = model("intake.Consultation").objects.filter(holder_q("agency", user), person_id=person)
    referral = (
        model("intake.Referral")
        .objects.exclude(status="cancelled")
        .filter(holder_q("to_agency", user) | holder_q("from_agency", user), person_id=person)
    )
    consent = _consent_covering(user, "basic").filter(person_id=person)
    return holder_q(registered_by, user) | Exists(consultation) | Exists(referral) | Exists(consent)


def involved_holders(person_ids) -> dict[int, set]:
    """Which holders record consultations about these persons: only the fact, for 「他機関が関与」 (no content)."""
    result: dict[int, set] = {}
    rows = model("intake.Consultation").objects.filter(person_id__in=list(person_ids))
    for person_id, agency_id in rows.values_list("person_id", "agency_id").distinct():
        result.setdefault(person_id, set()).add(agency_id)
    return result


def referrals_for_oversight(user, qs):
    """Referrals the user watches: the municipal office's officers see all of the municipality's; others the
    ones they may see. Callers show a person only where `scope` allows it."""
    if allows(user, "oversight") and user.agency_id is None:
        return qs.filter(municipality_id=user.municipality_id)
    return scope(user, qs)


def _persons(user, qs):
    return qs.filter(person_visible(user)) if _casework(user) else qs.none()


def _consultations(user, qs):
    if not _casework(user):
        return qs.none()
    referred = (
        model("intake.Referral").objects.exclude(status="cancelled").filter(holder_q("to_agency", user))
    )
    return qs.filter(
        holder_q("agency", user) | Q(pk__in=referred.values("consultation_id")) | _shared_consultation_q(user)
    )


def _shared_consultation_q(user) -> Q:
    """Consultations whose content the person consented to share between the recording holder and the user's
    holder: one active consent must cover both. A consent recorded at one counter never opens another
    counter's records that the consent does not name (the recording counter is not a master key)."""
    consents = _consent_covering(user, "consultation").filter(person_id=OuterRef("person_id"))
    by_agency = consents.filter(
        Q(obtained_by_agency_id=OuterRef("agency_id")) | Q(agencies=OuterRef("agency_id"))
    )
    by_office = consents.filter(covers_municipal_office=True)
    return Exists(by_agency) | (Q(agency__isnull=True) & Exists(by_office))


def can_see_narrative(user, consultation) -> bool:
    """The narrative (相談内容) is the recording holder's, unless a consent shares it between both holders."""
    if consultation.agency_id == user.agency_id:
        return True
    rows = model("intake.Consultation").objects.filter(pk=consultation.pk)
    return rows.filter(_shared_consultation_q(user)).exists()


def can_see_household_details(user, person) -> bool:
    if person.registered_by_agency_id == user.agency_id:
        return True
    if model("intake.Consultation").objects.filter(holder_q("agency", user), person=person).exists():
        return True
    return _consent_covering(user, "household").filter(person=person).exists()


def _households(user, qs):
    if not _casework(user):
        return qs.none()
    # The household (address, 続柄, other members) needs more than seeing one member: the holder registered or
    # consulted a member, or holds a consent that shares the household (世帯の状況).
    person = OuterRef("person_id")
    own = holder_q("person__registered_by_agency", user) | Exists(
        model("intake.Consultation").objects.filter(holder_q("agency", user), person_id=person)
    )
    shared = Exists(_consent_covering(user, "household").filter(person_id=person))
    members = model("people.Membership").objects.filter(own | shared, household_id=OuterRef("pk"))
    return qs.filter(Exists(members))


def _referrals(user, qs):
    if not _casework(user):
        return qs.none()
    # A cancelled referral (sent to the wrong counter) stays with its sender only.
    return qs.filter((holder_q("to_agency", user) & ~Q(status="cancelled")) | holder_q("from_agency", user))


def _casework_and(check):
    return lambda user, obj: _casework(user) and check(user, obj)


def _person_change(user, person) -> bool:
    """A person's record is edited by the holder that registered them or recorded a consultation about them."""
    return person.registered_by_agency_id == user.agency_id or (
        model("intake.Consultation").objects.filter(holder_q("agency", user), person=person).exists()
    )


_register(
    Policy(
        label="people.Person",
        visible=_persons,
        actions={
            VIEW: _casework_and(lambda user, obj: True),
            CHANGE: _casework_and(_person_change),
            CREATE: lambda user, obj: _casework(user),
        },
    )
)


def _household_change(user, household) -> bool:
    """A household is edited by a holder that registered one of its members or recorded a consultation."""
    members = household.memberships.values("person_id")
    return (
        model("people.Person").objects.filter(holder_q("registered_by_agency", user), pk__in=members).exists()
        or model("intake.Consultation")
        .objects.filter(holder_q("agency", user), person_id__in=members)
        .exists()
        or not household.memberships.exists()
    )


_register(
    Policy(
        label="people.Household",
        visible=_households,
        actions={VIEW: _casework_and(lambda u, o: True), CHANGE: _casework_and(_household_change),
                 CREATE: lambda user, obj: _casework(user)},
    )
)  # fmt: skip
_register(
    Policy(
        label="people.Membership",
        tenant_field="household__municipality",
        visible=lambda user, qs: (
            qs.filter(person_visible(user, "person_id", "person__registered_by_agency"))
            if _casework(user)
            else qs.none()
        ),
        actions={VIEW: _casework_and(lambda u, o: True)},
    )
)
_register(
    Policy(
        label="intake.Consultation",
        visible=_consultations,
        actions={
            VIEW: _casework_and(lambda user, obj: True),
            # Only the recording counter edits its consultation; others add their own records.
            CHANGE: _casework_and(lambda user, obj: obj.agency_id == user.agency_id),
            CREATE: lambda user, obj: _casework(user),
        },
    )
)
_register(
    Policy(
        label="intake.Consent",
        visible=lambda user, qs: qs.filter(person_visible(user, "person_id", "person__registered_by_agency")) if _casework(user) else qs.none(),
        actions={VIEW: _casework_and(lambda u, o: True), CREATE: lambda user, obj: _casework(user),
                 CHANGE: _casework_and(lambda u, o: True)},
    )
)  # fmt: skip
_register(
    Policy(
        label="intake.Referral",
        visible=_referrals,
        actions={
            VIEW: _casework_and(lambda user, obj: True),
            CREATE: lambda user, obj: _casework(user),
            # The receiver answers; for a receiver without accounts (offline), the sender records the answer.
            "respond": _casework_and(
                lambda user, obj: (
                    obj.to_agency_id == user.agency_id
                    or (obj.offline and obj.from_agency_id == user.agency_id)
                )
            ),
            "cancel": _casework_and(lambda user, obj: obj.from_agency_id == user.agency_id),
        },
    )
)
_register(
    Policy(
        label="intake.Pattern",
        visible=_everyone,
        actions={VIEW: lambda user, obj: True, CHANGE: _role(Role.ADMIN)},
    )
)


# --- 多機関協働: cases and the two meetings ---------------------------------------------------------------
#
# A case is seen by the holder that opened it, and by the lead agency and team holders only while the person's
# active consent covers them (without consent the case goes to a 支援会議, where sharing happens in the
# meeting's compartment, not through the case). A meeting is seen by its members; a 支援会議's material
# (its agenda items) only by members who accepted the duty of secrecy for that meeting. A 重層的支援会議 item
# about a case is part of that case's record; a 支援会議 item reaches the case only when released after
# consent (recorded).


def _case_q(user) -> Q:
    """ "The user's holder may see this case", correlated to each case row."""
    team = model("cases.TeamMember").objects.filter(
        holder_q("agency", user), left_on__isnull=True, case_id=OuterRef("pk")
    )
    consent = _consent_covering(user, "basic").filter(person_id=OuterRef("person_id"))
    return holder_q("opened_by_agency", user) | (
        (holder_q("lead_agency", user) | Exists(team)) & Exists(consent)
    )


def _cases(user, qs):
    return qs.filter(_case_q(user)) if _casework(user) else qs.none()


def _case_member(user, case) -> bool:
    """Works on the case: the opening holder, or the lead / a team holder covered by the person's consent."""
    return model("cases.CollaborationCase").objects.filter(_case_q(user), pk=case.pk).exists()


def is_municipal_office(user) -> bool:
    """The municipality's own officers (所管課): they make the 支援決定 and convene 支援会議."""
    return user.agency_id is None and user.has_role(Role.MUNICIPAL)


_CASE_ROLES = (Role.COLLABORATION, Role.MUNICIPAL)

_register(
    Policy(
        label="cases.CollaborationCase",
        visible=_cases,
        actions={
            VIEW: _casework_and(lambda u, o: True),
            # The team records assessments, plans, support and contact attempts.
            CHANGE: _casework_and(_case_member),
            # Lifecycle steps, the team and the lead are the collaboration worker's (or the office's) to move.
            "transition": lambda user, obj: user.has_role(*_CASE_ROLES) and _case_member(user, obj),
            "decide": lambda user, obj: is_municipal_office(user) and _case_member(user, obj),
            DELETE: lambda user, obj: user.has_role(*_CASE_ROLES) and _case_member(user, obj),
            CREATE: lambda user, obj: user.has_role(*_CASE_ROLES),
        },
    )
)


def _meeting_member_q(user, ref: str = "pk") -> Q:
    seat = model("meetings.Participant").objects.filter(user=user, meeting_id=OuterRef(ref))
    return Exists(seat)


def _pledged_q(user, ref: str = "pk") -> Q:
    return Exists(model("meetings.SecrecyPledge").objects.filter(user=user, meeting_id=OuterRef(ref)))


def _meetings(user, qs):
    return qs.filter(_meeting_member_q(user)) if _casework(user) else qs.none()


def is_meeting_member(user, meeting) -> bool:
    return model("meetings.Participant").objects.filter(user=user, meeting=meeting).exists()


def has_pledged(user, meeting) -> bool:
    return model("meetings.SecrecyPledge").objects.filter(user=user, meeting=meeting).exists()


def may_see_meeting_material(user, meeting) -> bool:
    """A member sees the agenda; of a 支援会議 only after accepting the duty of secrecy for it."""
    return is_meeting_member(user, meeting) and (meeting.kind == "plan" or has_pledged(user, meeting))


def _agenda_items(user, qs):
    if not _casework(user):
        return qs.none()
    # A consent-based meeting shares a case's item only with members whose holder the person's consent covers
    # (a member outside the consent sees that there is an item, not what it says); a 支援会議 member who
    # accepted the duty of secrecy sees every item (法第106条の6).
    covered = Exists(_consent_covering(user, "basic").filter(person_id=OuterRef("case__person_id")))
    member = _meeting_member_q(user, "meeting_id") & (
        (Q(meeting__kind="plan") & (Q(case__isnull=True) | covered)) | _pledged_q(user, "meeting_id")
    )
    visible_cases = model("cases.CollaborationCase").objects.filter(
        _case_q(user), municipality_id=user.municipality_id
    )
    # A 重層的支援会議 item about a case belongs to the case's record; a 支援会議 item only once released, and
    # then only to those whom the person's consent to share consultation content covers.
    shares_content = Exists(
        _consent_covering(user, "consultation").filter(person_id=OuterRef("case__person_id"))
    )
    # (The opening counter keeps what was released into its own case record even after a withdrawal.)
    case_record = Q(case_id__in=visible_cases.values("pk")) & (
        Q(meeting__kind="plan")
        | (Q(release__isnull=False) & (shares_content | holder_q("case__opened_by_agency", user)))
    )
    return qs.filter(member | case_record)


_register(
    Policy(
        label="meetings.Meeting",
        visible=_meetings,
        actions={
            VIEW: _casework_and(lambda u, o: True),
            CHANGE: _casework_and(lambda user, obj: obj.convener_id == user.pk),
            "pledge": _casework_and(
                lambda user, obj: obj.kind == "confidential" and is_meeting_member(user, obj)
            ),
            "add_item": _casework_and(lambda user, obj: may_see_meeting_material(user, obj)),
            # 重層的支援会議: the collaboration worker (for the municipality) or the office; 支援会議: the municipality.
            CREATE: lambda user, obj: user.has_role(*_CASE_ROLES),
        },
    )
)
_register(
    Policy(
        label="meetings.AgendaItem",
        tenant_field="meeting__municipality",
        visible=_agenda_items,
        actions={
            VIEW: _casework_and(lambda u, o: True),
            CHANGE: _casework_and(lambda user, obj: may_see_meeting_material(user, obj.meeting)),
        },
    )
)
_register(
    Policy(
        label="meetings.MeetingBody",
        visible=_everyone,
        actions={VIEW: lambda user, obj: True, CHANGE: _role(Role.ADMIN, Role.MUNICIPAL),
                 CREATE: _role(Role.ADMIN, Role.MUNICIPAL)},
    )
)  # fmt: skip
# Resource gaps are anonymised (「40代男性・ひきこもり」): every casework role and the community staff see them.
_register(
    Policy(
        label="meetings.ResourceGap",
        visible=lambda user, qs: qs if _casework(user) or user.has_role(Role.ADMIN) else qs.none(),
        actions={VIEW: lambda user, obj: True, CREATE: lambda user, obj: _casework(user),
                 CHANGE: lambda user, obj: _casework(user)},
    )
)  # fmt: skip


# --- outreach (issue 5): engagements before consent ----------------------------------------------------------
#
# Before the person's consent an engagement (a neighbour's worry about someone who has not asked for help) is
# the outreach team's (staff with the outreach role) and the municipal office's only. Once the person is
# identified and an active consent is on record, it is visible as the person is; a 支援会議 that decided on
# the engagement's case (an item with an outcome) opens it to that meeting's pledged members.


def is_outreach_team(user) -> bool:
    return user.has_role(Role.OUTREACH) or is_municipal_office(user)


def _engagement_shared_q(user) -> Q:
    consent = model("intake.Consent").objects.filter(
        withdrawn_on__isnull=True, person_id=OuterRef("person_id")
    )
    consented = Exists(consent) & person_visible(user, "person_id", "person__registered_by_agency")
    items = model("meetings.AgendaItem").objects.filter(
        meeting__municipality_id=user.municipality_id,
        meeting__kind="confidential",
        case_id=OuterRef("case_id"),
    )
    decided = Exists(_agenda_items(user, items.exclude(outcome="")))
    return (Q(person__isnull=False) & consented) | (Q(case__isnull=False) & decided)


def _engagements(user, qs):
    if not _casework(user):
        return qs.none()
    return qs if is_outreach_team(user) else qs.filter(_engagement_shared_q(user))


_register(
    Policy(
        label="outreach.Engagement",
        visible=_engagements,
        actions={
            VIEW: _casework_and(lambda u, o: True),
            CHANGE: _casework_and(lambda user, obj: is_outreach_team(user)),
            CREATE: lambda user, obj: _casework(user) and is_outreach_team(user),
        },
    )
)
for _label in ("outreach.EngagementAttempt", "outreach.StageChange"):
    _register(
        Policy(
            label=_label,
            tenant_field="engagement__municipality",
            visible=lambda user, qs: qs.filter(
                engagement__in=_engagements(user, model("outreach.Engagement").objects.all())
            ),
            actions={VIEW: _casework_and(lambda u, o: True)},
        )
    )
# (end of outreach)

# --- participation (issue 5): community resources, matches ---------------------------------------------------
#
# Resources (社会資源) and their kinds hold no personal data: every staff member of the municipality sees and
# searches them; the community staff maintain them. A person's needs, matches and follow-ups are seen with the
# case they belong to and written by the case's team.

_COMMUNITY_STAFF = (Role.OUTREACH, Role.COLLABORATION, Role.MUNICIPAL, Role.ADMIN)

for _label in ("participation.Resource", "participation.ResourceKind"):
    _register(
        Policy(
            label=_label,
            visible=_everyone,
            actions={VIEW: lambda user, obj: True, CHANGE: _role(*_COMMUNITY_STAFF),
                     CREATE: _role(*_COMMUNITY_STAFF), DELETE: _role(*_COMMUNITY_STAFF)},
        )
    )  # fmt: skip
_register(
    Policy(
        label="participation.ParticipationSettings",
        visible=_everyone,
        actions={VIEW: lambda user, obj: True, CHANGE: _role(Role.ADMIN)},
    )
)


def _with_visible_case(ref: str) -> Callable:
    def visible(user, qs):
        if not _casework(user):
            return qs.none()
        cases = model("cases.CollaborationCase").objects.filter(
            _case_q(user), municipality_id=user.municipality_id
        )
        return qs.filter(**{f"{ref}__in": cases.values("pk")})

    return visible


def _participation_rules(case_of: Callable) -> dict:
    return {
        VIEW: _casework_and(lambda u, o: True),
        CHANGE: _casework_and(lambda user, obj: _case_member(user, case_of(obj))),
        CREATE: lambda user, obj: _casework(user),
    }


_register(Policy(label="participation.Match", visible=_with_visible_case("case"),
                 actions=_participation_rules(lambda m: m.case)))  # fmt: skip
_register(Policy(label="participation.Needs", tenant_field="case__municipality",
                 visible=_with_visible_case("case"), actions=_participation_rules(lambda n: n.case)))  # fmt: skip
_register(Policy(label="participation.FollowUp", tenant_field="match__municipality",
                 visible=_with_visible_case("match__case"), actions=_participation_rules(lambda f: f.match.case)))  # fmt: skip
# (end of participation)

# --- community (issue 5): 地域づくり records ---------------------------------------------------------------------
# Places, activities, attendance counts, coordinators, network meetings and trainings hold no personal data:
# every staff member of the municipality sees them (evaluators too, read-only); the community-building and
# casework coordinators, the office and the admin keep them.
COMMUNITY_EDITORS = (Role.OUTREACH, Role.COLLABORATION, Role.MUNICIPAL, Role.ADMIN)
CAPABILITIES["community.view"] = frozenset(Role)
for _label, _tenant in (
    ("community.Activity", "municipality"),
    ("community.Session", "activity__municipality"),
    ("community.Coordinator", "municipality"),
    ("community.NetworkMeeting", "municipality"),
    ("community.Training", "municipality"),
):
    _register(
        Policy(
            label=_label,
            tenant_field=_tenant,
            visible=_everyone,
            actions={
                VIEW: lambda user, obj: True,
                CHANGE: _role(*COMMUNITY_EDITORS),
                CREATE: _role(*COMMUNITY_EDITORS),
                DELETE: _role(*COMMUNITY_EDITORS),
            },
        )
    )
del _label, _tenant
# (end of community)

# --- practices ---
# The library of the FY2018 model-project reports (issue 8) is public data with no tenant: every staff role reads
# it (evaluators too) and nobody edits it (only the import command replaces it). The municipality's own 人口・世帯数・
# 高齢化率, which the peer comparison starts from, are kept by the office and the admin.
CAPABILITIES["practices.view"] = frozenset(Role)
CAPABILITIES["practices.own_figures"] = frozenset({Role.MUNICIPAL, Role.ADMIN})
# (end of practices)

# --- evaluation (issue 6): progress sheets, outcome targets, statistics -----------------------------------------
# Progress sheets and outcome targets hold no personal data: every staff role reads them (the evaluator and the
# council too); the municipal office and the admin edit them.
_EVALUATION_EDITORS = (Role.MUNICIPAL, Role.ADMIN)
for _label, _tenant in (
    ("evaluation.Plan", "municipality"),
    ("evaluation.Measure", "plan__municipality"),
    ("evaluation.Indicator", "measure__plan__municipality"),
    ("evaluation.OutcomeTarget", "municipality"),
):
    _register(
        Policy(
            label=_label,
            tenant_field=_tenant,
            visible=_everyone,
            actions={VIEW: lambda user, obj: True, CHANGE: _role(*_EVALUATION_EDITORS),
                     CREATE: _role(*_EVALUATION_EDITORS), DELETE: _role(*_EVALUATION_EDITORS)},
        )
    )  # fmt: skip
# (end of evaluation)

# --- people merge (issue 7): 名寄せ, merging two person records and undoing it ---------------------------------
# Merging re-points every record of one person to another, so it is the coordinators' work (多機関協働) and the
# municipal office's (市町村担当), and an admin's who also holds a casework role. Both records must be ones the
# user may see (merging a record you cannot see would disclose or move another holder's records). A merge is
# seen, and undone, by the same users when they may see the record that was kept.
_MERGE_ROLES = (Role.COLLABORATION, Role.MUNICIPAL, Role.ADMIN)
CAPABILITIES["people.merge"] = frozenset(_MERGE_ROLES)


def may_merge_persons(user) -> bool:
    return allows(user, "people.merge") and _casework(user)


def require_merge_persons(user) -> None:
    if not may_merge_persons(user):
        raise PermissionDenied("本人の記録を統合（名寄せ）する権限がありません。")


_register(
    Policy(
        label="people.PersonMerge",
        visible=lambda user, qs: (
            qs.filter(person_visible(user, "kept_id", "kept__registered_by_agency"))
            if may_merge_persons(user)
            else qs.none()
        ),
        actions={
            VIEW: lambda user, obj: may_merge_persons(user),
            "undo": lambda user, obj: may_merge_persons(user),
        },
    )
)
# (end of people merge)
