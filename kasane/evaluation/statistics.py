"""Yearly statistics (年度ごとの実績) counted from the records: a registry of figures, each a few GROUP BY queries.

Every figure is an entry of FIGURES (key, Japanese label, section, function); the function returns counts per
month of the 年度 (April first), optionally per breakdown value. Nothing is typed in: the figures come from
intake, cases, meetings, outreach engagements, participation matches and community records. Figures of
persons (実人数) count each person once per month and once in the 年度 (the 年度計 is not the sum of the
months). Community records (地域づくり) belong to no counter: they count for the whole municipality in every
view.

Who sees what (decided here, used by the pages, the API and the command):
- `aggregates.view` (評価者, 市町村担当, 管理者): the whole municipality.
- a casework role without it (相談員, 多機関協働, アウトリーチ): their own counter's figures only (consultations it
  recorded, referrals it sent or received, cases it opened, meetings it convened).
- counts of 1 to stats_suppression_below − 1 are shown as 「*」 (秘匿処理) to anyone who cannot see the records
  (an evaluator, an admin without a casework role) and in `--suppress` output; casework staff get links to the
  records behind a figure, which list only what `policy.scope` lets them see.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import connection
from django.db.models import Count, F, Func, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from kasane.core import policy
from kasane.core.roles import Role
from kasane.core.spreadsheets import csv_bytes, xlsx_bytes
from kasane.core.wareki import fiscal_year_range, format_fiscal_year
from kasane.core.workdays import add_working_days

MONTH_LABELS = [f"{m}月" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
SUPPRESSED = "*"
ALL_COUNTERS = object()  # the whole municipality; otherwise an agency id, or None for the municipal office


def _model(label: str):
    return apps.get_model(label)


@dataclass(frozen=True)
class Period:
    """One municipality's 年度, optionally narrowed to one counter (holder)."""

    municipality_id: int
    fiscal_year: int
    counter: object = ALL_COUNTERS
    today: date = field(default_factory=timezone.localdate)

    @property
    def start(self) -> date:
        return fiscal_year_range(self.fiscal_year)[0]

    @property
    def end(self) -> date:
        return fiscal_year_range(self.fiscal_year)[1]

    def date_range(self) -> tuple[date, date]:
        return self.start, self.end

    def datetime_range(self) -> tuple[datetime, datetime]:
        """Local midnight of April 1 up to (not including) local midnight of the next April 1."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )

    def holder(self, *fields: str) -> Q:
        """Rows of this counter through any of `fields` (an agency foreign key); everything for ALL_COUNTERS."""
        if self.counter is ALL_COUNTERS:
            return Q()
        q = Q()
        for name in fields:
            q |= Q(**{name: self.counter}) if self.counter is not None else Q(**{f"{name}__isnull": True})
        return q


def month_index(d: date) -> int:
    """0 for April … 11 for March."""
    return (d.month - 4) % 12


Counts = dict[str, list[int]]  # breakdown value ("" for the figure itself) → 12 monthly counts


class MonthOf(Func):
    """The month number (1–12) of a date column, in plain SQL on both databases (Django's ExtractMonth and
    TruncMonth are Python functions evaluated per row on SQLite). Within one 年度 it names the month."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="EXTRACT(MONTH FROM %(expressions)s)", **extra)

    def as_sqlite(self, compiler, connection, **extra):  # dates are stored as 'YYYY-MM-DD'
        return super().as_sql(compiler, connection, template="CAST(substr(%(expressions)s, 6, 2) AS integer)",
                              **extra)  # fmt: skip


def _month_slot(value) -> int:
    """A MonthOf value (1–12) → 0 for April … 11 for March."""
    return (int(value) - 4) % 12


def _in_period(period: Period, date_field: str, *, is_datetime: bool = False) -> Q:
    lo, hi = period.datetime_range() if is_datetime else period.date_range()
    if is_datetime:
        return Q(**{f"{date_field}__gte": lo, f"{date_field}__lt": hi})
    return Q(**{f"{date_field}__range": (lo, hi)})


# --- the figures -------------------------------------------------------------------------------------------


# The five consultation figures come from one read of the consultation tally: GROUP BY (month, counter) with a
# conditional sum per route and per consulter, shared by the figures of one `compute` run.
_shared: ContextVar[dict | None] = ContextVar("kasane_statistics_shared", default=None)


def _once(name: str, period: Period, build: Callable[[], object]):
    """`build()` once per `compute` run (figures computed one by one outside it build their own)."""
    shared = _shared.get()
    if shared is None:
        return build()
    key = (name, period)
    if key not in shared:
        shared[key] = build()
    return shared[key]


def _choice_values(label: str, name: str) -> list[str]:
    return [value for value, _label in _model(label)._meta.get_field(name).choices]


