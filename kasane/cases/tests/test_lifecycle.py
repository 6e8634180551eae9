"""The case lifecycle: the three confirmation patterns, the meeting timings, and random action sequences."""

from datetime import date, timedelta

import pytest
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kasane.cases.lifecycle import (
    Action,
    CaseFacts,
    ContactAttempt,
    Decision,
    MeetingKind,
    MeetingRecord,
    PlanVersion,
    Settings,
    State,
    Timing,
    TransitionError,
    apply,
    contact_efforts_suffice,
    decision,
    needs_report_to_municipality,
    plan_meeting,
)

CASE = 7
DAY = date(2026, 4, 1)


def meeting(timing, version=1, *, case=CASE, kind=MeetingKind.PLAN, approved=True):
    return MeetingRecord(case, kind, timing, version, approved, DAY)


def facts(plan: PlanVersion, **kwargs) -> CaseFacts:
    return CaseFacts(case_id=CASE, plans=(plan,), **kwargs)


def test_a_plan_without_outreach_or_participation_is_confirmed_by_the_meeting_and_reported():
    f = facts(PlanVersion(1), meetings=(meeting(Timing.PLAN),))
    f = apply(f, Action.SUBMIT_PLAN)
    assert f.state == State.CONFIRMED
    assert needs_report_to_municipality(f)


def test_outreach_or_participation_only_waits_for_the_municipal_decision():
    f = facts(
        PlanVersion(1, has_participation=True, has_other_supports=False), meetings=(meeting(Timing.PLAN),)
    )
    f = apply(f, Action.SUBMIT_PLAN)
    assert f.state == State.AWAITING_DECISION
    with pytest.raises(TransitionError, match="支援決定"):
        apply(f, Action.CONFIRM)
    f = apply(CaseFacts(**{**f.__dict__, "decisions": (Decision(CASE, 1, True, DAY),)}), Action.CONFIRM)
    assert f.state == State.CONFIRMED and not needs_report_to_municipality(f)


def test_a_mixed_plan_needs_the_decision_and_the_review_of_the_other_supports():
    base = facts(PlanVersion(1, has_outreach=True, has_other_supports=True), meetings=(meeting(Timing.PLAN),),
                 state=State.AWAITING_DECISION)  # fmt: skip
    without_review = CaseFacts(**{**base.__dict__, "decisions": (Decision(CASE, 1, True, DAY),)})
    with pytest.raises(TransitionError, match="以外の支援の確認"):
        apply(without_review, Action.CONFIRM)
    reviewed = CaseFacts(
        **{**base.__dict__, "decisions": (Decision(CASE, 1, True, DAY, reviewed_other_supports=True),)}
    )
    assert apply(reviewed, Action.CONFIRM).state == State.CONFIRMED


@pytest.mark.parametrize(
    "record",
    [
        meeting(Timing.REPLAN),  # wrong timing
        meeting(Timing.PLAN, case=8),  # another case
        meeting(Timing.PLAN, version=2),  # another plan version
        meeting(Timing.PLAN, kind=MeetingKind.CONFIDENTIAL),  # a 支援会議 cannot approve a plan
        meeting(Timing.PLAN, approved=False),  # not approved
    ],
)
def test_a_meeting_of_the_wrong_timing_case_version_or_kind_does_not_count(record):
    with pytest.raises(TransitionError, match="①プラン策定時"):
        apply(facts(PlanVersion(1), meetings=(record,)), Action.SUBMIT_PLAN)


def test_a_replan_needs_meeting_two_and_keeps_the_previous_version():
    v1 = PlanVersion(1)
    f = facts(v1, meetings=(meeting(Timing.PLAN),), state=State.MONITORING)
    f = apply(f, Action.REPLAN, new_plan=PlanVersion(2, has_participation=True))
    assert f.state == State.DRAFT and f.plans[0] is v1
    with pytest.raises(TransitionError, match="②プラン変更時"):
        apply(f, Action.SUBMIT_PLAN)  # ① of v1 does not approve v2
    f = CaseFacts(**{**f.__dict__, "meetings": (*f.meetings, meeting(Timing.REPLAN, version=2))})
    assert apply(f, Action.SUBMIT_PLAN).state == State.AWAITING_DECISION


