"""Tests for kasane.core.wareki: 和暦 boundaries, formats, parsing, error messages and 年度."""

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasane.core.wareki import (
    ERAS,
    Era,
    WarekiError,
    fiscal_year,
    fiscal_year_range,
    format_fiscal_year,
    format_wareki,
    parse_date,
    parse_fiscal_year,
    to_wareki,
)

MODERN_DATES = st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31))
FISCAL_YEARS = st.integers(min_value=1873, max_value=2100)


# --------------------------------------------------------------------------- eras


def test_eras_are_listed_oldest_first_and_touch_without_gaps():
    assert [e.name for e in ERAS] == ["明治", "大正", "昭和", "平成", "令和"]
    assert [e.short for e in ERAS] == ["M", "T", "S", "H", "R"]
    for earlier, later in pairwise(ERAS):
        assert earlier.end + timedelta(days=1) == later.start
    assert ERAS[-1].end is None
    assert isinstance(ERAS[0], Era)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(1868, 10, 23), "明治元年10月23日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2024, 4, 1), "令和6年4月1日"),
    ],
)
def test_era_boundaries_are_exact(d, expected):
    assert format_wareki(d) == expected


def test_to_wareki_returns_the_era_and_its_year():
    era, year = to_wareki(date(2024, 4, 1))
    assert (era.name, era.short, year) == ("令和", "R", 6)
    assert to_wareki(date(1989, 1, 7))[1] == 64
    assert to_wareki(date(1989, 1, 8))[0].name == "平成"


def test_dates_before_meiji_are_rejected():
    with pytest.raises(ValueError, match="和暦で表せません"):
        to_wareki(date(1868, 10, 22))
    with pytest.raises(WarekiError):
        format_wareki(date(1800, 1, 1))


def test_datetimes_are_formatted_by_their_calendar_day():
    assert format_wareki(datetime(2019, 5, 1, 0, 0)) == "令和元年5月1日"
    assert to_wareki(datetime(2019, 4, 30, 23, 59))[0].name == "平成"


# --------------------------------------------------------------------------- formatting


def test_long_style_writes_gannen_for_the_first_year():
    assert format_wareki(date(2019, 5, 1), style="long") == "令和元年5月1日"


def test_short_style_uses_the_latin_letter_and_dots():
    assert format_wareki(date(2024, 4, 1), style="short") == "R6.4.1"
    assert format_wareki(date(2019, 5, 1), style="short") == "R1.5.1"
    assert format_wareki(date(1989, 1, 7), style="short") == "S64.1.7"


def test_year_style_gives_only_the_era_year():
    assert format_wareki(date(2024, 4, 1), style="year") == "令和6年"
    assert format_wareki(date(2019, 12, 31), style="year") == "令和元年"


def test_an_unknown_style_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown style"):
        format_wareki(date(2024, 4, 1), style="medium")


# --------------------------------------------------------------------------- 年度


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (2024, "令和6年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
        (1868, "明治元年度"),
    ],
)
def test_fiscal_years_are_named_like_the_government_does(fy, expected):
    assert format_fiscal_year(fy) == expected


def test_fiscal_year_short_style_uses_the_latin_letter():
    assert format_fiscal_year(2024, style="short") == "R6年度"
    assert format_fiscal_year(2019, style="short") == "R1年度"


def test_fiscal_years_before_meiji_cannot_be_named():
    with pytest.raises(WarekiError, match="和暦で表せません"):
        format_fiscal_year(1867)


def test_fiscal_year_runs_from_april_to_march():
    assert fiscal_year(date(2025, 3, 31)) == 2024
    assert fiscal_year(date(2025, 4, 1)) == 2025
    assert fiscal_year_range(2024) == (date(2024, 4, 1), date(2025, 3, 31))


def test_fiscal_year_range_rejects_years_outside_the_calendar():
    with pytest.raises(WarekiError):
        fiscal_year_range(0)
    with pytest.raises(WarekiError):
        fiscal_year_range(9999)


@pytest.mark.parametrize(
    "text",
    [
        "2024",
        "2024年度",
        "令和6年度",
        "R6年度",
        "R6",
        "r6",
        "令6年度",
        "２０２４年度",
        "Ｒ６年度",
        " 令和6年度 ",
    ],
)
def test_parse_fiscal_year_accepts_common_spellings(text):
    assert parse_fiscal_year(text) == 2024