def _tuples(qs) -> list[tuple]:
    """The rows of a values_list query, without Django's per-value converters (an int() per count: on 11k
    grouped rows × 16 counts they took longer than the query)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _tally(label: str, period: Period):
    """The 年度's rows of a monthly tally (intake.ConsultationTally / ProblemTally: counts kept by database
    triggers from the records themselves), narrowed to the counter."""
    qs = _model(label).objects.filter(
        municipality_id=period.municipality_id, month__range=period.date_range()
    )
    if period.counter is not ALL_COUNTERS:
        qs = qs.filter(agency_key=period.counter or 0)
    return qs


def _consultation_cube(period: Period) -> dict[str, Counts]:
    routes = _choice_values("intake.Consultation", "route")
    consulters = _choice_values("intake.Consultation", "consulter")
    measures = {"total": Sum("n"), "real": Sum("n", filter=Q(follow_up=False))}
    measures |= {f"route_{i}": Sum("n", filter=Q(route=v)) for i, v in enumerate(routes)}
    measures |= {f"consulter_{i}": Sum("n", filter=Q(consulter=v)) for i, v in enumerate(consulters)}
    # The tally holds one row per (month, counter, route, consulter, follow-up): at most a few thousand rows a
    # 年度, grouped per (month, counter) into ≤ 12 × counters rows here.
    rows = _tally("intake.ConsultationTally", period).values("month", "agency_key").annotate(**measures)
    width = len(measures)
    sums = {}  # month slot → the measures summed
    agency: Counts = defaultdict(lambda: [0] * 12)
    for row in _tuples(rows.order_by().values_list("month", "agency_key", *measures)):
        if not row[2]:
            continue  # only records since deleted or moved (n = 0)
        m = month_index(_as_date(row[0]))
        vector = sums.get(m)
        if vector is None:
            vector = sums[m] = [0] * width
        for j in range(width):
            vector[j] += row[j + 2] or 0
        agency["" if row[1] == 0 else str(row[1])][m] += row[2]
    cube: dict[str, Counts] = {
        "all": {},
        "agency": dict(agency),
        "route": {},
        "consulter": {},
    }
    if sums:
        cube["all"] = {"": [0] * 12, "real": [0] * 12}
    offset = 2
    for name, values in (("route", routes), ("consulter", consulters)):
        for m, vector in sums.items():
            counted = 0
            for i, v in enumerate(values):
                if vector[offset + i]:
                    cube[name].setdefault(v, [0] * 12)[m] += vector[offset + i]
                    counted += vector[offset + i]
            if counted < vector[0]:  # a value outside the choices (or blank): 未記入
                cube[name].setdefault("", [0] * 12)[m] += vector[0] - counted
        offset += len(values)
    for m, vector in sums.items():
        cube["all"][""][m] = vector[0]
        cube["all"]["real"][m] = vector[1]
    return cube


def _cube(period: Period, name: str) -> Counts:
    return _once("consultations", period, lambda: _consultation_cube(period))[name]


def consultations_real(period: Period) -> Counts:
    """実数: first consultations (a follow-up names its first consultation and counts in のべ only)."""
    months = _cube(period, "all").get("real")
    return {"": list(months)} if months else {}


def consultations_all(period: Period) -> Counts:
    months = _cube(period, "all").get("")
    return {"": list(months)} if months else {}


def consultations_by_agency(period: Period) -> Counts:
    return {k: list(v) for k, v in _cube(period, "agency").items()}


def consultations_by_route(period: Period) -> Counts:
    return {k: list(v) for k, v in _cube(period, "route").items()}


def consultations_by_consulter(period: Period) -> Counts:
    return {k: list(v) for k, v in _cube(period, "consulter").items()}


def consultations_by_problem(period: Period) -> Counts:
    """Problems of first consultations (several per consultation: 複数回答)."""
    # From the problem tally (counts per month, counter, problem and follow-up flag, kept by database triggers
    # from the problem rows and their copies of the consultation's columns). A value outside the choices
    # counts as 未記入.
    rows = _tally("intake.ProblemTally", period).filter(follow_up=False)
    grouped = rows.values("month", "problem").annotate(total=Sum("n")).order_by()
    problems = set(_choice_values("intake.ConsultationProblem", "problem"))
    result: Counts = defaultdict(lambda: [0] * 12)
    for month, problem, n in _tuples(grouped.values_list("month", "problem", "total")):
        if n:
            result[problem if problem in problems else ""][month_index(_as_date(month))] += n
    return dict(result)


def _referrals(period: Period):
    qs = _model("intake.Referral").objects.filter(municipality_id=period.municipality_id)
    return qs.exclude(status="cancelled").filter(period.holder("from_agency", "to_agency"))


# --- the single figures: one UNION ALL per `compute` run ---------------------------------------------------
#
# Each single figure below is a *part*: rows of one table filtered to the period, a month bucket and a measure.
# `compute` runs the parts of the figures it is asked for as one statement (`_run_parts`): as separate queries
# they cost 3–5 ms each of ORM and round trip, more than the counting itself.


@dataclass(frozen=True)
class Part:
    rows: object  # a QuerySet filtered to the period (and counter)
    date_field: str
    is_datetime: bool = False
    value: object = None  # an expression to sum instead of counting rows
    distinct: str | None = (
        None  # 実人数: distinct values of this field per month and in the 年度 (YEAR_TOTAL)
    )
    # Parts of one `source` have the same `rows` and date and are counted in one scan, each with its own
    # condition `where` on those rows (plans made / re-planned, closures / suspensions …).
    source: str | None = None
    where: Q | None = None

    def measure(self):
        if self.distinct:
            return Count(self.distinct, distinct=True, filter=self.where)
        if self.value is None:
            return Count("pk", filter=self.where)
        return Coalesce(Sum(self.value, filter=self.where), 0)

    def month(self, period: Period):
        return _local_month(self.date_field, period) if self.is_datetime else MonthOf(F(self.date_field))


class _ShiftedMonth(Func):
    """SQLite: the month (1–12) of a stored UTC datetime shifted by a fixed number of minutes."""

    output_field = IntegerField()
    template = "CAST(strftime(%(expressions)s) AS integer)"


def _local_month(date_field: str, period: Period):
    """The month (1–12) of a datetime column in the current time zone. Django's TruncDate with a zone is a
    Python function per row on SQLite (5,000 referrals: 50 ms); where the zone's offset is the same all
    through the 年度 (Japan: +9 h) SQLite shifts the UTC value itself."""
    lo, hi = period.datetime_range()
    offset = lo.utcoffset()
    if connection.vendor == "sqlite" and offset == hi.utcoffset():
        minutes = int(offset.total_seconds() // 60)
        return _ShiftedMonth(Value("%m"), F(date_field), Value(f"{minutes:+d} minutes"))
    return MonthOf(TruncDate(date_field, tzinfo=timezone.get_current_timezone()))


PARTS: dict[str, Callable[[Period], Part]] = {}


def _part(key: str) -> Callable[[Callable[[Period], Part]], Callable[[Period], Counts]]:
    """Registers a figure's part under its key; the decorated name computes the figure (see `_parts_result`)."""

    def register(build: Callable[[Period], Part]) -> Callable[[Period], Counts]:
        PARTS[key] = build

        def compute(period: Period) -> Counts:
            return _parts_result(period, key)

        compute.__doc__ = build.__doc__
        return compute

    return register


