"""The statistics dashboard in the browser: Chart.js (vendored, no inline script) draws the trends, the
breakdowns and the open cases; the evaluator sees suppressed numbers and no names."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from kasane.intake import services as intake_services

from .helpers import submit_login

pytestmark = pytest.mark.e2e
PROBLEMS = ["housing", "income", "care", "withdrawal", "health", "debt"]


@pytest.fixture
def records(users):
    """Consultations over three 年度 at the 包括 and the office, with follow-ups, so every chart has data."""
    n = 0
    for fy, per_month in ((2022, 1), (2023, 2), (2024, 3)):
        for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3):
            year = fy if month >= 4 else fy + 1
            for i in range(per_month + (month % 3)):
                n += 1
                user = users["counselor"] if n % 4 else users["municipal"]
                first = intake_services.intake_record(
                    user=user, new_person={"family_name": "秘密", "given_name": f"利用者{n}"},
                    consultation={"received_on": date(year, month, 1 + i), "route": "phone" if n % 3 else "visit",
                                  "consulter": "self", "response": "advice", "problems": [PROBLEMS[n % 6]],
                                  "main_problem": PROBLEMS[n % 6]},
                )  # fmt: skip
                if n % 5 == 0:
                    intake_services.consultation_create(
                        user=user, person=first.person, first_consultation=first, received_on=date(year, month, 20),
                        route="visit", consulter="self", response="continuing",
                    )  # fmt: skip
    return users


def _open_dashboard(page: Page, url, username: str) -> None:
    submit_login(page, url, username)
    expect(page.get_by_role("heading", name="ホーム", level=1)).to_be_visible()
    page.goto(url("/evaluation/dashboard/?fiscal_year=令和6年度"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ダッシュボード（令和6年度）")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 5")


def test_the_municipal_officer_sees_the_charts(page: Page, url, records, shot):
    _open_dashboard(page, url, "municipal")
    expect(page.locator('[data-key="consultations_real"]')).to_have_text("48")
    expect(page.get_by_role("heading", name="相談件数の推移（年度別）")).to_be_visible()
    expect(page.get_by_role("link", name="新規相談（実数）")).to_have_attribute(
        "href", "/intake/?fiscal_year=2024"
    )
    drawn = page.evaluate(
        "() => Object.values(Chart.instances).map(c => c.data.datasets[0].data.filter(v => v > 0).length)"
    )
    assert all(count > 0 for count in drawn[:4]), drawn
    assert page.js_errors == [] and page.console_errors == []
    shot(page, "municipal")
    page.emulate_media(media="print")
    shot(page, "municipal-print")


def test_the_evaluator_sees_numbers_only(page: Page, url, records, shot):
    _open_dashboard(page, url, "evaluator")
    expect(page.get_by_text("秘匿処理")).to_be_visible()
    body = page.locator("main").inner_text()
    assert "秘密" not in body and "利用者" not in body
    assert page.locator('a[href^="/intake/"]').count() == 0
    assert page.js_errors == [] and page.console_errors == []
    shot(page, "evaluator")
    page.goto(url("/evaluation/stats/?fiscal_year=2024"))
    expect(page.locator('tr[data-key="consultations_real"] td.total')).to_have_text("48")
    # Breakdowns reach the evaluator by 年度計 only: every month cell of a breakdown row is blank (a month
    # of one problem would let 1–2 persons be read off beside the other months).
    breakdown = page.locator('tr.level-1[data-key^="consultations_by_problem."]')
    assert breakdown.count() >= 3
    for i in range(breakdown.count()):
        cells = [c.strip() for c in breakdown.nth(i).locator("td").all_inner_texts()]
        assert len(cells) == 13 and cells[0] != "" and cells[1:] == [""] * 12, cells
    months = [c.strip() for c in page.locator('tr[data-key="consultations_real"] td').all_inner_texts()]
    assert all(c.isdigit() or c == "*" for c in months), months  # the figure itself keeps its months
    shot(page, "evaluator-table")
