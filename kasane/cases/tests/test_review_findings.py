"""Regressions for what the review of 多機関協働 found: consent scope in meetings and assessments, approvals of
edited plans, ③/④ from before the period of support, and contacts that succeeded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kasane.cases import selectors, services
from kasane.core.errors import DomainError, TransitionRefused
from kasane.intake import services as intake_services
from kasane.meetings import selectors as meeting_selectors
from kasane.meetings import services as meeting_services
from kasane.people import services as people_services

from .conftest import hold_meeting, make_plan, open_case, record_person, refresh

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _basic_consent_for(worker, person, agency):
    return intake_services.consent_record(user=worker, person=person, obtained_on=TODAY(), method="written",
                                          agencies=[agency])  # fmt: skip


def test_a_plan_meeting_member_outside_the_consent_does_not_read_the_cases_item(team):
    worker, outsider = team["worker"], team["outsider"]
    case = open_case(
        worker, record_person(worker, consent=True)
    )  # consent: the worker's agency and the office
    make_plan(worker, case, "other")
    meeting = meeting_services.meeting_create(
        user=worker, kind="plan", title="会議", held_on=TODAY(), place="室"
    )
    meeting_services.participant_add(user=worker, meeting=meeting, staff=outsider)
    item = meeting_services.item_add(user=worker, meeting=meeting, kind="case", title="", case=case, timing=1)
    assert meeting_selectors.items_of(user=worker, meeting=meeting) == [item]
    assert meeting_selectors.items_of(user=outsider, meeting=meeting) == []
    # a case-less item of the same meeting is shared with every member
    general = meeting_services.item_add(
        user=worker, meeting=meeting, kind="concern", title="地域の見守り体制"
    )
    assert meeting_selectors.items_of(user=outsider, meeting=meeting) == [general]


def test_an_assessment_shows_other_members_only_where_the_consent_shares_the_household(team):
    worker, other_staff, other_agency = team["worker"], team["other_staff"], team["other_agency"]
    person = people_services.person_create(user=worker, family_name="長野", given_name="花子")
    daughter = people_services.person_create(user=worker, family_name="長野", given_name="みどり")
    household = people_services.household_create(user=worker, head=person)
    people_services.membership_add(user=worker, household=household, person=daughter, relationship="child")
    _basic_consent_for(worker, person, other_agency)  # basic only: no household, no consultation content
    case = open_case(worker, person, household=household)
    services.team_add(user=worker, case=case, agency=other_agency, role="障害福祉")
    assessment = services.assessment_create(
        user=worker, case=case, assessed_on=TODAY(), household_issues="世帯の課題（秘）",
        entries=[{"person": person, "wishes": "家で暮らしたい"}, {"person": daughter, "risks": "通院の中断"}],
    )  # fmt: skip
    mine, household_shown = selectors.assessment_view(user=worker, assessment=assessment)
    assert {e.person_id for e in mine} == {person.pk, daughter.pk} and household_shown
    theirs, household_shown = selectors.assessment_view(user=other_staff, assessment=assessment)
    assert [e.person_id for e in theirs] == [person.pk] and not household_shown


def test_an_approval_recorded_after_the_plan_changed_needs_a_later_meeting(team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    plan = make_plan(worker, case, "other")
    old_meeting = meeting_services.meeting_create(user=worker, kind="plan", title="前回", place="室",
                                                  held_on=TODAY() - timedelta(days=10))  # fmt: skip
    item = meeting_services.item_add(
        user=worker, meeting=old_meeting, kind="case", title="", case=case, timing=1
    )
    # the plan is edited today, after that meeting
    services.plan_update(user=worker, plan=plan, version=plan.version, goals="変更後の目標", policy_text="方針",
                         made_on=TODAY(), supports=[{"kind": "other", "content": "家計の相談"}])  # fmt: skip
    with pytest.raises(DomainError, match="会議の後にプランが変更"):
        meeting_services.item_record(user=worker, item=item, version=item.version, outcome="approve_plan")
    hold_meeting(worker, case, 1, outcome="approve_plan")  # a meeting today approves the content as it is
    case = services.case_transition(
        user=worker, case=case, action="submit_plan", version=refresh(case).version
    )
    assert case.state == "confirmed"


def test_closure_decided_before_support_started_does_not_count(team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, "other")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    hold_meeting(worker, case, 3, outcome="closure")  # while the plan was still being made
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    services.case_transition(user=worker, case=case, action="start_support", version=refresh(case).version)
    with pytest.raises(TransitionRefused, match="③"):
        services.case_transition(user=worker, case=case, action="close", version=refresh(case).version,
                                 closing_evaluation="x", follow_up="y")  # fmt: skip


def test_suspension_counts_only_failed_attempts_after_the_last_contact(team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, "other")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    services.case_transition(user=worker, case=case, action="start_support", version=refresh(case).version)
    case.transitions.filter(action="start_support").update(at=timezone.now() - timedelta(days=120))
    for days_ago, outcome in ((100, "absent"), (80, "absent"), (60, "met"), (40, "absent"), (1, "absent")):
        services.contact_attempt_record(user=worker, case=case, attempted_on=TODAY() - timedelta(days=days_ago),
                                        method="visit", outcome=outcome)  # fmt: skip
    hold_meeting(worker, case, 4, outcome="suspension")
    with pytest.raises(
        TransitionRefused, match="連絡の試み"
    ):  # only 2 failed attempts since the meeting on day 60
        services.case_transition(user=worker, case=case, action="suspend", version=refresh(case).version,
                                 suspension_reason="連絡がとれない")  # fmt: skip
    services.contact_attempt_record(
        user=worker, case=case, attempted_on=TODAY(), method="phone", outcome="absent"
    )
    case = services.case_transition(user=worker, case=case, action="suspend", version=refresh(case).version,
                                    suspension_reason="連絡がとれない")  # fmt: skip
    assert case.state == "suspended"


def test_a_plan_with_participation_cannot_wait_for_a_decision_the_office_cannot_make(team):
    worker = team["worker"]
    person = people_services.person_create(user=worker, family_name="信濃", given_name="守")
    intake_services.consent_record(user=worker, person=person, obtained_on=TODAY(), method="written",
                                   covers_municipal_office=False)  # fmt: skip
    case = open_case(worker, person)
    make_plan(worker, case, "participation")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    with pytest.raises(TransitionRefused, match="市町村がこの事例のチームに"):
        services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