def _run_parts(period: Period, keys: list[str]) -> dict[str, Counts]:
    """The parts of `keys` as one UNION ALL: one SELECT (month, measure…) per source, a second one with the
    month 0 (the 年度) where a measure counts distinct values (実人数)."""
    parts = {key: PARTS[key](period) for key in keys}
    sources: dict[str, list[str]] = {}
    for key, part in parts.items():
        sources.setdefault(part.source or key, []).append(key)
    width = max(len(members) for members in sources.values())
    selects = []
    for name, members in sources.items():
        first = parts[members[0]]
        measures = {f"n{i}": parts[key].measure() for i, key in enumerate(members)}
        padding = {f"n{i}": Value(0) for i in range(len(members), width)}
        buckets = [first.month(period)]
        if any(parts[key].distinct for key in members):
            buckets.append(Value(0))  # the 年度's distinct count
        selects += [
            first.rows.annotate(k=Value(name), d=bucket).values("k", "d").annotate(**measures, **padding).order_by()
            for bucket in buckets
        ]  # fmt: skip
    query = selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]
    result: dict[str, Counts] = {key: {} for key in keys}
    for row in query:
        for i, key in enumerate(sources[row["k"]]):
            n = int(row[f"n{i}"] or 0)
            if int(row["d"]) == 0:
                if parts[key].distinct:
                    result[key][YEAR_TOTAL] = [n]
            elif n:
                result[key].setdefault("", [0] * 12)[_month_slot(row["d"])] += n
    for key, part in parts.items():
        if part.distinct:  # 実人数: always the 12 months and the 年度's count
            result[key].setdefault("", [0] * 12)
            result[key].setdefault(YEAR_TOTAL, [0])
    return result


def _parts_result(period: Period, key: str) -> Counts:
    """The figure's counts: within a `compute` run from the one statement of all its figures' parts."""
    shared = _shared.get()
    if shared is None:
        return _run_parts(period, [key])[key]
    keys = [k for k in shared.get("figures") or PARTS if k in PARTS]
    if key not in keys:
        keys = [key]
    return _once(("parts", tuple(keys)), period, lambda: _run_parts(period, keys))[key]


@_part("referrals_made")
def referrals_made(period: Period) -> Part:
    return Part(_referrals(period).filter(_in_period(period, "sent_at", is_datetime=True)), "sent_at", True)


def _accepted() -> list[str]:
    status = _model("intake.Referral").Status
    return [status.ACCEPTED_TAKEOVER, status.ACCEPTED_JOINT]


def _responded(period: Period, statuses) -> Part:
    returned = _model("intake.Referral").Status.RETURNED
    qs = _referrals(period).filter(
        _in_period(period, "responded_at", is_datetime=True), status__in=[*_accepted(), returned]
    )
    return Part(qs, "responded_at", True, source="referrals_responded", where=Q(status__in=statuses))


@_part("referrals_accepted")
def referrals_accepted(period: Period) -> Part:
    return _responded(period, _accepted())


@_part("referrals_returned")
def referrals_returned(period: Period) -> Part:
    return _responded(period, [_model("intake.Referral").Status.RETURNED])


def referrals_overdue(period: Period) -> Counts:
    """Sent in the 年度 and still unanswered past the deadline today (as `intake.selectors._with_due`): grouped
    by sending day in the database, the working-day deadline computed once per day."""
    municipality = _model("core.Municipality").objects.get(pk=period.municipality_id)
    qs = _referrals(period).filter(_in_period(period, "sent_at", is_datetime=True), status="sent")
    days = qs.annotate(d=TruncDate("sent_at", tzinfo=timezone.get_current_timezone())).values("d")
    months = [0] * 12
    for row in days.annotate(n=Count("pk")).order_by():
        if add_working_days(row["d"], municipality.referral_overdue_working_days) < period.today:
            months[month_index(row["d"])] += row["n"]
    return {"": months}


def _cases(period: Period):
    qs = _model("cases.CollaborationCase").objects.filter(municipality_id=period.municipality_id)
    return qs.filter(period.holder("opened_by_agency"))


@_part("cases_opened")
def cases_opened(period: Period) -> Part:
    return Part(_cases(period).filter(_in_period(period, "opened_on")), "opened_on")


def _plans(period: Period):
    qs = _model("cases.SupportPlan").objects.filter(case__in=_cases(period))
    return qs.filter(_in_period(period, "made_on"))


@_part("plans_made")
def plans_made(period: Period) -> Part:
    return Part(_plans(period), "made_on", source="plans")


@_part("plans_replanned")
def plans_replanned(period: Period) -> Part:
    return Part(_plans(period), "made_on", source="plans", where=Q(number__gt=1))


@_part("decisions_approved")
def decisions_approved(period: Period) -> Part:
    qs = _model("cases.Decision").objects.filter(case__in=_cases(period), approved=True)
    return Part(qs.filter(_in_period(period, "decided_on")), "decided_on")


def _transitions(period: Period, action: str) -> Part:
    qs = _model("cases.Transition").objects.filter(case__in=_cases(period), action__in=["close", "suspend"])
    rows = qs.filter(_in_period(period, "at", is_datetime=True))
    return Part(rows, "at", True, source="transitions", where=Q(action=action))


@_part("cases_closed")
def cases_closed(period: Period) -> Part:
    return _transitions(period, "close")


@_part("cases_suspended")
def cases_suspended(period: Period) -> Part:
    return _transitions(period, "suspend")


@_part("contact_attempts")
def contact_attempts(period: Period) -> Part:
    qs = _model("cases.ContactAttempt").objects.filter(case__in=_cases(period))
    return Part(qs.filter(_in_period(period, "attempted_on")), "attempted_on")


