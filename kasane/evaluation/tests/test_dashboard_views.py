"""The statistics page, its downloads and the dashboard through the Django client: who sees which numbers,
秘匿処理 for evaluators, links for casework staff, never a person's name."""

import csv
import io
import json
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from conftest import login
from kasane.intake import services as intake_services

pytestmark = pytest.mark.django_db
NAMES = ("秘密", "花子")


@pytest.fixture
def recorded(users):
    """Four first consultations in April 2024 at the 包括 (counselor), two in May at the office (municipal)."""
    for i, (user, on) in enumerate(
        [(users["counselor"], date(2024, 4, d)) for d in (1, 2, 3, 4)]
        + [(users["municipal"], date(2024, 5, d)) for d in (1, 2)]
    ):
        intake_services.intake_record(
            user=user, new_person={"family_name": NAMES[0], "given_name": f"{NAMES[1]}{i}"},
            consultation={"received_on": on, "route": "visit", "consulter": "self", "response": "advice",
                          "problems": ["housing"], "main_problem": "housing"},
        )  # fmt: skip
    return users


def page(client, user, url="/evaluation/stats/?fiscal_year=2024"):
    login(client, user)
    return client.get(url)


def row_cells(html: str, key: str) -> list[str]:
    row = re.search(rf'data-key="{re.escape(key)}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)


def test_the_evaluator_sees_the_whole_municipality_suppressed_and_no_names(client, recorded):
    response = page(client, recorded["evaluator"])
    html = response.content.decode()
    assert response.status_code == 200
    # May's 2 is hidden, and April's 4 with it: the 年度計 6 would give May away (二次秘匿).
    assert row_cells(html, "consultations_real")[:3] == ["6", "*", "*"]
    assert "秘匿処理" in html
    assert not any(name in html for name in NAMES)
    assert "/intake/" not in html  # numbers only: no links to records


def test_the_municipal_officer_sees_raw_figures_with_links(client, recorded):
    html = page(client, recorded["municipal"]).content.decode()
    assert row_cells(html, "consultations_real")[:3] == ["6", "4", "2"]
    assert "/intake/?fiscal_year=2024&amp;problem=housing" in html


def test_a_counselor_sees_their_counters_figures_only(client, recorded):
    html = page(client, recorded["counselor"]).content.decode()
    assert row_cells(html, "consultations_real")[:3] == ["4", "4", "0"]
    assert "地域包括支援センターの記録のみ" in html


def test_an_admin_without_casework_gets_suppressed_numbers(client, recorded):
    html = page(client, recorded["admin"]).content.decode()
    assert row_cells(html, "consultations_real")[:3] == ["6", "*", "*"]


def test_another_municipality_counts_only_its_own(client, recorded):
    html = page(client, recorded["other_admin"]).content.decode()
    assert row_cells(html, "consultations_real")[:3] == ["0", "0", "0"]


def test_anonymous_is_sent_to_sign_in(client, recorded):
    assert client.get("/evaluation/stats/").status_code == 302
    assert client.get("/evaluation/dashboard/").status_code == 302


def test_the_wareki_year_and_a_bad_year(client, recorded):
    html = page(client, recorded["municipal"], "/evaluation/stats/?fiscal_year=令和6年度").content.decode()
    assert "令和6年度" in html and row_cells(html, "consultations_real")[0] == "6"
    bad = page(client, recorded["municipal"], "/evaluation/stats/?fiscal_year=令和99x")
    assert bad.status_code == 400 and "年度の形式が正しくありません" in bad.content.decode()
    assert client.get("/evaluation/stats/export/pdf/?fiscal_year=2024").status_code == 404
    assert client.get("/evaluation/stats/export/csv/?fiscal_year=abc").status_code == 400


def test_downloads_for_the_evaluator_are_suppressed(client, recorded):
    login(client, recorded["evaluator"])
    utf8 = client.get("/evaluation/stats/export/csv/?fiscal_year=2024").content
    assert utf8.startswith(b"\xef\xbb\xbf")
    rows = {r[1]: r for r in csv.reader(io.StringIO(utf8.decode("utf-8-sig")))}
    assert rows["新規相談（実数）"][2:5] == ["6", "*", "*"]
    sjis = client.get("/evaluation/stats/export/csv_cp932/?fiscal_year=2024").content
    assert "新規相談（実数）,6,*,*" in sjis.decode("cp932")
    xlsx = client.get("/evaluation/stats/export/xlsx/?fiscal_year=2024")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert {r[1]: r for r in sheet.iter_rows(values_only=True)}["新規相談（実数）"][2:5] == (6, "*", "*")
    assert not any(name in utf8.decode("utf-8-sig") for name in NAMES)


def test_the_dashboard_per_role(client, recorded):
    response = page(client, recorded["evaluator"], "/evaluation/dashboard/?fiscal_year=2024")
    html = response.content.decode()
    assert response.status_code == 200
    data = json.loads(
        re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html).group(1)
    )
    assert data["monthly"]["real"][:2] == [None, None]  # suppressed (May's 2, April's 4 with it): not drawn
    assert "vendor/chartjs/chart.umd.min" in html and "<script>" not in html
    assert not any(name in html for name in NAMES) and "/intake/" not in html
    municipal = page(
        client, recorded["municipal"], "/evaluation/dashboard/?fiscal_year=2024"
    ).content.decode()
    assert "成果目標と実績" in municipal and "/cases/?state=draft" in municipal
    counselor = page(
        client, recorded["counselor"], "/evaluation/dashboard/?fiscal_year=2024"
    ).content.decode()
    assert "地域包括支援センターの記録のみ" in counselor and "成果目標と実績" not in counselor
