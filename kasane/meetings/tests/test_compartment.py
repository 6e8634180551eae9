"""The 支援会議 compartment and the consent rules, through the policy and the selectors (not the UI).

DOMAIN §5: what is shared in a 支援会議 stays in that meeting: its members see it only after accepting the
duty of secrecy; nobody else does, not even through a case they can see, until an item is released into the
case after the person consented. Tax-sourced material never enters a 支援会議 without consent. Consent decides
who else sees the case. Another municipality sees nothing.

The hypothesis test draws members, pledges, consents, team members, releases and withdrawals, and checks what
each user sees against the rule computed here, independently of the policy's code.
"""

import os
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_agency, make_user
from kasane.cases import selectors as case_selectors
from kasane.cases import services as case_services
from kasane.cases.models import CollaborationCase
from kasane.cases.tests.conftest import record_person
from kasane.core import policy
from kasane.core.errors import DomainError
from kasane.core.roles import Role
from kasane.intake import services as intake_services
from kasane.meetings import selectors, services
from kasane.meetings.models import AgendaItem, Meeting, Participant, SecrecyPledge

pytestmark = pytest.mark.django_db

# Users who may be drawn as members of the 支援会議 (the worker and the convening office always are, pledged).
CANDIDATES = ["colleague", "b_staff", "c_staff", "office2", "admin"]


@pytest.fixture
def world(municipality, other_municipality):
    a = make_agency(municipality, "地域包括支援センター")
    b = make_agency(municipality, "障害者生活支援センター")
    c = make_agency(municipality, "社会福祉協議会")
    other_agency = make_agency(other_municipality, "長野市 社会福祉協議会")
    return {
        "municipality": municipality,
        "a": a,
        "b": b,
        "c": c,
        "worker": make_user(municipality, "kyodo", [Role.COLLABORATION, Role.COUNSELOR], agency=a),
        "colleague": make_user(municipality, "kyodo2", [Role.COUNSELOR], agency=a),
        "b_staff": make_user(municipality, "shogai", [Role.COUNSELOR], agency=b),
        "c_staff": make_user(municipality, "shakyo", [Role.COUNSELOR], agency=c),
        "office": make_user(municipality, "shichoson", [Role.MUNICIPAL]),
        "office2": make_user(municipality, "shichoson2", [Role.MUNICIPAL]),
        "admin": make_user(municipality, "kanri", [Role.ADMIN]),
        "evaluator": make_user(municipality, "hyoka", [Role.EVALUATOR]),
        "foreign": make_user(
            other_municipality, "nagano", [Role.COUNSELOR, Role.MUNICIPAL], agency=other_agency
        ),
        "foreign_office": make_user(other_municipality, "nagano_shi", [Role.MUNICIPAL, Role.COLLABORATION]),
        "foreign_admin": make_user(other_municipality, "nagano_kanri", [Role.ADMIN]),
    }


USERS = [
    "worker", "colleague", "b_staff", "c_staff", "office", "office2", "admin", "evaluator", "foreign",
    "foreign_office", "foreign_admin",
]  # fmt: skip


def ids(rows) -> set[int]:
    return {r.pk for r in rows}


def rolled_back():
    """A savepoint per hypothesis example: the test's transaction spans all examples."""

    class _Ctx:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
            return False

    return _Ctx()


