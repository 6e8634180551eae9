"""The normaliser on the hard cases of 名寄せ: the Unihan variant table, kana forms, estimated readings."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasane.people.names import HAND_VARIANTS, VARIANT_KANJI, kana_key, name_key
from kasane.people.readings import estimated_reading


@pytest.mark.parametrize(
    "spellings",
    [
        ["髙橋", "高橋"],
        ["齋藤", "斉藤", "斎藤", "齊藤"],
        ["渡邊", "渡邉", "渡辺"],
        ["澤田", "沢田"],
        ["廣瀬", "広瀨", "広瀬"],
        ["櫻井", "桜井"],
        ["眞鍋", "真鍋"],
        ["龍之介", "竜之介"],
        ["黑田", "黒田"],
    ],
)
def test_every_spelling_of_a_name_folds_to_one_key(spellings):
    assert len({name_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    "a, b", [("周", "週"), ("阪", "坂"), ("乾", "幹"), ("干", "乾"), ("九", "玖"), ("藤", "籐"), ("雲", "云"),
             ("中", "塚"), ("穎", "署"), ("芸", "藝")],
)  # fmt: skip
def test_different_japanese_characters_are_not_folded(a, b):
    assert name_key(a) != name_key(b)


def test_the_table_from_unihan_is_big_and_keeps_the_hand_pairs():
    assert len(VARIANT_KANJI) > 700
    for variant, common in HAND_VARIANTS.items():
        assert name_key(variant) == name_key(common)


@pytest.mark.parametrize(
    "spellings",
    [
        ["ワタナベ", "わたなべ", "ﾜﾀﾅﾍﾞ", "ワタナベ　"],
        ["サトウ", "さとう", "ｻﾄｳ"],
        # a long-vowel mark is dropped, whatever dash stands for it (ウ and ー compare as similar, not equal)
        ["サトー", "サト-", "ｻﾄｰ", "サト〜"],
        ["キョウコ", "キヨウコ", "きょうこ"],
        ["ヴァイオレット", "ブアイオレツト"],
        ["チヂワ", "チジワ"],
        ["ツヅキ", "ツズキ"],
        ["ヲノ", "オノ"],
    ],
)
def test_kana_forms_fold_to_one_key(spellings):
    assert len({kana_key(s) for s in spellings}) == 1


def test_a_reading_is_estimated_from_kanji_for_a_name_without_furigana():
    assert estimated_reading("高橋") == kana_key("タカハシ")
    assert estimated_reading("齋藤") == kana_key("サイトウ")
    assert estimated_reading("") == ""


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(sorted(VARIANT_KANJI)), min_size=1, max_size=5))
def test_folding_any_variant_name_is_idempotent_and_lands_on_the_representative(chars):
    written = "".join(chars)
    assert name_key(name_key(written)) == name_key(written)
    assert name_key(written) == "".join(VARIANT_KANJI[c] for c in chars)
