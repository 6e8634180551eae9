from datetime import date

import jaconv
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_agency, make_user
from kasane.core.models import AccessLogEntry
from kasane.core.roles import Role
from kasane.intake.models import Consultation, Referral
from kasane.people.matching import MUNICIPAL_OFFICE, find_candidates
from kasane.people.models import Person

BORN = date(1980, 5, 12)


@pytest.fixture
def counselor(users):
    return users["counselor"]  # works at the `agency` fixture (地域包括支援センター)


@pytest.fixture
def shakyo(municipality):
    return make_agency(municipality, "社会福祉協議会")


def known(
    counselor,
    agency,
    *,
    family_name="髙橋",
    given_name="優子",
    family_kana="タカハシ",
    given_kana="ユウコ",
    birth_date=BORN,
    municipality=None,
):
    """A person known to `agency` (None = the municipal office) through a consultation it recorded."""
    municipality = municipality or counselor.municipality
    person = Person.objects.create(
        municipality=municipality,
        family_name=family_name,
        given_name=given_name,
        family_kana=family_kana,
        given_kana=given_kana,
        birth_date=birth_date,
        registered_by_agency=agency,
    )
    Consultation.objects.create(
        municipality=municipality,
        agency=agency,
        staff=counselor,
        received_on=date(2024, 4, 1),
        route="visit",
        consulter="self",
        person=person,
        response="advice",
    )
    return person  # fmt: skip


def find(user, **typed):
    return find_candidates(user=user, **typed)


def test_a_person_typed_with_common_kanji_and_hiragana_is_found(counselor, agency):
    person = known(counselor, agency)
    [top] = find(counselor, family_name="高橋", given_name="優子", family_kana="たかはし", given_kana="ゆうこ",
                 birth_date=BORN)  # fmt: skip
    assert top.person == person
    assert top.score == 100
    assert top.reasons == ["フリガナ一致", "氏名（異体字を含む）一致", "生年月日一致"]
    assert top.holders == []


def test_half_width_kana_with_the_whole_reading_in_one_field_is_found(counselor, agency):
    person = known(counselor, agency)
    [top] = find(counselor, family_kana="ﾀｶﾊｼ ﾕｳｺ")
    assert top.person == person
    assert "フリガナ一致" in top.reasons


def test_a_full_width_space_between_family_and_given_name_is_ignored(counselor, agency):
    person = known(counselor, agency)
    assert find(counselor, family_name="高橋　優子")[0].person == person
    assert find(counselor, family_name="高橋", given_name=" 優子 ")[0].person == person


@pytest.mark.parametrize("typo", [date(1980, 5, 13), date(1980, 5, 21), date(1980, 12, 5), date(1908, 5, 12)])
def test_a_birth_date_one_slip_away_is_found_but_scores_below_an_exact_one(counselor, agency, typo):
    person = known(counselor, agency)
    [top] = find(counselor, family_kana="タカハシ", given_kana="ユウコ", birth_date=typo)
    assert top.person == person
    assert any(reason.startswith("生年月日が近い（") for reason in top.reasons)
    exact = find(counselor, family_kana="タカハシ", given_kana="ユウコ", birth_date=BORN)[0]
    assert top.score < exact.score


def test_a_reading_misspelt_on_file_is_found_through_the_birth_date(counselor, agency):
    person = known(counselor, agency, family_kana="タカハツ")
    top = find(counselor, family_kana="たかはし", given_kana="ゆうこ", birth_date=BORN)[0]
    assert top.person == person
    assert "フリガナ類似" in top.reasons


def test_the_family_name_alone_finds_everyone_of_that_name(counselor, agency):
    yuko = known(counselor, agency)
    jiro = known(counselor, agency, given_name="次郎", given_kana="ジロウ", birth_date=date(1950, 1, 1))
    found = find(counselor, family_name="高橋")
    assert {c.person for c in found} == {yuko, jiro}
    assert found[0].reasons == ["氏（異体字を含む）一致"]


