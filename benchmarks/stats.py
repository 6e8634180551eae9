"""Benchmark the yearly statistics (実績統計) at city size; prints figures. Run by hand, never in the test suite:

    KASANE_DEV=1 .venv/bin/python benchmarks/stats.py                          # SQLite, 1.2M consultations
    KASANE_DEV=1 .venv/bin/python benchmarks/stats.py --consultations 200000   # a quick run
    createdb -h 127.0.0.1 -U postgres kasane_bench_stats
    KASANE_DEV=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kasane_bench_stats .venv/bin/python benchmarks/stats.py

Builds one municipality with 5 年度 of records: consultations (a fifth of them follow-ups) across 30
agencies with 1–2 problems each, referrals (3 %), collaboration cases (0.5 %) with plans, contact attempts
and transitions, and meetings with agenda items — by default 1.2M consultations + ~1.8M problem rows +
activity rows, i.e. well over 2M consultation and activity rows, inserted with bulk_create in batches.
Then times the full `yearly_statistics` for the middle 年度 (every figure of the registry) beside the
floor: one hand-written SQL aggregate (count per month) over the same consultation table and 年度.
Targets (issue 6): < 2 s on PostgreSQL, < 5 s on SQLite, within 5× of the floor.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KASANE_VAR_DIR", tempfile.mkdtemp(prefix="kasane-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from kasane.cases.models import CollaborationCase, ContactAttempt, SupportPlan, Transition  # noqa: E402
from kasane.community.models import Activity, NetworkMeeting, Session, Training  # noqa: E402
from kasane.core.models import Municipality, StaffRole, User  # noqa: E402
from kasane.core.roles import Role  # noqa: E402
from kasane.core.wareki import fiscal_year_range  # noqa: E402
from kasane.directory.models import Agency  # noqa: E402
from kasane.evaluation import statistics as stats  # noqa: E402
from kasane.intake.models import Consultation, ConsultationProblem, Problem, Referral  # noqa: E402
from kasane.meetings.models import AgendaItem, Meeting  # noqa: E402
from kasane.outreach.models import Engagement, EngagementAttempt  # noqa: E402
from kasane.participation.models import WORK_KINDS, Match, Resource, ResourceKind  # noqa: E402
from kasane.people.models import Person  # noqa: E402

CODE = "219999"
AGENCY_COUNT = 30
BATCH = 10000
FIRST_YEAR = 2020
YEARS = 5
JST = ZoneInfo("Asia/Tokyo")
PROBLEMS = list(Problem.values)
ROUTES = ["visit", "phone", "home_visit", "email", "online"]
CONSULTERS = ["self", "family", "minsei", "neighbor", "agency", "watch", "other"]


def build(total: int, rnd: random.Random) -> Municipality:
    municipality = Municipality.objects.create(name="ベンチ統計市", prefecture="岐阜県", code=CODE)
    agencies = Agency.objects.bulk_create(
        Agency(municipality=municipality, name=f"相談機関 {i}") for i in range(AGENCY_COUNT)
    )
    agency_ids = [None, *(a.pk for a in agencies)]
    weights = [0.05, *(1 / (i + 1) for i in range(AGENCY_COUNT))]
    staff = {}
    for i, agency_id in enumerate(agency_ids):
        user = User.objects.create(username=f"stats{i}", municipality=municipality, agency_id=agency_id)
        StaffRole.objects.create(user=user, role=Role.MUNICIPAL if agency_id is None else Role.COUNSELOR)
        staff[agency_id] = user.pk
    start = fiscal_year_range(FIRST_YEAR)[0]
    days = (fiscal_year_range(FIRST_YEAR + YEARS - 1)[1] - start).days + 1
    kinds = ResourceKind.objects.bulk_create(
        ResourceKind(municipality=municipality, name=name, order=i)
        for i, name in enumerate((*WORK_KINDS, "居場所"))
    )
    resources = Resource.objects.bulk_create(
        Resource(municipality=municipality, name=f"受け入れ先 {i}", kind=kinds[i % len(kinds)])
        for i in range(80)
    )
    activities = Activity.objects.bulk_create(
        Activity(municipality=municipality, name=f"サロン {i}", project="3kon") for i in range(60)
    )
    shared = {"resources": [r.pk for r in resources], "activities": [a.pk for a in activities]}
    started = time.perf_counter()
    rows = 0
    for first in range(0, total, BATCH):
        size = min(BATCH, total - first)
        with transaction.atomic():
            persons = Person.objects.bulk_create(
                Person(municipality=municipality, family_name="統計", given_name=str(first + i))
                for i in range(size // 2)
            )
            consultations = []
            for i in range(size):
                agency_id = rnd.choices(agency_ids, weights)[0]
                # Recorded as they happen: the table is in date order (a 年度's rows are together).
                on = start + timedelta(days=(first + i) * days // total)
                c = Consultation(
                    municipality=municipality, agency_id=agency_id, staff_id=staff[agency_id], received_on=on,
                    route=rnd.choice(ROUTES), consulter=rnd.choice(CONSULTERS), person=persons[i // 2],
                    response="advice",
                )  # fmt: skip
                consultations.append(c)
            Consultation.objects.bulk_create(consultations)
            # A fifth are follow-ups of the consultation before them (same person): のべ only.
            follow_ups = [i for i in range(1, size, 2) if i % 10 in (1, 5)]
            for i in follow_ups:
                consultations[i].first_consultation_id = consultations[i - 1].pk
            Consultation.objects.bulk_update([consultations[i] for i in follow_ups], ["first_consultation"])
            skip = set(follow_ups)
            firsts = [c for i, c in enumerate(consultations) if i not in skip]
            problems = []
            for c in consultations:
                for p in rnd.sample(PROBLEMS, rnd.choice((1, 1, 2, 2, 3))):
                    problems.append(ConsultationProblem(consultation_id=c.pk, problem=p))
            ConsultationProblem.objects.bulk_create(problems)
            referrals = []
            for c in consultations[::33]:
                sent = datetime.combine(c.received_on, datetime.min.time(), tzinfo=JST) + timedelta(hours=10)
                status = rnd.choice(["sent", "accepted_joint", "accepted_takeover", "returned"])
                referrals.append(Referral(
                    municipality=municipality, consultation=c, person_id=c.person_id, from_agency_id=c.agency_id,
                    from_staff_id=c.staff_id, to_agency_id=agency_ids[1 + (c.pk % AGENCY_COUNT)], reason="ベンチ",
                    legal_basis="life", status=status, sent_at=sent,
                    responded_at=None if status == "sent" else sent + timedelta(days=rnd.randrange(1, 10)),
                ))  # fmt: skip
            Referral.objects.bulk_create(referrals)
            rows += (
                _activity(municipality, firsts[::40], staff, rnd, shared) + len(consultations) + len(problems)
            )
            rows += _community(municipality, consultations[0].received_on, consultations[-1].received_on, size,
                               shared, rnd)  # fmt: skip
            rows += len(referrals)
        if (first // BATCH) % 20 == 0 or first + size == total:
            print(f"  built {first + size:,} consultations ({rows:,} rows) in {time.perf_counter() - started:.0f} s",
                  flush=True)  # fmt: skip
    return municipality


def _community(municipality, lo, hi, size, shared, rnd) -> int:
    """地域づくり over the batch's days: a session per 20 consultations, network meetings and trainings."""
    span = (hi - lo).days + 1
    sessions = Session.objects.bulk_create(
        Session(activity_id=rnd.choice(shared["activities"]), held_on=lo + timedelta(days=rnd.randrange(span)),
                age_65_74=rnd.randrange(20), age_75_over=rnd.randrange(20), age_0_17=rnd.randrange(5))
        for _ in range(size // 20)
    )  # fmt: skip
    meetings = NetworkMeeting.objects.bulk_create(
        NetworkMeeting(municipality=municipality, kind="network", title="会議", participants=20,
                       held_on=lo + timedelta(days=rnd.randrange(span)))
        for _ in range(size // 1000)
    )  # fmt: skip
    trainings = Training.objects.bulk_create(
        Training(municipality=municipality, title="講座", trainees=30, completed=25,
                 held_on=lo + timedelta(days=rnd.randrange(span)))
        for _ in range(size // 2000)
    )  # fmt: skip
    return len(sessions) + len(meetings) + len(trainings)


def _activity(municipality, sources, staff, rnd, shared) -> int:
    """Cases from some first consultations, each with plans, contact attempts, a transition and a meeting;
    an outreach engagement with its attempts before it, and half of them a participation match."""
    cases = CollaborationCase.objects.bulk_create(
        CollaborationCase(
            municipality=municipality, person_id=c.person_id, consultation=c, title="ベンチ", opened_on=c.received_on,
            opened_by_id=c.staff_id, opened_by_agency_id=c.agency_id, reason_several_fields=True,
            state=rnd.choice(["draft", "monitoring", "closed", "suspended"]),
        )
        for c in sources
    )  # fmt: skip
    plans, attempts, transitions, meetings = [], [], [], []
    for case in cases:
        for n in range(1, rnd.choice((2, 2, 3)) + 1):
            plans.append(SupportPlan(case=case, number=n, made_on=case.opened_on + timedelta(days=30 * n),
                                     author_id=case.opened_by_id, goals="目標", policy="方針"))  # fmt: skip
        for d in range(rnd.randrange(8)):
            attempts.append(ContactAttempt(case=case, attempted_on=case.opened_on + timedelta(days=7 * d),
                                           method="visit", outcome="absent", staff_id=case.opened_by_id))  # fmt: skip
        if case.state in ("closed", "suspended"):
            at = datetime.combine(case.opened_on + timedelta(days=200), datetime.min.time(), tzinfo=JST)
            transitions.append(Transition(case=case, action="close" if case.state == "closed" else "suspend",
                                          from_state="monitoring", to_state=case.state, at=at,
                                          by_id=case.opened_by_id))  # fmt: skip
        meetings.append(Meeting(municipality=municipality, kind=rnd.choice(["plan", "confidential"]), title="会議",
                                held_on=case.opened_on + timedelta(days=20), convener_id=staff[None],
                                legal_basis="要綱"))  # fmt: skip
    engagements = Engagement.objects.bulk_create(
        Engagement(municipality=municipality, description="ベンチ", source="commissioner", person_id=case.person_id,
                   case=case, started_on=case.opened_on - timedelta(days=60), created_by_id=case.opened_by_id,
                   created_by_agency_id=case.opened_by_agency_id)
        for case in cases
    )  # fmt: skip
    reach = [
        EngagementAttempt(engagement=e, attempted_on=e.started_on + timedelta(days=10 * d), method="visit",
                          outcome="absent", staff_id=e.created_by_id)
        for e in engagements for d in range(rnd.randrange(5))
    ]  # fmt: skip
    EngagementAttempt.objects.bulk_create(reach)
    matches = Match.objects.bulk_create(
        Match(municipality=municipality, case=case, person_id=case.person_id, resource_id=rnd.choice(shared["resources"]),
              status="ongoing", approached_on=case.opened_on + timedelta(days=30),
              started_on=case.opened_on + timedelta(days=40), worker_id=case.opened_by_id)
        for case in cases if rnd.random() < 0.5
    )  # fmt: skip
    SupportPlan.objects.bulk_create(plans)
    ContactAttempt.objects.bulk_create(attempts)
    Transition.objects.bulk_create(transitions)
    Meeting.objects.bulk_create(meetings)
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=m, kind="case", case=c, title="事例", created_by_id=staff[None])
        for m, c in zip(meetings, cases, strict=True)
    )
    extra = len(engagements) + len(reach) + len(matches)
    return len(cases) + len(plans) + len(attempts) + len(transitions) + len(meetings) + len(items) + extra


def floor_sql(municipality_id: int, fy: int) -> list:
    """The floor: one hand-written aggregate, consultations per month of the 年度 (no ORM, no breakdowns)."""
    start, end = fiscal_year_range(fy)
    month = (
        "strftime('%%Y-%%m', received_on)"
        if connection.vendor == "sqlite"
        else "date_trunc('month', received_on)"
    )
    sql = (
        f"SELECT {month} AS m, COUNT(*) FROM intake_consultation "
        "WHERE municipality_id = %s AND received_on BETWEEN %s AND %s GROUP BY m"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [municipality_id, start, end])
        return cursor.fetchall()


def timed(fn, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--consultations", type=int, default=1_200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}, {args.consultations:,} consultations over {YEARS} 年度")
    municipality = Municipality.objects.filter(code=CODE).first()
    if (
        municipality is None
        or Consultation.objects.filter(municipality=municipality).count() != args.consultations
    ):
        if municipality is not None:
            sys.exit("the benchmark municipality exists with another size: use a fresh database")
        t = time.perf_counter()
        municipality = build(args.consultations, random.Random(args.seed))
        print(f"built in {time.perf_counter() - t:.0f} s")
    # Planner statistics, as a live database has them (PostgreSQL's autovacuum would gather them later: without
    # them it nests a loop over the 年度's plans × the municipality's cases, 550 ms for plans_made).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = {
        "consultations": Consultation.objects.filter(municipality=municipality).count(),
        "problem rows": ConsultationProblem.objects.filter(consultation__municipality=municipality).count(),
        "referrals": Referral.objects.filter(municipality=municipality).count(),
        "cases": CollaborationCase.objects.filter(municipality=municipality).count(),
        "plans": SupportPlan.objects.filter(case__municipality=municipality).count(),
        "contact attempts": ContactAttempt.objects.filter(case__municipality=municipality).count(),
        "meetings": Meeting.objects.filter(municipality=municipality).count(),
        "engagement attempts": EngagementAttempt.objects.filter(
            engagement__municipality=municipality
        ).count(),
        "matches": Match.objects.filter(municipality=municipality).count(),
        "community sessions": Session.objects.filter(activity__municipality=municipality).count(),
    }
    print(
        "rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f" (total {sum(counts.values()):,})"
    )
    fy = FIRST_YEAR + YEARS // 2
    full, result = timed(
        lambda: stats.yearly_statistics(municipality=municipality, fiscal_year=fy), args.repeat
    )
    floor, floor_rows = timed(lambda: floor_sql(municipality.pk, fy), args.repeat)
    assert sum(n for _m, n in floor_rows) == result.row("consultations_all").total
    print(f"{fy}年度: {len(stats.FIGURES)} figures, {len(result.rows)} rows; 相談（のべ）{result.row('consultations_all').total:,}, "
          f"実数 {result.row('consultations_real').total:,}")  # fmt: skip
    print(f"full yearly statistics: median {full * 1000:.0f} ms over {args.repeat} runs")
    print(f"floor (one SQL aggregate over intake_consultation): median {floor * 1000:.0f} ms")
    print(f"ratio full / floor: {full / floor:.1f}×")
    per_figure = []
    period = stats.Period(municipality.pk, fy)
    with stats.shared_queries():  # as in one run: the consultation figures share one query (the first pays)
        for figure in stats.FIGURES:
            t = time.perf_counter()
            figure.compute(period)
            per_figure.append((time.perf_counter() - t, figure.key))
    print(
        "slowest figures: "
        + ", ".join(f"{k} {s * 1000:.0f} ms" for s, k in sorted(per_figure, reverse=True)[:5])
    )


if __name__ == "__main__":
    main()
