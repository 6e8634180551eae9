"""A problem row carries its consultation's municipality, 受付日, counter and follow-up flag (the yearly statistics
count problems from them alone): set on create, moved when the 受付日 changes, dropped with the problem."""

from datetime import date

from kasane.evaluation import statistics as stats
from kasane.intake import services
from kasane.intake.models import ConsultationProblem


def _copies(consultation):
    return sorted(
        ConsultationProblem.objects.filter(consultation=consultation).values_list(
            "problem", "municipality_id", "received_on", "agency_id", "follow_up"
        )
    )


def test_problem_rows_follow_their_consultation(municipality, agency, users):
    user = users["counselor"]
    first = services.intake_record(
        user=user,
        new_person={"family_name": "長野", "given_name": "花子", "family_kana": "ながの", "given_kana": "はなこ",
                    "birth_date": date(1954, 2, 11)},
        consultation={"received_on": date(2025, 4, 14), "route": "phone", "consulter": "family",
                      "problems": ["care", "income"], "main_problem": "care", "response": "referral"},
    )  # fmt: skip
    assert _copies(first) == [
        ("care", municipality.pk, date(2025, 4, 14), agency.pk, False),
        ("income", municipality.pk, date(2025, 4, 14), agency.pk, False),
    ]
    follow_up = services.consultation_create(
        user=user, person=first.person, received_on=date(2025, 5, 1), route="visit", consulter="self",
        response="continuing", first_consultation=first, problems=["housing"],
    )  # fmt: skip
    assert _copies(follow_up) == [("housing", municipality.pk, date(2025, 5, 1), agency.pk, True)]

    first.refresh_from_db()
    services.consultation_update(
        user=user, consultation=first, version=first.version, problems=["income", "debt"],
        main_problem="income", received_on=date(2025, 6, 2), route="phone", consulter="family", response="referral",
    )  # fmt: skip
    assert _copies(first) == [
        ("debt", municipality.pk, date(2025, 6, 2), agency.pk, False),
        ("income", municipality.pk, date(2025, 6, 2), agency.pk, False),
    ]
    # The figure counts the first consultation's problems in June (its new 受付日), never the follow-up's.
    counts = stats.consultations_by_problem(stats.Period(municipality.pk, 2025))
    june = stats.month_index(date(2025, 6, 1))
    assert {k: v for k, v in counts.items()} == {
        "debt": [1 if m == june else 0 for m in range(12)],
        "income": [1 if m == june else 0 for m in range(12)],
    }