def test_a_namesake_with_another_birth_date_ranks_below_the_person(counselor, agency):
    person = known(counselor, agency)
    namesake = known(counselor, agency, birth_date=date(1962, 11, 30))
    found = find(counselor, family_name="高橋", given_name="優子", birth_date=BORN)
    assert [c.person for c in found] == [person, namesake]
    assert "生年月日不一致" in found[1].reasons


def test_unrelated_persons_are_not_candidates(counselor, agency):
    known(counselor, agency, family_name="佐藤", given_name="一郎", family_kana="サトウ", given_kana="イチロウ",
          birth_date=date(1990, 1, 1))  # fmt: skip
    assert (
        find(counselor, family_name="高橋", given_name="優子", family_kana="タカハシ", given_kana="ユウコ")
        == []
    )


def test_another_municipalitys_person_is_never_a_candidate(
    counselor, agency, other_municipality, other_agency
):
    staff = make_user(other_municipality, "nagano", [Role.COUNSELOR], agency=other_agency)
    known(staff, other_agency, municipality=other_municipality)
    assert (
        find(counselor, family_name="高橋", given_name="優子", family_kana="タカハシ", birth_date=BORN) == []
    )


def test_a_person_known_only_to_another_agency_is_shown_as_whom_to_ask(counselor, agency, shakyo):
    known(counselor, shakyo)
    [top] = find(counselor, family_kana="タカハシ", given_kana="ユウコ", birth_date=BORN)
    assert top.person is None
    assert not top.is_visible
    assert top.holders == ["社会福祉協議会"]
    assert top.score == 100  # the score and reasons say why; nothing names the person


def test_holders_include_the_municipal_office_and_the_receiver_of_a_referral(
    counselor, agency, shakyo, municipality
):
    person = known(counselor, None)
    hello_work = make_agency(municipality, "ハローワーク")
    Referral.objects.create(
        municipality=municipality, consultation=person.consultations.get(), person=person, from_agency=None,
        from_staff=counselor, to_agency=hello_work, reason="就労", legal_basis="consent",
    )  # fmt: skip
    Referral.objects.create(
        municipality=municipality, consultation=person.consultations.get(), person=person, from_agency=None,
        from_staff=counselor, to_agency=shakyo, reason="取り消した", legal_basis="consent", status="cancelled",
    )  # fmt: skip
    [top] = find(counselor, family_kana="タカハシ", given_kana="ユウコ")
    assert top.holders == ["ハローワーク", MUNICIPAL_OFFICE]


def test_the_municipal_office_sees_what_it_recorded(users, agency):
    person = known(users["counselor"], None)
    [top] = find(users["municipal"], family_kana="タカハシ", given_kana="ユウコ")
    assert top.person == person


def test_the_lookup_logs_the_visible_candidates_and_only_counts_the_others(counselor, agency, shakyo):
    mine = known(counselor, agency)
    theirs = known(counselor, shakyo, birth_date=date(1980, 5, 13))
    found = find(counselor, family_kana="タカハシ", given_kana="ユウコ", birth_date=BORN)
    assert [c.person for c in found] == [mine, None]
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.action, entry.object_type) == (counselor, "search", "people.person")
    assert entry.object_id == str(mine.pk) != str(theirs.pk)
    assert entry.detail == "名寄せ候補（ほかに他機関で把握 1 件）"


def test_a_lookup_that_found_only_others_records_is_logged_without_an_id(counselor, shakyo):
    known(counselor, shakyo)
    find(counselor, family_kana="タカハシ", given_kana="ユウコ")
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.object_id, entry.detail) == (
        "search",
        "",
        "名寄せ候補（ほかに他機関で把握 1 件）",
    )


