"""The case flow through the services on the database: routes, the three confirmation patterns, re-plans,
closure and suspension, and the guards (wrong timing, another case's meeting, a future meeting, concurrency)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kasane.cases import services
from kasane.cases.models import MunicipalReport, Route
from kasane.core import policy
from kasane.core.errors import ConflictError, DomainError, TransitionRefused
from kasane.intake import services as intake_services

from .conftest import hold_meeting, make_plan, open_case, record_person, refresh

pytestmark = pytest.mark.django_db


def test_with_consent_the_case_takes_the_plan_meeting_route_and_the_office_joins(team):
    person = record_person(team["worker"], consent=True)
    case = open_case(team["worker"], person)
    assert case.route == Route.PLAN_MEETING
    assert case.team.filter(agency__isnull=True).exists()  # the office, for its 支援決定
    assert policy.scope(team["office"], type(case)).filter(pk=case.pk).exists()


def test_without_consent_only_the_opening_counter_sees_the_case(team):
    person = record_person(team["worker"], consent=False)
    case = open_case(team["worker"], person)
    assert case.route == Route.CONFIDENTIAL_MEETING
    assert policy.scope(team["colleague"], type(case)).filter(pk=case.pk).exists()
    for outsider in ("office", "other_staff", "outsider"):
        assert not policy.scope(team[outsider], type(case)).filter(pk=case.pk).exists(), outsider
    with pytest.raises(DomainError, match="同意"):
        services.team_add(user=team["worker"], case=case, agency=team["other_agency"], role="障害福祉")


def test_pattern_1_participation_only_is_confirmed_by_the_decision(team):
    worker, office = team["worker"], team["office"]
    case = open_case(worker, record_person(worker, consent=True))
    plan = make_plan(worker, case, "participation")
    with pytest.raises(TransitionRefused, match="①"):
        services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    hold_meeting(worker, case, 1, outcome="approve_plan")
    case = services.case_transition(
        user=worker, case=case, action="submit_plan", version=refresh(case).version
    )
    assert case.state == "awaiting_decision"
    with pytest.raises(PermissionError if False else Exception):
        services.decision_record(user=worker, case=case, plan=plan, decided_on=timezone.localdate())
    services.decision_record(user=office, case=case, plan=plan, decided_on=timezone.localdate())
    assert refresh(case).state == "confirmed"
    assert not MunicipalReport.objects.filter(case=case).exists()


def test_pattern_2_mixed_needs_the_review_of_the_other_supports(team):
    worker, office = team["worker"], team["office"]
    case = open_case(worker, record_person(worker, consent=True))
    plan = make_plan(worker, case, "outreach", "other")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    with pytest.raises(DomainError, match="以外の支援"):
        services.decision_record(user=office, case=case, plan=plan, decided_on=timezone.localdate())
    services.decision_record(
        user=office, case=case, plan=plan, decided_on=timezone.localdate(), reviewed_other_supports=True
    )
    assert refresh(case).state == "confirmed"


def test_pattern_3_no_outreach_is_confirmed_by_the_meeting_and_reported(team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, "other")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    case = services.case_transition(
        user=worker, case=case, action="submit_plan", version=refresh(case).version
    )
    assert case.state == "confirmed"
    report = MunicipalReport.objects.get(case=case)
    assert report.reported_on == timezone.localdate()


def _to_monitoring(team, *kinds):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, *(kinds or ("other",)))
    hold_meeting(worker, case, 1, outcome="approve_plan")
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    services.case_transition(user=worker, case=case, action="start_support", version=refresh(case).version)
    # support started three months ago: the contact attempts of these tests fall inside the period of support
    case.transitions.filter(action="start_support").update(at=timezone.now() - timedelta(days=90))
    return refresh(case)


def test_replan_keeps_the_previous_version_and_needs_meeting_2(team):
    worker = team["worker"]
    case = _to_monitoring(team)
    v1 = case.plans.get()
    v2 = make_plan(worker, case, "participation")
    case = refresh(case)
    assert (v2.number, case.state) == (2, "draft")
    with pytest.raises(TransitionRefused):
        services.plan_update(user=worker, plan=v1, version=v1.version, goals="書き換え", policy_text="x",
                             made_on=v1.made_on, supports=[{"kind": "other", "content": "x"}])  # fmt: skip
    hold_meeting(worker, case, 1, outcome="")  # a record of the wrong timing does not count
    with pytest.raises(DomainError, match="②"):
        hold_meeting(worker, case, 1, outcome="approve_plan")  # ① approves v1 only; v2 needs ②
    with pytest.raises(TransitionRefused, match="②"):
        services.case_transition(user=worker, case=case, action="submit_plan", version=case.version)
    hold_meeting(worker, case, 2, outcome="approve_plan")
    case = services.case_transition(
        user=worker, case=case, action="submit_plan", version=refresh(case).version
    )
    assert case.state == "awaiting_decision"
    v1.refresh_from_db()
    assert v1.goals == "目標"


def test_closure_needs_meeting_3_and_the_closing_evaluation(team):
    worker = team["worker"]
    case = _to_monitoring(team)
    with pytest.raises(TransitionRefused, match="③"):
        services.case_transition(user=worker, case=case, action="close", version=case.version,
                                 closing_evaluation="目標達成", follow_up="地域の見守り")  # fmt: skip
    hold_meeting(worker, case, 3, outcome="closure")
    with pytest.raises(DomainError, match="評価"):
        services.case_transition(user=worker, case=case, action="close", version=refresh(case).version)
    case = services.case_transition(user=worker, case=case, action="close", version=refresh(case).version,
                                    closing_evaluation="目標達成", follow_up="地域の見守り")  # fmt: skip
    assert case.state == "closed"
    case = services.case_transition(user=worker, case=case, action="reopen", version=case.version)
    assert case.state == "monitoring"


def test_suspension_needs_contact_attempts_over_days_and_meeting_4(team):
    worker = team["worker"]
    case = _to_monitoring(team)
    hold_meeting(worker, case, 4, outcome="suspension")
    today = timezone.localdate()
    for days_ago in (40, 20):
        services.contact_attempt_record(user=worker, case=case, attempted_on=today - timedelta(days=days_ago),
                                        method="visit", outcome="absent")  # fmt: skip
    with pytest.raises(TransitionRefused, match="3回以上"):
        services.case_transition(user=worker, case=case, action="suspend", version=refresh(case).version,
                                 suspension_reason="連絡がとれない")  # fmt: skip
    services.contact_attempt_record(
        user=worker, case=case, attempted_on=today, method="phone", outcome="absent"
    )
    case = services.case_transition(user=worker, case=case, action="suspend", version=refresh(case).version,
                                    suspension_reason="連絡がとれない")  # fmt: skip
    assert case.state == "suspended"


def test_another_cases_meeting_does_not_count(team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    other = open_case(worker, record_person(worker, consent=True, given_name="次郎"))
    make_plan(worker, case, "other")
    make_plan(worker, other, "other")
    hold_meeting(worker, other, 1, outcome="approve_plan")
    with pytest.raises(TransitionRefused):
        services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)


def test_a_future_meeting_cannot_approve(team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, "other")
    with pytest.raises(DomainError, match="開催日"):
        hold_meeting(
            worker, case, 1, outcome="approve_plan", held_on=timezone.localdate() + timedelta(days=3)
        )


def test_a_stale_version_is_told_not_applied(team):
    worker = team["worker"]
    case = _to_monitoring(team)
    stale = case.version - 1
    with pytest.raises(ConflictError):
        services.case_transition(user=worker, case=case, action="reopen", version=stale)


def test_decision_twice_is_refused(team):
    worker, office = team["worker"], team["office"]
    case = open_case(worker, record_person(worker, consent=True))
    plan = make_plan(worker, case, "participation")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    services.decision_record(user=office, case=case, plan=plan, decided_on=timezone.localdate())
    with pytest.raises(TransitionRefused, match="支援決定待ち"):
        services.decision_record(user=office, case=case, plan=plan, decided_on=timezone.localdate())


def test_confidential_route_moves_to_plan_meeting_after_consent_and_keeps_history(team):
    worker = team["worker"]
    person = record_person(worker, consent=False)
    case = open_case(worker, person)
    make_plan(worker, case, "outreach")
    with pytest.raises(DomainError, match="同意"):
        hold_meeting(worker, case, 1, outcome="approve_plan")
    consent = intake_services.consent_record(user=worker, person=person, obtained_on=timezone.localdate(),
                                             method="written", share_consultation=True)  # fmt: skip
    case = services.case_attach_consent(user=worker, case=case, consent=consent)
    assert case.route == Route.PLAN_MEETING
    assert list(case.transitions.values_list("action", flat=True)) == ["open", "consent"]
    hold_meeting(worker, case, 1, outcome="approve_plan")


def test_a_case_with_meetings_cannot_be_deleted(team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, "other")
    hold_meeting(worker, case, 1, outcome="")
    with pytest.raises(DomainError, match="削除できません"):
        services.case_delete(user=worker, case=case)


def test_a_refused_decision_leads_to_a_replan_through_meeting_2(team):
    worker, office = team["worker"], team["office"]
    case = open_case(worker, record_person(worker, consent=True))
    plan = make_plan(worker, case, "participation")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    version = refresh(case).version
    services.decision_record(user=office, case=case, plan=plan, decided_on=timezone.localdate(), approved=False,
                             note="本人の意向の確認が必要")  # fmt: skip
    case = refresh(case)
    assert case.state == "awaiting_decision" and case.version > version  # an open form is told it is stale
    v2 = make_plan(worker, case, "participation")
    assert (v2.number, refresh(case).state) == (2, "draft")
    hold_meeting(worker, case, 2, outcome="approve_plan")
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    services.decision_record(user=office, case=case, plan=v2, decided_on=timezone.localdate())
    assert refresh(case).state == "confirmed"


def test_after_reopening_the_old_closure_and_attempts_do_not_count_again(team):
    worker = team["worker"]
    case = _to_monitoring(team)
    today = timezone.localdate()
    for days_ago in (60, 40, 20):
        services.contact_attempt_record(user=worker, case=case, attempted_on=today - timedelta(days=days_ago),
                                        method="visit", outcome="absent")  # fmt: skip
    hold_meeting(worker, case, 3, outcome="closure")
    hold_meeting(worker, case, 4, outcome="suspension")
    case = services.case_transition(user=worker, case=case, action="suspend", version=refresh(case).version,
                                    suspension_reason="連絡がとれない")  # fmt: skip
    case = services.case_transition(user=worker, case=case, action="reopen", version=case.version)
    with pytest.raises(TransitionRefused, match="③"):
        services.case_transition(user=worker, case=case, action="close", version=refresh(case).version,
                                 closing_evaluation="x", follow_up="y")  # fmt: skip
    with pytest.raises(TransitionRefused, match="連絡の試み"):
        services.case_transition(user=worker, case=case, action="suspend", version=refresh(case).version,
                                 suspension_reason="また連絡がとれない")  # fmt: skip
    hold_meeting(worker, case, 3, outcome="closure")
    case = services.case_transition(user=worker, case=refresh(case), action="close", version=refresh(case).version,
                                    closing_evaluation="地域につながった", follow_up="民生委員の見守り")  # fmt: skip
    assert case.state == "closed"