def test_closure_needs_meeting_three():
    f = facts(PlanVersion(1), state=State.MONITORING)
    with pytest.raises(TransitionError, match="③"):
        apply(f, Action.CLOSE)
    assert (
        apply(CaseFacts(**{**f.__dict__, "meetings": (meeting(Timing.CLOSURE),)}), Action.CLOSE).state
        == State.CLOSED
    )


def test_suspension_needs_enough_contact_attempts_over_enough_days_and_meeting_four():
    rules = Settings(min_contact_attempts=3, min_contact_days=30)
    close_together = tuple(ContactAttempt(CASE, DAY + timedelta(days=i)) for i in range(5))
    f = facts(PlanVersion(1), state=State.MONITORING, settings=rules, attempts=close_together,
              meetings=(meeting(Timing.SUSPENSION),))  # fmt: skip
    with pytest.raises(TransitionError, match="30日以上にわたる3回以上"):
        apply(f, Action.SUSPEND)
    spread = (ContactAttempt(CASE, DAY), ContactAttempt(CASE, DAY + timedelta(days=15)),
              ContactAttempt(CASE, DAY + timedelta(days=30)))  # fmt: skip
    f = CaseFacts(**{**f.__dict__, "attempts": spread})
    assert apply(f, Action.SUSPEND).state == State.SUSPENDED
    assert apply(apply(f, Action.SUSPEND), Action.REOPEN).state == State.MONITORING


def test_an_illegal_action_names_the_state_in_japanese():
    with pytest.raises(TransitionError, match="「プラン作成中」の事例では終結はできません"):
        apply(facts(PlanVersion(1)), Action.CLOSE)


# --- random action sequences -------------------------------------------------------------------------------

DAYS = st.integers(0, 120).map(lambda n: DAY + timedelta(days=n))
# Mostly records that could count, so that sequences reach every state; the rest must be ignored.
CASES = st.sampled_from([CASE, CASE, CASE, CASE + 1])
KINDS = st.sampled_from([MeetingKind.PLAN, MeetingKind.PLAN, MeetingKind.PLAN, MeetingKind.CONFIDENTIAL])
OFFSETS = st.sampled_from([0, 0, 0, -1, 1])
MOSTLY_TRUE = st.sampled_from([True, True, True, False])


PLAUSIBLE = {
    State.DRAFT: [Action.SUBMIT_PLAN],
    State.AWAITING_DECISION: [Action.CONFIRM, Action.REPLAN],
    State.CONFIRMED: [Action.START_SUPPORT],
    State.MONITORING: [Action.REPLAN, Action.CLOSE, Action.SUSPEND],
    State.CLOSED: [Action.REOPEN],
    State.SUSPENDED: [Action.REOPEN],
}


