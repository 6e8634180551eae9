"""An engagement's contact attempts are what the linked case's lifecycle counts before a suspension (④)."""

import pytest

from kasane.cases import services as case_services
from kasane.cases.tests.conftest import hold_meeting, make_plan, refresh
from kasane.core.errors import TransitionRefused
from kasane.outreach import services

from .conftest import consent_for, days_ago, fresh, start


def _case_in_support(worker, person):
    case = case_services.case_open(
        user=worker, person=person, title="鷺山さん", reason_outreach_participation=True
    )
    make_plan(worker, case, "other")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    case_services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    case_services.case_transition(
        user=worker, case=case, action="start_support", version=refresh(case).version
    )
    return refresh(case)


def test_suspension_becomes_possible_through_engagement_attempts(users, outreach):
    worker = users["collaboration"]
    # Only the failed attempts of the current period of support count: all three are made after it started.
    worker.municipality.suspension_min_days = 0
    worker.municipality.save()
    engagement = start(outreach)
    engagement = services.person_identify(user=outreach, engagement=engagement, version=engagement.version,
                                          new_person={"family_name": "鷺山", "given_name": "守"})  # fmt: skip
    consent_for(outreach, engagement.person)
    case = _case_in_support(worker, engagement.person)
    hold_meeting(worker, case, 4, outcome="suspension")
    with pytest.raises(TransitionRefused, match="連絡の試み"):
        case_services.case_transition(user=worker, case=case, action="suspend", version=case.version,
                                      suspension_reason="連絡がとれない")  # fmt: skip
    engagement = services.case_link(
        user=outreach, engagement=engagement, version=engagement.version, case=case
    )
    for method in ("visit", "phone", "via_others"):
        services.attempt_record(user=outreach, engagement=fresh(engagement), attempted_on=days_ago(0), method=method,
                                outcome="absent")  # fmt: skip
    assert len(case_services.facts_of(refresh(case)).attempts) == 3
    case = case_services.case_transition(user=worker, case=refresh(case), action="suspend",
                                         version=refresh(case).version, suspension_reason="連絡がとれない")  # fmt: skip
    assert case.state == "suspended"


def test_attempts_of_an_unlinked_engagement_do_not_count(users, outreach):
    engagement = start(outreach)
    for n in (40, 20, 1):
        services.attempt_record(user=outreach, engagement=engagement, attempted_on=days_ago(n), method="visit",
                                outcome="absent")  # fmt: skip
    engagement = fresh(engagement)
    engagement = services.person_identify(user=outreach, engagement=engagement, version=engagement.version,
                                          new_person={"family_name": "鷺山"})  # fmt: skip
    case = case_services.case_open(user=users["collaboration"], person=engagement.person, title="x",
                                   reason_several_fields=True)  # fmt: skip
    assert case_services.facts_of(case).attempts == ()