def _meetings(period: Period):
    """Meetings of both kinds (重層的支援会議, 支援会議) held in the 年度: each figure narrows by kind (`where`)."""
    qs = _model("meetings.Meeting").objects.filter(municipality_id=period.municipality_id)
    # A meeting counts once it has been held: planned dates later in the 年度 are not yet 開催.
    return qs.filter(_in_period(period, "held_on"), held_on__lte=period.today).filter(
        period.holder("convener_agency")
    )


def _meetings_held(kind: str) -> Callable[[Period], Part]:
    return lambda period: Part(_meetings(period), "held_on", source="meetings", where=Q(kind=kind))


def _items_discussed(kind: str) -> Callable[[Period], Part]:
    def build(period: Period) -> Part:
        items = _model("meetings.AgendaItem").objects.filter(meeting__in=_meetings(period))
        return Part(items, "meeting__held_on", source="items", where=Q(meeting__kind=kind))

    return build


meetings_plan = _part("meetings_plan")(_meetings_held("plan"))
items_plan = _part("items_plan")(_items_discussed("plan"))
meetings_confidential = _part("meetings_confidential")(_meetings_held("confidential"))
items_confidential = _part("items_confidential")(_items_discussed("confidential"))


YEAR_TOTAL = "@year"  # in Counts: [the 年度's count] where it is not the sum of the months (実人数)


def _engagement_attempts(period: Period):
    qs = _model("outreach.EngagementAttempt").objects.filter(
        engagement__municipality_id=period.municipality_id
    )
    return qs.filter(_in_period(period, "attempted_on"), period.holder("engagement__created_by_agency"))


@_part("outreach_persons")
def outreach_persons(period: Period) -> Part:
    """アウトリーチの対象者（実人数）: engagements with at least one contact attempt in the month / 年度."""
    return Part(_engagement_attempts(period), "attempted_on", distinct="engagement_id", source="outreach")


@_part("outreach_attempts")
def outreach_attempts(period: Period) -> Part:
    return Part(_engagement_attempts(period), "attempted_on", source="outreach")


def _matches_started(period: Period):
    qs = _model("participation.Match").objects.filter(municipality_id=period.municipality_id)
    return qs.filter(_in_period(period, "started_on"), period.holder("case__opened_by_agency"))


@_part("participation_persons")
def participation_persons(period: Period) -> Part:
    """参加支援につながった人（実人数）: persons with a match (参加) started in the month / 年度."""
    return Part(_matches_started(period), "started_on", distinct="person_id")


@_part("cooperating_businesses")
def cooperating_businesses(period: Period) -> Part:
    """協力企業・団体（実数）: resources of the work kinds (WORK_KINDS) with a match started in the month / 年度."""
    from kasane.participation.models import WORK_KINDS

    qs = _matches_started(period).filter(resource__kind__name__in=WORK_KINDS)
    return Part(qs, "started_on", distinct="resource_id")


def _community(period: Period, label: str, municipality_field: str = "municipality_id"):
    qs = _model(label).objects.filter(**{municipality_field: period.municipality_id})
    return qs.filter(_in_period(period, "held_on"))


@_part("community_sessions")
def community_sessions(period: Period) -> Part:
    return Part(
        _community(period, "community.Session", "activity__municipality_id"), "held_on", source="sessions"
    )


@_part("community_participants")
def community_participants(period: Period) -> Part:
    """参加者のべ人数: the sum of the age bands of every session."""
    from kasane.community.models import AGE_BAND_FIELDS

    total = sum((F(name) for name in AGE_BAND_FIELDS[1:]), F(AGE_BAND_FIELDS[0]))
    qs = _community(period, "community.Session", "activity__municipality_id")
    return Part(qs, "held_on", value=total, source="sessions")


@_part("community_network_meetings")
def community_network_meetings(period: Period) -> Part:
    return Part(_community(period, "community.NetworkMeeting"), "held_on")


@_part("community_trainings")
def community_trainings(period: Period) -> Part:
    return Part(_community(period, "community.Training"), "held_on", source="trainings")


@_part("community_trainees")
def community_trainees(period: Period) -> Part:
    return Part(_community(period, "community.Training"), "held_on", value=F("trainees"), source="trainings")


# --- the registry ------------------------------------------------------------------------------------------


def _choices(label: str, name: str) -> Callable[[int], dict[str, str]]:
    return lambda municipality_id: dict(_model(label)._meta.get_field(name).choices)


def _agency_names(municipality_id: int) -> dict[str, str]:
    agencies = _model("directory.Agency").objects.filter(municipality_id=municipality_id)
    return {"": "市町村（所管課）", **{str(pk): name for pk, name in agencies.values_list("pk", "name")}}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    section: str
    compute: Callable[[Period], Counts]
    # For a breakdown: the label of each value (municipality id → {value: label}); None for a single figure.
    breakdown: Callable[[int], dict[str, str]] | None = None
    # The page listing the records behind it, for staff who may see them: (url name, {param: value or callable}).
    link: tuple[str, Callable[[Period, str], dict]] | None = None
    # A breakdown whose figure row equals another figure's row (its 年度計 is that figure's): 秘匿処理 treats
    # the two 年度計 as one cell, so neither discloses what the other hides.
    same_as: str | None = None
    # A figure whose every cell is at most another figure's same cell (新規 ⊂ のべ, 再プラン ⊂ プラン, persons ≤
    # attempts): a reader knows part ≤ whole, so 秘匿処理 hides the two rows' months and 年度計 together.
    part_of: str | None = None


def _consultation_link(period: Period, value: str, **extra) -> dict:
    return {"fiscal_year": period.fiscal_year, **extra}