def test_parse_fiscal_year_reads_gannen_and_the_last_year_of_an_era():
    assert parse_fiscal_year("令和元年度") == 2019
    assert parse_fiscal_year("平成31年度") == 2019
    assert parse_fiscal_year("昭和63年度") == 1988


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "年度が入力されていません"),
        ("来年度", "年度の形式が正しくありません"),
        ("令和0年度", "令和0年度という年度はありません"),
        ("平成32年度", "平成32年度は存在しません（平成は31年度までです）"),
        ("昭和64年度", "昭和64年度は存在しません（昭和は63年度までです）"),
    ],
)
def test_parse_fiscal_year_explains_what_is_wrong(text, message):
    with pytest.raises(WarekiError, match=message):
        parse_fiscal_year(text)


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-04-01", date(2024, 4, 1)),
        ("2024/4/1", date(2024, 4, 1)),
        ("2024.4.1", date(2024, 4, 1)),
        ("2024年4月1日", date(2024, 4, 1)),
        ("20240401", date(2024, 4, 1)),
        ("令和6年4月1日", date(2024, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令6.4.1", date(2024, 4, 1)),
        ("令6年4月1日", date(2024, 4, 1)),
        ("R6.4.1", date(2024, 4, 1)),
        ("R6/4/1", date(2024, 4, 1)),
        ("r6.4.1", date(2024, 4, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("S64.1.7", date(1989, 1, 7)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("M45.7.29", date(1912, 7, 29)),
        ("大正元年7月30日", date(1912, 7, 30)),
    ],
)
def test_parse_date_accepts_each_documented_format(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "２０２４－０４－０１",
        "２０２４年４月１日",
        "令和６年４月１日",
        "Ｒ６．４．１",
        "ｒ６／４／１",
        "  2024-04-01\u3000",
        "令和 6年 4月 1日",
        "㋿6年4月1日",
        "2024ー04ー01",
    ],
)
def test_parse_date_accepts_full_width_and_spaced_input(text):
    assert parse_date(text) == date(2024, 4, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("令和0年4月1日", "令和0年という年はありません。"),
        ("R0.4.1", "令和0年という年はありません。"),
        ("平成32年1月1日", "平成32年は存在しません（平成は31年4月30日までです）。"),
        ("2024年2月30日", "2月30日は存在しない日付です。"),
        ("令和5年2月29日", "令和5年2月29日は存在しない日付です。"),
        ("2024-13-01", "13月という月はありません。"),
        ("2024-04-31", "4月31日は存在しない日付です。"),
        ("0000-01-01", "0年という年はありません。"),
        ("昭和64年1月8日", "昭和64年1月8日は存在しません（昭和は64年1月7日までです）。"),
        ("平成31年5月1日", "平成31年5月1日は存在しません（平成は31年4月30日までです）。"),
        ("令和1年4月30日", "令和元年4月30日は存在しません（令和は元年5月1日からです）。"),
        ("平成元年1月7日", "平成元年1月7日は存在しません（平成は元年1月8日からです）。"),
        ("明治元年1月1日", "明治は元年10月23日からです"),
        ("きのう", "日付の形式が正しくありません（例：2024-04-01、令和6年4月1日、R6.4.1）。"),
        ("2024-4/1", "日付の形式が正しくありません"),
        ("X6.4.1", "日付の形式が正しくありません"),
        ("2024", "日付の形式が正しくありません"),
        ("", "日付が入力されていません。"),
        ("   ", "日付が入力されていません。"),
    ],
)
def test_parse_date_explains_what_is_wrong_in_japanese(text, message):
    with pytest.raises(WarekiError) as excinfo:
        parse_date(text)
    assert message in str(excinfo.value)


def test_wareki_error_is_a_value_error():
    with pytest.raises(ValueError, match="令和0年"):
        parse_date("令和0年1月1日")


def test_parse_date_rejects_non_strings():
    with pytest.raises(TypeError):
        parse_date(None)


# --------------------------------------------------------------------------- properties


@given(MODERN_DATES)
def test_every_long_wareki_date_parses_back_to_itself(d):
    assert parse_date(format_wareki(d)) == d


@given(MODERN_DATES)
def test_every_short_wareki_date_parses_back_to_itself(d):
    assert parse_date(format_wareki(d, style="short")) == d


@given(MODERN_DATES)
def test_every_iso_date_parses_back_to_itself(d):
    assert parse_date(d.isoformat()) == d


@given(MODERN_DATES)
def test_the_era_year_matches_the_gregorian_year(d):
    era, year = to_wareki(d)
    assert era.contains(d)
    assert era.gregorian_year(year) == d.year
    assert format_wareki(d, style="year").startswith(era.name)


@given(MODERN_DATES)
def test_a_date_lies_within_its_fiscal_year(d):
    start, end = fiscal_year_range(fiscal_year(d))
    assert start <= d <= end


@given(FISCAL_YEARS)
def test_a_fiscal_year_covers_a_whole_year(fy):
    start, end = fiscal_year_range(fy)
    assert (end - start).days + 1 in (365, 366)


@given(FISCAL_YEARS)
def test_every_day_of_a_fiscal_year_maps_back_to_it(fy):
    start, end = fiscal_year_range(fy)
    d = start
    while d <= end:
        assert fiscal_year(d) == fy
        d += timedelta(days=1)
    assert fiscal_year(start - timedelta(days=1)) == fy - 1
    assert fiscal_year(end + timedelta(days=1)) == fy + 1


@given(FISCAL_YEARS, st.sampled_from(["long", "short"]))
def test_every_formatted_fiscal_year_parses_back_to_itself(fy, style):
    assert parse_fiscal_year(format_fiscal_year(fy, style=style)) == fy
