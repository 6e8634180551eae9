"""名寄せ: merging two records of the same person moves every row and takes the chosen values; undo restores
all of it exactly; refusals (same record, merged twice, stale version, other tenant, invisible) leave no trace."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import login, make_user
from kasane.core.errors import ConflictError, DomainError
from kasane.core.models import AccessLogEntry
from kasane.core.roles import Role
from kasane.intake.models import Consent, Consultation, Referral
from kasane.people import selectors, services
from kasane.people.models import Membership, Person, PersonMerge
from kasane.people.services import PERSON_FIELDS, merge_relations

KEPT = {"family_name": "髙橋", "given_name": "一郎", "family_kana": "タカハシ", "birth_date": date(1985, 3, 12),
        "sex": "male", "address": "岐阜市今沢町18番地", "phone_home": "058-111-2222"}  # fmt: skip
MERGED = {"family_name": "高橋", "given_name": "一朗", "given_kana": "イチロウ", "birth_date": date(1985, 12, 3),
          "sex": "unknown", "address": "岐阜市今沢町18", "phone_mobile": "090-1234-5678", "notes": "別窓口で登録"}  # fmt: skip


def _pair(user):
    kept = services.person_create(user=user, **KEPT)
    merged = services.person_create(user=user, **MERGED)
    return kept, merged


def _consultation(user, person, agency=None):
    return Consultation.objects.create(
        municipality_id=user.municipality_id, agency=agency, staff=user, received_on=date(2026, 4, 1),
        route="phone", consulter="self", person=person, response="continuing",
    )  # fmt: skip


def _consent(user, person):
    return Consent.objects.create(
        municipality_id=user.municipality_id, person=person, obtained_on=date(2026, 4, 1), method="oral",
        obtained_by=user,
    )  # fmt: skip


def _merge(user, kept, merged, choices=None, reason="同じ方を別々に登録していた"):
    return services.person_merge(
        user=user, kept=kept, merged=merged, chosen_fields=choices or {}, reason=reason,
        expected_versions={kept.pk: kept.version, merged.pk: merged.version},
    )  # fmt: skip


def _snapshot(*persons):
    """Every row that points at these persons (as model, pk, field → person id), and the persons' fields."""
    ids = [p.pk for p in persons]
    rows = {}
    for model, field in merge_relations():
        for pk, person_id in model._base_manager.filter(**{f"{field}__in": ids}).values_list("pk", field):
            rows[(model._meta.label, pk, field)] = person_id
    people = {p.pk: {f: getattr(p, f) for f in PERSON_FIELDS} for p in Person.objects.filter(pk__in=ids)}
    return rows, people


def test_relations_are_found_generically_without_history_tables():
    labels = {(m._meta.label, f) for m, f in merge_relations()}
    assert {("intake.Consultation", "person"), ("intake.Consent", "person"), ("intake.Referral", "person"),
            ("people.Membership", "person"), ("cases.CollaborationCase", "person"),
            ("outreach.Engagement", "person"), ("participation.Match", "person")} <= labels  # fmt: skip
    assert not any(label.split(".")[1].startswith("Historical") for label, _ in labels)
    assert not {label for label, _ in labels} & {"people.Person", "people.PersonMerge"}