FIGURES: list[Figure] = [
    Figure("consultations_real", "新規相談（実数）", "相談", consultations_real,
           link=("intake:consultation_list", _consultation_link), part_of="consultations_all"),
    Figure("consultations_all", "相談（のべ）", "相談", consultations_all,
           link=("intake:consultation_list", _consultation_link)),
    Figure("consultations_by_agency", "機関別の相談（のべ）", "相談", consultations_by_agency, _agency_names,
           same_as="consultations_all"),  # every consultation has a holder (the office: 市町村（所管課）)
    Figure("consultations_by_problem", "課題別の新規相談（実数・複数回答）", "相談", consultations_by_problem,
           _choices("intake.ConsultationProblem", "problem"),
           link=("intake:consultation_list", lambda p, v: _consultation_link(p, v, problem=v))),
    Figure("consultations_by_route", "相談経路別（のべ）", "相談", consultations_by_route,
           _choices("intake.Consultation", "route"), same_as="consultations_all"),  # blank: its 未記入 row
    Figure("consultations_by_consulter", "相談者別（のべ）", "相談", consultations_by_consulter,
           _choices("intake.Consultation", "consulter"), same_as="consultations_all"),
    Figure("referrals_made", "つないだ件数（つなぐシート）", "つなぎ", referrals_made,
           link=("intake:referral_outbox", lambda p, v: {})),
    Figure("referrals_accepted", "受理されたつなぎ", "つなぎ", referrals_accepted,
           link=("intake:referral_inbox", lambda p, v: {})),
    Figure("referrals_returned", "差し戻されたつなぎ", "つなぎ", referrals_returned,
           link=("intake:referral_outbox", lambda p, v: {})),
    Figure("referrals_overdue", "応答期限を過ぎて未応答のつなぎ", "つなぎ", referrals_overdue,
           link=("intake:referral_inbox", lambda p, v: {})),
    Figure("cases_opened", "多機関協働の事例（開始）", "多機関協働", cases_opened,
           link=("cases:case_list", lambda p, v: {})),
    Figure("plans_made", "プラン作成", "多機関協働", plans_made),
    Figure("plans_replanned", "うち再プラン", "多機関協働", plans_replanned, part_of="plans_made"),
    Figure("decisions_approved", "支援決定", "多機関協働", decisions_approved),
    Figure("cases_closed", "終結", "多機関協働", cases_closed, link=("cases:case_list", lambda p, v: {"state": "closed"})),
    Figure("cases_suspended", "中断", "多機関協働", cases_suspended,
           link=("cases:case_list", lambda p, v: {"state": "suspended"})),
    Figure("meetings_plan", "重層的支援会議の開催", "会議", meetings_plan,
           link=("meetings:meeting_list", lambda p, v: {})),
    Figure("items_plan", "重層的支援会議で検討した議題", "会議", items_plan),
    Figure("meetings_confidential", "支援会議の開催", "会議", meetings_confidential,
           link=("meetings:meeting_list", lambda p, v: {})),
    Figure("items_confidential", "支援会議で検討した議題", "会議", items_confidential),
    Figure("contact_attempts", "連絡の試み（訪問・電話など）", "アウトリーチ", contact_attempts),
    Figure("outreach_persons", "アウトリーチの対象者（実人数）", "アウトリーチ", outreach_persons,
           link=("outreach:engagement_list", lambda p, v: {}), part_of="outreach_attempts"),
    Figure("outreach_attempts", "アウトリーチの連絡の試み", "アウトリーチ", outreach_attempts),
    Figure("participation_persons", "参加支援につながった人（実人数）", "参加支援", participation_persons),
    Figure("cooperating_businesses", "協力企業・団体（就労体験等、実数）", "参加支援", cooperating_businesses),
    Figure("community_sessions", "地域づくりの活動の開催", "地域づくり", community_sessions),
    Figure("community_participants", "活動の参加者（のべ）", "地域づくり", community_participants),
    Figure("community_network_meetings", "ネットワーク会議・協議体の開催", "地域づくり", community_network_meetings),
    Figure("community_trainings", "養成講座・研修の開催", "地域づくり", community_trainings),
    Figure("community_trainees", "養成講座・研修の受講者", "地域づくり", community_trainees),
]  # fmt: skip
FIGURES_BY_KEY = {f.key: f for f in FIGURES}
SECTIONS = list(dict.fromkeys(f.section for f in FIGURES))


# --- the result --------------------------------------------------------------------------------------------


@dataclass
class Row:
    key: str  # "consultations_real" or "consultations_by_problem.housing"
    figure: str
    section: str
    label: str
    months: list  # 12 counts (or 「*」 once suppressed), April first
    level: int = 0  # 0 a figure, 1 one value of a breakdown
    link: str = ""
    total: object = None  # the 年度's sum (or 「*」 once suppressed)
    additive: bool = True  # False for a 実人数 figure: its 年度計 is not the sum of the months
    month_links: list = field(default_factory=list)  # per month: the records behind it ("" for none)

    @property
    def cells(self) -> list[tuple[object, str]]:
        """(count, link) per month, April first."""
        return list(zip(self.months, self.month_links or [""] * 12, strict=True))

    def __post_init__(self):
        if self.total is None:
            self.total = sum(self.months)


@dataclass
class Statistics:
    municipality_id: int
    municipality_name: str
    fiscal_year: int
    rows: list[Row]
    suppressed: bool = False
    counter_label: str = ""

    @property
    def fiscal_label(self) -> str:
        return format_fiscal_year(self.fiscal_year)

    def sections(self) -> list[tuple[str, list[Row]]]:
        return [
            (s, [r for r in self.rows if r.section == s])
            for s in SECTIONS
            if any(r.section == s for r in self.rows)
        ]

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def as_dict(self) -> dict:
        return {
            "municipality": self.municipality_name,
            "fiscal_year": self.fiscal_year,
            "fiscal_year_label": self.fiscal_label,
            "suppressed": self.suppressed,
            "months": MONTH_LABELS,
            "rows": [
                {"key": r.key, "section": r.section, "label": r.label, "level": r.level, "total": r.total,
                 "months": r.months}
                for r in self.rows
            ],
        }  # fmt: skip

    def table(self) -> tuple[list[str], list[list]]:
        """Header and rows for CSV / .xlsx: 区分, 項目, 年度計, 4月 … 3月."""
        header = ["区分", "項目", "年度計", *MONTH_LABELS]
        body = [[r.section, ("　" * r.level) + r.label, r.total, *r.months] for r in self.rows]
        return header, body


