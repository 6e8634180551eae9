"""Yearly statistics over a scripted 年度 of records made through the services: every figure checked exactly,
month bucketing at the 年度 boundaries, follow-ups in のべ only, counters, and 秘匿処理."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_agency, make_user
from kasane.cases import services
from kasane.cases.models import SupportPlan, Transition
from kasane.cases.tests.conftest import hold_meeting, make_plan, open_case, refresh
from kasane.community import services as community_services
from kasane.core.roles import Role
from kasane.evaluation import statistics as stats
from kasane.evaluation.stat_keys import STAT_KEYS
from kasane.intake import services as intake_services
from kasane.intake.models import Referral
from kasane.meetings import services as meeting_services
from kasane.outreach import services as outreach_services
from kasane.participation import services as participation_services
from kasane.participation.tests.conftest import make_resource

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")
FY = 2024


def months(**by_month) -> list[int]:
    """months(apr=1, mar=2) → the 12 monthly counts, April first."""
    names = ["apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "jan", "feb", "mar"]
    return [by_month.get(n, 0) for n in names]


def consult(
    user, on, *, person=None, problems=(), route="visit", consulter="self", first=None, consent=False
):
    fields = {"received_on": on, "route": route, "consulter": consulter, "response": "advice",
              "problems": list(problems), "main_problem": problems[0] if problems else ""}  # fmt: skip
    if first is not None:
        return intake_services.consultation_create(
            user=user, person=first.person, first_consultation=first, **fields
        )
    return intake_services.intake_record(
        user=user,
        person=person,
        new_person=None if person else {"family_name": "長野", "given_name": f"{on:%m%d}"},
        consultation=fields,
        consent={"obtained_on": on, "method": "written", "share_consultation": True, "share_household": True}
        if consent
        else None,
    )


def at(y, m, d, hh=12, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=JST)


def refer(user, consultation, to_agency, sent_at, *, answer=None, answered_at=None, answered_by=None):
    referral = intake_services.referral_create(user=user, consultation=consultation, to_agency=to_agency,
                                               reason="住まいの相談", legal_basis="life")  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(sent_at=sent_at)
    if answer == "cancel":
        intake_services.referral_cancel(user=user, referral=referral, version=referral.version)
    elif answer:
        referral.refresh_from_db()
        intake_services.referral_respond(user=answered_by, referral=referral, answer=answer, version=referral.version,
                                         return_reason="対象外" if answer == "return" else "")  # fmt: skip
        Referral.objects.filter(pk=referral.pk).update(responded_at=answered_at)
    return referral


def step(user, case, action, *, on=None, **kw):
    """A lifecycle step; `on` dates it in the scripted year (③/④ count only meetings since support started)."""
    case = services.case_transition(user=user, case=case, action=action, version=refresh(case).version, **kw)
    if on is not None:
        last = Transition.objects.filter(case=case).latest("pk")
        Transition.objects.filter(pk=last.pk).update(at=at(on.year, on.month, on.day))
    return case


@pytest.fixture
def year(municipality, agency):
    """A scripted 年度 2024 (and its neighbours) at a 包括 and the municipal office."""
    other = make_agency(municipality, "障害者生活支援センター")
    worker = make_user(
        municipality, "kyodo", [Role.COLLABORATION, Role.COUNSELOR, Role.OUTREACH], agency=agency
    )
    office = make_user(municipality, "shichoson", [Role.MUNICIPAL])
    receiver = make_user(municipality, "shogai", [Role.COUNSELOR], agency=other)

    # Consultations: 3/31 is the old 年度, 4/1 the new one; a follow-up counts in のべ only.
    c_old = consult(worker, date(2024, 3, 31), problems=["health"])
    c_apr = consult(worker, date(2024, 4, 1), problems=["housing", "income"], consent=True)
    consult(worker, date(2024, 4, 15), first=c_old, route="phone", problems=["debt"])
    c_mar = consult(worker, date(2025, 3, 31), problems=["care"], route="phone", consulter="family")
    consult(worker, date(2025, 4, 1), problems=["care"])
    consult(office, date(2024, 7, 10), problems=["housing"], consulter="minsei")

    # Referrals: sending time in Japan decides the month (23:30 on 3/31 is the old 年度).
    refer(worker, c_old, other, at(2024, 3, 31, 23, 30), answer="takeover", answered_at=at(2024, 4, 2),
          answered_by=receiver)  # fmt: skip
    refer(worker, c_apr, other, at(2024, 4, 1, 0, 30), answer="joint", answered_at=at(2024, 5, 12),
          answered_by=receiver)  # fmt: skip
    refer(
        worker,
        c_apr,
        other,
        at(2024, 6, 3),
        answer="return",
        answered_at=at(2024, 7, 1),
        answered_by=receiver,
    )
    refer(worker, c_mar, other, at(2025, 3, 28))  # unanswered: overdue today
    refer(worker, c_mar, other, at(2024, 4, 5), answer="cancel")  # withdrawn: counts nowhere

    # Case A: opened in April, plan ①, contact attempts, re-plan ② with 参加支援 → 支援決定, closure ③ in March.
    case_a = open_case(worker, c_apr.person, opened_on=date(2024, 4, 10))
    make_plan(worker, case_a)
    SupportPlan.objects.filter(case=case_a, number=1).update(made_on=date(2024, 4, 20))
    hold_meeting(worker, case_a, 1, outcome="approve_plan", held_on=date(2024, 5, 15))
    step(worker, case_a, "submit_plan")
    step(worker, case_a, "start_support", on=date(2024, 5, 16))
    for on in (date(2024, 6, 1), date(2024, 6, 15)):
        services.contact_attempt_record(
            user=worker, case=case_a, attempted_on=on, method="visit", outcome="absent"
        )
    v2 = make_plan(worker, case_a, "participation")
    SupportPlan.objects.filter(pk=v2.pk).update(made_on=date(2024, 9, 1))
    hold_meeting(worker, case_a, 2, outcome="approve_plan", held_on=date(2024, 9, 20))
    step(worker, case_a, "submit_plan")
    services.decision_record(user=office, case=refresh(case_a), plan=v2, decided_on=date(2024, 10, 1))
    step(worker, case_a, "start_support", on=date(2024, 10, 2))
    # 参加支援 of A: a 協力企業 from 3/31 (the old 年度), a 居場所 from 4/1, a 中間的就労 from July.
    work = make_resource(worker, "農園 みどり", kind_name="協力企業")
    place = make_resource(worker, "居場所 ひだまり", kind_name="居場所")
    workshop = make_resource(worker, "工房 つむぎ", kind_name="就労体験・中間的就労")
    for resource, on in ((work, date(2024, 3, 31)), (place, date(2024, 4, 1)), (workshop, date(2024, 7, 15))):
        participate(worker, case_a, resource, on)
    hold_meeting(worker, case_a, 3, outcome="closure", held_on=date(2025, 3, 10))
    step(worker, case_a, "close", closing_evaluation="自立", follow_up="見守り")
    Transition.objects.filter(case=case_a, action="close").update(at=at(2025, 3, 31, 23, 0))

    # Case C: opened, planned and approved in the old 年度; suspended in June after three attempts and ④.
    case_c = open_case(
        worker, consult(worker, date(2024, 3, 30), consent=True).person, opened_on=date(2024, 3, 31)
    )
    make_plan(worker, case_c)
    SupportPlan.objects.filter(case=case_c).update(made_on=date(2024, 3, 31))
    hold_meeting(worker, case_c, 1, outcome="approve_plan", held_on=date(2024, 3, 31))
    step(worker, case_c, "submit_plan")
    step(worker, case_c, "start_support", on=date(2024, 4, 1))
    for on in (date(2024, 5, 1), date(2024, 5, 20), date(2024, 6, 10)):
        services.contact_attempt_record(
            user=worker, case=case_c, attempted_on=on, method="phone", outcome="absent"
        )
    # 参加支援 of C: the same 協力企業 from May, the same 工房 from July; a 居場所 still being arranged.
    participate(worker, case_c, work, date(2024, 5, 1))
    participate(worker, case_c, workshop, date(2024, 7, 20))
    participation_services.match_create(user=worker, case=refresh(case_c), resource=place)
    hold_meeting(worker, case_c, 4, outcome="suspension", held_on=date(2024, 6, 20))
    step(worker, case_c, "suspend", suspension_reason="連絡がとれない")
    Transition.objects.filter(case=case_c, action="suspend").update(at=at(2024, 6, 21))

    # A 支援会議 in August with two concerns; one planned for 2024-08-20 (see the test with `today`).
    meeting = meeting_services.meeting_create(user=office, kind="confidential", title="支援会議",
                                              held_on=date(2024, 8, 1), place="会議室")  # fmt: skip
    meeting_services.pledge_accept(user=office, meeting=meeting, accepted=True)
    for title in ("見守りの気になる世帯", "ごみの多い家"):
        meeting_services.item_add(user=office, meeting=meeting, kind="concern", title=title)
    meeting_services.meeting_create(
        user=office, kind="confidential", title="次回", held_on=date(2024, 8, 20), online=True
    )

    # Outreach: one engagement reached on 3/31 (old 年度), 4/1 and 4/20; one in June, August and on 3/31;
    # one from 4/1 of the next 年度; one never reached (no attempt: no person counted).
    for started, attempts in (
        (date(2024, 3, 1), (date(2024, 3, 31), date(2024, 4, 1), date(2024, 4, 20))),
        (date(2024, 6, 1), (date(2024, 6, 3), date(2024, 8, 10), date(2025, 3, 31))),
        (date(2025, 4, 1), (date(2025, 4, 1),)),
        (date(2024, 5, 1), ()),
    ):
        engagement = outreach_services.engagement_create(
            user=worker, description="60代男性、鷺山のアパート", source="commissioner", started_on=started
        )
        for on in attempts:
            outreach_services.attempt_record(user=worker, engagement=engagement, attempted_on=on, method="visit",
                                             outcome="absent")  # fmt: skip

    # 地域づくり (the municipal office): sessions with attendance by age band, network meetings, trainings.
    salon = community_services.activity_create(user=office, name="本荘サロン", project="3kon")
    for on, bands in (
        (date(2024, 3, 31), {"age_65_74": 10}),
        (date(2024, 4, 1), {"age_65_74": 5, "age_75_over": 7}),
        (date(2024, 4, 15), {"age_0_17": 3}),
        (date(2025, 3, 31), {"age_18_39": 1, "age_40_64": 3, "volunteers": 6}),
        (date(2025, 4, 1), {"age_65_74": 9}),
    ):
        community_services.session_record(user=office, activity=salon, held_on=on, **bands)
    for on in (date(2024, 3, 31), date(2024, 4, 1), date(2024, 11, 5)):
        community_services.network_meeting_create(user=office, kind="network", title=f"会議 {on}", held_on=on,
                                                  participants=20)  # fmt: skip
    for on, trainees in ((date(2024, 3, 31), 11), (date(2024, 4, 1), 8), (date(2025, 3, 31), 25),
                         (date(2025, 4, 1), 30)):  # fmt: skip
        community_services.training_create(user=office, title=f"見守りサポーター養成講座 {on}", held_on=on,
                                           trainees=trainees, completed=trainees)  # fmt: skip
    return {"municipality": municipality, "agency": agency, "worker": worker, "office": office}


def participate(user, case, resource, on):
    """A match to `resource` approached and started on `on` (参加開始)."""
    match = participation_services.match_create(user=user, case=refresh(case), resource=resource)
    match = participation_services.match_approach(user=user, match=match, version=match.version, approached_on=on,
                                                  note="見学の調整")  # fmt: skip
    return participation_services.match_start(user=user, match=match, version=match.version, started_on=on)


EXPECTED = {
    "consultations_real": months(apr=1, jul=1, mar=1),
    "consultations_all": months(apr=2, jul=1, mar=1),
    "consultations_by_agency": months(apr=2, jul=1, mar=1),
    "consultations_by_problem": months(apr=2, jul=1, mar=1),
    "consultations_by_problem.housing": months(apr=1, jul=1),
    "consultations_by_problem.income": months(apr=1),
    "consultations_by_problem.care": months(mar=1),
    "consultations_by_problem.debt": months(),  # the follow-up's problem is not a new consultation's
    "consultations_by_problem.health": months(),
    "consultations_by_route.visit": months(apr=1, jul=1),
    "consultations_by_route.phone": months(apr=1, mar=1),
    "consultations_by_consulter.self": months(apr=2),
    "consultations_by_consulter.family": months(mar=1),
    "consultations_by_consulter.minsei": months(jul=1),
    "referrals_made": months(apr=1, jun=1, mar=1),
    "referrals_accepted": months(apr=1, may=1),
    "referrals_returned": months(jul=1),
    "referrals_overdue": months(mar=1),
    "cases_opened": months(apr=1),
    "plans_made": months(apr=1, sep=1),
    "plans_replanned": months(sep=1),
    "decisions_approved": months(oct=1),
    "cases_closed": months(mar=1),
    "cases_suspended": months(jun=1),
    "meetings_plan": months(may=1, jun=1, sep=1, mar=1),
    "items_plan": months(may=1, jun=1, sep=1, mar=1),
    "meetings_confidential": months(aug=2),
    "items_confidential": months(aug=2),
    "contact_attempts": months(may=2, jun=3),
    "outreach_attempts": months(apr=2, jun=1, aug=1, mar=1),
    "outreach_persons": months(apr=1, jun=1, aug=1, mar=1),  # 年度計 2 (実人数), checked below
    "participation_persons": months(apr=1, may=1, jul=2),  # A and C in July; 年度計 2
    "cooperating_businesses": months(may=1, jul=1),  # the 工房 counts once in July; 年度計 2
    "community_sessions": months(apr=2, mar=1),
    "community_participants": months(apr=15, mar=4),  # volunteers are not participants
    "community_network_meetings": months(apr=1, nov=1),
    "community_trainings": months(apr=1, mar=1),
    "community_trainees": months(apr=8, mar=25),
}
YEAR_TOTALS = {"outreach_persons": 2, "participation_persons": 2, "cooperating_businesses": 2}  # 実人数


def test_every_figure_of_the_scripted_year(year):
    result = stats.yearly_statistics(municipality=year["municipality"], fiscal_year=FY)
    for key, expected in EXPECTED.items():
        row = result.row(key)
        assert row.months == expected, key
        assert row.total == YEAR_TOTALS.get(key, sum(expected)), key
    by_agency = {r.label: r.total for r in result.rows if r.figure == "consultations_by_agency" and r.level}
    assert by_agency == {"地域包括支援センター": 3, "障害者生活支援センター": 0, "市町村（所管課）": 1}
    assert {r.figure for r in result.rows} == {f.key for f in stats.FIGURES}


def test_neighbouring_years_get_the_boundary_records(year):
    old = stats.yearly_statistics(municipality=year["municipality"], fiscal_year=2023)
    assert old.row("consultations_real").months == months(mar=2)  # 3/30 and 3/31
    assert old.row("referrals_made").months == months(mar=1)  # sent 23:30 on 3/31 (JST)
    assert old.row("cases_opened").months == months(mar=1)
    for key in ("outreach_persons", "outreach_attempts", "participation_persons", "cooperating_businesses",
                "community_sessions", "community_network_meetings", "community_trainings"):  # fmt: skip
        assert old.row(key).months == months(mar=1), key
    assert old.row("community_participants").months == months(mar=10)
    assert old.row("community_trainees").months == months(mar=11)
    new = stats.yearly_statistics(municipality=year["municipality"], fiscal_year=2025)
    assert new.row("consultations_all").months == months(apr=1)
    assert new.row("outreach_persons").months == months(apr=1) and new.row("outreach_persons").total == 1
    assert new.row("community_sessions").months == months(apr=1)
    assert new.row("community_trainees").months == months(apr=30)


def test_a_meeting_counts_once_it_is_held(year):
    before = stats.yearly_statistics(
        municipality=year["municipality"], fiscal_year=FY, today=date(2024, 8, 10)
    )
    assert before.row("meetings_confidential").months == months(aug=1)


def test_a_counter_sees_its_own_figures(year):
    own = stats.yearly_statistics(
        municipality=year["municipality"], fiscal_year=FY, counter=year["agency"].pk
    )
    assert own.row("consultations_all").total == 3
    office = stats.yearly_statistics(municipality=year["municipality"], fiscal_year=FY, counter=None)
    assert office.row("consultations_all").total == 1
    assert office.row("meetings_confidential").total == 2
    assert office.row("cases_opened").total == 0
    assert office.row("outreach_persons").total == 0 and own.row("outreach_persons").total == 2
    assert office.row("participation_persons").total == 0 and own.row("participation_persons").total == 2
    # 地域づくり records belong to no counter: the municipality's figures in every view.
    assert office.row("community_sessions").total == own.row("community_sessions").total == 3


def test_another_municipality_counts_nothing(year, other_municipality):
    other = stats.yearly_statistics(municipality=other_municipality, fiscal_year=FY)
    assert all(r.total == 0 for r in other.rows)


def test_suppression_hides_1_and_2_only(year):
    result = stats.yearly_statistics(municipality=year["municipality"], fiscal_year=FY, suppress=True)
    # May's 2 is hidden; June's 3 too (二次秘匿), else the 年度計 5 would give May away.
    assert result.row("contact_attempts").months == months(may="*", jun="*")
    assert result.row("contact_attempts").total == 5
    # Four meetings, one a month: shown with the 年度計 4 each would have to be 1, so the 年度計 is hidden too.
    assert result.row("meetings_plan").months == months(may="*", jun="*", sep="*", mar="*")
    assert result.row("meetings_plan").total == "*"
    assert result.row("cases_opened").total == "*"
    assert result.row("cases_opened").months[1] == 0  # zero stays zero
    assert result.row("outreach_persons").total == "*"  # the 実人数 of the 年度 is suppressed as itself
    assert result.row("community_participants").months == months(apr=15, mar=4)


def test_stat_value_for_every_target_key(year):
    municipality = year["municipality"]
    values = {key: stats.stat_value(municipality, FY, key) for key, _label in STAT_KEYS}
    assert values["new_consultations"] == 3
    assert values["consultations_total"] == 4
    assert values["case_reviews"] == 6
    assert values["collaboration_cases"] == 1
    assert values["plans_made"] == 2
    assert values["integrated_meetings"] == 4
    assert values["confidential_meetings"] == 2
    assert values["participation_persons"] == 2
    assert values["cooperating_businesses"] == 2
    assert values["outreach_persons"] == 2
    assert values["community_sessions"] == 3
    assert all(value is not None for value in values.values())
    assert stats.stat_value(municipality, FY, "no_such_key") is None


def test_a_target_actual_for_a_suppressed_reader_is_as_the_table_shows_it(year):
    """成果目標's actual from the suppressed table: 「*」 when any figure summed is hidden (a sum would give a
    hidden part away, e.g. 事例検討 = 重層的支援会議の議題 + 支援会議の議題), and a 年度計 hidden by 二次秘匿 only
    (重層的支援会議 4 = 1 + 1 + 1 + 1 by month) is hidden too, not shown because it is not small."""
    from kasane.evaluation import selectors, services

    municipality = year["municipality"]
    assert stats.stat_value(municipality, FY, "integrated_meetings") == 4
    assert stats.stat_value(municipality, FY, "integrated_meetings", suppress=True) == "*"
    assert stats.stat_value(municipality, FY, "case_reviews", suppress=True) == "*"
    # のべ 4 goes with 実数 3 (1 + 1 + 1, hidden): a part and its whole are hidden together (実数 ≤ のべ).
    assert stats.stat_value(municipality, FY, "consultations_total", suppress=True) == "*"
    table = {r.key: r.total for r in stats.yearly_statistics(municipality=municipality, fiscal_year=FY,
                                                              suppress=True).rows}  # fmt: skip
    for key, figures in stats.STAT_KEY_FIGURES.items():
        parts = [table[k] for k in figures]
        expected = "*" if "*" in parts else sum(parts)
        assert stats.stat_value(municipality, FY, key, suppress=True) == expected, key
    services.target_create(user=None, municipality_id=municipality.pk, project="item3", fiscal_year=FY,
                           item="重層的支援会議の開催回数", number="3", unit="回", comparison="gte",
                           stat_key="integrated_meetings")  # fmt: skip
    evaluator = make_user(municipality, "hyoka", [Role.EVALUATOR])
    (row,) = selectors.target_rows(user=evaluator, year=FY)
    assert row.suppressed and row.actual is None and row.achieved is None
    (row,) = selectors.target_rows(user=year["office"], year=FY)
    assert row.actual == 4 and row.achieved is True and not row.suppressed


def test_the_trend_shows_each_year_as_its_suppressed_table(year):
    """Every 年度 of the trend as its own suppressed table shows it: FY2024's 実数 3 (1 + 1 + 1 by month) is
    hidden by 二次秘匿, also when it is an earlier year of the trend, and its のべ 4 with it (実数 ≤ のべ)."""
    period = stats.Period(year["municipality"].pk, 2025)
    assert stats.yearly_trend(period)[-2] == (2024, 3, 4)
    trend = stats.yearly_trend(period, suppress=True)
    assert trend[-2] == (2024, "*", "*")
    for fy, real, all_ in trend[-3:]:
        table = stats.yearly_statistics(municipality=year["municipality"], fiscal_year=fy, suppress=True)
        assert (real, all_) == (table.row("consultations_real").total, table.row("consultations_all").total)


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=50), min_size=12, max_size=12),
    below=st.integers(min_value=0, max_value=10),
)
def test_suppressed_output_never_shows_small_counts(counts, below):
    raw = [stats.Row("x", "x", "s", "x", counts)]
    shown = stats.suppressed_rows(raw, below)[0]
    for value in [*shown.months, shown.total]:
        assert value == "*" or value == 0 or value >= below
    if below <= 1:
        assert shown.months == counts and shown.total == sum(counts)
    for original, value in zip(counts, shown.months, strict=True):
        assert value == original or (value == "*" and original >= 1)  # 二次秘匿 hides larger ones too
        assert value == "*" or not 1 <= original < below


def test_unknown_year_and_dates_are_plain(year):
    assert stats.month_index(date(2024, 4, 1)) == 0 and stats.month_index(date(2025, 3, 31)) == 11
    assert stats.Period(1, 2024).datetime_range()[0] == at(2024, 4, 1, 0, 0)
    assert stats.Period(1, 2024).datetime_range()[1] - stats.Period(1, 2024).datetime_range()[0] == timedelta(
        days=365
    )


def test_month_links_lead_to_the_records_behind(client, year):
    from conftest import login
    from kasane.core.models import AccessLogEntry
    from kasane.outreach.models import Engagement

    worker, municipality = year["worker"], year["municipality"]
    result = stats.statistics_for(user=worker, fiscal_year=FY)
    url = "/evaluation/stats/records/outreach_attempts/?fiscal_year=2024&month="
    links = result.row("outreach_attempts").month_links
    assert (
        links[0] == url + "4" and links[1] == "" and links[11] == url + "3"
    )  # a month without records: none
    assert (
        result.row("community_sessions")
        .month_links[0]
        .endswith("community_sessions/?fiscal_year=2024&month=4")
    )
    assert result.row("consultations_real").month_links == []  # the figure's row links to the list instead
    first, second = Engagement.objects.filter(municipality=municipality).order_by("pk")[:2]
    login(client, worker)
    html = client.get(links[0]).content.decode()
    assert f"/outreach/{first.pk}/" in html and f"/outreach/{second.pk}/" not in html  # June's is not April's
    assert "4月" in html and "アウトリーチの連絡の試み" in html
    assert AccessLogEntry.objects.filter(
        user=worker, action="list", object_type="outreach.engagement"
    ).exists()
    whole_year = client.get("/evaluation/stats/records/outreach_attempts/?fiscal_year=2024").content.decode()
    assert f"/outreach/{first.pk}/" in whole_year and f"/outreach/{second.pk}/" in whole_year
    sessions = client.get(result.row("community_sessions").month_links[0]).content.decode()
    assert "本荘サロン" in sessions and "/community/activities/" in sessions
    for month in ("13", "²", "１", "٣"):  # digits to str.isdigit, not to int() or not ASCII: 400, never 500
        bad = client.get(url + month)
        assert bad.status_code == 400 and "月は1〜12の数字" in bad.content.decode(), month
    assert client.get("/evaluation/stats/records/consultations_real/").status_code == 404
    # An evaluator sees numbers only: no links, and the records page is refused.
    evaluator = make_user(municipality, "hyoka", [Role.EVALUATOR])
    assert not any(r.month_links or r.link for r in stats.statistics_for(user=evaluator, fiscal_year=FY).rows)
    login(client, evaluator)
    assert client.get(links[0]).status_code == 403
    page = client.get("/evaluation/stats/?fiscal_year=2024").content.decode()
    assert "/evaluation/stats/records/" not in page
