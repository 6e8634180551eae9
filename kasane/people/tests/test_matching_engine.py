"""The 名寄せ engine beyond the first lookup: slips, swapped and changed names, estimated readings, contact
details, outcomes, merged records, and the disclosure rule for the new reasons."""

from datetime import date

import pytest

from conftest import make_agency
from kasane.people.matching import HIGH, LIKELY, REVIEW, THRESHOLD, find_candidates, outcome
from kasane.people.models import Person

BORN = date(1985, 3, 12)


@pytest.fixture
def counselor(users):
    return users["counselor"]


def person(counselor, agency, **fields):
    values = {"family_name": "渡邊", "given_name": "美穂", "family_kana": "ワタナベ", "given_kana": "ミホ",
              "birth_date": BORN, "sex": "female", "address": "長野市鶴賀一丁目2番3号",
              "phone_mobile": "090-1234-5678", "registered_by_agency": agency}  # fmt: skip
    values.update(fields)
    return Person.objects.create(municipality=counselor.municipality, **values)


def top(counselor, **typed):
    found = find_candidates(user=counselor, **typed)
    return found[0] if found else None


def test_outcomes_follow_the_thresholds():
    assert outcome(100) == outcome(HIGH) == LIKELY
    assert outcome(HIGH - 1) == outcome(THRESHOLD) == REVIEW
    assert THRESHOLD < HIGH


def test_variant_kanji_half_width_kana_and_swapped_day_and_month_is_still_likely(counselor, agency):
    known = person(counselor, agency)
    found = top(counselor, family_name="渡辺", given_name="美穂", family_kana="ﾜﾀﾅﾍﾞ", given_kana="ﾐﾎ",
                birth_date=date(1985, 12, 3))  # fmt: skip
    assert found.person == known
    assert "生年月日が近い（日と月の入れ替わり）" in found.reasons
    assert found.outcome == LIKELY


def test_a_birth_year_converted_in_the_wrong_era_is_near(counselor, agency):
    # 平成2年 taken as 令和2年: 2020 instead of 1990
    known = person(counselor, agency, birth_date=date(1990, 4, 1))
    found = top(counselor, family_kana="わたなべ", given_kana="みほ", birth_date=date(2020, 4, 1))
    assert found.person == known
    assert "生年月日が近い（和暦の元号違い）" in found.reasons


def test_family_and_given_name_swapped_is_found(counselor, agency):
    known = person(counselor, agency)
    found = top(counselor, family_name="美穂", given_name="渡辺", birth_date=BORN)
    assert found.person == known
    assert "氏名（氏と名の入れ替わり）（異体字を含む）一致" in found.reasons or any(
        "入れ替わり" in r for r in found.reasons
    )


def test_a_changed_family_name_with_the_same_given_name_and_birth_date_is_to_be_checked(counselor, agency):
    known = person(counselor, agency)
    found = top(counselor, family_name="田中", given_name="美穂", family_kana="タナカ", given_kana="ミホ",
                birth_date=BORN)  # fmt: skip
    assert found.person == known
    assert "名と生年月日が一致（氏の変更の可能性）" in found.reasons
    assert found.outcome == REVIEW


def test_a_record_without_furigana_is_found_through_its_estimated_reading(counselor, agency):
    known = person(counselor, agency, family_name="高橋", given_name="優子", family_kana="", given_kana="")
    found = top(counselor, family_kana="タカハシ", given_kana="ユウコ", birth_date=BORN)
    assert found.person == known
    assert "読み（漢字からの推定）一致" in found.reasons
    exact = person(counselor, agency, family_name="高橋", given_name="優子", family_kana="タカハシ",
                   given_kana="ユウコ", birth_date=date(1985, 3, 13))  # fmt: skip
    found = {c.person: c.score for c in find_candidates(user=counselor, family_kana="タカハシ",
                                                        given_kana="ユウコ", birth_date=BORN)}  # fmt: skip
    assert found[known] < 100 and exact in found


def test_sex_address_and_phone_move_the_score(counselor, agency):
    known = person(counselor, agency)
    typed = {"family_kana": "ワタナベ", "given_kana": "ミホ", "birth_date": date(1985, 3, 13)}
    base = top(counselor, **typed).score
    more = top(counselor, **typed, sex="female", address="長野県長野市鶴賀1-2-3", phone="+81 90 1234 5678")
    assert more.person == known and more.score > base
    assert {"性別一致", "住所一致", "電話番号一致"} <= set(more.reasons)
    other_sex = top(counselor, **typed, sex="male")
    assert other_sex is None or other_sex.score < base


def test_a_merged_record_is_never_a_candidate(counselor, agency):
    kept = person(counselor, agency)
    merged = person(counselor, agency, family_name="渡邉")
    Person.objects.filter(pk=merged.pk).update(merged_into=kept)
    found = find_candidates(user=counselor, family_kana="ワタナベ", given_kana="ミホ", birth_date=BORN)
    assert [c.person for c in found] == [kept]


def test_a_phone_number_alone_never_discloses_another_agencys_person(counselor, municipality):
    other = make_agency(municipality, "社会福祉協議会")
    person(counselor, other)
    found = find_candidates(user=counselor, family_name="佐藤", given_name="一郎", phone="090-1234-5678",
                            birth_date=BORN)  # fmt: skip
    assert found == []
    found = find_candidates(user=counselor, family_kana="ワタナベ", given_kana="ミホ", birth_date=BORN)
    assert [c.is_visible for c in found] == [False]


def test_the_lookup_page_shows_the_outcome(client, counselor, agency):
    person(counselor, agency)
    client.force_login(counselor)
    page = client.get("/intake/lookup/", {"family_kana": "わたなべ", "given_kana": "みほ", "birth_date": "1985-03-12",
                                          "sex": "female", "phone_mobile": "09012345678"}).content.decode()  # fmt: skip
    assert LIKELY in page and "電話番号一致" in page


def test_a_namesake_one_slip_away_living_elsewhere_is_only_to_be_checked(counselor, agency):
    person(
        counselor,
        agency,
        birth_date=date(1985, 3, 13),
        address="松本市中央2-3-4",
        phone_mobile="080-1111-2222",
    )
    found = top(counselor, family_name="渡辺", given_name="美穂", family_kana="ワタナベ", given_kana="ミホ",
                birth_date=BORN, sex="female", address="長野市鶴賀1-2-3", phone="090-1234-5678")  # fmt: skip
    assert {"住所不一致", "電話番号不一致"} <= set(found.reasons)
    assert found.outcome == REVIEW


def test_a_changed_family_name_typed_as_one_run_together_name_is_still_found(counselor, agency):
    known = person(counselor, agency)
    found = top(counselor, family_name="田中美穂", birth_date=date(1985, 3, 13), phone="09012345678")
    assert found.person == known
    assert "名が一致・生年月日が近い（氏の変更の可能性）" in found.reasons
