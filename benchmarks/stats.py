"""Benchmark the yearly statistics (実績統計) at city size; prints figures. Run by hand, never in the test suite:

    KASANE_VAR_DIR=/tmp/kasane-bench-stats KASANE_DEV=1 .venv/bin/python benchmarks/stats.py   # SQLite, 800k
    KASANE_DEV=1 .venv/bin/python benchmarks/stats.py --consultations 20000                      # a quick run
    createdb -h 127.0.0.1 -U postgres kasane_bench
    KASANE_DEV=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/kasane_bench .venv/bin/python benchmarks/stats.py

Builds one municipality with 5 年度 of records (reused on a second run with the same size): consultations (a
fifth of them follow-ups) across 30 agencies with 1–3 problems each, referrals (3 %), collaboration cases
with plans, contact attempts and transitions, meetings with agenda items, outreach engagements and attempts,
participation matches and community records — by default 800k consultations + 1.44M problem rows + activity
rows (2.36M rows). Consultations and problem rows are inserted by one INSERT … SELECT each in the database
(50 s on SQLite, 3.5 min on PostgreSQL here, with the tally triggers); the rest with bulk_create. Then times the full
`yearly_statistics` for the middle 年度 (every figure of the registry) beside the floor: one hand-written SQL
aggregate (count per month) over the same consultation table and 年度.
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
from types import SimpleNamespace
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KASANE_VAR_DIR", tempfile.mkdtemp(prefix="kasane-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasane.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models.functions import Mod  # noqa: E402

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
PERSONS = 20000
CASE_EVERY = 160  # a collaboration case from every 160th consultation id (if a first consultation)
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

    def progress(what: str) -> None:
        print(f"  {what} in {time.perf_counter() - started:.0f} s", flush=True)

    # Consultations and their problem rows: INSERT … SELECT over a generated series, in the database (bulk_create
    # of 2M rows took ~40 min here). Row i is received on day i·days/total (the table is in date order, as a
    # live system records it); its agency is drawn by weight through a 1,000-slot table; every 10th row at
    # i % 10 in (1, 5) is a follow-up of the row before it (same person).
    persons = Person.objects.bulk_create(
        (Person(municipality=municipality, family_name="統計", given_name=str(i)) for i in range(PERSONS)),
        batch_size=BATCH,
    )
    person0 = persons[0].pk
    assert persons[-1].pk == person0 + PERSONS - 1, "person ids are not contiguous: use a fresh database"
    slots = rnd.choices(agency_ids, weights, k=1000)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_pick (slot integer, agency_id integer NULL, staff_id integer)")
        cursor.executemany("INSERT INTO bench_pick VALUES (%s, %s, %s)",
                           [(i, a, staff[a]) for i, a in enumerate(slots)])  # fmt: skip
        cursor.execute("CREATE TABLE bench_problem (idx integer, value varchar(20))")
        cursor.executemany("INSERT INTO bench_problem VALUES (%s, %s)", list(enumerate(PROBLEMS)))
        cursor.execute("CREATE TABLE bench_k (k integer)")
        cursor.executemany("INSERT INTO bench_k VALUES (%s)", [(0,), (1,), (2,)])
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM intake_consultation")
        base = cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        received = f"date('{start}', '+' || (s.i * {days} / {total}) || ' days')"
    else:
        received = f"(DATE '{start}' + (s.i::bigint * {days} / {total})::integer)"
    route = (
        "CASE (s.i / 7 + s.i) % 5 " + " ".join(f"WHEN {n} THEN '{v}'" for n, v in enumerate(ROUTES)) + " END"
    )
    consulter = "CASE (s.i / 3 + s.i * 3) % 7 " + " ".join(
        f"WHEN {n} THEN '{v}'" for n, v in enumerate(CONSULTERS)
    ) + " END"  # fmt: skip
    _insert_select(
        Consultation,
        {
            "id": f"{base} + s.i", "municipality_id": str(municipality.pk), "agency_id": "p.agency_id",
            "staff_id": "p.staff_id", "received_on": received, "route": route, "consulter": consulter,
            "person_id": f"{person0} + (s.i / 2) % {PERSONS}", "response": "'advice'",
            "first_consultation_id": f"CASE WHEN s.i % 10 IN (1, 5) THEN {base} + s.i - 1 END",
        },
        "s JOIN bench_pick p ON p.slot = (s.i * 7919 + 13) % 1000",
        series=total,
    )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('intake_consultation', 'id'), %s)",
                           [base + total])  # fmt: skip
    progress(f"{total:,} consultations")
    _insert_select(
        ConsultationProblem,
        {
            "consultation_id": "c.id",
            "problem": "pr.value",
            "municipality_id": "c.municipality_id",
            "received_on": "c.received_on",
            "agency_id": "c.agency_id",
            "follow_up": "(c.first_consultation_id IS NOT NULL)",
        },
        "intake_consultation c JOIN bench_k k ON k.k < (CASE c.id % 5 WHEN 0 THEN 1 WHEN 1 THEN 1 WHEN 2 THEN 2 "
        f"WHEN 3 THEN 2 ELSE 3 END) JOIN bench_problem pr ON pr.idx = (c.id * 7 + k.k * 5) % {len(PROBLEMS)} "
        f"WHERE c.municipality_id = {municipality.pk}",
    )
    with connection.cursor() as cursor:
        for table in ("bench_pick", "bench_problem", "bench_k"):
            cursor.execute(f"DROP TABLE {table}")
    progress("problem rows")

    # Referrals (every 33rd consultation) and the activity records, from a sample read back.
    columns = ("pk", "person_id", "agency_id", "staff_id", "received_on", "first_consultation_id")
    mine = Consultation.objects.filter(municipality=municipality).annotate(r=Mod("id", 33))
    referrals = []
    for pk, person_id, agency_id, staff_id, received_on, _first in mine.filter(r=0).values_list(*columns):
        sent = datetime.combine(received_on, datetime.min.time(), tzinfo=JST) + timedelta(hours=10)
        status = rnd.choice(["sent", "accepted_joint", "accepted_takeover", "returned"])
        referrals.append(Referral(
            municipality=municipality, consultation_id=pk, person_id=person_id, from_agency_id=agency_id,
            from_staff_id=staff_id, to_agency_id=agency_ids[1 + (pk % AGENCY_COUNT)], reason="ベンチ",
            legal_basis="life", status=status, sent_at=sent,
            responded_at=None if status == "sent" else sent + timedelta(days=rnd.randrange(1, 10)),
        ))  # fmt: skip
    Referral.objects.bulk_create(referrals, batch_size=BATCH)
    progress(f"{len(referrals):,} referrals")
    sample = Consultation.objects.filter(municipality=municipality, first_consultation__isnull=True)
    sources = [
        SimpleNamespace(**dict(zip(columns, row, strict=True)))
        for row in sample.annotate(r=Mod("id", CASE_EVERY)).filter(r=0).order_by("pk").values_list(*columns)
    ]
    rows = 0
    for first in range(0, len(sources), 500):
        with transaction.atomic():
            rows += _activity(municipality, sources[first : first + 500], staff, rnd, shared)
    progress(f"{len(sources):,} cases and their activity ({rows:,} rows)")
    for fy in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        lo, hi = fiscal_year_range(fy)
        with transaction.atomic():
            _community(municipality, lo, hi, total // YEARS, shared, rnd)
    progress("community records")
    return municipality


def _insert_select(model, columns: dict[str, str], source: str, *, series: int | None = None) -> None:
    """INSERT INTO the model's table SELECT `columns` (column → SQL expression) FROM `source`; the other
    columns take their field default. With `series`, `s` is the series 0 … series − 1 (a recursive CTE, which
    both databases run)."""
    names, exprs, params = [], [], []
    for f in model._meta.concrete_fields:
        names.append(f.column)
        if f.column in columns:
            exprs.append(columns[f.column].replace("%", "%%"))
        elif f.primary_key:
            names.pop()
        else:
            exprs.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
    prefix = ""
    if series is not None:
        prefix = f"WITH RECURSIVE s(i) AS (SELECT CAST(0 AS bigint) UNION ALL SELECT i + 1 FROM s WHERE i < {series - 1}) "
    source = source.replace("%", "%%")
    sql = f"{prefix}INSERT INTO {model._meta.db_table} ({', '.join(names)}) SELECT {', '.join(exprs)} FROM {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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
            municipality=municipality, person_id=c.person_id, consultation_id=c.pk, title="ベンチ", opened_on=c.received_on,
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


def timed(fns, repeat: int) -> list[tuple[float, object, list[float]]]:
    """Each function `repeat` times, interleaved (f, g, f, g …: on a loaded machine both see the same load):
    (median, last result, samples) per function."""
    samples, results = [[] for _ in fns], [None] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t = time.perf_counter()
            results[i] = fn()
            samples[i].append(time.perf_counter() - t)
    return [(statistics.median(s), r, s) for s, r in zip(samples, results, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--consultations", type=int, default=800_000)
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
        # VACUUM on PostgreSQL also sets the visibility map that an index-only scan needs (autovacuum would).
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
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
    (full, result, full_samples), (floor, floor_rows, floor_samples) = timed(
        [lambda: stats.yearly_statistics(municipality=municipality, fiscal_year=fy),
         lambda: floor_sql(municipality.pk, fy)],
        args.repeat,
    )  # fmt: skip
    assert sum(n for _m, n in floor_rows) == result.row("consultations_all").total
    print(f"{fy}年度: {len(stats.FIGURES)} figures, {len(result.rows)} rows; 相談（のべ）{result.row('consultations_all').total:,}, "
          f"実数 {result.row('consultations_real').total:,}")  # fmt: skip
    print(f"full yearly statistics: median {full * 1000:.0f} ms over {args.repeat} runs")
    print(f"floor (one SQL aggregate over intake_consultation): median {floor * 1000:.0f} ms")
    print(f"ratio full / floor: {full / floor:.1f}× (median of the per-run ratios "
          f"{statistics.median(a / b for a, b in zip(full_samples, floor_samples, strict=True)):.1f}×)")  # fmt: skip
    print("runs (full / floor ms): " + ", ".join(
        f"{a * 1000:.0f}/{b * 1000:.0f}" for a, b in zip(full_samples, floor_samples, strict=True)))  # fmt: skip
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