@pytest.mark.parametrize(
    "typed",
    [{}, {"family_name": "  ", "given_kana": "　"}, {"family_kana": "た"}, {"family_name": "髙"}],
)
def test_empty_or_too_short_input_finds_nothing_and_logs_nothing(counselor, agency, typed):
    known(counselor, agency)
    assert find(counselor, **typed) == []
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("actor", ["admin", "evaluator"])
def test_staff_without_a_casework_role_get_no_candidates(users, agency, actor):
    known(users["counselor"], agency)
    assert find(users[actor], family_kana="タカハシ", given_kana="ユウコ", birth_date=BORN) == []


def test_the_limit_caps_the_list(counselor, agency):
    for day in range(1, 6):
        known(counselor, agency, birth_date=date(1980, 5, day))
    assert len(find(counselor, family_kana="タカハシ", given_kana="ユウコ", limit=3)) == 3


# Persons whose names have variant kanji, and look-alikes that must not be taken for them.
PEOPLE = [
    ("髙橋", "優子", "タカハシ", "ユウコ", date(1980, 5, 12)),
    ("齋藤", "健太郎", "サイトウ", "ケンタロウ", date(1975, 11, 3)),
    ("渡邊", "美穗", "ワタナベ", "ミホ", date(2001, 2, 28)),
    ("山﨑", "翔", "ヤマザキ", "ショウ", date(1964, 7, 7)),
    ("澤田", "きよ", "サワダ", "キヨ", date(1938, 12, 24)),
    ("濵田", "一郎", "ハマダ", "イチロウ", date(1990, 1, 31)),
]
LOOK_ALIKES = [
    ("高梨", "優子", "タカナシ", "ユウコ", date(1981, 5, 12)),
    ("斉藤", "健二", "サイトウ", "ケンジ", date(1975, 11, 3)),
    ("渡辺", "美保", "ワタナベ", "ミホ", date(1999, 2, 28)),
    ("浜田", "一朗", "ハマダ", "イチロウ", date(1959, 1, 31)),
]
COMMON = str.maketrans({"髙": "高", "齋": "斉", "邊": "辺", "穗": "穂", "﨑": "崎", "澤": "沢", "濵": "浜"})


@st.composite
def typed_by_another_agency(draw):
    """One of PEOPLE as a counter might type them: common kanji or not, any kana form, any spacing."""
    index = draw(st.integers(0, len(PEOPLE) - 1))
    family, given, family_kana, given_kana, born = PEOPLE[index]
    if draw(st.booleans()):
        family, given = family.translate(COMMON), given.translate(COMMON)
    kana_form = draw(st.sampled_from(["katakana", "hiragana", "half-width"]))
    if kana_form == "hiragana":
        family_kana, given_kana = jaconv.kata2hira(family_kana), jaconv.kata2hira(given_kana)
    elif kana_form == "half-width":
        family_kana, given_kana = (jaconv.z2h(k, kana=True) for k in (family_kana, given_kana))
    space = draw(st.sampled_from(["", " ", "　"]))
    if draw(st.booleans()):  # the whole name in the family field
        family, given, family_kana, given_kana = (
            family + space + given,
            "",
            family_kana + space + given_kana,
            "",
        )
    typed = {"family_name": family, "given_name": given, "family_kana": family_kana, "given_kana": given_kana,
             "birth_date": born}  # fmt: skip
    if draw(st.booleans()):
        typed.pop(draw(st.sampled_from(["family_name", "family_kana"])))
    return index, typed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed_by_another_agency())
def test_a_person_typed_any_way_is_the_first_candidate(counselor, agency, drawn):
    if not Person.objects.exists():
        for family, given, family_kana, given_kana, born in PEOPLE + LOOK_ALIKES:
            known(counselor, agency, family_name=family, given_name=given, family_kana=family_kana,
                  given_kana=given_kana, birth_date=born)  # fmt: skip
    index, typed = drawn
    family, given = PEOPLE[index][:2]
    found = find(counselor, **typed)
    assert (found[0].person.family_name, found[0].person.given_name) == (family, given)
    assert all(c.score < found[0].score for c in found[1:])
