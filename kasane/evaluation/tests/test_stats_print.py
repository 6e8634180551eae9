"""The yearly statistics as an A4 PDF for the council (evaluation:stats_print) and the SVG charts it embeds.

The PDF goes through the statistics page's code path (`statistics.statistics_for`): the same figures, the same
秘匿処理 for the evaluator, another tenant's staff count only their own municipality."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from conftest import login, make_user
from kasane.core.models import AccessLogEntry
from kasane.evaluation import charts
from kasane.intake import services as intake_services

NAMES = ("秘密", "花子")
URL = "/evaluation/stats/print.pdf?fiscal_year=2024"
# A table row of the PDF: the label, then 年度計 and the 12 months (numbers or 「*」).
# A figure: its 年度計 and 12 months; a breakdown printed for an evaluator: its 年度計 only.
TABLE_ROW = re.compile(r"^(\S+) ((?:(?:\d+|\*) ){12}(?:\d+|\*)|(?:\d+|\*))$", re.M)


def _record(user, on, problems=("housing",), i=0):
    intake_services.intake_record(
        user=user, new_person={"family_name": NAMES[0], "given_name": f"{NAMES[1]}{i}"},
        consultation={"received_on": on, "route": "visit", "consulter": "self", "response": "advice",
                      "problems": list(problems), "main_problem": problems[0]},
    )  # fmt: skip


@pytest.fixture
def recorded(users):
    """Four first consultations in April 2024 at the 包括 (counselor), two in May at the office (municipal),
    and one in June about 債務 (a single count: suppressed for the evaluator, in the table and the chart)."""
    for i, (user, on) in enumerate(
        [(users["counselor"], date(2024, 4, d)) for d in (1, 2, 3, 4)]
        + [(users["municipal"], date(2024, 5, d)) for d in (1, 2)]
    ):
        _record(user, on, i=i)
    _record(users["municipal"], date(2024, 6, 3), problems=("debt",), i=9)
    return users


def pdf_text(client, user, url=URL) -> tuple[PdfReader, str]:
    login(client, user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def table_rows(text: str) -> dict[str, list[str]]:
    return {label: cells.split() for label, cells in TABLE_ROW.findall(text)}


@pytest.mark.django_db
def test_the_municipal_office_gets_an_a4_pdf_with_japanese_labels_figures_and_charts(client, recorded):
    reader, text = pdf_text(client, recorded["municipal"])
    for page in reader.pages:  # A4 landscape: 297 × 210 mm
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    assert "実績統計（令和6年度）" in text and "岐阜市" in text
    for heading in ("相談", "つなぎ", "多機関協働", "会議"):
        assert heading in text.split("\n")
    rows = table_rows(text)
    assert rows["新規相談（実数）"][:4] == ["7", "4", "2", "1"]
    assert rows["住まい"][:4] == ["6", "4", "2", "0"] and rows["債務"][:4] == ["1", "0", "0", "1"]
    # The charts are drawn in the PDF with their Japanese labels (SVG text is real text).
    for label in ("相談件数の月別推移（実数・のべ）", "課題別の新規相談（実数・複数回答）", "支援中の事例（段階別・印刷時点）",
                  "実数 のべ", "ひきこもり・不登校", "プラン作成中", "4月"):  # fmt: skip
        assert label in text
    assert "相談件数の年度別推移（実数・のべ）" in text and "令和2年度" in text
    assert "成果目標と実績（令和6年度）" in text and "応答期限を過ぎて未応答のつなぎ（印刷時点）：0件" in text
    assert not any(name in text for name in NAMES)
    entry = AccessLogEntry.objects.get(action=AccessLogEntry.Action.PRINT, user=recorded["municipal"])
    assert entry.detail == "実績統計 令和6年度" and entry.object_type == "core.municipality"


@pytest.mark.django_db
def test_the_evaluators_pdf_never_shows_a_suppressed_1_or_2_and_agrees_with_the_page(client, recorded):
    _, text = pdf_text(client, recorded["evaluator"])
    rows = table_rows(text)
    assert len(rows) > 40  # every figure and breakdown row was read
    assert not {"1", "2"} & {cell for cells in rows.values() for cell in cells}
    assert rows["新規相談（実数）"][:4] == ["7", "4", "*", "*"]
    assert rows["債務"] == ["*"] and rows["住まい"] == ["*"]  # a breakdown: the 年度計 only, no months
    assert "内訳（機関別・課題別・経路別・相談者別）は年度計のみ表示します" in text
    charts_page = text.split("項目 年度計", 1)[0]  # the charts come before the first table
    # 住まい's 6 is hidden too: the 年度計 7 less 6 would give 債務's 1 away (二次秘匿 down the breakdown).
    assert re.search(r"債務\s*\*", charts_page) and re.search(r"住まい\s*\*", charts_page)
    assert "秘匿処理" in text and not any(name in text for name in NAMES)
    # The statistics page shows the evaluator the same numbers.
    html = client.get("/evaluation/stats/?fiscal_year=2024").content.decode()
    row = re.search(r'data-key="consultations_real">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', row) == rows["新規相談（実数）"]
    assert "/evaluation/stats/print.pdf?fiscal_year=2024" in html
    dashboard = client.get("/evaluation/dashboard/?fiscal_year=2024").content.decode()
    assert "/evaluation/stats/print.pdf?fiscal_year=2024" in dashboard


@pytest.mark.django_db
def test_a_counselor_prints_their_counters_figures_and_wareki_years_are_accepted(client, recorded):
    _, text = pdf_text(client, recorded["counselor"], "/evaluation/stats/print.pdf?fiscal_year=令和6年度")
    assert "実績統計（令和6年度）" in text and "地域包括支援センターの記録のみ" in text
    assert table_rows(text)["新規相談（実数）"][:4] == ["4", "4", "0", "0"]
    assert "成果目標と実績" not in text  # the municipality's targets are not a counter's


@pytest.mark.django_db
def test_another_municipality_counts_only_its_own_and_others_are_refused(client, recorded, municipality):
    _, text = pdf_text(client, recorded["other_admin"])
    assert table_rows(text)["新規相談（実数）"] == ["0"] * 13 and "岐阜市" not in text
    assert client.get("/evaluation/stats/print.pdf?fiscal_year=令和99x").status_code == 400
    client.logout()
    assert client.get(URL).status_code == 302
    login(client, make_user(municipality, "norole", []))
    assert client.get(URL).status_code == 403
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.PRINT, username="norole").exists()


# --- charts.py -------------------------------------------------------------------------------------------


def _bars(svg: str) -> list[tuple[float, float, float, float]]:
    return [
        tuple(float(v) for v in m)
        for m in re.findall(
            r'<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', svg
        )
    ]


def test_bars_are_proportional_to_their_values():
    svg = str(charts.bar_chart(["4月", "5月", "6月"], [("実数", [2, 4, 8])], title="相談"))
    heights = [h for _, _, _, h in _bars(svg)]
    assert (
        len(heights) == 3
        and heights[1] == pytest.approx(2 * heights[0])
        and heights[2] == pytest.approx(4 * heights[0])
    )
    bottoms = {round(y + h, 3) for _, y, _, h in _bars(svg)}
    assert len(bottoms) == 1  # all stand on the same axis
    widths = [w for _, _, w, _ in _bars(str(charts.hbar_chart(["住まい", "債務", "介護"], [3, 6, 0])))]
    assert len(widths) == 2 and widths[1] == pytest.approx(2 * widths[0])  # a zero draws no bar


def test_the_axis_is_whole_counts_and_suppressed_values_are_not_drawn():
    assert [charts.nice_max(v) for v in (0, 3, 4, 5, 9, 37, 1200)] == [4, 4, 4, 8, 20, 40, 2000]
    svg = str(charts.bar_chart(["4月", "5月"], [("実数", [4, "*"]), ("のべ", [None, 3])]))
    assert len(_bars(svg)) == 2 and "実数" in svg and "のべ" in svg
    hbar = str(charts.hbar_chart(["住まい", "債務"], [5, "*"]))
    assert len(_bars(hbar)) == 1 and ">*</text>" in hbar
    line = str(charts.line_chart(["4月", "5月", "6月", "7月"], [("実数", [1, None, 3, 4])]))
    assert line.count("<polyline") == 1 and line.count("<circle") == 3  # the gap breaks the line


def test_every_label_is_escaped():
    evil = '<script>alert("x")</script>&'
    for svg in (
        charts.bar_chart([evil], [(evil, [1])], title=evil, font_family="'a\" onload=\"x'"),
        charts.hbar_chart([evil], [1], title=evil),
        charts.line_chart([evil], [(evil, [1]), ("のべ", [2])], title=evil),
    ):
        assert "<script" not in svg and 'alert("x")' not in svg and 'onload="x' not in svg
        assert (
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in svg or "&lt;script&gt;alert(" in svg
        )
        assert svg.startswith("<svg ") and svg.endswith("</svg>")


def test_empty_data_draws_an_empty_chart():
    for svg in (
        charts.bar_chart([], [], title="空"),
        charts.bar_chart(["4月"], [("実数", [0])]),
        charts.hbar_chart([], [], title="空"),
        charts.line_chart(["4月", "5月"], [("実数", [None, None])]),
        charts.line_chart([], []),
    ):
        svg = str(svg)
        assert svg.startswith("<svg ") and '<rect class="bar"' not in svg and "<polyline" not in svg
    assert charts.EMPTY_LABEL in str(charts.bar_chart([], []))
    assert charts.EMPTY_LABEL in str(charts.hbar_chart([], []))
