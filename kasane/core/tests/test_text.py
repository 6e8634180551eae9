import jaconv
from hypothesis import given
from hypothesis import strategies as st

from kasane.core.text import normalize_for_search

HIRAGANA = st.text(
    alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3093), min_size=1, max_size=12
)


def test_hiragana_katakana_and_half_width_kana_fold_together():
    assert (
        normalize_for_search("ひきこもり")
        == normalize_for_search("ヒキコモリ")
        == normalize_for_search("ﾋｷｺﾓﾘ")
    )


def test_spaces_and_width_are_ignored():
    assert normalize_for_search("生活　就労 ＡＢＣ") == normalize_for_search("生活就労abc")


@given(HIRAGANA)
def test_any_hiragana_word_matches_its_katakana_and_half_width_forms(word):
    katakana = jaconv.hira2kata(word)
    half = jaconv.z2h(katakana, kana=True, ascii=False, digit=False)
    assert normalize_for_search(word) == normalize_for_search(katakana) == normalize_for_search(half)


@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing(text):
    once = normalize_for_search(text)
    assert normalize_for_search(once) == once
