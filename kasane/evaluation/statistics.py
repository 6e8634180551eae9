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
from django.db.models import Count, F, Func, IntegerField, Q, Sum
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


def _by_month(qs, date_field: str, *, by: str | None = None, is_datetime: bool = False, value=None) -> Counts:
    """One GROUP BY (month[, breakdown]) query over rows whose `date_field` falls in the period (the caller
    filters). A date column is grouped by its month number (plain SQL); a datetime column by its local day
    (≤ 366 groups), folded into months here. `value` sums an expression instead of counting rows."""
    if is_datetime:
        bucket, slot = TruncDate(date_field, tzinfo=timezone.get_current_timezone()), month_index
    else:
        bucket, slot = MonthOf(F(date_field)), _month_slot
    values = ["d", by] if by else ["d"]
    measure = Count("pk") if value is None else Coalesce(Sum(value), 0)
    result: Counts = defaultdict(lambda: [0] * 12)
    for row in qs.annotate(d=bucket).values(*values).annotate(n=measure).order_by():
        key = "" if not by else ("" if row[by] is None else str(row[by]))
        result[key][slot(row["d"])] += int(row["n"])
    return dict(result)


def _distinct_by_month(qs, date_field: str, distinct: str) -> tuple[Counts, int]:
    """実人数: distinct `distinct` values per month (one GROUP BY month) and in the whole period (one COUNT
    DISTINCT); the rows are already filtered to the period."""
    months = [0] * 12
    grouped = qs.annotate(d=MonthOf(F(date_field))).values("d").annotate(n=Count(distinct, distinct=True))
    for row in grouped.order_by():
        months[_month_slot(row["d"])] += row["n"]
    total = qs.aggregate(n=Count(distinct, distinct=True))["n"]
    return {"": months}, total


def _in_period(period: Period, date_field: str, *, is_datetime: bool = False) -> Q:
    lo, hi = period.datetime_range() if is_datetime else period.date_range()
    if is_datetime:
        return Q(**{f"{date_field}__gte": lo, f"{date_field}__lt": hi})
    return Q(**{f"{date_field}__range": (lo, hi)})


# --- the figures -------------------------------------------------------------------------------------------


def _consultations(period: Period):
    qs = _model("intake.Consultation").objects.filter(municipality_id=period.municipality_id)
    return qs.filter(_in_period(period, "received_on"), period.holder("agency"))


# The five consultation figures come from one scan: GROUP BY (month, agency) with a conditional count per
# route and per consulter (a few hundred result rows), shared by the figures of one `compute` run.
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


def _consultation_cube(period: Period) -> dict[str, Counts]:
    routes = _choice_values("intake.Consultation", "route")
    consulters = _choice_values("intake.Consultation", "consulter")
    measures = {"n": Count("pk"), "real": Count("pk", filter=Q(first_consultation__isnull=True))}
    measures |= {f"route_{i}": Count("pk", filter=Q(route=v)) for i, v in enumerate(routes)}
    measures |= {f"consulter_{i}": Count("pk", filter=Q(consulter=v)) for i, v in enumerate(consulters)}
    rows = _consultations(period).annotate(d=MonthOf(F("received_on"))).values("d", "agency_id")
    cube: dict[str, Counts] = {
        name: defaultdict(lambda: [0] * 12) for name in ("all", "agency", "route", "consulter")
    }
    for row in rows.annotate(**measures).order_by():
        m = _month_slot(row["d"])
        cube["all"][""][m] += row["n"]
        cube["all"]["real"][m] += row["real"]
        cube["agency"]["" if row["agency_id"] is None else str(row["agency_id"])][m] += row["n"]
        for name, values in (("route", routes), ("consulter", consulters)):
            counted = 0
            for i, v in enumerate(values):
                if row[f"{name}_{i}"]:
                    cube[name][v][m] += row[f"{name}_{i}"]
                    counted += row[f"{name}_{i}"]
            if counted < row["n"]:  # a value outside the choices (or blank): 未記入
                cube[name][""][m] += row["n"] - counted
    return {name: dict(counts) for name, counts in cube.items()}


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
    # Filtered through the join (not `consultation__in=subquery`): one pass over the 年度's consultations.
    rows = _model("intake.ConsultationProblem").objects.filter(
        _in_period(period, "consultation__received_on"),
        period.holder("consultation__agency"),
        consultation__municipality_id=period.municipality_id,
        consultation__first_consultation__isnull=True,
    )
    return _by_month(rows, "consultation__received_on", by="problem")


def _referrals(period: Period):
    qs = _model("intake.Referral").objects.filter(municipality_id=period.municipality_id)
    return qs.exclude(status="cancelled").filter(period.holder("from_agency", "to_agency"))


def referrals_made(period: Period) -> Counts:
    return _by_month(_referrals(period).filter(_in_period(period, "sent_at", is_datetime=True)), "sent_at",
                     is_datetime=True)  # fmt: skip