MEMBERSHIPS = ["none", "kept", "merged", "same_household", "merged_former", "both_former"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kept_consultations=st.integers(0, 2),
    merged_consultations=st.integers(0, 2),
    merged_consents=st.integers(0, 2),
    merged_referral=st.booleans(),
    memberships=st.sampled_from(MEMBERSHIPS),
    choices=st.fixed_dictionaries({f: st.sampled_from(["kept", "merged"]) for f in PERSON_FIELDS}),
)
def test_merge_then_undo_restores_every_row_and_field(
    users, agency, kept_consultations, merged_consultations, merged_consents, merged_referral, memberships, choices
):  # fmt: skip
    user = users["collaboration"]
    with transaction.atomic():
        kept, merged = _pair(user)
        for _ in range(kept_consultations):
            _consultation(user, kept)
        merged_rows = [_consultation(user, merged) for _ in range(merged_consultations)]
        for _ in range(merged_consents):
            _consent(user, merged)
        if merged_referral:
            Referral.objects.create(
                municipality_id=user.municipality_id, consultation=merged_rows[0] if merged_rows else
                _consultation(user, merged), person=merged, from_staff=user, to_agency=agency, reason="家計",
                legal_basis="consent",
            )  # fmt: skip
        household = services.household_create(user=user, name="高橋さん世帯")
        if memberships in ("kept", "same_household"):
            services.membership_add(user=user, household=household, person=kept, relationship="head")
        if memberships in ("merged", "same_household"):
            services.membership_add(user=user, household=household, person=merged, relationship="child")
        if memberships in ("merged_former", "both_former"):
            Membership.objects.create(household=household, person=merged, relationship="child",
                                      joined_on=date(2000, 1, 1), left_on=date(2020, 1, 1))  # fmt: skip
        if memberships == "both_former":
            Membership.objects.create(household=household, person=kept, relationship="child",
                                      joined_on=date(2001, 1, 1), left_on=date(2021, 1, 1))  # fmt: skip
        kept.refresh_from_db()
        merged.refresh_from_db()
        before = _snapshot(kept, merged)
        merged_ids = {key for key, person_id in before[0].items() if person_id == merged.pk}

        merge = _merge(user, kept, merged, choices)

        rows, people = _snapshot(kept, merged)
        stayed = {(m["model"], m["pk"], m["field"]) for m in merge.moved if m.get("stayed")}
        assert stayed == (
            {("people.Membership", Membership.objects.get(person=merged).pk, "person")}
            if memberships == "same_household" else set()
        )  # fmt: skip
        for key in merged_ids - stayed:
            assert rows[key] == kept.pk, key
        for f in PERSON_FIELDS:
            source = MERGED if choices[f] == "merged" else KEPT
            expected = before[1][merged.pk if choices[f] == "merged" else kept.pk][f]
            assert people[kept.pk][f] == expected, (f, source)
        assert people[merged.pk] == before[1][merged.pk]  # the merged record itself is kept as it was
        assert Person.objects.get(pk=merged.pk).merged_into_id == kept.pk

        services.person_merge_undo(user=user, merge=merge, reason="別人だった")
        assert _snapshot(kept, merged) == before
        assert Person.objects.get(pk=merged.pk).merged_into_id is None
        transaction.set_rollback(True)


def test_both_histories_are_kept_and_say_why(users):
    user = users["collaboration"]
    kept, merged = _pair(user)
    _merge(user, kept, merged, {"given_name": "merged"})
    assert kept.history.first().history_change_reason == f"名寄せ：本人ID {merged.pk} を統合"
    assert merged.history.first().history_change_reason == f"名寄せ：本人ID {kept.pk} に統合"
    assert kept.history.count() == 2 and merged.history.count() == 2


def test_merge_and_undo_are_audited_on_both_persons(users):
    user = users["collaboration"]
    kept, merged = _pair(user)
    _consultation(user, merged)
    merge = _merge(user, kept, merged)
    services.person_merge_undo(user=user, merge=merge, reason="別人")
    entries = AccessLogEntry.objects.filter(user=user, action="update", detail__startswith="名寄せ")
    assert {(e.person_id, "取り消し" in e.detail) for e in entries} == {
        (kept.pk, False), (merged.pk, False), (kept.pk, True), (merged.pk, True)
    }  # fmt: skip
    assert entries.filter(person_id=kept.pk, detail__contains="1 件を移動").exists()


def test_a_merged_record_is_not_edited_any_more(users):
    user = users["collaboration"]
    kept, merged = _pair(user)
    _merge(user, kept, merged)
    merged.refresh_from_db()
    with pytest.raises(DomainError, match="統合されたため編集できません"):
        services.person_update(user=user, person=merged, version=merged.version, notes="追記")


def test_a_merged_record_cannot_be_merged_again(users):
    user = users["collaboration"]
    kept, merged = _pair(user)
    third = services.person_create(user=user, family_name="高橋", given_name="一郎")
    _merge(user, kept, merged)
    merged.refresh_from_db()
    with pytest.raises(DomainError, match="既に別の記録に統合"):
        _merge(user, third, merged)
    with pytest.raises(DomainError, match="既に別の記録に統合"):
        _merge(user, merged, third)
    assert PersonMerge.objects.count() == 1


