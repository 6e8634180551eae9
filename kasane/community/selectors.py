"""Reads of the 地域づくり record through the access policy, and the yearly figures (年度) for the statistics.

None of these records is personal data, so reads are not written to the access log (like the directory)."""

from datetime import date

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kasane.core import policy, wareki

from .models import (
    AGE_BAND_FIELDS,
    AGE_BANDS,
    Activity,
    Coordinator,
    NetworkMeeting,
    Project,
    Session,
    Training,
)


def _year(fiscal_year: int) -> tuple[date, date]:
    return wareki.fiscal_year_range(int(fiscal_year))


def activity_list(
    *, user, project: str = "", area: str = "", fiscal_year: int | None = None, include_inactive: bool = False
) -> QuerySet[Activity]:
    """Activities with `year_sessions` and `year_participants` for the 年度 (default: this 年度).

    An activity shows when it is active or held a session in that 年度 (a closed サロン still counts in
    the years it ran)."""
    start, end = _year(fiscal_year if fiscal_year is not None else wareki.fiscal_year(timezone.localdate()))
    in_year = Q(sessions__held_on__range=(start, end))
    qs = policy.scope(user, Activity)
    if project:
        qs = qs.filter(project=project)
    if area:
        qs = qs.filter(area=area)
    participants = Value(0, output_field=IntegerField())
    for field in AGE_BAND_FIELDS:
        participants = participants + Coalesce(Sum(f"sessions__{field}", filter=in_year), 0)
    qs = qs.annotate(year_sessions=Count("sessions", filter=in_year), year_participants=participants)
    if not include_inactive:
        qs = qs.filter(Q(is_active=True) | Q(year_sessions__gt=0))
    return qs.order_by("project", "area", "name")


def activity_areas(*, user) -> list[str]:
    rows = policy.scope(user, Activity).exclude(area="").values_list("area", flat=True).distinct()
    return sorted(set(rows))


def activity_get(*, user, pk) -> Activity:
    return policy.get_or_404(user, Activity, pk=pk)


def session_list(*, user, activity: Activity, fiscal_year: int | None = None) -> QuerySet[Session]:
    qs = policy.scope(user, Session).filter(activity=activity)
    if fiscal_year is not None:
        qs = qs.filter(held_on__range=_year(fiscal_year))
    return qs.order_by("-held_on", "-pk")


def session_get(*, user, pk) -> Session:
    return policy.get_or_404(user, Session.objects.select_related("activity"), pk=pk)


def coordinator_list(*, user, include_inactive: bool = False) -> QuerySet[Coordinator]:
    qs = policy.scope(user, Coordinator)
    return qs if include_inactive else qs.filter(is_active=True)


def coordinator_get(*, user, pk) -> Coordinator:
    return policy.get_or_404(user, Coordinator, pk=pk)


def network_meeting_list(*, user, fiscal_year: int | None = None) -> QuerySet[NetworkMeeting]:
    qs = policy.scope(user, NetworkMeeting)
    return qs.filter(held_on__range=_year(fiscal_year)) if fiscal_year is not None else qs


def network_meeting_get(*, user, pk) -> NetworkMeeting:
    return policy.get_or_404(user, NetworkMeeting, pk=pk)


def training_list(*, user, fiscal_year: int | None = None) -> QuerySet[Training]:
    qs = policy.scope(user, Training)
    return qs.filter(held_on__range=_year(fiscal_year)) if fiscal_year is not None else qs


def training_get(*, user, pk) -> Training:
    return policy.get_or_404(user, Training, pk=pk)


def _sums(qs, fields) -> dict[str, int]:
    row = qs.aggregate(**{f: Coalesce(Sum(f), 0) for f in fields})
    return {f: int(row[f]) for f in fields}