def _responded(period: Period, statuses) -> Counts:
    qs = _referrals(period).filter(_in_period(period, "responded_at", is_datetime=True), status__in=statuses)
    return _by_month(qs, "responded_at", is_datetime=True)


def referrals_accepted(period: Period) -> Counts:
    return _responded(period, ["accepted_takeover", "accepted_joint"])


def referrals_returned(period: Period) -> Counts:
    return _responded(period, ["returned"])


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


def cases_opened(period: Period) -> Counts:
    return _by_month(_cases(period).filter(_in_period(period, "opened_on")), "opened_on")


def _plans(period: Period):
    qs = _model("cases.SupportPlan").objects.filter(case__in=_cases(period))
    return qs.filter(_in_period(period, "made_on"))


def plans_made(period: Period) -> Counts:
    return _by_month(_plans(period), "made_on")


def plans_replanned(period: Period) -> Counts:
    return _by_month(_plans(period).filter(number__gt=1), "made_on")


def decisions_approved(period: Period) -> Counts:
    qs = _model("cases.Decision").objects.filter(case__in=_cases(period), approved=True)
    return _by_month(qs.filter(_in_period(period, "decided_on")), "decided_on")


def _transitions(period: Period, action: str) -> Counts:
    qs = _model("cases.Transition").objects.filter(case__in=_cases(period), action=action)
    return _by_month(qs.filter(_in_period(period, "at", is_datetime=True)), "at", is_datetime=True)


def cases_closed(period: Period) -> Counts:
    return _transitions(period, "close")


def cases_suspended(period: Period) -> Counts:
    return _transitions(period, "suspend")


def contact_attempts(period: Period) -> Counts:
    qs = _model("cases.ContactAttempt").objects.filter(case__in=_cases(period))
    return _by_month(qs.filter(_in_period(period, "attempted_on")), "attempted_on")


def _meetings(period: Period, kind: str):
    qs = _model("meetings.Meeting").objects.filter(municipality_id=period.municipality_id, kind=kind)
    # A meeting counts once it has been held: planned dates later in the 年度 are not yet 開催.
    return qs.filter(_in_period(period, "held_on"), held_on__lte=period.today).filter(
        period.holder("convener_agency")
    )


def meetings_held(kind: str) -> Callable[[Period], Counts]:
    return lambda period: _by_month(_meetings(period, kind), "held_on")


def items_discussed(kind: str) -> Callable[[Period], Counts]:
    def compute(period: Period) -> Counts:
        items = _model("meetings.AgendaItem").objects.filter(meeting__in=_meetings(period, kind))
        return _by_month(items, "meeting__held_on")

    return compute


YEAR_TOTAL = "@year"  # in Counts: [the 年度's count] where it is not the sum of the months (実人数)


def _engagement_attempts(period: Period):
    qs = _model("outreach.EngagementAttempt").objects.filter(
        engagement__municipality_id=period.municipality_id
    )
    return qs.filter(_in_period(period, "attempted_on"), period.holder("engagement__created_by_agency"))


def outreach_persons(period: Period) -> Counts:
    """アウトリーチの対象者（実人数）: engagements with at least one contact attempt in the month / 年度."""
    months, total = _distinct_by_month(_engagement_attempts(period), "attempted_on", "engagement_id")
    return {**months, YEAR_TOTAL: [total]}


def outreach_attempts(period: Period) -> Counts:
    return _by_month(_engagement_attempts(period), "attempted_on")


def _matches_started(period: Period):
    qs = _model("participation.Match").objects.filter(municipality_id=period.municipality_id)
    return qs.filter(_in_period(period, "started_on"), period.holder("case__opened_by_agency"))


def participation_persons(period: Period) -> Counts:
    """参加支援につながった人（実人数）: persons with a match (参加) started in the month / 年度."""
    months, total = _distinct_by_month(_matches_started(period), "started_on", "person_id")
    return {**months, YEAR_TOTAL: [total]}


def cooperating_businesses(period: Period) -> Counts:
    """協力企業・団体（実数）: resources of the work kinds (WORK_KINDS) with a match started in the month / 年度."""
    from kasane.participation.models import WORK_KINDS

    qs = _matches_started(period).filter(resource__kind__name__in=WORK_KINDS)
    months, total = _distinct_by_month(qs, "started_on", "resource_id")
    return {**months, YEAR_TOTAL: [total]}


def _community(period: Period, label: str, municipality_field: str = "municipality_id"):
    qs = _model(label).objects.filter(**{municipality_field: period.municipality_id})
    return qs.filter(_in_period(period, "held_on"))


def community_sessions(period: Period) -> Counts:
    return _by_month(_community(period, "community.Session", "activity__municipality_id"), "held_on")


def community_participants(period: Period) -> Counts:
    """参加者のべ人数: the sum of the age bands of every session."""
    from kasane.community.models import AGE_BAND_FIELDS

    total = sum((F(name) for name in AGE_BAND_FIELDS[1:]), F(AGE_BAND_FIELDS[0]))
    qs = _community(period, "community.Session", "activity__municipality_id")
    return _by_month(qs, "held_on", value=total)