class Lifecycle(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.facts = facts(PlanVersion(1), settings=Settings(min_contact_attempts=3, min_contact_days=30))

    @initialize(outreach=st.booleans(), participation=st.booleans(), others=st.booleans())
    def first_plan(self, outreach, participation, others):
        self._with(plans=(PlanVersion(1, outreach, participation, others),))

    @rule(start=DAYS)
    def keep_trying_to_make_contact(self, start):
        visits = tuple(ContactAttempt(CASE, start + timedelta(days=d)) for d in (0, 15, 31))
        self._with(attempts=(*self.facts.attempts, *visits))

    def _with(self, **changes):
        self.facts = CaseFacts(**{**self.facts.__dict__, **changes})

    @rule(case=CASES, kind=KINDS, timing=st.sampled_from(list(Timing)), version_offset=OFFSETS,
          approved=MOSTLY_TRUE, day=DAYS)  # fmt: skip
    def hold_meeting(self, case, kind, timing, version_offset, approved, day):
        version = self.facts.plan.number + version_offset
        self._with(meetings=(*self.facts.meetings, MeetingRecord(case, kind, timing, version, approved, day)))

    @rule(
        case=CASES,
        version_offset=st.integers(-1, 1),
        approved=st.booleans(),
        reviewed=st.booleans(),
        day=DAYS,
    )
    def decide(self, case, version_offset, approved, reviewed, day):
        d = Decision(case, self.facts.plan.number + version_offset, approved, day, reviewed)
        self._with(decisions=(*self.facts.decisions, d))

    @rule(timing=st.sampled_from(list(Timing)), day=DAYS)
    def hold_a_meeting_that_counts(self, timing, day):
        version = self.facts.plan.number if timing in (Timing.PLAN, Timing.REPLAN) else None
        if timing in (Timing.PLAN, Timing.REPLAN):
            timing = Timing.PLAN if self.facts.plan.number == 1 else Timing.REPLAN
        self._with(
            meetings=(*self.facts.meetings, MeetingRecord(CASE, MeetingKind.PLAN, timing, version, True, day))
        )

    @rule(day=DAYS)
    def decide_the_current_plan(self, day):
        self._with(decisions=(*self.facts.decisions, Decision(CASE, self.facts.plan.number, True, day, True)))

    @rule(case=CASES, day=DAYS)
    def try_to_contact(self, case, day):
        self._with(attempts=(*self.facts.attempts, ContactAttempt(case, day)))

    @rule(data=st.data(), outreach=st.booleans(), participation=st.booleans(), others=st.booleans())
    def act(self, data, outreach, participation, others):
        before = self.facts
        # Mostly actions that make sense in this state (to reach every state), sometimes any action at all.
        action = data.draw(st.sampled_from(PLAUSIBLE[before.state] * 3 + list(Action)))
        new_plan = PlanVersion(before.plan.number + 1, outreach, participation, others)
        try:
            after = apply(before, action, new_plan=new_plan)
        except TransitionError:
            assert self.facts == before
            return
        if after.state == State.CONFIRMED and before.state in (State.DRAFT, State.AWAITING_DECISION):
            assert plan_meeting(after) is not None  # never confirmed without ① (or ② for a re-plan)
            assert not after.plan.needs_decision or decision(after) is not None
        if after.state == State.AWAITING_DECISION:
            assert plan_meeting(after) is not None
        if after.state == State.CLOSED and before.state != State.CLOSED:
            assert any(m.case_id == CASE and m.timing == Timing.CLOSURE and m.approved and m.kind == "plan"
                       for m in after.meetings)  # fmt: skip
        if after.state == State.SUSPENDED and before.state != State.SUSPENDED:
            assert contact_efforts_suffice(after)
            assert any(m.case_id == CASE and m.timing == Timing.SUSPENSION and m.approved and m.kind == "plan"
                       for m in after.meetings)  # fmt: skip
        if action == Action.REPLAN:
            assert after.plans[: len(before.plans)] == before.plans  # earlier versions untouched
        self.facts = after

    @invariant()
    def plan_versions_are_numbered_one_by_one(self):
        assert [p.number for p in self.facts.plans] == list(range(1, len(self.facts.plans) + 1))


Lifecycle.TestCase.settings = hsettings(max_examples=200, stateful_step_count=30, deadline=None)
test_random_action_sequences_keep_the_invariants = Lifecycle.TestCase


def test_a_refused_decision_is_followed_by_a_replan_and_nothing_else():
    f = facts(PlanVersion(1, has_participation=True), meetings=(meeting(Timing.PLAN),))
    f = apply(f, Action.SUBMIT_PLAN)
    assert f.state == State.AWAITING_DECISION
    with pytest.raises(TransitionError, match="支援しないと決定"):
        apply(f, Action.REPLAN, new_plan=PlanVersion(2))
    refused_facts = CaseFacts(**{**f.__dict__, "decisions": (Decision(CASE, 1, False, DAY),)})
    with pytest.raises(TransitionError):
        apply(refused_facts, Action.CONFIRM)
    after = apply(refused_facts, Action.REPLAN, new_plan=PlanVersion(2, has_participation=True))
    assert (after.state, after.plan.number) == (State.DRAFT, 2)