def test_same_record_other_tenant_and_empty_reason_are_refused(users, other_municipality):
    user = users["collaboration"]
    kept, merged = _pair(user)
    with pytest.raises(DomainError, match="同じ記録"):
        _merge(user, kept, kept)
    with pytest.raises(DomainError, match="理由"):
        _merge(user, kept, merged, reason="  ")
    with pytest.raises(DomainError, match="選べない項目"):
        _merge(user, kept, merged, {"municipality": "merged"})
    elsewhere = make_user(other_municipality, "nagano_collab", [Role.COLLABORATION])
    stranger = services.person_create(user=elsewhere, family_name="高橋")
    with pytest.raises(DomainError, match="他の自治体"):
        _merge(user, kept, stranger)
    assert not PersonMerge.objects.exists() and Person.objects.get(pk=merged.pk).merged_into_id is None


def test_a_concurrent_edit_is_refused_and_nothing_moves(users):
    user = users["collaboration"]
    kept, merged = _pair(user)
    consultation = _consultation(user, merged)
    stale = Person.objects.get(pk=merged.pk)
    services.person_update(user=user, person=merged, version=merged.version, notes="他の職員が更新")
    with pytest.raises(ConflictError, match=f"本人ID {merged.pk}"):
        _merge(user, kept, stale, {"notes": "merged"})
    consultation.refresh_from_db()
    assert consultation.person_id == merged.pk and not PersonMerge.objects.exists()


def test_different_current_households_are_refused(users):
    user = users["collaboration"]
    kept, merged = _pair(user)
    services.household_create(user=user, head=kept)
    services.household_create(user=user, head=merged)
    with pytest.raises(DomainError, match="別々の世帯"):
        _merge(user, kept, merged)


def test_undo_is_refused_when_the_kept_record_was_edited_since(users):
    user = users["collaboration"]
    kept, merged = _pair(user)
    merge = _merge(user, kept, merged, {"phone_mobile": "merged"})
    kept.refresh_from_db()
    services.person_update(user=user, person=kept, version=kept.version, address="岐阜市司町40番地1")
    kept.refresh_from_db()
    # An edit of a field the merge did not take does not block the undo ...
    other = _merge_undo_ok(user, kept, merge)
    assert other.phone_mobile == "" and other.address == "岐阜市司町40番地1"
    # ... an edit of a taken value does.
    merge = _merge(user, other, Person.objects.get(pk=merged.pk), {"phone_mobile": "merged"})
    kept.refresh_from_db()
    services.person_update(user=user, person=kept, version=kept.version, phone_mobile="090-0000-0000")
    with pytest.raises(DomainError, match="電話（携帯）が変更されている"):
        services.person_merge_undo(user=user, merge=merge, reason="別人")
    assert Person.objects.get(pk=merged.pk).merged_into_id == kept.pk


def _merge_undo_ok(user, kept, merge):
    services.person_merge_undo(user=user, merge=merge, reason="別人")
    return Person.objects.get(pk=kept.pk)


def test_undo_twice_and_undo_after_a_later_merge_are_refused(users):
    user = users["collaboration"]
    kept, merged = _pair(user)
    first = _merge(user, kept, merged)
    outer = services.person_create(user=user, family_name="高橋", given_name="一郎")
    kept.refresh_from_db()
    second = _merge(user, outer, kept)
    with pytest.raises(DomainError, match="さらに別の記録に統合"):
        services.person_merge_undo(user=user, merge=first, reason="別人")
    services.person_merge_undo(user=user, merge=second, reason="別人")
    services.person_merge_undo(user=user, merge=first, reason="別人")
    with pytest.raises(DomainError, match="既に取り消されています"):
        services.person_merge_undo(user=user, merge=first, reason="別人")


def test_only_coordinators_and_the_office_may_merge_persons_they_can_see(users, agency):
    counselor = users["counselor"]
    kept, merged = _pair(counselor)  # registered by the counselor's agency
    for actor in ("counselor", "outreach", "admin", "evaluator"):
        with pytest.raises(PermissionDenied):
            _merge(users[actor], kept, merged)
    # The coordinator cannot see the agency's records (no consent covers the office).
    with pytest.raises(PermissionDenied):
        _merge(users["collaboration"], kept, merged)
    mine, theirs = _pair(users["municipal"])
    assert _merge(users["municipal"], mine, theirs).kept_id == mine.pk


