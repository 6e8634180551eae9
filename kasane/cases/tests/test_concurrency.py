"""Two staff confirming the same plan at once: one succeeds, the other is told (no double decision)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from kasane.cases import services
from kasane.cases.models import Decision
from kasane.core.errors import DomainError

from .conftest import hold_meeting, make_plan, open_case, record_person, refresh

# The in-memory SQLite test database shares one cache between threads and reports "table is locked" instead of
# waiting; the real SQLite file (WAL, BEGIN IMMEDIATE, busy timeout) serialises writers. Row locks are what
# this test is about, so it runs on PostgreSQL (the second pass of .ci/run).
pytestmark = pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks are tested on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_decisions_one_wins_the_other_is_told(team):
    worker, office = team["worker"], team["office"]
    case = open_case(worker, record_person(worker, consent=True))
    plan = make_plan(worker, case, "participation")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    services.case_transition(user=worker, case=case, action="submit_plan", version=refresh(case).version)
    barrier = threading.Barrier(2)
    results: list = []

    def decide():
        try:
            barrier.wait()
            services.decision_record(user=office, case=case, plan=plan, decided_on=timezone.localdate())
            results.append("ok")
        except DomainError as exc:  # TransitionRefused or ConflictError: both are told in Japanese
            results.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert Decision.objects.filter(plan=plan).count() == 1
    assert refresh(case).state == "confirmed"
    refused = next(r for r in results if r != "ok")
    assert "支援決定" in refused


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_transitions_with_the_same_version(team):
    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=True))
    make_plan(worker, case, "other")
    hold_meeting(worker, case, 1, outcome="approve_plan")
    version = refresh(case).version
    barrier = threading.Barrier(2)
    results: list = []

    def submit():
        try:
            barrier.wait()
            services.case_transition(user=worker, case=case, action="submit_plan", version=version)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r == "ok" for r in results) == [False, True], results
    assert refresh(case).transitions.filter(action="submit_plan").count() == 1
