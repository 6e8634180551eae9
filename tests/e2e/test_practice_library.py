"""The practice library in a browser: search in Japanese, filters, a report with targets beside results, and the
comparison with similar municipalities after entering the own figures."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kasane.evaluation.models import OutcomeTarget
from kasane.practices.demo import SEED_FILE

from .helpers import submit_login

pytestmark = pytest.mark.e2e


@pytest.fixture
def library(db):
    call_command("import_practices", str(SEED_FILE), stdout=StringIO())


def test_search_filter_report_and_compare(page, url, users, library, municipality, shot):
    OutcomeTarget.objects.create(municipality=municipality, project="item5", fiscal_year=2026,
                                 item="多機関協働の事例検討件数", number=5, unit="件")  # fmt: skip
    submit_login(page, url, "municipal")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="実践ライブラリ").click()
    expect(page.get_by_role("heading", name="実践ライブラリ", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("50件")

    page.get_by_label("キーワード").fill("ごみ屋敷")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("status")).to_contain_text("件の報告（すべてのキーワードを含むもの）")
    expect(page.locator(".snippet mark").first).to_have_text(re.compile("ごみ屋敷|ゴミ屋敷"))
    expect(page.get_by_role("link", name="北海道 札幌市")).to_be_visible()
    shot(page, "search")

    page.get_by_label("キーワード").fill("")
    page.get_by_label("人口規模").select_option(label="1万人未満")
    page.get_by_label("高齢化率（%）下限").fill("40")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("status")).to_contain_text("3件")
    expect(page.locator(".practice-results h2")).to_have_text(
        ["北海道 津別町", "岩手県 岩泉町", "秋田県 井川町"]
    )
    shot(page, "filter")

    page.get_by_role("link", name="岩手県 岩泉町").click()
    expect(page.get_by_role("heading", name="岩手県 岩泉町", level=1)).to_be_visible()
    pairs = page.locator("section", has=page.get_by_role("heading", name="成果目標と達成状況"))
    expect(pairs).to_contain_text("複合的課題を抱えるケースへの対応件数")
    expect(pairs.get_by_role("heading", name="達成状況").first).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("高齢化率 42.54"))).to_be_visible()
    shot(page, "report")

    page.get_by_role("link", name="← 報告の一覧へ").click()
    page.get_by_role("link", name="似た自治体の実践").click()
    expect(page.get_by_role("heading", name="似た自治体の実践", level=1)).to_be_visible()
    page.get_by_label("人口（人）").fill("400000")
    page.get_by_label("世帯数（世帯）").fill("185000")
    page.get_by_label("高齢化率（%）").fill("28.8")
    page.get_by_role("button", name="保存する").click()
    expect(page.get_by_role("status").first).to_contain_text("保存しました")
    expect(page.get_by_role("heading", name="似た自治体（5件）")).to_be_visible()
    expect(page.get_by_role("link", name="岩手県 盛岡市").first).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("多機関協働の事例検討件数 5件"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("会議・事例検討 1"))).to_be_visible()
    shot(page, "compare")
    assert not page.console_errors and not page.js_errors