def test_merged_records_are_hidden_from_searches_and_households(users):
    user = users["collaboration"]
    kept, merged = _pair(user)
    household = services.household_create(user=user, head=kept)
    services.membership_add(user=user, household=household, person=merged, relationship="child")
    _merge(user, kept, merged)
    found = [p.pk for p in selectors.person_search(user=user, q="タカハシ").object_list]
    assert found == [kept.pk]
    _household, members, former = selectors.household_view(user=user, pk=household.pk)
    assert [m.person.pk for m in members] == [kept.pk] and not former


# --- pages -------------------------------------------------------------------------------------------------


@pytest.fixture
def coordinator(client, users):
    login(client, users["collaboration"])
    return users["collaboration"]


def test_the_whole_flow_through_the_pages(client, coordinator):
    kept, merged = _pair(coordinator)
    _consultation(coordinator, merged)
    _consent(coordinator, merged)
    page = client.get(f"/people/{kept.pk}/").content.decode()
    assert "名寄せ（統合）" in page
    # The matching engine offers a variant record (異体字 髙/高) as a candidate; never the record itself.
    twin = services.person_create(user=coordinator, family_name="高橋", given_name="一郎", family_kana="タカハシ",
                                  birth_date=date(1985, 3, 12))  # fmt: skip
    page = client.get(f"/people/{kept.pk}/merge/").content.decode()
    assert f'href="/people/{kept.pk}/merge/{twin.pk}/"' in page
    assert f'href="/people/{kept.pk}/merge/{kept.pk}/"' not in page
    response = client.get(f"/people/{kept.pk}/merge/", {"other": merged.pk})
    assert response.status_code == 302 and response["Location"] == f"/people/{kept.pk}/merge/{merged.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "相談 1 件" in page and "本人同意 1 件" in page and "090-1234-5678" in page
    response = client.post(
        f"/people/{kept.pk}/merge/{merged.pk}/",
        {"reason": "同じ方", "kept_version": kept.version, "merged_version": merged.version,
         "choose_phone_mobile": "merged", "choose_given_name": "kept"},
    )  # fmt: skip
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.phone_mobile == "090-1234-5678" and kept.given_name == "一郎"
    assert kept.consultations.count() == 1 and kept.consents.count() == 1
    page = client.get(f"/people/{merged.pk}/").content.decode()
    assert "に統合されました" in page and f'href="/people/{kept.pk}/"' in page
    page = client.get("/people/merges/").content.decode()
    assert "同じ方" in page and "統合を取り消す" in page
    merge = PersonMerge.objects.get()
    assert client.post(f"/people/merges/{merge.pk}/undo/", {"reason": "別人だった"}).status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at and merge.undo_reason == "別人だった"
    assert "取り消し済み" in client.get("/people/merges/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "この項目は必須です"),
        ({"reason": "x" * 501}, "500"),
        ({"reason": "同じ方", "kept_version": "abc"}, "開き直して"),
        ({"reason": "同じ方", "choose_sex": "both"}, "選べない項目"),
        ({"reason": "同じ方", "kept_version": 99}, "他の職員が先に更新"),
        ({"reason": "同じ方", "choose_birth_date": "merged", "choose_family_kana": "\x00"}, "選べない項目"),
    ],
)
def test_bad_input_gets_a_japanese_message_and_merges_nothing(client, coordinator, data, message):
    kept, merged = _pair(coordinator)
    post = {"kept_version": kept.version, "merged_version": merged.version} | data
    response = client.post(f"/people/{kept.pk}/merge/{merged.pk}/", post)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_bad_ids_and_undo_without_reason_never_fail(client, coordinator):
    kept, merged = _pair(coordinator)
    assert "同じ記録" in client.get(f"/people/{kept.pk}/merge/", {"other": kept.pk}).content.decode()
    assert "見つからないか" in client.get(f"/people/{kept.pk}/merge/", {"other": 10**9}).content.decode()
    assert client.get(f"/people/{kept.pk}/merge/", {"other": "9" * 30}).status_code == 200
    assert client.get(f"/people/{kept.pk}/merge/{kept.pk}/").status_code == 200
    assert client.get(f"/people/{kept.pk}/merge/{2**63}/").status_code == 404
    merge = _merge(coordinator, kept, merged)
    response = client.post(f"/people/merges/{merge.pk}/undo/", {"reason": ""}, follow=True)
    assert "取り消しの理由を入力してください" in response.content.decode()
    assert PersonMerge.objects.get().undone_at is None