@contextmanager
def shared_queries():
    """Within it, figures that read the same rows share one query (see `_once`)."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def compute(period: Period, figures: list[Figure] | None = None) -> list[Row]:
    with shared_queries():
        if figures is not None:  # the single figures' parts run together: only those asked for
            _shared.get()["figures"] = [f.key for f in figures]
        return _compute(period, figures)


def _compute(period: Period, figures: list[Figure] | None) -> list[Row]:
    rows: list[Row] = []
    for figure in figures or FIGURES:
        counts = figure.compute(period)
        if figure.breakdown is None:
            year = counts.get(YEAR_TOTAL)
            rows.append(Row(figure.key, figure.key, figure.section, figure.label, counts.get("", [0] * 12),
                            total=year[0] if year else None, additive=year is None))  # fmt: skip
            continue
        labels = figure.breakdown(period.municipality_id)
        total = [sum(col) for col in zip(*counts.values(), strict=True)] if counts else [0] * 12
        rows.append(Row(figure.key, figure.key, figure.section, figure.label, total))
        # Every labelled value is listed (zeros too) so that the table keeps its shape from year to year.
        for value in sorted(
            set(labels) | set(counts), key=lambda v: list(labels).index(v) if v in labels else 999
        ):
            rows.append(Row(f"{figure.key}.{value or 'none'}", figure.key, figure.section,
                            labels.get(value, value or "（未記入）"), counts.get(value, [0] * 12), level=1))  # fmt: skip
    return rows


def suppress_value(value, below: int):
    """秘匿処理: 1 ≤ value < below → 「*」 (0 stays 0: a zero discloses no one)."""
    if below and isinstance(value, int) and 1 <= value < below:
        return SUPPRESSED
    return value


Cell = tuple[int, int]  # (row, column) of a table
Line = tuple[list[Cell], Cell]  # cells whose sum is the last cell (a total that is shown unless suppressed)
NOT_SHOWN = ""  # a breakdown's months in suppressed output: its values are shown for the 年度 only


def suppression_mask(
    values: dict[Cell, int], lines: list[Line], below: int, also: set[Cell] = frozenset()
) -> set[Cell]:
    """秘匿処理 of a table: the cells to show as 「*」. Primary: 1 ≤ value < below. Secondary (二次秘匿): no hidden
    cell may follow from the shown cells of the lines. A reader knows each 「*」 is at least 1 (zeros are shown).
    In a line whose total is shown, the hidden cells stay undetermined when there are at least two of them and
    their sum (total − shown cells) exceeds their number (not all 1s); otherwise the line's smallest shown cell
    that makes it so is hidden too (one of at least 2 when the hidden ones are all 1s), else its total. A hidden
    total follows from its line when none of the line's cells is hidden: then the smallest shown non-zero cell is
    hidden. Cells only ever get hidden, so this ends; pure, no database.
    `also`: cells already hidden for another reason (a part and its whole, see `suppressed_rows`).

    Exact (no hidden cell is determined by any combination of the lines) for the tables `suppressed_rows` builds:
    a total is a cell of no line and two lines share at most their total, so a hidden total that no line
    determines can grow without bound, and with it one hidden cell of each of its lines. A table whose lines
    cross (a breakdown by month: rows and columns) needs more than this (see `suppressed_rows`)."""
    hidden = {cell for cell, value in values.items() if below and 1 <= value < below} | set(also)
    changed = bool(hidden)
    while changed:
        changed = False
        for cells, total in lines:
            parts = [c for c in cells if c in hidden]
            if total in hidden:
                if parts:
                    continue  # the total (and these cells with it) can be any larger number
                least = 1  # the total is the sum of the shown cells: one of them joins it
            else:
                rest = sum(values[c] for c in parts)
                if not parts or (len(parts) >= 2 and rest > len(parts)):
                    continue
                # all 1s: only a cell of 2 or more makes them undetermined
                least = 2 if rest <= len(parts) else 1
            shown = sorted((values[c], c) for c in cells if c not in hidden and values[c] >= least)
            if shown:
                hidden.add(shown[0][1])
            elif total not in hidden:
                hidden.add(total)
            else:  # cannot happen: a hidden total of shown cells has a non-zero one
                continue
            changed = True
    return hidden


def suppressed_rows(rows: list[Row], below: int) -> list[Row]:
    """The rows with 秘匿処理 (`suppression_mask`): each single figure's months against its 年度計 (where the 年度計
    is their sum; a 実人数 figure's is not), and each breakdown's values for the 年度 only against the figure's
    年度計 (a breakdown's months are not shown: rows and columns crossing would let hidden cells be solved from
    several lines together). A breakdown whose figure row equals another figure's (`Figure.same_as`) shares that
    figure's 年度計 cell, so the two are hidden together or shown together."""
    broken_down = {r.figure for r in rows if r.level == 1}
    first = {r.key: i for i, r in enumerate(rows) if r.level == 0}
    canonical: dict[Cell, Cell] = {}
    for i, r in enumerate(rows):
        figure = FIGURES_BY_KEY.get(r.figure)
        same = first.get(figure.same_as) if figure is not None and figure.same_as and r.level == 0 else None
        if same is not None and rows[same].total == r.total and rows[same].figure not in broken_down:
            canonical[(i, 12)] = (same, 12)
    values: dict[Cell, int] = {}
    lines: list[Line] = []
    for i, r in enumerate(rows):
        if r.figure in broken_down:
            if (i, 12) not in canonical:
                values[(i, 12)] = r.total if isinstance(r.total, int) else 0
            if r.level == 0:
                parts = [
                    k for k in range(i + 1, len(rows)) if rows[k].figure == r.figure and rows[k].level == 1
                ]
                lines.append(([(k, 12) for k in parts], canonical.get((i, 12), (i, 12))))
            continue
        for j, v in enumerate([*r.months, r.total]):
            values[(i, j)] = v if isinstance(v, int) else 0
        if r.total == sum(r.months) and r.additive:
            lines.append(([(i, j) for j in range(12)], (i, 12)))
    hidden = suppression_mask(values, lines, below)
    # Part ≤ whole (`Figure.part_of`): a shown cell of one bounds the hidden same cell of the other (実数 [0, 0, 5]
    # shown beside のべ [*, 0, *] = 6 would give のべ 1 and 5), so a month or 年度計 hidden in either row is hidden
    # in both (unless the other is 0, which bounds nothing), and the lines are masked again, until nothing changes.
    pairs = [(i, first[f.part_of]) for i, r in enumerate(rows) if r.level == 0
             and (f := FIGURES_BY_KEY.get(r.figure)) is not None and f.part_of in first
             and r.figure not in broken_down and f.part_of not in broken_down]  # fmt: skip
    while pairs:
        extra = set()
        for a, b in pairs:
            for j in range(13):
                for one, other in ((a, b), (b, a)):
                    if (one, j) in hidden and (other, j) not in hidden and values.get((other, j)):
                        extra.add((other, j))
        if not extra:
            break
        hidden = suppression_mask(values, lines, below, also=hidden | extra)

    def cell(i, j, value):
        return SUPPRESSED if canonical.get((i, j), (i, j)) in hidden else value

    return [
        Row(r.key, r.figure, r.section, r.label,
            [NOT_SHOWN] * 12 if r.figure in broken_down else [cell(i, j, v) for j, v in enumerate(r.months)],
            r.level, total=cell(i, 12, r.total), additive=r.additive)
        for i, r in enumerate(rows)
    ]  # fmt: skip


