"""The case lifecycle through the SERVICES on the database, driven by a hypothesis state machine.

Random plans and re-plans (kinds: other / outreach / participation), meetings of either kind at timings ①–④
with random outcomes for this case or for another one, meetings dated in the future, rescheduled meetings,
re-recorded outcomes, the municipality's 支援決定 (with or without the review of the other supports),
contact attempts at random past dates, and every user-facing transition. Every call succeeds or raises a
DomainError (TransitionRefused and ConflictError are DomainErrors); anything else fails the test.

After every step the invariants are read back from the database, not from the services' answers.
Each example runs in its own savepoint with its own municipality, rolled back in `teardown`.
"""

import itertools
import os
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from conftest import make_agency, make_user
from kasane.cases import services
from kasane.cases.models import (
    CollaborationCase,
    ContactAttempt,
    Decision,
    MunicipalReport,
    PlanSupport,
    SupportPlan,
    Transition,
)
from kasane.core import policy
from kasane.core.errors import DomainError
from kasane.core.models import Municipality
from kasane.core.roles import Role
from kasane.intake import services as intake_services
from kasane.intake.models import Consent
from kasane.meetings import services as meeting_services
from kasane.meetings.models import AgendaItem, Meeting

from .conftest import record_person

_counter = itertools.count(1)

KINDS = st.lists(st.sampled_from(["other", "outreach", "participation"]), min_size=1, max_size=3)
OUTCOMES = st.sampled_from(["", "approve_plan", "roles", "closure", "suspension", "approach"])
ACTIONS = st.sampled_from(
    ["submit_plan", "start_support", "close", "suspend", "reopen", "confirm", "replan", "nonsense"]
)

# Which lifecycle action may move the case from which state to which (the Transition log is checked with it).
EDGES = {
    ("open", "", "draft"),
    ("submit_plan", "draft", "awaiting_decision"),
    ("submit_plan", "draft", "confirmed"),
    ("confirm", "awaiting_decision", "confirmed"),
    ("start_support", "confirmed", "monitoring"),
    ("replan", "monitoring", "draft"),
    ("replan", "awaiting_decision", "draft"),  # after the municipality decided not to support the plan
    ("close", "monitoring", "closed"),
    ("suspend", "monitoring", "suspended"),
    ("reopen", "closed", "monitoring"),
    ("reopen", "suspended", "monitoring"),
}


def attempt(fn, **kwargs):
    """Call a service: a refusal must be a DomainError; any other exception propagates and fails the test."""
    try:
        return fn(**kwargs)
    except DomainError as exc:
        assert exc.message.strip(), "a refusal must say why (Japanese message)"
        return None


def plan_snapshot(plan: SupportPlan) -> tuple:
    fields = model_to_dict(plan, fields=[f.name for f in SupportPlan._meta.concrete_fields])
    supports = list(PlanSupport.objects.filter(plan=plan).order_by("pk").values())
    return (repr(sorted(fields.items())), repr(supports))