def test_persons_the_user_cannot_see_are_404(client, users):
    theirs, other = _pair(users["counselor"])
    mine = services.person_create(user=users["collaboration"], family_name="高橋")
    login(client, users["collaboration"])
    assert client.get(f"/people/{theirs.pk}/merge/").status_code == 404
    assert client.get(f"/people/{mine.pk}/merge/{theirs.pk}/").status_code == 404
    assert "見つからないか" in client.get(f"/people/{mine.pk}/merge/", {"other": theirs.pk}).content.decode()
    merge = _merge(users["municipal"], *_pair(users["municipal"]))
    login(client, users["outreach"])  # sees the office's persons, may not merge
    assert client.get(f"/people/{mine.pk}/merge/").status_code == 403
    assert client.get("/people/merges/").status_code == 403
    assert client.post(f"/people/merges/{merge.pk}/undo/", {"reason": "x"}).status_code == 404


def test_undo_is_refused_when_a_moved_row_belongs_to_someone_else_now(users):
    user = users["collaboration"]
    kept, merged = _pair(user)
    consultation = _consultation(user, merged)
    merge = _merge(user, kept, merged)
    someone = services.person_create(user=user, family_name="別人")
    Consultation.objects.filter(pk=consultation.pk).update(person=someone)
    with pytest.raises(DomainError, match=f"相談（ID {consultation.pk}）が別の本人に付け替えられている"):
        services.person_merge_undo(user=user, merge=merge, reason="別人")
    assert PersonMerge.objects.get().undone_at is None
    assert Person.objects.get(pk=merged.pk).merged_into_id == kept.pk


# --- review fixes: change right, counts through the policy, links to moved rows, names in the history ----------


def _seen_through_a_consent(users, agency):
    """A record the counselor's agency registered, which the office sees only through the person's consent."""
    theirs = services.person_create(user=users["counselor"], **MERGED)
    Consent.objects.create(
        municipality_id=theirs.municipality_id, person=theirs, obtained_on=date(2026, 4, 1), method="oral",
        obtained_by=users["counselor"], obtained_by_agency=agency, covers_municipal_office=True,
    )  # fmt: skip
    return theirs


def test_a_record_seen_only_through_a_consent_is_not_merged(users, agency, client):
    coordinator = users["collaboration"]
    theirs = _seen_through_a_consent(users, agency)
    mine = services.person_create(user=coordinator, **KEPT)
    assert selectors.person_get(user=coordinator, pk=theirs.pk)  # seen ...
    before = _snapshot(mine, theirs)
    for kept, merged in ((mine, theirs), (theirs, mine)):  # ... but neither overwritten nor moved away
        with pytest.raises(DomainError, match=f"本人ID {theirs.pk} の記録を変更する権限がない"):
            _merge(coordinator, kept, merged, {f: "merged" for f in PERSON_FIELDS})
    login(client, coordinator)
    response = client.post(
        f"/people/{mine.pk}/merge/{theirs.pk}/",
        {"reason": "同じ方", "kept_version": mine.version, "merged_version": theirs.version},
    )  # fmt: skip
    assert response.status_code == 200 and "変更する権限がない" in response.content.decode()
    assert _snapshot(mine, theirs) == before and not PersonMerge.objects.exists()


def test_undo_needs_the_change_right_on_the_kept_record(users, agency, client):
    coordinator = users["collaboration"]
    kept, merged = _pair(coordinator)
    merge = _merge(coordinator, kept, merged, {"notes": "merged"})
    # Since then the record counts as the agency's; the office sees it through the person's consent only.
    Person.objects.filter(pk=kept.pk).update(registered_by_agency=agency)
    Consent.objects.create(
        municipality_id=kept.municipality_id, person=kept, obtained_on=date(2026, 4, 1), method="oral",
        obtained_by=users["counselor"], obtained_by_agency=agency, covers_municipal_office=True,
    )  # fmt: skip
    with pytest.raises(DomainError, match=f"残した記録（本人ID {kept.pk}）を変更する権限がない"):
        services.person_merge_undo(user=coordinator, merge=merge, reason="別人")
    login(client, coordinator)
    response = client.post(f"/people/merges/{merge.pk}/undo/", {"reason": "別人"}, follow=True)
    assert response.status_code == 200 and "変更する権限がない" in response.content.decode()
    assert PersonMerge.objects.get().undone_at is None
    assert Person.objects.get(pk=kept.pk).notes == MERGED["notes"]


