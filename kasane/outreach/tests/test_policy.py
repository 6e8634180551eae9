"""The visibility rule: before consent an engagement is the outreach team's and the municipal office's only;
after the person's consent it is visible as the person is; a 支援会議 decision on its case opens it to the
meeting's pledged members. Stages never matter."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kasane.core import policy
from kasane.intake import services as intake_services
from kasane.meetings import services as meeting_services
from kasane.outreach import services
from kasane.outreach.models import Engagement, Stage
from kasane.people import services as people_services

from .conftest import consent_for, fresh, start, today

ACTORS = ("counselor", "collaboration", "outreach", "municipal", "admin", "evaluator", "other_admin")


def visible(user, engagement) -> bool:
    return policy.scope(user, Engagement).filter(pk=engagement.pk).exists()


def expected(actor, *, person, consent) -> bool:
    if actor in ("outreach", "municipal"):
        return True
    if (
        actor in ("admin", "evaluator", "other_admin")
        or person == "none"
        or consent not in ("office", "agency")
    ):
        return False
    if actor == "collaboration":  # same holder (the office) as the outreach worker who recorded the consent
        return True
    # the counselor: sees the person it registered, or one whose consent names its agency
    return person == "agency" or consent == "agency"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stage=st.sampled_from(Stage.values),
    person=st.sampled_from(["none", "office", "agency"]),
    consent=st.sampled_from(["none", "office", "agency", "withdrawn"]),
)
def test_visibility_over_stages_and_consent(users, agency, stage, person, consent):
    outreach = users["outreach"]
    engagement = start(outreach)
    if person != "none":
        registrar = outreach if person == "office" else users["counselor"]
        who = people_services.person_create(user=registrar, family_name="鷺山", given_name="守")
        Engagement.objects.filter(pk=engagement.pk).update(
            person=who
        )  # identified (possibly by another counter)
        if consent != "none":
            record = consent_for(
                outreach, who, agencies=[agency] if consent in ("agency", "withdrawn") else []
            )
            if consent == "withdrawn":
                intake_services.consent_withdraw(user=outreach, consent=record, withdrawn_on=today())
    engagement = fresh(engagement)
    if stage != engagement.stage and (stage != "accepted" or engagement.person_id):
        services.stage_change(user=outreach, engagement=engagement, version=engagement.version, stage=stage)
    for actor in ACTORS:
        assert visible(users[actor], engagement) == expected(actor, person=person, consent=consent), actor


def test_a_support_meeting_decision_opens_it_to_pledged_members(users, outreach):
    from kasane.cases import services as case_services

    counselor, office = users["counselor"], users["municipal"]
    engagement = start(outreach)
    engagement = services.person_identify(user=outreach, engagement=engagement, version=engagement.version,
                                          new_person={"family_name": "鷺山"})  # fmt: skip
    case = case_services.case_open(
        user=office, person=engagement.person, title="鷺山さん", reason_several_fields=True
    )
    services.case_link(user=outreach, engagement=engagement, version=fresh(engagement).version, case=case)
    meeting = meeting_services.meeting_create(user=office, kind="confidential", title="支援会議", held_on=today(),
                                              place="会議室")  # fmt: skip
    meeting_services.participant_add(user=office, meeting=meeting, staff=counselor)
    meeting_services.pledge_accept(user=office, meeting=meeting, accepted=True)
    item = meeting_services.item_add(
        user=office, meeting=meeting, kind="concern", title="鷺山さんへの関わり方", case=case
    )
    assert not visible(counselor, engagement)
    meeting_services.pledge_accept(user=counselor, meeting=meeting, accepted=True)
    assert not visible(counselor, engagement)  # on the agenda, nothing decided yet
    meeting_services.item_record(user=office, item=item, version=item.version, minutes="関わり方を検討",
                                 outcome="approach")  # fmt: skip
    assert visible(counselor, engagement)
    assert not visible(users["collaboration"], engagement)  # not a member of that meeting