def community_figures(*, user, fiscal_year: int) -> dict:
    """The 地域づくり figures of one 年度 (April 1 to March 31, both inclusive), for the yearly statistics.

    Every staff member may ask (evaluators included): the figures are counts, never persons. Only the user's
    municipality counts. Sessions, meetings and trainings count by their date falling inside the 年度; an
    activity's active flag does not matter (a サロン closed in February still counts for the sessions it held).
    Raises kasane.core.wareki.WarekiError for an impossible 年度.

    Returns a dict of plain ints and strings (dates as `date`), with every key always present:

        {
            "fiscal_year": 2024,
            "label": "令和6年度",
            "start": date(2024, 4, 1), "end": date(2025, 3, 31),
            "sessions": 120,               # 開催回数 (sessions held)
            "participants": 1834,          # 参加者のべ人数 = the sum of every age band of every session
            "volunteers": 240,             # ボランティア・担い手のべ人数
            "activities": 9,               # activities that held at least one session in the 年度
            "by_age_band": {"age_0_17": 410, "age_18_39": 300, "age_40_64": 210,
                            "age_65_74": 420, "age_75_over": 494},
            "age_bands": [("age_0_17", "0〜17歳"), …],   # the keys of by_age_band with their labels, in order
            "by_project": {                 # all five projects, in Project order, zeros when nothing was held
                "3i": {"label": "第3号イ 地域介護予防活動支援", "activities": 3, "sessions": 36,
                       "participants": 610, "volunteers": 72, "by_age_band": {"age_0_17": 0, …}},
                "3ro": {…}, "3ha": {…}, "3ni": {…}, "3kon": {…},
            },
            "network_meetings": 14,        # ネットワーク会議・協議体の開催回数
            "network_meeting_participants": 212,
            "network_meetings_by_kind": {"network": {"label": "地域福祉ネットワーク会議", "count": 2,
                                                     "participants": 60}, "council1": {…}, …},  # every kind
            "trainings": 3,                # 養成講座・研修の開催回数
            "trainees": 85,                # 受講者数
            "trainees_completed": 80,      # 修了者数
            "coordinators": 6,             # coordinators in post now (not by 年度: the register keeps no dates)
        }
    """
    start, end = _year(fiscal_year)
    sessions = policy.scope(user, Session).filter(held_on__range=(start, end))
    by_project = {}
    for code, label in Project.choices:
        rows = sessions.filter(activity__project=code)
        bands = _sums(rows, AGE_BAND_FIELDS)
        by_project[code] = {
            "label": label,
            "activities": rows.values("activity_id").distinct().count(),
            "sessions": rows.count(),
            "participants": sum(bands.values()),
            "volunteers": _sums(rows, ["volunteers"])["volunteers"],
            "by_age_band": bands,
        }
    bands = {f: sum(p["by_age_band"][f] for p in by_project.values()) for f in AGE_BAND_FIELDS}

    meetings = policy.scope(user, NetworkMeeting).filter(held_on__range=(start, end))
    by_kind = {
        code: {"label": label, "count": 0, "participants": 0} for code, label in NetworkMeeting.Kind.choices
    }
    for row in meetings.values("kind").annotate(n=Count("pk"), people=Coalesce(Sum("participants"), 0)):
        by_kind[row["kind"]].update(count=row["n"], participants=int(row["people"]))

    trainings = policy.scope(user, Training).filter(held_on__range=(start, end))
    training_sums = _sums(trainings, ["trainees", "completed"])
    return {
        "fiscal_year": int(fiscal_year),
        "label": wareki.format_fiscal_year(int(fiscal_year)),
        "start": start,
        "end": end,
        "sessions": sum(p["sessions"] for p in by_project.values()),
        "participants": sum(bands.values()),
        "volunteers": sum(p["volunteers"] for p in by_project.values()),
        "activities": sum(p["activities"] for p in by_project.values()),
        "by_age_band": bands,
        "age_bands": list(AGE_BANDS),
        "by_project": by_project,
        "network_meetings": sum(k["count"] for k in by_kind.values()),
        "network_meeting_participants": sum(k["participants"] for k in by_kind.values()),
        "network_meetings_by_kind": by_kind,
        "trainings": trainings.count(),
        "trainees": training_sums["trainees"],
        "trainees_completed": training_sums["completed"],
        "coordinators": policy.scope(user, Coordinator).filter(is_active=True).count(),
    }
