"""The yearly figures: on a scripted year of sessions the totals equal the sums of the rows inside the 年度,
and nothing outside the 年度 (or of another municipality) ever counts."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kasane.community import selectors, services
from kasane.community.models import AGE_BAND_FIELDS, Activity, NetworkMeeting, Project, Session, Training
from kasane.core.wareki import WarekiError

pytestmark = pytest.mark.django_db

FY = 2024  # 令和6年度: 2024-04-01 … 2025-03-31
PROJECTS = [code for code, _ in Project.choices]

# Dates around the 年度, with the edges (3/31, 4/1) drawn often.
dates = st.one_of(
    st.sampled_from([date(2024, 3, 31), date(2024, 4, 1), date(2025, 3, 31), date(2025, 4, 1)]),
    st.dates(min_value=date(2023, 10, 1), max_value=date(2025, 9, 30)),
)
counts = st.integers(min_value=0, max_value=60)
session_rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=len(PROJECTS) - 1), dates, st.lists(counts, min_size=6, max_size=6)
    ),
    max_size=25,
)
meeting_rows = st.lists(st.tuples(dates, counts), max_size=6)
training_rows = st.lists(st.tuples(dates, counts, counts), max_size=6)


def _in_year(d: date) -> bool:
    return date(2024, 4, 1) <= d <= date(2025, 3, 31)


def _reset():
    Session.objects.all().delete()
    Activity.objects.all().delete()
    NetworkMeeting.objects.all().delete()
    Training.objects.all().delete()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sessions=session_rows, meetings=meeting_rows, trainings=training_rows)
def test_the_figures_are_the_sums_of_the_rows_in_the_fiscal_year(users, sessions, meetings, trainings):
    _reset()
    office = users["municipal"]
    activities = {
        code: services.activity_create(user=office, name=f"場 {code}", project=code) for code in PROJECTS
    }
    for project_index, held_on, numbers in sessions:
        *bands, volunteers = numbers
        services.session_record(user=office, activity=activities[PROJECTS[project_index]], held_on=held_on,
                                volunteers=volunteers, **dict(zip(AGE_BAND_FIELDS, bands, strict=True)))  # fmt: skip
    for held_on, participants in meetings:
        services.network_meeting_create(user=office, kind="council2", title="協議体", held_on=held_on,
                                        participants=participants)  # fmt: skip
    for held_on, a, b in trainings:
        services.training_create(user=office, title="見守りサポーター養成講座", held_on=held_on,
                                 trainees=max(a, b), completed=min(a, b))  # fmt: skip

    figures = selectors.community_figures(user=users["evaluator"], fiscal_year=FY)

    inside = [(PROJECTS[p], numbers) for p, held_on, numbers in sessions if _in_year(held_on)]
    assert figures["sessions"] == len(inside)
    assert figures["participants"] == sum(sum(n[:5]) for _p, n in inside)
    assert figures["volunteers"] == sum(n[5] for _p, n in inside)
    for i, band in enumerate(AGE_BAND_FIELDS):
        assert figures["by_age_band"][band] == sum(n[i] for _p, n in inside)
    for code in PROJECTS:
        rows = [n for p, n in inside if p == code]
        assert figures["by_project"][code]["sessions"] == len(rows)
        assert figures["by_project"][code]["participants"] == sum(sum(n[:5]) for n in rows)
        assert figures["by_project"][code]["activities"] == (1 if rows else 0)
    assert figures["participants"] == sum(p["participants"] for p in figures["by_project"].values())
    assert figures["network_meetings"] == sum(1 for d, _n in meetings if _in_year(d))
    assert figures["network_meeting_participants"] == sum(n for d, n in meetings if _in_year(d))
    assert figures["trainings"] == sum(1 for d, _a, _b in trainings if _in_year(d))
    assert figures["trainees"] == sum(max(a, b) for d, a, b in trainings if _in_year(d))
    assert figures["trainees_completed"] == sum(min(a, b) for d, a, b in trainings if _in_year(d))


def test_another_municipalitys_sessions_never_count(users, other_municipality):
    from conftest import make_user
    from kasane.core.roles import Role

    stranger = make_user(other_municipality, "nagano_office", [Role.MUNICIPAL])
    theirs = services.activity_create(user=stranger, name="長野のサロン", project="3kon")
    services.session_record(user=stranger, activity=theirs, held_on=date(2024, 6, 1), age_75_over=40)
    ours = services.activity_create(user=users["municipal"], name="岐阜のサロン", project="3kon")
    services.session_record(user=users["municipal"], activity=ours, held_on=date(2024, 6, 1), age_75_over=7)

    figures = selectors.community_figures(user=users["admin"], fiscal_year=FY)
    assert (figures["sessions"], figures["participants"]) == (1, 7)
    assert selectors.community_figures(user=users["other_admin"], fiscal_year=FY)["participants"] == 40


def test_an_empty_year_has_every_key_at_zero(users):
    figures = selectors.community_figures(user=users["counselor"], fiscal_year=2019)
    assert figures["label"] == "令和元年度"
    assert (figures["start"], figures["end"]) == (date(2019, 4, 1), date(2020, 3, 31))
    assert figures["sessions"] == figures["participants"] == figures["trainings"] == 0
    assert list(figures["by_project"]) == PROJECTS
    assert set(figures["network_meetings_by_kind"]) == set(NetworkMeeting.Kind.values)
    assert all(v == 0 for v in figures["by_age_band"].values())


def test_an_impossible_year_raises_the_wareki_error(users):
    with pytest.raises(WarekiError):
        selectors.community_figures(user=users["admin"], fiscal_year=0)


def test_the_activity_list_counts_the_chosen_year_and_keeps_closed_activities_that_ran(users):
    office = users["municipal"]
    closed = services.activity_create(user=office, name="閉じたサロン", project="3kon", is_active=False)
    services.session_record(user=office, activity=closed, held_on=date(2024, 4, 1), age_65_74=5)
    services.session_record(user=office, activity=closed, held_on=date(2024, 3, 31), age_65_74=9)
    idle = services.activity_create(user=office, name="休止中の通いの場", project="3i", is_active=False)

    rows = {a.name: a for a in selectors.activity_list(user=users["evaluator"], fiscal_year=FY)}
    assert idle.name not in rows
    assert (rows[closed.name].year_sessions, rows[closed.name].year_participants) == (1, 5)
    assert closed.name in {a.name for a in selectors.activity_list(user=office, fiscal_year=2023)}
    assert not selectors.activity_list(user=office, fiscal_year=2025).filter(pk=closed.pk).exists()
    assert (
        selectors.activity_list(user=office, fiscal_year=FY, include_inactive=True)
        .filter(pk=idle.pk)
        .exists()
    )


def test_sessions_a_day_outside_the_year_do_not_count(users):
    office = users["municipal"]
    salon = services.activity_create(user=office, name="サロン", project="3kon")
    for held_on in (date(2024, 3, 31), date(2025, 4, 1)):
        services.session_record(user=office, activity=salon, held_on=held_on, age_75_over=3)
    services.session_record(
        user=office, activity=salon, held_on=date(2024, 4, 1) + timedelta(days=100), age_0_17=2
    )
    figures = selectors.community_figures(user=office, fiscal_year=FY)
    assert (figures["sessions"], figures["participants"], figures["by_age_band"]["age_0_17"]) == (1, 2, 2)
