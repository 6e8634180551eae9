"""The parser on the real compilation (seed 004): counts per field, and values checked by reading the text."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kasane.practices import parser
from kasane.practices.demo import SEED_FILE

REPORTS = parser.parse_text(SEED_FILE.read_text(encoding="utf-8"))
BY_HEADING = {r.heading: r for r in REPORTS}


def fig(heading, key, town=None):
    report = BY_HEADING[heading]
    return report.towns[town][key] if town else report.figures[key]


def test_it_finds_fifty_reports_five_of_them_prefectural():
    assert len(REPORTS) == 50
    assert [r.heading for r in REPORTS if r.is_prefectural] == [
        "青森県",
        "秋田県",
        "栃木県",
        "埼玉県",
        "東京都",
    ]
    assert sum(len(r.sections) for r in REPORTS) == 282
    assert all(r.sections[-1].title == "成果目標の達成状況" for r in REPORTS)


def test_how_many_reports_have_each_figure():
    present = {k: sum(1 for r in REPORTS if r.figures[k].value is not None) for k in parser.FIGURE_KEYS}
    assert present == {
        "population": 50, "households": 49, "aging_rate": 50, "welfare_rate": 50, "area": 49,
        "neighborhood_rate": 38, "elementary_schools": 50, "junior_high_schools": 49,
    }  # fmt: skip
    assert sum(1 for r in REPORTS if r.figures["welfare_rate"].unit == "‰") == 2


def test_how_many_report_projects_targets_and_coordinators():
    runs = {p: sum(p in r.projects for r in REPORTS) for p in parser.PROJECT_LABELS}
    assert runs == {"chiikiryoku": 36, "takikan": 40, "todofuken": 4}
    assert sum(1 for r in REPORTS if r.coordinators is not None) == 40  # every 多機関 section has the row
    assert sum(1 for r in REPORTS if r.coordinators and r.coordinators.value is not None) == 36
    assert sum(len(r.targets) for r in REPORTS) == 121
    assert all(r.achievements for r in REPORTS)


@pytest.mark.parametrize(
    ("heading", "key", "value", "unit", "line"),
    [
        ("北海道 札幌市", "population", Decimal("1966735"), "人", 18),
        ("北海道 札幌市", "households", Decimal("954146"), "世帯", 18),
        ("北海道 札幌市", "area", Decimal("1121.26"), "km²", 20),
        ("北海道 釧路市", "welfare_rate", Decimal("4.91"), "%", 155),
        (
            "北海道 広尾町",
            "neighborhood_rate",
            Decimal("98.95"),
            "%",
            564,
        ),  # written 「98.95%」 without brackets
        ("岩手県 盛岡市", "welfare_rate", Decimal("16.01"), "%", 829),  # the unit as written
        ("秋田県 大潟村", "welfare_rate", Decimal("0.094"), "%", 1740),
        ("山形県 天童市", "population", Decimal("62073"), "人", 1974),  # no thousands separator
        ("茨城県 土浦市", "elementary_schools", Decimal("16"), "校", 2166),  # 「※16(校)」
        ("千葉県 松戸市", "neighborhood_rate", Decimal("70"), "%", 3645),  # 「約70(%)」
        ("東京都", "population", Decimal("13857443"), "人", 3846),
        ("東京都 世田谷区", "welfare_rate", Decimal("10.9"), "%", 3999),  # with <small>(H30/11 現在)</small>
        ("東京都 江戸川区", "welfare_rate", Decimal("29.21"), "‰", 4167),
        ("秋田県", "welfare_rate", Decimal("14.8"), "‰", 1456),
        (
            "秋田県",
            "population",
            Decimal("977675"),
            "人",
            1455,
        ),  # the 県 part of 「県:977,675(人) 上小阿仁村:…」
    ],
)
def test_spot_values(heading, key, value, unit, line):
    measure = fig(heading, key)
    assert (measure.value, measure.unit, measure.line) == (value, unit, line)


@pytest.mark.parametrize(
    ("heading", "key", "raw", "line"),
    [
        ("北海道 音威子府村", "neighborhood_rate", "(%)", 408),
        ("北海道 音威子府村", "junior_high_schools", "(1)(校)", 408),  # ambiguous: not read as 1
        ("岩手県 遠野市", "neighborhood_rate", "不明(%)", 945),
        ("岩手県 矢巾町", "neighborhood_rate", "未集計", 1056),
        ("山形県 天童市", "area", "(k m ²)", 1975),
        ("秋田県", "households", "389,0606(世帯)", 1455),  # a malformed number stays missing
    ],
)
def test_missing_or_unreadable_values_stay_missing_with_their_text(heading, key, raw, line):
    measure = fig(heading, key)
    assert measure.value is None
    assert measure.raw.endswith(raw) and measure.line == line


def test_reports_covering_several_towns_keep_each_towns_figures():
    assert fig("秋田県", "aging_rate", "上小阿仁村").value == Decimal("54.4")
    assert fig("秋田県", "households", "小坂町").value == Decimal("2053")
    assert fig("青森県", "population", "平内町").value == Decimal("11092")
    assert fig("青森県", "population", "外ヶ浜町").line == 687


def test_header_values():
    assert BY_HEADING["北海道 京極町"].projects == ["takikan"]
    assert BY_HEADING["北海道 京極町"].projects_line == 260
    assert BY_HEADING["秋田県"].projects == ["chiikiryoku", "todofuken"]
    assert BY_HEADING["栃木県"].projects == ["todofuken"]
    assert BY_HEADING["栃木県"].municipality == ""
    assert BY_HEADING["北海道 鷹栖町"].projects == ["chiikiryoku"]
    assert (BY_HEADING["東京都 調布市"].section_name, BY_HEADING["東京都 調布市"].section_line) == (
        "福祉総務課",
        4398,
    )


def test_planned_coordinators():
    assert BY_HEADING["岩手県 盛岡市"].coordinators.value == 20  # 「20 人(専任1名，兼任 19 人)」
    assert BY_HEADING["岩手県 盛岡市"].coordinators.line == 901
    assert BY_HEADING["北海道 釧路市"].coordinators.value == 2  # 「常勤1人、非常勤1人」
    assert BY_HEADING["北海道 札幌市"].coordinators.value is None  # 「配置は行わない」: not guessed as 0
    assert BY_HEADING["福島県 郡山市"].coordinators.value is None  # 「委託先:2か所(各2人) 直営:3人」
    assert BY_HEADING["東京都 墨田区"].coordinators.value == 1  # 「2拠点で1名の配置」
    # 「2人(正規職員1人、臨時職員1人)※ただし臨時職員は…相談支援包括化推進員ではない。」: the note is read by a person.
    assert BY_HEADING["茨城県 東海村"].coordinators.value is None
    assert "ただし" in BY_HEADING["茨城県 東海村"].coordinators.raw


def test_targets_and_achievements():
    sapporo = BY_HEADING["北海道 札幌市"].targets
    assert (sapporo[0].project, sapporo[0].part, sapporo[0].line) == ("chiikiryoku", "ア", 56)
    assert sapporo[0].text.startswith("ワークショップの参加人数:各地区 50 人")
    sayama = BY_HEADING["埼玉県 狭山市"].targets
    assert [(t.part, t.text, t.line) for t in sayama[:2]] == [("", "拠点の整備数: 2地区以上", 3183),
                                                            ("イ", "相談件数: 10件", 3192)]  # fmt: skip
    saitama = BY_HEADING["埼玉県"].targets
    assert saitama[0].project == "todofuken" and saitama[0].text.startswith(
        "総合相談支援体制を構築している市町村数"
    )
    akita = BY_HEADING["秋田県"].achievements
    assert [(a.project, a.line) for a in akita] == [("chiikiryoku", 1533), ("todofuken", 1539)]


def test_a_file_that_is_not_the_compilation_is_refused():
    with pytest.raises(parser.ParseError, match="一つも見つかりません"):
        parser.parse_text("これは報告集ではありません\n")


def test_a_truncated_file_is_refused_with_the_report_and_line():
    lines = SEED_FILE.read_text(encoding="utf-8").split("\n")
    with pytest.raises(parser.ParseError, match="315行目からの報告（北海道 鷹栖町）"):
        parser.parse_text("\n".join(lines[:330]))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["人", "世帯", "校", "%", "‰", "k m ²"]))
def test_a_written_number_reads_back_with_its_unit(number, unit):
    measure = parser.parse_measure(f"{number:,}({unit})", 7)
    assert measure.value == number and measure.line == 7
    assert measure.unit == ("km²" if unit == "k m ²" else unit)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789,.()%‰人約※-— \t都道府県名市区町村名\n"), max_size=80))
def test_any_text_is_a_measure_or_a_parse_error_never_a_crash(text):
    measure = parser.parse_measure(text, 1)
    assert measure.value is None or measure.value >= 0
    try:
        parser.parse_text(text)
    except parser.ParseError:
        pass