def community_network_meetings(period: Period) -> Counts:
    return _by_month(_community(period, "community.NetworkMeeting"), "held_on")


def community_trainings(period: Period) -> Counts:
    return _by_month(_community(period, "community.Training"), "held_on")


def community_trainees(period: Period) -> Counts:
    return _by_month(_community(period, "community.Training"), "held_on", value=F("trainees"))


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


def _consultation_link(period: Period, value: str, **extra) -> dict:
    return {"fiscal_year": period.fiscal_year, **extra}


FIGURES: list[Figure] = [
    Figure("consultations_real", "新規相談（実数）", "相談", consultations_real,
           link=("intake:consultation_list", _consultation_link)),
    Figure("consultations_all", "相談（のべ）", "相談", consultations_all,
           link=("intake:consultation_list", _consultation_link)),
    Figure("consultations_by_agency", "機関別の相談（のべ）", "相談", consultations_by_agency, _agency_names),
    Figure("consultations_by_problem", "課題別の新規相談（実数・複数回答）", "相談", consultations_by_problem,
           _choices("intake.ConsultationProblem", "problem"),
           link=("intake:consultation_list", lambda p, v: _consultation_link(p, v, problem=v))),
    Figure("consultations_by_route", "相談経路別（のべ）", "相談", consultations_by_route,
           _choices("intake.Consultation", "route")),
    Figure("consultations_by_consulter", "相談者別（のべ）", "相談", consultations_by_consulter,
           _choices("intake.Consultation", "consulter")),
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
    Figure("plans_replanned", "うち再プラン", "多機関協働", plans_replanned),
    Figure("decisions_approved", "支援決定", "多機関協働", decisions_approved),
    Figure("cases_closed", "終結", "多機関協働", cases_closed, link=("cases:case_list", lambda p, v: {"state": "closed"})),
    Figure("cases_suspended", "中断", "多機関協働", cases_suspended,
           link=("cases:case_list", lambda p, v: {"state": "suspended"})),
    Figure("meetings_plan", "重層的支援会議の開催", "会議", meetings_held("plan"),
           link=("meetings:meeting_list", lambda p, v: {})),
    Figure("items_plan", "重層的支援会議で検討した議題", "会議", items_discussed("plan")),
    Figure("meetings_confidential", "支援会議の開催", "会議", meetings_held("confidential"),
           link=("meetings:meeting_list", lambda p, v: {})),
    Figure("items_confidential", "支援会議で検討した議題", "会議", items_discussed("confidential")),
    Figure("contact_attempts", "連絡の試み（訪問・電話など）", "アウトリーチ", contact_attempts),
    Figure("outreach_persons", "アウトリーチの対象者（実人数）", "アウトリーチ", outreach_persons,
           link=("outreach:engagement_list", lambda p, v: {})),
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
        return _compute(period, figures)


def _compute(period: Period, figures: list[Figure] | None) -> list[Row]:
    rows: list[Row] = []
    for figure in figures or FIGURES:
        counts = figure.compute(period)
        if figure.breakdown is None:
            year = counts.get(YEAR_TOTAL)
            rows.append(Row(figure.key, figure.key, figure.section, figure.label, counts.get("", [0] * 12),
                            total=year[0] if year else None))  # fmt: skip
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


def suppressed_rows(rows: list[Row], below: int) -> list[Row]:
    return [
        Row(r.key, r.figure, r.section, r.label, [suppress_value(v, below) for v in r.months], r.level,
            total=suppress_value(r.total, below))
        for r in rows
    ]  # fmt: skip


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
        figure = FIGURES_BY_KEY[row.figure]
        if figure.link is None or (row.level == 0 and figure.breakdown is not None):
            continue
        name, params = figure.link
        value = row.key.split(".", 1)[1] if row.level else ""
        query = "&".join(f"{k}={v}" for k, v in params(period, value).items())
        row.link = reverse(name) + (f"?{query}" if query else "")


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


def stat_value(municipality, fiscal_year: int, key: str) -> int | None:
    """The 年度's actual for an outcome target's statistic (whole municipality, unsuppressed; a 実人数 figure
    counts each person once in the 年度), or None for an unknown key."""
    figure_keys = STAT_KEY_FIGURES.get(key, ())
    if not figure_keys:
        return None
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


def yearly_trend(period: Period, years: int = 5) -> list[tuple[int, int, int]]:
    """(年度, 実数, のべ) for the last `years` 年度 up to the period's."""
    result = []
    for fy in range(period.fiscal_year - years + 1, period.fiscal_year + 1):
        p = Period(period.municipality_id, fy, period.counter, period.today)
        result.append((fy, sum(consultations_real(p).get("", [0])), sum(consultations_all(p).get("", [0]))))
    return result