@settings(
    max_examples=int(os.environ.get("KASANE_DEEP_EXAMPLES", 30)), deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(
    consent=st.sampled_from(["none", "office", "office_and_b"]),
    b_joins=st.booleans(),
    members=st.sets(st.sampled_from(CANDIDATES)),
    pledges=st.sets(st.sampled_from(CANDIDATES)),
    released=st.sets(st.integers(0, 2)),
    withdraw=st.booleans(),
)
def test_who_sees_the_confidential_meetings_items(
    world, consent, b_joins, members, pledges, released, withdraw
):
    w = world
    with rolled_back():
        worker, office = w["worker"], w["office"]
        today = timezone.localdate()
        person = record_person(worker, consent=False)
        if consent != "none":
            consent_row = intake_services.consent_record(
                user=worker, person=person, obtained_on=today, method="written", share_consultation=True,
                agencies=[w["b"]] if consent == "office_and_b" else [],
            )  # fmt: skip
        case = case_services.case_open(user=worker, person=person, title="事例", reason_several_fields=True)
        b_in_team = False
        if b_joins:
            try:
                case_services.team_add(user=worker, case=case, agency=w["b"], role="障害福祉")
                b_in_team = True
            except DomainError:
                assert consent != "office_and_b"  # refused only when the consent does not cover B
        assert b_in_team == (b_joins and consent == "office_and_b")

        # The 支援会議: convened by the office, the worker a member; both accept the duty of secrecy.
        meeting = services.meeting_create(user=office, kind="confidential", title="支援会議", held_on=today,
                                          place="会議室")  # fmt: skip
        services.participant_add(user=office, meeting=meeting, staff=worker)
        for name in members:
            services.participant_add(user=office, meeting=meeting, staff=w[name])
        services.pledge_accept(user=office, meeting=meeting, accepted=True)
        services.pledge_accept(user=worker, meeting=meeting, accepted=True)
        pledged = set()
        for name in pledges:
            if name in members and w[name].has_role(*[Role.COUNSELOR, Role.MUNICIPAL, Role.COLLABORATION]):
                services.pledge_accept(user=w[name], meeting=meeting, accepted=True)
                pledged.add(name)
            else:  # a non-member, or a role without casework, cannot pledge
                with pytest.raises(PermissionDenied):
                    services.pledge_accept(user=w[name], meeting=meeting, accepted=True)

        items = [
            services.item_add(user=worker, meeting=meeting, kind="concern", title=f"議題{i}", case=case)
            for i in range(3)
        ]
        no_case = services.item_add(user=worker, meeting=meeting, kind="emergency", title="緊急",
                                    emergency_reason="abuse")  # fmt: skip
        released_ids = set()
        for i in released:
            if consent == "none":
                with pytest.raises(DomainError):
                    services.item_release(user=worker, item=items[i])
            else:
                services.item_release(user=worker, item=items[i])
                released_ids.add(items[i].pk)
        active = consent != "none"
        if withdraw and active:
            intake_services.consent_withdraw(user=worker, consent=consent_row, withdrawn_on=today)
            case_services.case_refresh_consent(user=worker, case=case)
            active = False

        all_items = {i.pk for i in items} | {no_case.pk}
        compartment = {"worker", "office", *pledged}  # members who accepted the duty of secrecy

        def sees_case(name):
            user = w[name]
            if user.municipality_id != w["municipality"].pk or not user.roles & {
                Role.COUNSELOR, Role.COLLABORATION, Role.OUTREACH, Role.MUNICIPAL,
            }:  # fmt: skip
                return False
            if user.agency_id == w["a"].pk:
                return True  # the opening counter
            if not active:
                return False
            if user.agency_id is None:
                return True  # the office: covered by the consent and on the team (for its 支援決定)
            return user.agency_id == w["b"].pk and consent == "office_and_b" and b_in_team

        for name in USERS:
            user = w[name]
            in_compartment = name in compartment
            assert policy.scope(user, CollaborationCase).filter(pk=case.pk).exists() == sees_case(name), name
            # items_of: everything for the pledged members, nothing for anyone else
            assert ids(selectors.items_of(user=user, meeting=meeting)) == (
                all_items if in_compartment else set()
            ), name
            # the policy's scope: the compartment, plus released items of a case the user sees
            expected = all_items if in_compartment else (released_ids if sees_case(name) else set())
            assert ids(policy.scope(user, AgendaItem).filter(meeting=meeting)) == expected, name
            # the case's meeting record: only released items, and only for whoever sees the case
            if sees_case(name):
                assert ids(selectors.items_for_case(user=user, case=case)) == released_ids, name
            if not in_compartment:
                assert not (ids(selectors.items_for_case(user=user, case=case)) - released_ids), name
                assert not policy.may_see_meeting_material(user, meeting), name


def test_pledge_opens_the_compartment_and_a_non_member_never_enters(world):
    w = world
    worker, office, member, colleague = w["worker"], w["office"], w["b_staff"], w["colleague"]
    case = case_services.case_open(user=worker, person=record_person(worker, consent=False), title="事例",
                                   reason_several_fields=True)  # fmt: skip
    meeting = services.meeting_create(user=office, kind="confidential", title="支援会議",
                                      held_on=timezone.localdate(), place="会議室")  # fmt: skip
    services.participant_add(user=office, meeting=meeting, staff=worker)
    services.participant_add(user=office, meeting=meeting, staff=member)
    services.pledge_accept(user=worker, meeting=meeting, accepted=True)
    item = services.item_add(user=worker, meeting=meeting, kind="concern", title="気になる事案", case=case)

    assert selectors.items_of(user=member, meeting=meeting) == []
    assert not policy.scope(member, AgendaItem).filter(pk=item.pk).exists()
    with pytest.raises(PermissionDenied):
        services.item_add(user=member, meeting=meeting, kind="concern", title="x")
    with pytest.raises(DomainError):
        services.pledge_accept(user=member, meeting=meeting, accepted=False)
    assert selectors.items_of(user=member, meeting=meeting) == []
    # Another 支援会議 on the same case, with the same member: a pledge opens one meeting only.
    second = services.meeting_create(user=office, kind="confidential", title="支援会議（2回目）",
                                     held_on=timezone.localdate(), place="会議室")  # fmt: skip
    services.participant_add(user=office, meeting=second, staff=worker)
    services.participant_add(user=office, meeting=second, staff=member)
    services.pledge_accept(user=worker, meeting=second, accepted=True)
    other_item = services.item_add(user=worker, meeting=second, kind="concern", title="2回目", case=case)
    services.pledge_accept(user=member, meeting=meeting, accepted=True)
    assert ids(selectors.items_of(user=member, meeting=meeting)) == {item.pk}
    assert selectors.items_of(user=member, meeting=second) == []
    assert ids(policy.scope(member, AgendaItem)) == {item.pk}
    assert ids(policy.scope(worker, AgendaItem)) == {item.pk, other_item.pk}
    # The colleague at the worker's counter sees the case but is no member: nothing of the meeting.
    assert policy.scope(colleague, CollaborationCase).filter(pk=case.pk).exists()
    assert selectors.items_of(user=colleague, meeting=meeting) == []
    assert selectors.items_for_case(user=colleague, case=case) == []
    assert not policy.scope(colleague, Meeting).filter(pk=meeting.pk).exists()
    with pytest.raises(PermissionDenied):
        services.pledge_accept(user=colleague, meeting=meeting, accepted=True)


def test_release_reaches_the_case_team_and_an_unreleased_item_never_does(world):
    w = world
    worker, office = w["worker"], w["office"]
    person = record_person(worker, consent=False)
    case = case_services.case_open(user=worker, person=person, title="事例", reason_several_fields=True)
    meeting = services.meeting_create(user=office, kind="confidential", title="支援会議",
                                      held_on=timezone.localdate(), place="会議室")  # fmt: skip
    services.participant_add(user=office, meeting=meeting, staff=worker)
    services.pledge_accept(user=worker, meeting=meeting, accepted=True)
    kept = services.item_add(user=worker, meeting=meeting, kind="concern", title="残す", case=case)
    moved = services.item_add(user=worker, meeting=meeting, kind="concern", title="移す", case=case)
    with pytest.raises(DomainError, match="同意"):
        services.item_release(user=worker, item=moved)
    consent = intake_services.consent_record(user=worker, person=person, obtained_on=timezone.localdate(),
                                             method="written", share_consultation=True, agencies=[w["b"]])  # fmt: skip
    case = case_services.case_attach_consent(user=worker, case=case, consent=consent)
    case_services.team_add(user=worker, case=case, agency=w["b"], role="障害福祉")
    services.item_release(user=worker, item=moved)
    for name in ("colleague", "b_staff", "office2"):
        assert ids(selectors.items_for_case(user=w[name], case=case)) == {moved.pk}, name
        assert not policy.scope(w[name], AgendaItem).filter(pk=kept.pk).exists(), name
        assert selectors.items_of(user=w[name], meeting=meeting) == [], name
    for name in ("c_staff", "foreign", "foreign_office", "admin", "evaluator"):
        assert not policy.scope(w[name], AgendaItem).filter(pk__in=[kept.pk, moved.pk]).exists(), name


def test_withdrawing_consent_removes_another_agencys_view_of_the_case(world):
    w = world
    worker = w["worker"]
    person = record_person(worker, consent=False)
    consent = intake_services.consent_record(user=worker, person=person, obtained_on=timezone.localdate(),
                                             method="written", share_consultation=True, agencies=[w["b"]])  # fmt: skip
    case = case_services.case_open(user=worker, person=person, title="事例", reason_several_fields=True)
    case_services.team_add(user=worker, case=case, agency=w["b"], role="障害福祉")
    for name in ("b_staff", "office"):
        assert policy.scope(w[name], CollaborationCase).filter(pk=case.pk).exists(), name
    assert not policy.scope(w["c_staff"], CollaborationCase).filter(pk=case.pk).exists()
    intake_services.consent_withdraw(user=worker, consent=consent, withdrawn_on=timezone.localdate())
    for name in ("b_staff", "office", "office2", "c_staff"):
        assert not policy.scope(w[name], CollaborationCase).filter(pk=case.pk).exists(), name
    assert (
        policy.scope(w["worker"], CollaborationCase).filter(pk=case.pk).exists()
    )  # the opening counter keeps it
    case = case_services.case_refresh_consent(user=worker, case=case)
    assert case.route == "confidential"


def test_tax_sourced_material_needs_consent_and_hides_after_withdrawal(world):
    w = world
    worker, office = w["worker"], w["office"]
    person = record_person(worker, consent=False)
    case = case_services.case_open(user=worker, person=person, title="事例", reason_several_fields=True)
    meeting = services.meeting_create(user=office, kind="confidential", title="支援会議",
                                      held_on=timezone.localdate(), place="会議室")  # fmt: skip
    services.participant_add(user=office, meeting=meeting, staff=worker)
    services.pledge_accept(user=worker, meeting=meeting, accepted=True)
    item = services.item_add(user=worker, meeting=meeting, kind="concern", title="気になる事案", case=case)
    no_case = services.item_add(user=worker, meeting=meeting, kind="concern", title="事例なし")
    for target in (item, no_case):
        with pytest.raises(DomainError, match="税務情報"):
            services.attachment_add(user=worker, item=target, name="課税.pdf", content_type="application/pdf",
                                    data=b"%PDF-1.4", tax_sourced=True)  # fmt: skip
    plain = services.attachment_add(user=worker, item=item, name="メモ.pdf", content_type="application/pdf",
                                    data=b"%PDF-1.4")  # fmt: skip
    consent = intake_services.consent_record(user=worker, person=person, obtained_on=timezone.localdate(),
                                             method="written", share_consultation=True)  # fmt: skip
    tax = services.attachment_add(user=worker, item=item, name="課税.pdf", content_type="application/pdf",
                                  data=b"%PDF-1.4", tax_sourced=True)  # fmt: skip
    assert services.attachment_visible(worker, tax) and services.attachment_visible(worker, plain)
    intake_services.consent_withdraw(user=worker, consent=consent, withdrawn_on=timezone.localdate())
    tax.refresh_from_db()
    assert not services.attachment_visible(worker, tax)
    assert services.attachment_visible(worker, plain)


def test_tax_sourced_material_needs_consent_in_a_plan_meeting_run_without_consent(world):
    """A tenant that runs its 重層的支援会議 without consent shares there as in a 支援会議: 地方税法第22条 applies."""
    w = world
    municipality = w["municipality"]
    municipality.plan_meeting_needs_consent = False
    municipality.save()
    worker = w["worker"]
    worker.refresh_from_db()
    case = case_services.case_open(user=worker, person=record_person(worker, consent=False), title="事例",
                                   reason_several_fields=True)  # fmt: skip
    meeting = services.meeting_create(user=worker, kind="plan", title="重層的支援会議",
                                      held_on=timezone.localdate(), place="会議室")  # fmt: skip
    assert not meeting.consent_required
    item = services.item_add(user=worker, meeting=meeting, kind="concern", title="議題", case=case)
    with pytest.raises(DomainError, match="税務情報"):
        services.attachment_add(user=worker, item=item, name="課税.pdf", content_type="application/pdf",
                                data=b"%PDF-1.4", tax_sourced=True)  # fmt: skip


@pytest.mark.parametrize("needs_consent", [True, False])
def test_a_case_without_consent_on_the_plan_meeting_agenda_follows_the_tenant_setting(world, needs_consent):
    w = world
    municipality = w["municipality"]
    municipality.plan_meeting_needs_consent = needs_consent
    municipality.save()
    worker = w["worker"]
    worker.refresh_from_db()
    case = case_services.case_open(user=worker, person=record_person(worker, consent=False), title="事例",
                                   reason_several_fields=True)  # fmt: skip
    case_services.plan_create(user=worker, case=case, goals="目標", policy_text="方針",
                              made_on=timezone.localdate(), supports=[{"kind": "other", "content": "家計"}])  # fmt: skip
    meeting = services.meeting_create(user=worker, kind="plan", title="重層的支援会議",
                                      held_on=timezone.localdate(), place="会議室")  # fmt: skip
    assert meeting.consent_required == needs_consent
    if needs_consent:
        with pytest.raises(DomainError, match="同意"):
            services.item_add(user=worker, meeting=meeting, kind="case", title="", case=case, timing=1)
        assert not AgendaItem.objects.filter(case=case).exists()
    else:
        item = services.item_add(user=worker, meeting=meeting, kind="case", title="", case=case, timing=1)
        assert ids(selectors.items_for_case(user=worker, case=case)) == {item.pk}


def test_another_municipality_sees_nothing_even_with_a_forged_seat(world):
    """Tenancy holds even against rows that the services would never write (a seat and a pledge for an
    outsider, inserted directly)."""
    w = world
    worker, office = w["worker"], w["office"]
    person = record_person(worker, consent=True, agencies=[w["b"]])
    case = case_services.case_open(user=worker, person=person, title="事例", reason_several_fields=True)
    confidential = services.meeting_create(user=office, kind="confidential", title="支援会議",
                                           held_on=timezone.localdate(), place="会議室")  # fmt: skip
    services.pledge_accept(user=office, meeting=confidential, accepted=True)
    services.item_add(user=office, meeting=confidential, kind="concern", title="気になる事案", case=case)
    plan = services.meeting_create(user=worker, kind="plan", title="重層的支援会議",
                                   held_on=timezone.localdate() - timedelta(days=1), place="会議室")  # fmt: skip
    services.item_add(user=worker, meeting=plan, kind="concern", title="議題", case=case)
    for name in ("foreign", "foreign_office", "foreign_admin"):
        outsider = w[name]
        with pytest.raises(DomainError):
            services.participant_add(user=office, meeting=confidential, staff=outsider)
        for meeting in (confidential, plan):
            Participant.objects.create(meeting=meeting, user=outsider, name="x", organisation="x")
            SecrecyPledge.objects.create(meeting=meeting, user=outsider, text="x")
        assert not policy.scope(outsider, CollaborationCase).exists(), name
        assert not policy.scope(outsider, Meeting).exists(), name
        assert not policy.scope(outsider, AgendaItem).exists(), name
        for meeting in (confidential, plan):
            assert selectors.items_of(user=outsider, meeting=meeting) == [], name
            assert not policy.can(outsider, policy.VIEW, meeting), name
            assert not policy.can(outsider, "add_item", meeting), name
        assert selectors.items_for_case(user=outsider, case=case) == [], name
        assert case_selectors.case_list(user=outsider) == [], name