def test_counts_show_only_what_the_user_may_see(users, agency, client):
    coordinator = users["collaboration"]
    kept, merged = _pair(coordinator)
    assert services.merge_counts(merged, user=coordinator) == ([], False)
    _consultation(users["counselor"], merged, agency=agency)  # the agency's consultation: not shared
    assert services.merge_counts(merged, user=coordinator) == ([], True)
    _consultation(coordinator, merged)
    assert services.merge_counts(merged, user=coordinator) == ([("相談", 1)], True)
    assert services.merge_counts(merged, user=users["counselor"])[0] == [("相談", 1)]
    login(client, coordinator)
    page = client.get(f"/people/{kept.pk}/merge/{merged.pk}/").content.decode()
    assert "閲覧できない記録も移ります" in page and "相談 1 件" in page and "相談 2 件" not in page


def test_undo_is_refused_while_a_later_row_points_at_a_moved_row(users):
    user = users["collaboration"]
    kept, merged = _pair(user)
    first = _consultation(user, merged)
    merge = _merge(user, kept, merged)
    follow_up = _consultation(user, kept)
    Consultation.objects.filter(pk=follow_up.pk).update(first_consultation=first)
    with pytest.raises(
        DomainError, match=f"統合後に登録された相談（ID {follow_up.pk}）が移した相談（ID {first.pk}）を参照"
    ):
        services.person_merge_undo(user=user, merge=merge, reason="別人")
    first.refresh_from_db()
    assert first.person_id == kept.pk and PersonMerge.objects.get().undone_at is None
    # A moved row pointing at another moved row goes back with it: no refusal.
    Consultation.objects.filter(pk=follow_up.pk).update(first_consultation=None)
    second = _consultation(user, kept)
    Consultation.objects.filter(pk=second.pk).update(first_consultation=first)
    merge.moved.append({"model": "intake.Consultation", "pk": second.pk, "field": "person"})
    merge.save(update_fields=["moved"])
    services.person_merge_undo(user=user, merge=merge, reason="別人")
    assert set(merged.consultations.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_the_history_names_a_merged_record_only_to_who_may_see_it(users, agency, client):
    coordinator = users["collaboration"]
    kept, merged = _pair(coordinator)
    merge = _merge(coordinator, kept, merged)
    Person.objects.filter(pk=merged.pk).update(registered_by_agency=agency)  # no longer the office's record
    login(client, coordinator)
    page = client.get("/people/merges/").content.decode()
    assert f"別の記録（本人ID {merged.pk}）" in page and "一朗" not in page and "髙橋 一郎" in page
    listed = AccessLogEntry.objects.filter(user=coordinator, action="list", detail="名寄せの履歴")
    assert set(listed.values_list("person_id", flat=True)) == {kept.pk}
    assert selectors.merge_list(user=coordinator).object_list[0].pk == merge.pk


def test_an_assessment_locks_its_persons_in_id_order_as_a_merge_does(municipality, monkeypatch):
    from kasane.cases import services as case_services

    user = make_user(municipality, "lockorder", [Role.OUTREACH, Role.COLLABORATION])
    first = services.person_create(user=user, family_name="長野", given_name="一")
    second = services.person_create(user=user, family_name="長野", given_name="二")
    household = services.household_create(user=user, head=first)
    services.membership_add(user=user, household=household, person=second, relationship="child")
    case = case_services.case_open(
        user=user, person=first, title="事例", household=household, reason_outreach_participation=True
    )
    locked, real = [], case_services.person_require_active
    monkeypatch.setattr(
        case_services,
        "person_require_active",
        lambda person, **kw: (locked.append(person.pk), real(person, **kw)),
    )
    case_services.assessment_create(
        user=user, case=case, assessed_on=date(2026, 4, 1), entries=[{"person": second}, {"person": first}]
    )
    assert locked == [first.pk, second.pk]
