import unicodedata

import jaconv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasane.people.models import Person
from kasane.people.names import VARIANT_KANJI, kana_key, name_key, to_katakana

HIRAGANA = st.text(
    alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3096), min_size=1, max_size=12
)
COMMON_KANJI = "田中山川本藤井木村林松小大石原野口岡"
VARIANTS = sorted(VARIANT_KANJI)


@pytest.mark.parametrize(
    "written, common",
    [
        ("髙橋", "高橋"),
        ("山﨑", "山崎"),
        ("齋藤", "斎藤"),
        ("齊藤", "斎藤"),
        ("斉藤", "斎藤"),
        ("渡邊", "渡辺"),
        ("渡邉", "渡辺"),
        ("澤田", "沢田"),
        ("濵田", "浜田"),
        ("德川", "徳川"),
        ("櫻井", "桜井"),
        ("廣田", "広田"),
        ("國分", "国分"),
        ("𠮷田", "吉田"),
        ("三ヶ島", "三ケ島"),
    ],
)
def test_variant_kanji_of_the_domain_fold_to_the_common_form(written, common):
    assert name_key(written) == name_key(common)


def test_spaces_of_any_width_and_dots_between_names_are_ignored():
    assert name_key("髙橋　優子") == name_key("高橋 優子") == name_key("高橋優子") == "高橋優子"
    assert name_key("スミス・ジョン") == name_key("スミス ジョン")


def test_an_ideographic_variation_selector_is_a_glyph_not_another_name():
    assert name_key("葛\U000e0100西") == name_key("葛西")


def test_the_variant_table_has_no_identity_pairs_chains_or_characters_nfkc_already_folds():
    for variant, common in VARIANT_KANJI.items():
        assert variant != common
        assert common not in VARIANT_KANJI, (
            f"{common} is itself folded: map {variant} to the end of the chain"
        )
        assert unicodedata.normalize("NFKC", variant) == variant, f"NFKC folds {variant} before the table"
        assert unicodedata.normalize("NFKC", common) == common


def test_different_names_keep_different_keys():
    assert name_key("高橋") != name_key("高梨")
    assert kana_key("サトウ") != kana_key("サイトウ")


def test_hiragana_katakana_and_half_width_readings_fold_together():
    assert kana_key("さとう ゆうこ") == kana_key("サトウ　ユウコ") == kana_key("ｻﾄｳ ﾕｳｺ") == "サトウユウコ"
    assert kana_key("ｶﾞｸ") == kana_key("がく")


def test_long_vowel_marks_small_kana_and_yotsugana_fold():
    assert kana_key("ジョーンズ") == kana_key("ジヨンズ")
    assert kana_key("ハットリ") == kana_key("ハツトリ")
    assert kana_key("チヂワ") == kana_key("チジワ")
    assert kana_key("ヴィクトル") == kana_key("ブィクトル")


def test_to_katakana_turns_what_was_typed_into_a_furigana_value():
    assert to_katakana(" さとう　ゆうこ ") == "サトウ ユウコ"
    assert to_katakana("ｻﾄｳ") == "サトウ"


def test_saving_a_person_stores_both_keys(municipality):
    person = Person.objects.create(
        municipality=municipality,
        family_name="髙橋",
        given_name="優子",
        family_kana="タカハシ",
        given_kana="ユウコ",
    )
    assert (person.name_key, person.kana_key) == ("高橋優子", "タカハシユウコ")


@given(st.text(max_size=40))
def test_folding_a_key_again_changes_nothing(text):
    assert name_key(name_key(text)) == name_key(text)
    assert kana_key(kana_key(text)) == kana_key(text)
    assert to_katakana(to_katakana(text)) == to_katakana(text)


@given(HIRAGANA)
def test_any_reading_keys_the_same_in_hiragana_katakana_and_half_width(reading):
    katakana = jaconv.hira2kata(reading)
    half_width = jaconv.z2h(katakana, kana=True, ascii=False, digit=False)
    assert kana_key(reading) == kana_key(katakana) == kana_key(half_width)


@given(
    st.lists(st.sampled_from(VARIANTS) | st.sampled_from(COMMON_KANJI), min_size=1, max_size=6), st.booleans()
)
def test_a_name_written_with_variant_kanji_keys_equal_to_its_common_form(chars, spaced):
    written = (" " if spaced else "").join(chars)
    common = "".join(VARIANT_KANJI.get(ch, ch) for ch in chars)
    assert name_key(written) == name_key(common)