def suppressed_totals(municipality, fiscal_year: int, keys, *, counter=ALL_COUNTERS,
                      today: date | None = None) -> dict[str, object]:  # fmt: skip
    """The 年度計 of the figures `keys` as they stand in the suppressed table (「*」 where hidden), computing only
    those figures and the ones they share a cell or a part ≤ whole bound with: the lines of other figures do not
    touch their cells, so their mask is the full table's."""
    keys = set(keys)
    while linked := ({f.key for f in FIGURES if f.same_as in keys or f.part_of in keys}
                     | {FIGURES_BY_KEY[k].same_as for k in keys if FIGURES_BY_KEY[k].same_as}
                     | {FIGURES_BY_KEY[k].part_of for k in keys if FIGURES_BY_KEY[k].part_of}) - keys:  # fmt: skip
        keys |= linked
    figures = [f for f in FIGURES if f.key in keys]
    period = Period(municipality.pk, fiscal_year, counter, today or timezone.localdate())
    rows = suppressed_rows(compute(period, figures), municipality.stats_suppression_below)
    return {r.key: r.total for r in rows if r.level == 0}


def yearly_statistics(*, municipality, fiscal_year: int, counter=ALL_COUNTERS, suppress: bool = False,
                      today: date | None = None) -> Statistics:  # fmt: skip
    """All figures of the 年度 for the municipality (or one counter), optionally with 秘匿処理."""
    period = Period(municipality.pk, fiscal_year, counter, today or timezone.localdate())
    rows = compute(period)
    if suppress:
        rows = suppressed_rows(rows, municipality.stats_suppression_below)
    return Statistics(municipality.pk, str(municipality), fiscal_year, rows, suppressed=suppress)


# --- who sees what ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    counter: object  # ALL_COUNTERS or the user's holder (agency id or None)
    suppress: bool
    links: bool

    @property
    def whole_municipality(self) -> bool:
        return self.counter is ALL_COUNTERS


def access_for(user) -> Access | None:
    """The statistics a user may receive, or None (see the module docstring)."""
    casework = policy.allows(user, "casework")
    if policy.allows(user, "aggregates.view"):
        suppress = user.has_role(Role.EVALUATOR) or not casework
        return Access(ALL_COUNTERS, suppress=suppress, links=not suppress)
    if casework:
        return Access(user.agency_id, suppress=False, links=True)
    return None


def statistics_for(*, user, fiscal_year: int) -> Statistics | None:
    access = access_for(user)
    if access is None:
        return None
    stats = yearly_statistics(municipality=user.municipality, fiscal_year=fiscal_year, counter=access.counter,
                              suppress=access.suppress)  # fmt: skip
    if not access.whole_municipality:
        stats.counter_label = str(user.agency) if user.agency_id else "市町村（所管課）"
    if access.links:
        _add_links(stats)
    return stats


def _add_links(stats: Statistics) -> None:
    period = Period(stats.municipality_id, stats.fiscal_year)
    for row in stats.rows:
        if row.figure in RECORDS:
            url = reverse("evaluation:stats_records", args=[row.figure])
            row.month_links = [
                f"{url}?fiscal_year={stats.fiscal_year}&month={(i + 3) % 12 + 1}" if value else ""
                for i, value in enumerate(row.months)
            ]
        figure = FIGURES_BY_KEY[row.figure]
        if figure.link is None or (row.level == 0 and figure.breakdown is not None):
            continue
        name, params = figure.link
        value = row.key.split(".", 1)[1] if row.level else ""
        query = "&".join(f"{k}={v}" for k, v in params(period, value).items())
        row.link = reverse(name) + (f"?{query}" if query else "")


# --- the records behind a figure's month (staff with links only) -------------------------------------------

# figure key → (the records listed: model label, the field of the figure's rows that names one, detail URL name)
RECORDS: dict[str, tuple[str, str, str]] = {
    "contact_attempts": ("cases.CollaborationCase", "case_id", "cases:case_detail"),
    "outreach_persons": ("outreach.Engagement", "engagement_id", "outreach:engagement_detail"),
    "outreach_attempts": ("outreach.Engagement", "engagement_id", "outreach:engagement_detail"),
    "participation_persons": ("participation.Match", "pk", "participation:match_detail"),
    "cooperating_businesses": ("participation.Match", "pk", "participation:match_detail"),
    "community_sessions": ("community.Session", "pk", "community:activity_detail"),
    "community_participants": ("community.Session", "pk", "community:activity_detail"),
}