class CaseOnTheDatabase(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.frozen: dict[int, tuple] = {}  # plan pk -> snapshot, taken once the version can no longer change

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- setup -----------------------------------------------------------------------------------------------

    @initialize(min_attempts=st.integers(1, 4), min_days=st.integers(0, 45))
    def setup(self, min_attempts, min_days):
        n = next(_counter)
        self.municipality = Municipality.objects.create(
            name=f"試験市{n}", prefecture="岐阜県", code=f"9{n:05d}",
            suspension_min_attempts=min_attempts, suspension_min_days=min_days,
        )  # fmt: skip
        agency = make_agency(self.municipality, f"地域包括支援センター{n}")
        self.worker = make_user(
            self.municipality, f"kyodo{n}", [Role.COLLABORATION, Role.COUNSELOR], agency=agency
        )
        self.office = make_user(self.municipality, f"shichoson{n}", [Role.MUNICIPAL])
        self.case = services.case_open(
            user=self.worker, person=record_person(self.worker, consent=True), title="本人の事例",
            reason_several_fields=True,
        )  # fmt: skip
        self.other = services.case_open(
            user=self.worker, person=record_person(self.worker, consent=True, given_name="次郎"),
            title="別の事例", reason_several_fields=True,
        )  # fmt: skip
        self.today = timezone.localdate()

    def fresh(self) -> CollaborationCase:
        return CollaborationCase.objects.get(pk=self.case.pk)

    def current_plan(self):
        return SupportPlan.objects.filter(case_id=self.case.pk).order_by("-number").first()

    # --- plans -----------------------------------------------------------------------------------------------

    @rule(kinds=KINDS, reason=st.booleans())
    def make_plan(self, kinds, reason):
        attempt(
            services.plan_create, user=self.worker, case=self.fresh(), goals="目標", policy_text="方針",
            made_on=self.today, supports=[{"kind": k, "content": f"{k} の支援"} for k in kinds],
            change_reason="状況の変化" if reason else "", monitoring_dates=[self.today + timedelta(days=30)],
        )  # fmt: skip

    @rule(kinds=KINDS, which=st.integers(0, 5))
    def edit_plan(self, kinds, which):
        plans = list(SupportPlan.objects.filter(case_id=self.case.pk).order_by("number"))
        if not plans:
            return
        plan = plans[which % len(plans)]
        attempt(
            services.plan_update, user=self.worker, plan=plan, version=plan.version, goals="書き換えた目標",
            policy_text="書き換えた方針", made_on=self.today,
            supports=[{"kind": k, "content": f"書き換えた {k}"} for k in kinds],
        )  # fmt: skip

    # --- meetings --------------------------------------------------------------------------------------------

    @rule(
        timing=st.integers(1, 4), outcome=OUTCOMES, for_other=st.booleans(),
        confidential=st.booleans(), days_ago=st.integers(-10, 60),
    )  # fmt: skip
    def hold_item(self, timing, outcome, for_other, confidential, days_ago):
        """A meeting (past, today or future) with one item at a timing, and a random outcome recorded."""
        convener = self.office if confidential else self.worker
        meeting = meeting_services.meeting_create(
            user=convener, kind="confidential" if confidential else "plan", title="会議",
            held_on=self.today - timedelta(days=days_ago), place="会議室",
        )  # fmt: skip
        if confidential:
            meeting_services.pledge_accept(user=convener, meeting=meeting, accepted=True)
        case = self.other if for_other else self.case
        item = attempt(
            meeting_services.item_add,
            user=convener,
            meeting=meeting,
            kind="case",
            title="",
            case=case,
            timing=timing,
        )
        if item is not None:
            attempt(meeting_services.item_record, user=convener, item=item, version=item.version,
                    minutes="検討した", outcome=outcome)  # fmt: skip

    @rule(which=st.integers(0, 50), outcome=OUTCOMES)
    def rerecord_item(self, which, outcome):
        """A member corrects the outcome of an earlier item."""
        items = list(AgendaItem.objects.filter(meeting__municipality=self.municipality).order_by("pk"))
        if not items:
            return
        item = items[which % len(items)]
        user = item.meeting.convener
        attempt(meeting_services.item_record, user=user, item=item, version=item.version, minutes="訂正",
                outcome=outcome)  # fmt: skip

    @rule(outcome=OUTCOMES, days_ago=st.integers(-10, 5), move=st.booleans())
    def correct_latest_decision(self, outcome, days_ago, move):
        """Someone corrects the latest decided item of this case, or moves its meeting's date."""
        item = (
            AgendaItem.objects.filter(case_id=self.case.pk, outcome__in=["approve_plan", "closure", "suspension"])
            .select_related("meeting").order_by("-pk").first()
        )  # fmt: skip
        if item is None:
            return
        if move:
            meeting = item.meeting
            attempt(meeting_services.meeting_update, user=meeting.convener, meeting=meeting,
                    version=meeting.version, held_on=self.today - timedelta(days=days_ago))  # fmt: skip
        else:
            attempt(meeting_services.item_record, user=item.meeting.convener, item=item, version=item.version,
                    minutes="訂正", outcome=outcome)  # fmt: skip

    @rule(which=st.integers(0, 50), days_ago=st.integers(-10, 60))
    def reschedule_meeting(self, which, days_ago):
        meetings = list(Meeting.objects.filter(municipality=self.municipality).order_by("pk"))
        if not meetings:
            return
        meeting = meetings[which % len(meetings)]
        attempt(meeting_services.meeting_update, user=meeting.convener, meeting=meeting, version=meeting.version,
                held_on=self.today - timedelta(days=days_ago))  # fmt: skip

    # --- decision, contact, transitions ------------------------------------------------------------------------

    @rule(approved=st.booleans(), reviewed=st.booleans(), older=st.booleans(), days_ago=st.integers(-2, 10))
    def decide(self, approved, reviewed, older, days_ago):
        plans = list(SupportPlan.objects.filter(case_id=self.case.pk).order_by("number"))
        if not plans:
            return
        plan = plans[0] if older else plans[-1]
        self.office_decides(plan=plan, decided_on=self.today - timedelta(days=days_ago), approved=approved,
                            reviewed_other_supports=reviewed)  # fmt: skip

    def office_decides(self, **kwargs):
        """The 支援決定; after a withdrawal of consent the office is no longer on the case (403, as the policy says)."""
        case = self.fresh()
        if policy.can(self.office, "decide", case):
            attempt(services.decision_record, user=self.office, case=case, **kwargs)
        else:
            assert case.route == "confidential"
            with pytest.raises(PermissionDenied):
                services.decision_record(user=self.office, case=case, **kwargs)

    @rule(
        days_ago=st.integers(-3, 90),
        method=st.sampled_from(["visit", "phone", "letter", "via_others", "accompanied", "carrier pigeon"]),
        outcome=st.sampled_from(["absent", "refused", "talked", "met"]),
    )  # fmt: skip
    def contact(self, days_ago, method, outcome):
        attempt(services.contact_attempt_record, user=self.worker, case=self.fresh(),
                attempted_on=self.today - timedelta(days=days_ago), method=method, outcome=outcome)  # fmt: skip

    @rule(action=ACTIONS, stale=st.booleans(), texts=st.booleans())
    def transition(self, action, stale, texts):
        case = self.fresh()
        attempt(
            services.case_transition, user=self.worker, case=case, action=action,
            version=case.version - 1 if stale else case.version,
            closing_evaluation="目標を達成" if texts else "", follow_up="地域の見守り" if texts else "",
            suspension_reason="連絡がとれない" if texts else "",
        )  # fmt: skip

    @rule(withdraw=st.booleans())
    def consent(self, withdraw):
        """The person withdraws consent (the case falls back to the 支援会議 route) or consents again."""
        case = self.fresh()
        active = Consent.objects.filter(person_id=case.person_id, withdrawn_on__isnull=True).first()
        if withdraw and active is not None:
            intake_services.consent_withdraw(user=self.worker, consent=active, withdrawn_on=self.today)
            case = services.case_refresh_consent(user=self.worker, case=case)
            assert case.route == "confidential"
        elif not withdraw and active is None:
            consent = intake_services.consent_record(
                user=self.worker, person=case.person, obtained_on=self.today, method="written",
                share_consultation=True,
            )  # fmt: skip
            assert services.case_attach_consent(user=self.worker, case=case, consent=consent).route == "plan"

    # --- directed steps: the random ones above rarely get a case past プラン作成中 on their own ---------------

    @rule(days_ago=st.integers(0, 30))
    def approve_current_plan(self, days_ago):
        """A held 重層的支援会議 approves the current version at its timing (① for v1, ② for a re-plan)."""
        plan = self.current_plan()
        if plan is None:
            return
        meeting = meeting_services.meeting_create(user=self.worker, kind="plan", title="会議",
                                                  held_on=self.today - timedelta(days=days_ago), place="会議室")  # fmt: skip
        item = attempt(meeting_services.item_add, user=self.worker, meeting=meeting, kind="case", title="",
                       case=self.case, timing=1 if plan.number == 1 else 2)  # fmt: skip
        if item is not None:
            attempt(meeting_services.item_record, user=self.worker, item=item, version=item.version,
                    minutes="承認", outcome="approve_plan")  # fmt: skip

    @rule(timing=st.sampled_from([3, 4]), days_ago=st.integers(0, 30))
    def decide_to_end(self, timing, days_ago):
        """A held 重層的支援会議 decides ③ closure or ④ suspension."""
        meeting = meeting_services.meeting_create(user=self.worker, kind="plan", title="会議",
                                                  held_on=self.today - timedelta(days=days_ago), place="会議室")  # fmt: skip
        item = attempt(meeting_services.item_add, user=self.worker, meeting=meeting, kind="case", title="",
                       case=self.case, timing=timing)  # fmt: skip
        if item is not None:
            attempt(meeting_services.item_record, user=self.worker, item=item, version=item.version,
                    minutes="決定", outcome="closure" if timing == 3 else "suspension")  # fmt: skip

    @rule(reviewed=st.booleans())
    def decide_current(self, reviewed):
        plan = self.current_plan()
        if plan is not None:
            self.office_decides(plan=plan, decided_on=self.today, approved=True,
                                reviewed_other_supports=reviewed or plan.has_other_supports)  # fmt: skip

    def _next_step(self, kinds, end, days_ago):
        """What the case needs next, done properly (so that runs reach every state)."""
        case, plan = self.fresh(), self.current_plan()
        if plan is None:
            return self.make_plan(kinds=kinds, reason=False)
        if case.state == "draft":
            if not self._approving_item(
                1 if plan.number == 1 else 2, plan=plan, outcome="approve_plan"
            ).exists():
                return self.approve_current_plan(days_ago=days_ago)
            action = "submit_plan"
        elif case.state == "awaiting_decision":
            return self.decide_current(reviewed=True)
        elif case.state == "monitoring":
            if end == "replan":
                return self.make_plan(kinds=kinds, reason=True)
            if end == "suspend" and ContactAttempt.objects.filter(case=case).count() < 4:
                return self.contact(days_ago=days_ago * 2, method="visit", outcome="absent")
            timing = 3 if end == "close" else 4
            if not self._approving_item(timing).exclude(outcome="").exists():
                return self.decide_to_end(timing=timing, days_ago=days_ago)
            action = end
        else:
            action = {"confirmed": "start_support", "closed": "reopen", "suspended": "reopen"}[case.state]
        attempt(services.case_transition, user=self.worker, case=case, action=action, version=case.version,
                closing_evaluation="目標を達成", follow_up="地域の見守り", suspension_reason="連絡がとれない")  # fmt: skip

    ENDS = st.sampled_from(["close", "suspend", "replan"])

    @rule(kinds=KINDS, end=ENDS, days_ago=st.integers(0, 30))
    def advance(self, kinds, end, days_ago):
        self._next_step(kinds, end, days_ago)

    @rule(kinds=KINDS, end=ENDS, days_ago=st.integers(0, 30))
    def advance_further(self, kinds, end, days_ago):
        self._next_step(kinds, end, days_ago)

    @rule(kinds=KINDS, end=ENDS, days_ago=st.integers(0, 30))
    def advance_again(self, kinds, end, days_ago):
        self._next_step(kinds, end, days_ago)

    # --- invariants, from the database -------------------------------------------------------------------------

    def _approving_item(self, timing, **extra):
        return AgendaItem.objects.filter(
            case_id=self.case.pk, meeting__kind="plan", meeting__held_on__lte=timezone.localdate(), timing=timing,
            **extra,
        )  # fmt: skip

    @invariant()
    def database_invariants(self):
        self.confirmed_only_with_the_meeting_and_the_decision_or_report()
        self.closed_only_with_3()
        self.suspended_only_with_4_and_enough_attempts()
        self.versions_are_numbered_and_earlier_versions_never_change()
        self.transitions_replay_to_the_current_state()
        self.the_other_case_never_moves()
        event(f"state {self.fresh().state}")

    def confirmed_only_with_the_meeting_and_the_decision_or_report(self):
        case = self.fresh()
        if case.state not in ("awaiting_decision", "confirmed", "monitoring"):
            return
        plan = self.current_plan()
        assert plan is not None, case.state
        timing = 1 if plan.number == 1 else 2
        assert self._approving_item(timing, plan=plan, outcome="approve_plan").exists(), (
            f"{case.state} without an approving {'①' if timing == 1 else '②'} for v{plan.number}"
        )
        if case.state == "awaiting_decision":
            assert plan.has_outreach or plan.has_participation
            return
        if plan.has_outreach or plan.has_participation:
            decisions = Decision.objects.filter(case=case, plan=plan, approved=True)
            if plan.has_other_supports:
                decisions = decisions.filter(reviewed_other_supports=True)
            assert decisions.exists(), f"{case.state} without the 支援決定 for v{plan.number}"
        else:
            assert MunicipalReport.objects.filter(case=case, plan=plan).exists(), "confirmed but not reported"

    def closed_only_with_3(self):
        if self.fresh().state == "closed":
            assert self._approving_item(3, outcome="closure").exists(), "closed without an approving ③"

    def suspended_only_with_4_and_enough_attempts(self):
        case = self.fresh()
        if case.state != "suspended":
            return
        assert self._approving_item(4, outcome="suspension").exists(), "suspended without an approving ④"
        days = sorted(ContactAttempt.objects.filter(case=case).values_list("attempted_on", flat=True))
        m = self.municipality
        assert len(days) >= m.suspension_min_attempts
        assert (days[-1] - days[0]).days >= m.suspension_min_days
        assert days[-1] <= timezone.localdate()

    def versions_are_numbered_and_earlier_versions_never_change(self):
        case = self.fresh()
        plans = list(SupportPlan.objects.filter(case=case).order_by("number"))
        assert [p.number for p in plans] == list(range(1, len(plans) + 1))
        for plan in plans:
            frozen = plan.number < len(plans) or case.state != "draft"
            snap = plan_snapshot(plan)
            if plan.pk in self.frozen:
                assert self.frozen[plan.pk] == snap, f"v{plan.number} changed after it was fixed"
            elif frozen:
                self.frozen[plan.pk] = snap

    def transitions_replay_to_the_current_state(self):
        for case in (self.fresh(), CollaborationCase.objects.get(pk=self.other.pk)):
            rows = list(Transition.objects.filter(case=case).order_by("pk").values_list("action", "from_state",
                                                                                       "to_state"))  # fmt: skip
            assert rows[0] == ("open", "", "draft")
            state = "draft"
            for action, before, after in rows[1:]:
                assert before == state, rows
                if before != after or action not in ("consent", "consent_withdrawn", "decision_refused"):
                    assert (action, before, after) in EDGES, (action, before, after)
                state = after
            assert state == case.state, rows

    def the_other_case_never_moves(self):
        assert CollaborationCase.objects.get(pk=self.other.pk).state == "draft"


@pytest.mark.django_db
def test_case_lifecycle_on_the_database():
    run_state_machine_as_test(
        CaseOnTheDatabase,
        settings=settings(
            max_examples=int(os.environ.get("KASANE_DEEP_EXAMPLES", 40)), stateful_step_count=50, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )  # fmt: skip


# --- the two holes the machine found, pinned as examples ---------------------------------------------------------


@pytest.mark.django_db
def test_a_decided_meeting_cannot_be_moved_into_the_future(team):
    from .conftest import hold_meeting, make_plan, open_case, refresh

    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, "other")
    item = hold_meeting(worker, case, 1, outcome="approve_plan")
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    meeting = item.meeting
    with pytest.raises(DomainError, match="未来"):
        meeting_services.meeting_update(user=worker, meeting=meeting, version=meeting.version,
                                        held_on=timezone.localdate() + timedelta(days=7))  # fmt: skip
    meeting.refresh_from_db()
    meeting_services.meeting_update(user=worker, meeting=meeting, version=meeting.version,
                                    held_on=timezone.localdate() - timedelta(days=1))  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("end", ["close", "suspend"])
def test_the_decision_a_case_ended_on_cannot_be_withdrawn(team, end):
    from .conftest import hold_meeting, make_plan, open_case, refresh

    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, "other")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    for action in ("submit_plan", "start_support"):
        services.case_transition(user=worker, case=case, action=action, version=refresh(case).version)
    case.transitions.filter(action="start_support").update(at=timezone.now() - timedelta(days=90))
    for days_ago in (60, 30, 0):
        services.contact_attempt_record(user=worker, case=case, attempted_on=timezone.localdate() - timedelta(days=days_ago),
                                        method="visit", outcome="absent")  # fmt: skip
    item = hold_meeting(
        worker, case, 3 if end == "close" else 4, outcome="closure" if end == "close" else "suspension"
    )
    services.case_transition(user=worker, case=case, action=end, version=refresh(case).version,
                             closing_evaluation="目標を達成", follow_up="見守り", suspension_reason="連絡がとれない")  # fmt: skip
    with pytest.raises(DomainError, match="取り消せません"):
        meeting_services.item_record(user=worker, item=item, version=item.version, outcome="")
    # Reopened, the case needs a new decision for a new ending; the used one stays as it was recorded.
    services.case_transition(user=worker, case=case, action="reopen", version=refresh(case).version)
    item.refresh_from_db()
    with pytest.raises(DomainError, match="取り消せません"):
        meeting_services.item_record(user=worker, item=item, version=item.version, outcome="")
