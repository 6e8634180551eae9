"""A consultation's content crosses counters only inside the circle one consent draws: the consent must cover
both the recording counter and the reader's. A counter that records a consent is not a master key to other
counters' records (the leftover of the intake issue)."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_agency, make_user
from kasane.core import policy
from kasane.core.roles import Role
from kasane.intake import services
from kasane.intake.models import Consultation
from kasane.people.services import person_create

NAMES = ["A", "B", "C", "D"]


@pytest.fixture
def counters(municipality):
    agencies = {n: make_agency(municipality, f"機関{n}") for n in NAMES}
    staff = {n: make_user(municipality, f"staff{n}", [Role.COUNSELOR], agency=a) for n, a in agencies.items()}
    return agencies, staff


def _consult(user, person, text):
    return services.consultation_create(user=user, person=person, received_on=date(2026, 4, 1), route="visit",
                                        consulter="self", response="continuing", narrative=text)  # fmt: skip


@pytest.mark.django_db
def test_a_counter_that_records_a_consent_does_not_read_other_counters_records(counters):
    agencies, staff = counters
    person = person_create(user=staff["A"], family_name="長野", given_name="一郎")
    at_a = _consult(staff["A"], person, "Aだけの相談内容")
    _consult(staff["B"], person, "Bの相談内容")
    services.consent_record(user=staff["B"], person=person, obtained_on=date(2026, 4, 2), method="written",
                            agencies=[agencies["C"]], share_consultation=True)  # fmt: skip
    assert not policy.can_see_narrative(staff["B"], at_a)
    assert not policy.scope(staff["B"], Consultation).filter(pk=at_a.pk).exists()
    assert policy.scope(staff["C"], Consultation).filter(narrative="Bの相談内容").exists()
    assert not policy.scope(staff["C"], Consultation).filter(pk=at_a.pk).exists()


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    obtained_by=st.sampled_from(NAMES),
    listed=st.sets(st.sampled_from(NAMES)),
    recorder=st.sampled_from(NAMES),
    reader=st.sampled_from(NAMES),
    withdrawn=st.booleans(),
    share=st.booleans(),
)
def test_content_is_shared_exactly_within_one_consents_circle(
    counters, obtained_by, listed, recorder, reader, withdrawn, share
):
    agencies, staff = counters
    person = person_create(user=staff[recorder], family_name="信濃", given_name="守")
    record = _consult(staff[recorder], person, "相談内容")
    consent = services.consent_record(user=staff[obtained_by], person=person, obtained_on=date(2026, 4, 2),
                                      method="written", agencies=[agencies[n] for n in listed],
                                      share_consultation=share)  # fmt: skip
    if withdrawn:
        services.consent_withdraw(user=staff[obtained_by], consent=consent, withdrawn_on=date(2026, 4, 3))
    circle = {obtained_by, *listed}
    expected = reader == recorder or (share and not withdrawn and {reader, recorder} <= circle)
    assert policy.can_see_narrative(staff[reader], record) == expected
    in_scope = policy.scope(staff[reader], Consultation).filter(pk=record.pk).exists()
    assert in_scope == expected
