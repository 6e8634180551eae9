"""Engagement writes: start before anyone is identified, attempts, stages with history, identify, link, close."""

import pytest

from kasane.cases import services as case_services
from kasane.core.errors import ConflictError, DomainError
from kasane.core.models import AccessLogEntry
from kasane.outreach import services
from kasane.outreach.models import StageChange

from .conftest import days_ago, fresh, start, today


def test_an_engagement_starts_without_a_person_or_consent(outreach):
    engagement = start(outreach)
    assert (
        engagement.person_id is None and engagement.stage == "not_contacted" and engagement.status == "active"
    )
    assert list(engagement.stage_changes.values_list("to_stage", flat=True)) == ["not_contacted"]
    assert AccessLogEntry.objects.filter(object_type="outreach.engagement", action="create").count() == 1


def test_the_first_conversation_moves_to_contacted_and_is_kept_in_history(outreach):
    engagement = start(outreach)
    for n in (50, 40, 30):
        services.attempt_record(user=outreach, engagement=engagement, attempted_on=days_ago(n), method="visit",
                                outcome="absent")  # fmt: skip
    assert fresh(engagement).stage == "not_contacted"
    services.attempt_record(user=outreach, engagement=engagement, attempted_on=days_ago(20), method="visit",
                            outcome="talked", note="玄関越しに会話", next_attempt_on=today(),
                            next_attempt_method="visit")  # fmt: skip
    engagement = fresh(engagement)
    assert engagement.stage == "contacted" and engagement.next_attempt_on == today()
    change = engagement.stage_changes.last()
    assert (change.from_stage, change.to_stage, change.changed_on, change.by) == (
        "not_contacted", "contacted", days_ago(20), outreach,
    )  # fmt: skip


def test_stage_changes_keep_date_and_who(outreach, users):
    engagement = start(outreach)
    services.stage_change(user=outreach, engagement=engagement, version=engagement.version, stage="relationship",
                          changed_on=days_ago(5), note="継続して訪問できている")  # fmt: skip
    office = users["municipal"]
    engagement = fresh(engagement)
    services.stage_change(user=office, engagement=engagement, version=engagement.version, stage="contacted")
    rows = list(StageChange.objects.filter(engagement=engagement).values_list("to_stage", "by__username"))
    assert rows == [("not_contacted", "outreach"), ("relationship", "outreach"), ("contacted", "municipal")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"attempted_on": days_ago(-1)}, "未来"),
        ({"method": "fax"}, "方法"),
        ({"outcome": "maybe"}, "結果"),
        ({"attempted_on": days_ago(400)}, "把握日より前"),
        ({"next_attempt_on": days_ago(3)}, "過去"),
        ({"next_attempt_method": "telepathy", "next_attempt_on": today()}, "次回の方法"),
    ],
)
def test_attempt_bad_input_is_a_japanese_refusal(outreach, kwargs, message):
    engagement = start(outreach)
    fields = {"attempted_on": today(), "method": "visit", "outcome": "absent"} | kwargs
    with pytest.raises(DomainError, match=message):
        services.attempt_record(user=outreach, engagement=engagement, **fields)
    assert not engagement.attempts.exists()


def test_create_refuses_unknown_source_and_future_dates(outreach):
    with pytest.raises(DomainError, match="情報源"):
        start(outreach, source="rumour")
    with pytest.raises(DomainError, match="未来"):
        start(outreach, started_on=days_ago(-2))
    with pytest.raises(DomainError, match="対象者の様子"):
        start(outreach, description="  ")


def test_stale_version_is_refused(outreach):
    engagement = start(outreach)
    services.stage_change(user=outreach, engagement=engagement, version=engagement.version, stage="contacted")
    with pytest.raises(ConflictError, match="他の職員"):
        services.stage_change(
            user=outreach, engagement=engagement, version=engagement.version, stage="relationship"
        )


def test_accepted_needs_an_identified_person(outreach):
    engagement = start(outreach)
    with pytest.raises(DomainError, match="本人を特定"):
        services.stage_change(
            user=outreach, engagement=engagement, version=engagement.version, stage="accepted"
        )


def test_identify_with_a_new_person_then_link_the_case(outreach, users):
    engagement = start(outreach)
    engagement = services.person_identify(user=outreach, engagement=engagement, version=engagement.version,
                                          new_person={"family_name": "鷺山", "given_name": "守"})  # fmt: skip
    assert engagement.person.display_name.startswith("鷺山")
    with pytest.raises(DomainError, match="すでに特定"):
        services.person_identify(user=outreach, engagement=engagement, version=engagement.version,
                                 new_person={"family_name": "別人"})  # fmt: skip
    worker = users["collaboration"]
    case = case_services.case_open(
        user=worker, person=engagement.person, title="鷺山さん", reason_outreach_participation=True
    )
    engagement = services.case_link(
        user=outreach, engagement=engagement, version=engagement.version, case=case
    )
    assert engagement.case == case


def test_a_case_of_another_person_or_an_invisible_person_is_refused(outreach, users):
    from kasane.people import services as people_services

    engagement = start(outreach)
    counselor = users["counselor"]
    hidden = people_services.person_create(user=counselor, family_name="秘密", given_name="太郎")
    with pytest.raises(DomainError, match="権限"):
        services.person_identify(
            user=outreach, engagement=engagement, version=engagement.version, person=hidden
        )
    engagement = services.person_identify(user=outreach, engagement=engagement, version=engagement.version,
                                          new_person={"family_name": "鷺山"})  # fmt: skip
    worker = users["collaboration"]
    other = people_services.person_create(user=worker, family_name="他人")
    case = case_services.case_open(user=worker, person=other, title="他人の事例", reason_several_fields=True)
    with pytest.raises(DomainError, match="同じ本人"):
        services.case_link(user=outreach, engagement=engagement, version=engagement.version, case=case)


def test_close_needs_a_reason_and_freezes_the_record(outreach):
    engagement = start(outreach, next_attempt_on=today(), next_attempt_method="phone")
    with pytest.raises(DomainError, match="理由"):
        services.engagement_close(user=outreach, engagement=engagement, version=engagement.version, reason="")
    engagement = services.engagement_close(user=outreach, engagement=engagement, version=engagement.version,
                                           reason="転居")  # fmt: skip
    assert (engagement.status, engagement.next_attempt_on) == ("closed", None)
    with pytest.raises(DomainError, match="終了した"):
        services.attempt_record(user=outreach, engagement=engagement, attempted_on=today(), method="visit",
                                outcome="absent")  # fmt: skip


def test_only_the_outreach_team_and_the_office_start_or_change(users, outreach):
    from django.core.exceptions import PermissionDenied

    for actor in ("counselor", "collaboration", "admin", "evaluator"):
        with pytest.raises(PermissionDenied):
            start(users[actor])
    start(users["municipal"])
    engagement = start(outreach)
    with pytest.raises(PermissionDenied):
        services.attempt_record(user=users["collaboration"], engagement=engagement, attempted_on=today(),
                                method="visit", outcome="absent")  # fmt: skip
