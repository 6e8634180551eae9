"""The privacy rules of intake: who sees a person, a consultation's narrative, a referral — and the flow."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import login, make_agency, make_user
from kasane.core import policy
from kasane.core.errors import DomainError
from kasane.core.models import AccessLogEntry
from kasane.core.roles import Role
from kasane.intake import services
from kasane.intake.models import Consultation, Referral
from kasane.people.models import Person


@pytest.fixture
def setting(municipality, agency, users):
    agency_b = make_agency(municipality, "生活・就労サポートセンター", themes=["収入・生活費"])
    counselor_b = make_user(municipality, "counselor_b", [Role.COUNSELOR], agency=agency_b)
    a = users["counselor"]
    record = services.intake_record(
        user=a,
        new_person={"family_name": "長野", "given_name": "花子", "family_kana": "ながの", "given_kana": "はなこ",
                    "birth_date": date(1954, 2, 11)},
        consultation={"received_on": date(2026, 4, 14), "route": "phone", "consulter": "family",
                      "problems": ["care", "income"], "main_problem": "care", "response": "referral",
                      "narrative": "介護の負担が大きく、家計も苦しい。"},
    )  # fmt: skip
    return {"a": a, "b": counselor_b, "agency_b": agency_b, "record": record, "person": record.person}


def test_the_recording_counter_sees_its_person_and_narrative(client, setting):
    login(client, setting["a"])
    page = client.get(f"/intake/{setting['record'].pk}/").content.decode()
    assert "介護の負担が大きく" in page
    assert Person.objects.get().family_kana == "ナガノ"  # hiragana フリガナ stored as katakana


def test_another_counter_without_consent_gets_404_for_person_and_consultation(client, setting, users):
    login(client, setting["b"])
    assert client.get(f"/people/{setting['person'].pk}/").status_code == 404
    assert client.get(f"/intake/{setting['record'].pk}/").status_code == 404
    assert client.get(f"/api/v1/persons/{setting['person'].pk}/").status_code == 404


@pytest.mark.parametrize("actor", ["admin", "evaluator"])
def test_roles_without_casework_never_see_persons(client, setting, users, actor):
    assert not policy.scope(users[actor], Person).exists()
    login(client, users[actor])
    assert client.get("/people/").status_code == 403


def test_consent_covering_b_shows_the_person_and_only_the_information_it_shares(client, setting):
    consent = services.consent_record(user=setting["a"], person=setting["person"], obtained_on=date(2026, 4, 14),
                                      method="written", agencies=[setting["agency_b"]])  # fmt: skip
    login(client, setting["b"])
    assert client.get(f"/people/{setting['person'].pk}/").status_code == 200
    assert client.get(f"/intake/{setting['record'].pk}/").status_code == 404  # basic information only
    consent.share_consultation = True
    consent.save()
    assert "介護の負担が大きく" in client.get(f"/intake/{setting['record'].pk}/").content.decode()
    assert client.get(f"/api/v1/consultations/{setting['record'].pk}/").json()["narrative"]


def test_a_referral_shows_the_receiver_the_consultation_but_not_the_narrative(client, setting):
    services.consent_record(user=setting["a"], person=setting["person"], obtained_on=date(2026, 4, 14),
                            method="written", agencies=[setting["agency_b"]])  # fmt: skip
    services.referral_create(user=setting["a"], consultation=setting["record"], to_agency=setting["agency_b"],
                             reason="家計", legal_basis="consent")  # fmt: skip
    login(client, setting["b"])
    page = client.get(f"/intake/{setting['record'].pk}/").content.decode()
    assert "介護の負担が大きく" not in page and "本人同意の範囲に含まれていません" in page
    assert client.get(f"/api/v1/consultations/{setting['record'].pk}/").json()["narrative"] is None


def test_a_cancelled_referral_leaves_the_receiver_with_nothing(client, setting):
    referral = services.referral_create(user=setting["a"], consultation=setting["record"],
                                        to_agency=setting["agency_b"], reason="x", legal_basis="life")  # fmt: skip
    services.referral_cancel(user=setting["a"], referral=referral, version=referral.version)
    login(client, setting["b"])
    for url in [f"/intake/referrals/{referral.pk}/", f"/intake/referrals/{referral.pk}/print.pdf",
                f"/api/v1/referrals/{referral.pk}/", f"/people/{setting['person'].pk}/"]:  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert "長野" not in client.get("/intake/referrals/inbox/").content.decode()


def test_the_household_needs_the_household_scope_of_the_consent(client, setting):
    from kasane.people import services as people_services

    household = people_services.household_create(user=setting["a"], head=setting["person"])
    consent = services.consent_record(user=setting["a"], person=setting["person"], obtained_on=date(2026, 4, 14),
                                      method="written", agencies=[setting["agency_b"]])  # fmt: skip
    login(client, setting["b"])
    assert client.get(f"/people/households/{household.pk}/").status_code == 404
    consent.share_household = True
    consent.save()
    assert client.get(f"/people/households/{household.pk}/").status_code == 200


def test_only_the_registering_or_consulting_counter_edits_the_person(client, setting):
    services.consent_record(user=setting["a"], person=setting["person"], obtained_on=date(2026, 4, 14),
                            method="written", agencies=[setting["agency_b"]])  # fmt: skip
    login(client, setting["b"])
    response = client.put(f"/api/v1/persons/{setting['person'].pk}/", {"version": 1, "family_name": "改変"},
                          content_type="application/json")  # fmt: skip
    assert response.status_code == 403
    login(client, setting["a"])
    response = client.put(f"/api/v1/persons/{setting['person'].pk}/", {"version": 1, "address": "長野市2-2"},
                          content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    person = Person.objects.get()
    assert person.address == "長野市2-2" and person.family_name == "長野"  # unsent fields are kept


def test_a_withdrawn_consent_stops_the_sharing(client, setting):
    consent = services.consent_record(user=setting["a"], person=setting["person"], obtained_on=date(2026, 4, 14),
                                      method="oral", agencies=[setting["agency_b"]])  # fmt: skip
    services.consent_withdraw(user=setting["a"], consent=consent, withdrawn_on=date(2026, 5, 1))
    login(client, setting["b"])
    assert client.get(f"/people/{setting['person'].pk}/").status_code == 404


def test_a_referral_needs_consent_covering_the_receiver_or_a_legal_basis(setting):
    with pytest.raises(DomainError, match="本人同意が記録されていません"):
        services.referral_create(user=setting["a"], consultation=setting["record"], to_agency=setting["agency_b"],
                                 reason="家計の相談", legal_basis="consent")  # fmt: skip
    referral = services.referral_create(user=setting["a"], consultation=setting["record"],
                                        to_agency=setting["agency_b"], reason="虐待の疑い",
                                        legal_basis="elder_abuse")  # fmt: skip
    entry = AccessLogEntry.objects.get(object_type="intake.referral", action="create")
    assert "高齢者虐待" in entry.detail and entry.person_id == setting["person"].pk
    assert referral.consent is None


def test_the_receiver_accepts_and_the_household_shows_both_agencies(client, setting):
    from kasane.people import services as people_services

    services.consent_record(user=setting["a"], person=setting["person"], obtained_on=date(2026, 4, 14),
                            method="written", agencies=[setting["agency_b"]])  # fmt: skip
    household = people_services.household_create(
        user=setting["a"], name="長野さん世帯", head=setting["person"]
    )
    referral = services.referral_create(user=setting["a"], consultation=setting["record"],
                                        to_agency=setting["agency_b"], reason="家計の相談", legal_basis="consent")  # fmt: skip
    login(client, setting["b"])
    inbox = client.get("/intake/referrals/inbox/").content.decode()
    assert "長野 花子" in inbox
    response = client.post(
        f"/intake/referrals/{referral.pk}/respond/", {"answer": "joint", "version": referral.version}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED_JOINT and referral.responded_at
    login(client, setting["a"])
    page = client.get(f"/people/households/{household.pk}/").content.decode()
    assert "地域包括支援センター" in page and "生活・就労サポートセンター" in page
    assert "<svg" in page


def test_a_stale_answer_or_a_second_answer_is_refused(client, setting):
    referral = services.referral_create(user=setting["a"], consultation=setting["record"],
                                        to_agency=setting["agency_b"], reason="x", legal_basis="life")  # fmt: skip
    services.referral_respond(
        user=setting["b"], referral=referral, answer="takeover", version=referral.version
    )
    with pytest.raises(DomainError):
        services.referral_respond(user=setting["b"], referral=referral, answer="return", version=referral.version + 1,
                                  return_reason="対象外")  # fmt: skip


def test_returning_needs_a_reason(setting):
    referral = services.referral_create(user=setting["a"], consultation=setting["record"],
                                        to_agency=setting["agency_b"], reason="x", legal_basis="life")  # fmt: skip
    with pytest.raises(DomainError, match="差し戻しの理由"):
        services.referral_respond(
            user=setting["b"], referral=referral, answer="return", version=referral.version
        )


def test_an_unanswered_referral_becomes_overdue_for_sender_receiver_and_municipal_office(
    client, setting, users
):
    referral = services.referral_create(user=setting["a"], consultation=setting["record"],
                                        to_agency=setting["agency_b"], reason="x", legal_basis="life")  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - timedelta(days=14))
    for actor, shows_person in [(setting["a"], True), (setting["b"], True), (users["municipal"], False)]:
        login(client, actor)
        page = client.get("/").content.decode()
        assert "応答期限を過ぎたつなぐシート" in page and "生活・就労サポートセンター" in page, actor
        assert ("長野 花子" in page) == shows_person, actor


def test_follow_ups_link_to_the_first_consultation_for_counting(setting):
    second = services.consultation_create(user=setting["a"], person=setting["person"], received_on=date(2026, 4, 20),
                                          route="visit", consulter="self", response="continuing",
                                          first_consultation=setting["record"])  # fmt: skip
    third = services.consultation_create(user=setting["a"], person=setting["person"], received_on=date(2026, 5, 1),
                                         route="visit", consulter="self", response="continuing",
                                         first_consultation=second)  # fmt: skip
    assert third.first_consultation == setting["record"]
    qs = Consultation.objects.filter(person=setting["person"])
    assert qs.count() == 3 and qs.filter(first_consultation__isnull=True).count() == 1  # のべ 3, 実数 1


def test_a_future_birth_date_or_kanji_in_furigana_saves_nothing(client, setting):
    login(client, setting["a"])
    data = {"received_on": "R8.4.1", "route": "visit", "consulter": "self", "family_name": "未来",
            "family_kana": "未来", "birth_date": "2099-01-01", "problems": ["health"], "main_problem": "health",
            "urgency": "normal", "response": "advice", "consent": "no", "sex": "unknown"}  # fmt: skip
    response = client.post("/intake/new/", data)
    assert response.status_code == 200
    assert "カタカナで入力してください" in response.content.decode()
    data["family_kana"] = "ミライ"
    response = client.post("/intake/new/", data)
    assert "生年月日が未来の日付になっています" in response.content.decode()
    assert Person.objects.count() == 1


def test_the_intake_form_records_a_new_person_with_consent(client, setting):
    login(client, setting["a"])
    data = {"received_on": "令和8年4月1日", "route": "visit", "consulter": "minsei", "family_name": "上田",
            "given_name": "一", "family_kana": "ｳｴﾀﾞ", "problems": ["withdrawal", "family"], "main_problem": "withdrawal",
            "urgency": "normal", "response": "continuing", "consent": "yes", "consent_method": "written",
            "consent_agencies": [setting["agency_b"].pk], "share_consultation": "on", "sex": "male"}  # fmt: skip
    response = client.post("/intake/new/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    person = Person.objects.get(family_name="上田")
    assert person.family_kana == "ウエダ"
    assert person.consents.get().covers(setting["agency_b"].pk, "consultation")


def test_two_staff_editing_a_person_do_not_overwrite_and_see_what_changed(client, setting):
    person = setting["person"]
    login(client, setting["a"])
    base = {"family_name": person.family_name, "given_name": person.given_name, "family_kana": person.family_kana,
            "given_kana": person.given_kana, "sex": person.sex, "version": person.version}  # fmt: skip
    assert client.post(f"/people/{person.pk}/edit/", {**base, "address": "長野市1-1"}).status_code == 302
    stale = client.post(f"/people/{person.pk}/edit/", {**base, "phone_home": "026-000"}).content.decode()
    assert "他の職員がこの本人情報を先に更新しました" in stale and "住所" in stale
    person.refresh_from_db()
    assert person.address == "長野市1-1" and person.phone_home == ""
    assert f'name="version" value="{person.version}"' in stale  # the form now holds the latest record


def test_two_staff_editing_a_consultation_see_a_conflict_naming_the_changed_fields(client, setting):
    c = setting["record"]
    login(client, setting["a"])
    base = {"received_on": "2026-04-14", "route": "phone", "consulter": "family", "problems": ["care"],
            "main_problem": "care", "urgency": "normal", "response": "referral", "status": "open",
            "narrative": c.narrative, "version": c.version}  # fmt: skip
    assert client.post(f"/intake/{c.pk}/edit/", {**base, "urgency": "emergency"}).status_code == 302
    stale = client.post(f"/intake/{c.pk}/edit/", {**base, "narrative": "上書き"}).content.decode()
    assert "他の職員がこの相談の記録を先に更新しました" in stale and "緊急度" in stale
    c.refresh_from_db()
    assert c.urgency == "emergency" and c.narrative != "上書き"


def test_only_the_recording_counter_edits_a_consultation(client, setting):
    services.consent_record(user=setting["a"], person=setting["person"], obtained_on=date(2026, 4, 14),
                            method="written", agencies=[setting["agency_b"]], share_consultation=True)  # fmt: skip
    login(client, setting["b"])
    assert client.get(f"/intake/{setting['record'].pk}/").status_code == 200
    assert client.get(f"/intake/{setting['record'].pk}/edit/").status_code == 403


def test_an_admin_adds_a_pattern_for_the_municipality(client, setting, users):
    login(client, users["admin"])
    assert client.post("/intake/patterns/", {"name": "孤立死リスク"}).status_code == 302
    assert "同じ名前" in client.post("/intake/patterns/", {"name": "孤立死リスク"}).content.decode()


def test_the_receivers_print_leaves_out_household_members_the_consent_does_not_share(client, setting):
    from io import BytesIO

    from pypdf import PdfReader

    from kasane.people import services as people_services

    a = setting["a"]
    household = people_services.household_create(user=a, name="", head=setting["person"])
    son = people_services.person_create(user=a, family_name="秘密", given_name="太郎")
    people_services.membership_add(user=a, household=household, person=son, relationship="child")
    services.consent_record(user=a, person=setting["person"], obtained_on=date(2026, 4, 14), method="written",
                            agencies=[setting["agency_b"]], share_household=True)  # fmt: skip
    referral = services.referral_create(user=a, consultation=setting["record"], to_agency=setting["agency_b"],
                                        reason="家計", legal_basis="consent")  # fmt: skip
    login(client, setting["b"])
    text = "".join(
        p.extract_text()
        for p in PdfReader(BytesIO(client.get(f"/intake/referrals/{referral.pk}/print.pdf").content)).pages
    )
    assert "長野" in text and "秘密" not in text
    login(client, a)
    text = "".join(
        p.extract_text()
        for p in PdfReader(BytesIO(client.get(f"/intake/referrals/{referral.pk}/print.pdf").content)).pages
    )
    assert "秘密" in text


def test_the_receiver_cannot_change_the_senders_household_or_refer_its_consultation(client, setting):
    from kasane.people import services as people_services

    household = people_services.household_create(user=setting["a"], head=setting["person"])
    services.consent_record(user=setting["a"], person=setting["person"], obtained_on=date(2026, 4, 14),
                            method="written", agencies=[setting["agency_b"]])  # fmt: skip
    assert not policy.can(setting["b"], policy.CHANGE, household)
    with pytest.raises(DomainError, match="相談を受け付けた機関から"):
        services.referral_create(user=setting["b"], consultation=setting["record"], to_agency=setting["agency_b"],
                                 reason="x", legal_basis="life")  # fmt: skip


def test_the_list_exports_in_cp932_and_xlsx_with_formulas_neutralised_and_audited(client, setting):
    import io

    from openpyxl import load_workbook

    Person.objects.filter(pk=setting["person"].pk).update(family_name="=HYPERLINK(1)")
    login(client, setting["a"])
    response = client.get("/intake/export.csv", {"encoding": "cp932"})
    text = response.content.decode("cp932")
    assert "'=HYPERLINK(1)" in text and "介護" in text
    sheet = load_workbook(io.BytesIO(client.get("/intake/export.xlsx").content)).active
    assert sheet["B2"].value.startswith("'=")
    exports = AccessLogEntry.objects.filter(action="export", object_type="intake.consultation")
    assert exports.count() == 2 and exports.first().person_id == setting["person"].pk


def test_the_counselors_home_counts_open_consultations_and_waiting_referrals(client, setting):
    services.referral_create(user=setting["a"], consultation=setting["record"], to_agency=setting["agency_b"],
                             reason="x", legal_basis="life")  # fmt: skip
    login(client, setting["a"])
    assert "対応中の相談 1件" in client.get("/").content.decode()
    login(client, setting["b"])
    assert "応答待ちのつなぐシート（受信） 1件" in client.get("/").content.decode()


def test_a_follow_up_is_recorded_from_the_consultation_page(client, setting):
    login(client, setting["a"])
    data = {"received_on": "R8.4.20", "route": "visit", "consulter": "self", "problems": ["care"],
            "main_problem": "care", "urgency": "normal", "response": "continuing", "consent": "no", "sex": "unknown"}  # fmt: skip
    response = client.post(f"/intake/new/?follow={setting['record'].pk}", data)
    assert response.status_code == 302, response.content.decode()[-1500:]
    follow_up = Consultation.objects.exclude(pk=setting["record"].pk).get()
    assert follow_up.first_consultation == setting["record"] and follow_up.person == setting["person"]


def test_the_printed_sheet_lists_the_household_only_when_the_consent_shares_it_with_the_receiver(
    client, setting
):
    from io import BytesIO

    from pypdf import PdfReader

    from kasane.people import services as people_services

    a = setting["a"]
    household = people_services.household_create(user=a, head=setting["person"])
    people_services.member_join(user=a, household=household, person=None, new_person={"family_name": "同居",
                                "given_name": "次郎"}, relationship="child")  # fmt: skip
    consent = services.consent_record(user=a, person=setting["person"], obtained_on=date(2026, 4, 14),
                                      method="written", agencies=[setting["agency_b"]])  # fmt: skip
    referral = services.referral_create(user=a, consultation=setting["record"], to_agency=setting["agency_b"],
                                        reason="家計", legal_basis="consent")  # fmt: skip
    login(client, a)

    def text():
        pdf = client.get(f"/intake/referrals/{referral.pk}/print.pdf").content
        return "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)

    assert "同居" not in text()  # the sender sees the household, but the consent does not share it with B
    consent.share_household = True
    consent.save()
    assert "同居" in text()


def test_a_birth_date_alone_never_discloses_a_person_known_elsewhere(client, setting):
    login(client, setting["b"])
    page = client.get("/intake/lookup/", {"birth_date": "1954-02-11"}).content.decode()
    assert "他機関で把握あり" not in page
    page = client.get(
        "/intake/lookup/", {"family_kana": "ながの", "given_kana": "はなこ", "birth_date": "1954-02-11"}
    )
    assert "他機関で把握あり" in page.content.decode()