def month_range(fiscal_year: int, month: int) -> tuple[date, date]:
    """The first and last day of a calendar month (1–12) of the 年度 (January–March are the next year's)."""
    year = fiscal_year if month >= 4 else fiscal_year + 1
    first = date(year, month, 1)
    return first, (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))


def records_behind(*, user, figure: str, fiscal_year: int, month: int | None):
    """The records counted in a figure for the user's counter in the 年度 (or one month of it), as far as the
    access policy lets the user see them (a figure can count records the user may not open). Raises KeyError
    for a figure without records and PermissionDenied for a user without links (evaluators: numbers only)."""
    from django.core.exceptions import PermissionDenied

    label, ref, _url = RECORDS[figure]
    access = access_for(user)
    if access is None or not access.links:
        raise PermissionDenied("集計の元になった記録を見る権限がありません。")
    period = Period(user.municipality_id, fiscal_year, access.counter)
    part = PARTS[figure](period)
    rows = part.rows if part.where is None else part.rows.filter(part.where)
    if month is not None:
        rows = rows.filter(**{f"{part.date_field}__range": month_range(fiscal_year, month)})
    ids = rows.values(ref)
    return policy.scope(user, _model(label)).filter(pk__in=ids)


def record_link(figure: str, record) -> str:
    name = RECORDS[figure][2]
    pk = record.activity_id if name == "community:activity_detail" else record.pk
    return reverse(name, args=[pk])


# --- outcome targets (成果目標) ----------------------------------------------------------------------------

# evaluation.stat_keys names → the figures whose sum is the actual; () where the records do not exist yet.
STAT_KEY_FIGURES: dict[str, tuple[str, ...]] = {
    "new_consultations": ("consultations_real",),
    "consultations_total": ("consultations_all",),
    "case_reviews": ("items_plan", "items_confidential"),  # 事例検討: items of both meeting kinds
    "collaboration_cases": ("cases_opened",),
    "plans_made": ("plans_made",),
    "integrated_meetings": ("meetings_plan",),
    "confidential_meetings": ("meetings_confidential",),
    "participation_persons": ("participation_persons",),
    "cooperating_businesses": ("cooperating_businesses",),
    "outreach_persons": ("outreach_persons",),
    "community_sessions": ("community_sessions",),
}


def stat_value(municipality, fiscal_year: int, key: str, *, suppress: bool = False) -> int | str | None:
    """The 年度's actual for an outcome target's statistic (whole municipality; a 実人数 figure counts each person
    once in the 年度), or None for an unknown key. With `suppress`, the actual as the suppressed table shows it:
    the sum of its figures' 年度計 when every one is shown, else 「*」 (a sum would disclose a hidden part)."""
    figure_keys = STAT_KEY_FIGURES.get(key, ())
    if not figure_keys:
        return None
    if suppress:
        totals = suppressed_totals(municipality, fiscal_year, figure_keys)
        parts = [totals[k] for k in figure_keys]
        return SUPPRESSED if SUPPRESSED in parts else sum(parts)
    rows = compute(Period(municipality.pk, fiscal_year), [FIGURES_BY_KEY[k] for k in figure_keys])
    return sum(r.total for r in rows if r.level == 0)


# --- output ----------------------------------------------------------------------------------------------

FORMATS = ("json", "csv", "xlsx")


def export_bytes(result: Statistics, fmt: str, *, encoding: str = "utf-8-sig") -> bytes:
    """The statistics as JSON (UTF-8), CSV (UTF-8 with BOM, or CP932) or .xlsx."""
    if fmt == "json":
        return json.dumps(result.as_dict(), ensure_ascii=False, indent=2).encode()
    header, body = result.table()
    if fmt == "csv":
        return csv_bytes(header, body, encoding=encoding)
    if fmt == "xlsx":
        return xlsx_bytes(f"{result.fiscal_label}の実績", header, body)
    raise ValueError(f"unknown format {fmt!r}")


def export_filename(result: Statistics, fmt: str) -> str:
    return f"実績統計_{result.fiscal_label}.{fmt}"


# --- the dashboard's snapshots (as of today, not per 年度) -------------------------------------------------


def open_cases_by_state(period: Period) -> dict[str, int]:
    """Cases not closed, by lifecycle state (archived ones left out)."""
    qs = _cases(period).filter(archived=False).exclude(state="closed")
    return {row["state"]: row["n"] for row in qs.values("state").annotate(n=Count("pk")).order_by()}


def overdue_now(period: Period) -> int:
    """Referrals unanswered past their deadline today, whenever they were sent."""
    municipality = _model("core.Municipality").objects.get(pk=period.municipality_id)
    qs = _referrals(period).filter(status="sent")
    days = qs.annotate(d=TruncDate("sent_at", tzinfo=timezone.get_current_timezone())).values("d")
    return sum(
        row["n"]
        for row in days.annotate(n=Count("pk")).order_by()
        if add_working_days(row["d"], municipality.referral_overdue_working_days) < period.today
    )


def yearly_trend(
    period: Period, years: int = 5, *, suppress: bool = False
) -> list[tuple[int, object, object]]:
    """(年度, 実数, のべ) for the last `years` 年度 up to the period's; with `suppress`, each 年度 as its suppressed
    table shows it (「*」 where hidden, by the first stage or by 二次秘匿)."""
    result = []
    municipality = _model("core.Municipality").objects.get(pk=period.municipality_id) if suppress else None
    for fy in range(period.fiscal_year - years + 1, period.fiscal_year + 1):
        if suppress:
            totals = suppressed_totals(municipality, fy, ["consultations_real", "consultations_all"],
                                       counter=period.counter, today=period.today)  # fmt: skip
            result.append((fy, totals["consultations_real"], totals["consultations_all"]))
            continue
        p = Period(period.municipality_id, fy, period.counter, period.today)
        result.append((fy, sum(consultations_real(p).get("", [0])), sum(consultations_all(p).get("", [0]))))
    return result
