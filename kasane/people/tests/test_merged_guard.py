"""名寄せ: a record merged into another takes no new records. Every service that creates or attaches a record to
a person refuses the merged one with one Japanese message (naming the kept record) and saves nothing, while the
same call on the kept record works; the API answers 400 with that message and an import row matching only a
merged record is refused by line."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login, make_agency, make_user
from kasane.cases import services as case_services
from kasane.cases.models import AssessmentEntry, CollaborationCase
from kasane.core.errors import DomainError
from kasane.core.roles import Role
from kasane.intake import imports
from kasane.intake import services as intake_services
from kasane.intake.models import Consent, Consultation, Referral
from kasane.intake.tests.test_imports import csv_data, row
from kasane.outreach import services as outreach_services
from kasane.outreach.models import Engagement
from kasane.participation import selectors as participation_selectors
from kasane.participation import services as participation_services
from kasane.participation.models import Match
from kasane.people import selectors, services
from kasane.people.models import Membership, Person

TODAY = timezone.localdate()


@pytest.fixture
def world(municipality, agency):
    """A worker at the municipal office and two records of one person, the second merged into the first."""
    user = make_user(municipality, "nayose", [Role.OUTREACH, Role.COLLABORATION])
    kept = services.person_create(
        user=user, family_name="髙橋", given_name="一郎", birth_date=date(1985, 3, 12)
    )
    merged = services.person_create(
        user=user, family_name="高橋", given_name="一朗", birth_date=date(1985, 3, 12)
    )
    services.person_merge(
        user=user, kept=kept, merged=merged, chosen_fields={}, reason="同じ方を別々に登録していた",
        expected_versions={kept.pk: kept.version, merged.pk: merged.version},
    )  # fmt: skip
    merged.refresh_from_db()
    assert merged.merged_into_id == kept.pk
    return {"user": user, "agency": agency, "kept": kept, "merged": merged}


def _consultation(user, person):
    # Written directly: a row left on the merged record (a stale form, an old import) that a service builds on.
    return Consultation.objects.create(
        municipality_id=user.municipality_id, agency=None, staff=user, received_on=TODAY, route="phone",
        consulter="self", person=person, response="continuing",
    )  # fmt: skip


def _case(user, person):
    case = case_services.case_open(
        user=user, person=services.person_create(user=user, family_name="仮"), title="事例",
        reason_outreach_participation=True,
    )  # fmt: skip
    CollaborationCase.objects.filter(pk=case.pk).update(person=person)
    return CollaborationCase.objects.get(pk=case.pk)


def consultation_create(w, person):
    intake_services.consultation_create(
        user=w["user"],
        person=person,
        received_on=TODAY,
        route="phone",
        consulter="self",
        response="continuing",
    )
    return Consultation


def intake_record(w, person):
    intake_services.intake_record(
        user=w["user"], person=person,
        consultation={"received_on": TODAY, "route": "visit", "consulter": "self", "response": "advice"},
        consent={"obtained_on": TODAY, "method": "oral", "agencies": [w["agency"]]},
    )  # fmt: skip
    return Consultation


def consent_record(w, person):
    intake_services.consent_record(user=w["user"], person=person, obtained_on=TODAY, method="oral")
    return Consent


def referral_create(w, person):
    intake_services.referral_create(
        user=w["user"], consultation=_consultation(w["user"], person), to_agency=w["agency"], reason="見守り",
        legal_basis="life",
    )  # fmt: skip
    return Referral


def case_open(w, person):
    case_services.case_open(user=w["user"], person=person, title="事例", reason_outreach_participation=True)
    return CollaborationCase


def assessment_entry(w, person):
    user, kept = w["user"], w["kept"]
    household = services.household_create(user=user, name="髙橋さん世帯")
    Membership.objects.create(household=household, person=kept, relationship="head")
    if person != kept:  # a membership left on the merged record
        Membership.objects.create(household=household, person=person, relationship="child")
    case = case_services.case_open(user=user, person=kept, household=household, title="事例",
                                   reason_outreach_participation=True)  # fmt: skip
    case_services.assessment_create(
        user=user, case=case, assessed_on=TODAY, entries=[{"person": person, "relationship": "本人"}]
    )
    return AssessmentEntry


def membership_add(w, person):
    household = services.household_create(user=w["user"], name="世帯")
    services.membership_add(user=w["user"], household=household, person=person, relationship="head")
    return Membership


def person_identify(w, person):
    user = w["user"]
    engagement = outreach_services.engagement_create(user=user, description="60代男性", source="commissioner")
    outreach_services.person_identify(
        user=user, engagement=engagement, version=engagement.version, person=person
    )
    return Engagement


def match_create(w, person):
    user = w["user"]
    resource = participation_services.resource_create(
        user=user, name=f"居場所 ひだまり{person.pk}", kind=participation_selectors.kinds(user=user).get(name="居場所"),
        status="active", capacity=10, open_places=3,
    )  # fmt: skip
    participation_services.match_create(user=user, case=_case(user, person), resource=resource)
    return Match


CALLS = [consultation_create, intake_record, consent_record, referral_create, case_open, assessment_entry,
         membership_add, person_identify, match_create]  # fmt: skip


def _rows(model, person) -> int:
    return model.objects.filter(person=person).count()


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.__name__)
def test_a_merged_record_takes_no_new_record_and_the_kept_one_does(world, call):
    kept, merged = world["kept"], world["merged"]
    model = call(world, kept)
    assert _rows(model, kept) >= 1

    before = _rows(model, merged)
    with pytest.raises(DomainError) as refused:
        call(world, merged)
    assert refused.value.message == (
        f"この本人の記録は髙橋 一郎（本人ID {kept.pk}）に統合されています。統合先の記録に登録してください。"
    )
    assert _rows(model, merged) == before  # the test's own stale row at most; nothing the service wrote


def test_the_kept_name_is_not_disclosed_to_someone_who_may_not_see_it(world, municipality):
    elsewhere = make_agency(municipality, "障害者相談支援事業所")
    outsider = make_user(municipality, "outsider", [Role.COUNSELOR], agency=elsewhere)
    assert not selectors.person_search(user=outsider).object_list  # sees neither record
    message = services.merged_message(world["kept"].pk, user=outsider)
    assert "髙橋" not in message and f"本人ID {world['kept'].pk}" not in message
    assert message == "この本人の記録は別の記録に統合されています。統合先の記録に登録してください。"


def test_pickers_do_not_offer_a_merged_record(world):
    found = list(selectors.person_search(user=world["user"], q="高橋").object_list)
    assert world["merged"] not in found and world["kept"] in found


def test_the_api_answers_400_with_the_message_and_saves_nothing(world, client):
    login(client, world["user"])
    body = {"received_on": TODAY.isoformat(), "route": "phone", "consulter": "self", "response": "continuing"}
    response = client.post(
        reverse("api:consultation_list"),
        {**body, "person": world["merged"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "統合されています" in response.json()["detail"]
    assert response.json()["errors"]["person"] == [response.json()["detail"]]
    assert not Consultation.objects.exists()
    response = client.post(
        reverse("api:consultation_list"),
        {**body, "person": world["kept"].pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_an_import_row_matching_only_a_merged_record_is_refused_by_line(world, municipality):
    kept, merged = world["kept"], world["merged"]
    Person.objects.filter(pk=merged.pk).update(family_name="山田", given_name="花子")
    Person.objects.get(pk=merged.pk).save()  # refresh the keys
    data = csv_data([row(氏="佐藤", 生年月日="1960-01-01"), row(氏="山田", 名="花子", 生年月日="1985-03-12")])
    plan = imports.validate(imports.parse_file("a.csv", data), municipality)
    assert [str(e) for e in plan.errors] == [
        f"3行目「氏」：この本人の記録は髙橋 一郎（本人ID {kept.pk}）に統合されています。統合先の記録に登録してください。"
        "（統合先の氏名・生年月日に合わせてください）"
    ]
    with pytest.raises(imports.ImportRejected):
        imports.apply(plan, municipality=municipality)
    assert not Consultation.objects.exists() and Person.objects.count() == 2


def test_an_import_row_matching_both_records_goes_to_the_kept_one(world, municipality):
    kept = world["kept"]
    data = csv_data([row(氏="高橋", 名="一郎", 氏フリガナ="", 名フリガナ="", 生年月日="1985-03-12")])
    Person.objects.filter(pk=world["merged"].pk).update(given_name="一郎")
    Person.objects.get(pk=world["merged"].pk).save()
    plan = imports.validate(imports.parse_file("a.csv", data), municipality)
    assert plan.errors == []
    result = imports.apply(plan, municipality=municipality)
    assert result.persons_reused == 1 and Consultation.objects.get().person_id == kept.pk


def test_an_import_does_not_land_on_a_record_merged_while_it_was_being_checked(
    world, municipality, monkeypatch
):
    kept = world["kept"]
    other = services.person_create(user=world["user"], family_name="佐藤", given_name="花子",
                                   birth_date=date(1960, 1, 1))  # fmt: skip
    data = csv_data([row(氏="佐藤", 名="花子", 氏フリガナ="", 名フリガナ="", 生年月日="1960-01-01")])
    plan = imports.validate(imports.parse_file("a.csv", data), municipality)
    assert plan.errors == [] and plan.persons[0].existing_id == other.pk
    real = imports.validate

    def validate_then_merge(*args, **kwargs):  # a merge commits between the check and the writes
        checked = real(*args, **kwargs)
        Person.objects.filter(pk=other.pk).update(merged_into=kept)
        return checked

    monkeypatch.setattr(imports, "validate", validate_then_merge)
    with pytest.raises(imports.ImportRejected) as refused:
        imports.apply(plan, municipality=municipality)
    assert [str(e) for e in refused.value.errors] == [
        f"2行目「氏」：この本人の記録は髙橋 一郎（本人ID {kept.pk}）に統合されています。統合先の記録に登録してください。"
        "（統合先の氏名・生年月日に合わせてください）"
    ]
    assert not Consultation.objects.exists()
