"""Addresses, phone numbers and birth-date slips as 名寄せ compares them."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasane.people.address import address_key, address_similarity
from kasane.people.dates import DAY_MONTH, DIGIT, ERA, YEAR, near_dates
from kasane.people.phones import phone_key


@pytest.mark.parametrize(
    "written",
    [
        "長野市鶴賀1丁目2番3号",
        "長野市鶴賀一丁目2-3",
        "長野県長野市鶴賀1-2-3",
        "長野市大字鶴賀一丁目二番地三号",
        "長野市字鶴賀１－２－３",
        "長野市鶴賀1の2の3",
        "長野市 鶴賀 1ー2ー3",
        "長野市鶴賀1‐2−3",
    ],
)
def test_address_spellings_key_the_same(written):
    assert address_key(written) == "長野市鶴賀1-2-3"


def test_an_address_without_its_city_still_matches_and_another_block_does_not():
    assert address_similarity(address_key("鶴賀1-2-3"), address_key("長野県長野市鶴賀一丁目2番3号")) == 95
    assert address_similarity(address_key("長野市鶴賀1-2-3"), address_key("長野市鶴賀1-2-4")) < 95
    assert address_similarity("", address_key("長野市鶴賀1-2-3")) == 0


def test_kanji_numerals_become_digits_only_before_a_counter():
    assert address_key("四日市市十二丁目二十三番地") == "四日市市12-23"
    assert address_key("三条町百五番") == "三条町105"


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=30))
def test_address_and_phone_keys_are_idempotent(text):
    assert address_key(address_key(text)) == address_key(text)
    assert phone_key(phone_key(text)) == phone_key(text)


@pytest.mark.parametrize(
    "written",
    [
        "090-1234-5678",
        "０９０（１２３４）５６７８",
        "+81 90 1234 5678",
        "+81-(0)90-1234-5678",
        "0081 90 1234 5678",
    ],
)
def test_phone_spellings_key_the_same(written):
    assert phone_key(written) == "09012345678"


def test_a_too_short_phone_is_no_key():
    assert phone_key("123") == phone_key("") == ""


@pytest.mark.parametrize(
    "typed, on_file, kind",
    [
        (date(1985, 12, 3), date(1985, 3, 12), DAY_MONTH),
        (date(1985, 3, 13), date(1985, 3, 12), DIGIT),
        (date(1958, 3, 12), date(1985, 3, 12), DIGIT),
        # 平成5年 taken as 昭和5年, 令和2年 as 平成2年, 平成31年 as 昭和31年
        (date(1930, 4, 1), date(1993, 4, 1), ERA),
        (date(1990, 4, 1), date(2020, 4, 1), ERA),
        (date(1956, 4, 1), date(2019, 4, 1), ERA),
        (date(1990, 1, 1), date(1989, 1, 1), YEAR),
    ],
)
def test_birth_date_slips_are_near_and_say_which_slip(typed, on_file, kind):
    assert near_dates(typed)[on_file] == kind


def test_an_unrelated_birth_date_is_not_near():
    assert date(1970, 6, 1) not in near_dates(date(1985, 3, 12))
    assert date(1985, 3, 12) not in near_dates(date(1985, 3, 12))


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)))
def test_a_day_month_swap_is_always_near_when_it_is_a_date(day):
    if day.day <= 12 and day.day != day.month:
        assert date(day.year, day.day, day.month) in near_dates(day)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="一二三十〇丁目番地号の-ー ０１２4大字県市町郡長野北海道A´", max_size=25))
def test_address_keys_of_address_like_text_are_idempotent(text):
    assert address_key(address_key(text)) == address_key(text)
    assert address_key("4-丁") == address_key(address_key("4-丁"))
