"""The progress sheets (進捗管理シート) in the browser: the plan list, the 一覧表 with the computed 進捗率 and
grades of seed 000, a computed sheet (No4: 29 %, B) and a judged one (No5: 総合評価 A), and the A4 PDF."""

import pytest
from playwright.sync_api import Page, expect

from kasane.evaluation import demo, services

from .helpers import submit_login

pytestmark = pytest.mark.e2e


@pytest.fixture
def plan(users):
    return services.plan_import(user=None, municipality_id=users["municipal"].municipality_id,
                                data=demo.plan_data())  # fmt: skip


def test_the_plan_the_sheets_and_the_pdf(page: Page, url, plan, shot):
    submit_login(page, url, "municipal")
    expect(page.get_by_role("heading", name="ホーム", level=1)).to_be_visible()
    page.goto(url("/evaluation/"))
    expect(page.get_by_role("heading", name="進捗管理シート", level=1)).to_be_visible()
    shot(page, "list")
    page.get_by_role("link", name=demo.PLAN_NAME).click()
    expect(page.get_by_role("heading", name=demo.PLAN_NAME, level=1)).to_be_visible()
    page.goto(url(f"/evaluation/plans/{plan.pk}/?year=2022"))
    table = page.get_by_role("table", name="一覧表")
    row4 = table.locator("tr", has_text="No4")
    expect(row4).to_contain_text("29%")
    expect(row4).to_contain_text("B")
    expect(table.locator("tr", has_text="No10")).to_contain_text("400%")
    expect(table.locator("tr", has_text="No5")).to_contain_text("総合評価")
    pdf_link = page.get_by_role("link", name="A4 PDF（令和4年度）")
    expect(pdf_link).to_have_attribute("href", f"/evaluation/plans/{plan.pk}/print/?year=2022")
    shot(page, "summary")
    # The PDF link answers with an A4 PDF.
    response = page.request.get(
        url(f"/evaluation/plans/{plan.pk}/print/?year=2022"), timeout=90_000
    )  # 13 sheets
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    # A computed sheet: the 進捗率 under the R4 actual and the grade 実績値から算出.
    table.get_by_role("link", name="2-1", exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("進捗管理シート No4")
    expect(page.locator("main")).to_contain_text("29%")
    expect(page.get_by_role("table", name="評価")).to_contain_text("実績値から算出")
    shot(page, "computed")
    # A judged sheet: not numeric, the grade entered with its reasons (総合評価).
    page.goto(url(f"/evaluation/plans/{plan.pk}/?year=2022"))
    page.get_by_role("table", name="一覧表").locator("tr", has_text="No5").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("進捗管理シート No5")
    grade = page.get_by_role("table", name="評価")
    expect(grade).to_contain_text("A")
    expect(grade).to_contain_text("総合評価")
    assert page.js_errors == [] and page.console_errors == []
    shot(page, "judged")
