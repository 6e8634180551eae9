"""Finding a referral agency in the directory by theme and by keyword (kana-insensitive)."""

import re

import pytest
from playwright.sync_api import expect

from conftest import make_agency
from kasane.directory.models import Field

from .helpers import submit_login

pytestmark = pytest.mark.e2e


@pytest.fixture
def agencies(municipality, agency):
    """Three agencies of the counselor's municipality (the fixture's 地域包括支援センター is one)."""
    return {
        "包括": agency,
        "サポステ": make_agency(
            municipality,
            "若者サポートステーション",
            field=Field.OTHER,
            themes=["就労"],
            description="ヒキコモリ相談、就労体験",
        ),
        "自立相談": make_agency(
            municipality,
            "自立相談支援機関",
            field=Field.POVERTY,
            themes=["生活困窮", "就労"],
            description="家計と住まいの相談",
        ),
    }


@pytest.fixture
def directory(page, url, users, agencies):
    submit_login(page, url, "counselor")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="相談機関一覧表").click()
    expect(page).to_have_url(url("/directory/"))
    expect(page.get_by_test_id("result-count")).to_have_text("3")
    return page


def result_names(page):
    return page.locator("#results table.agencies tbody tr td:first-child a")


def test_choosing_a_theme_lists_only_the_agencies_with_that_theme_without_pressing_search(directory, shot):
    page = directory
    page.get_by_label("テーマ").select_option(label="就労")

    expect(page.get_by_test_id("result-count")).to_have_text("2")
    expect(result_names(page)).to_have_text(["若者サポートステーション", "自立相談支援機関"])
    expect(page).to_have_url(re.compile(r"/directory/\?.*theme=\d+"))  # hx-push-url keeps the search
    assert page.js_errors == []
    shot(page, "theme-chosen")


def test_a_keyword_typed_in_hiragana_finds_an_agency_described_in_katakana(directory, shot):
    page = directory
    page.get_by_label("キーワード").press_sequentially("ひきこもり")

    expect(page.get_by_test_id("result-count")).to_have_text("1")
    expect(result_names(page)).to_have_text(["若者サポートステーション"])
    assert page.js_errors == []
    shot(page, "keyword-typed")


def test_going_back_from_an_agency_returns_to_the_search_page_with_the_same_results(directory, shot):
    page = directory
    page.get_by_label("テーマ").select_option(label="就労")
    expect(page.get_by_test_id("result-count")).to_have_text("2")
    result_names(page).first.click()
    expect(page.get_by_role("heading", name="若者サポートステーション", level=1)).to_be_visible()

    page.go_back()

    expect(page.get_by_test_id("result-count")).to_have_text("2")
    try:
        expect(page.get_by_role("search")).to_be_visible(timeout=2_000)
        expect(page.get_by_role("navigation", name="メインメニュー")).to_be_visible(timeout=1_000)
    finally:
        shot(page, "after-back")


def test_the_search_button_filters_by_theme_and_keyword_even_without_javascript(
    new_context, url, shot, users, agencies
):
    page = new_context(java_script_enabled=False).new_page()
    submit_login(page, url, "counselor")
    page.goto(url("/directory/"))

    page.get_by_label("テーマ").select_option(label="就労")
    page.get_by_label("キーワード").fill("家計")
    expect(page.get_by_test_id("result-count")).to_have_text("3")  # nothing happens until 検索
    page.get_by_role("button", name="検索").click()

    expect(page.get_by_test_id("result-count")).to_have_text("1")
    expect(result_names(page)).to_have_text(["自立相談支援機関"])
    expect(page).to_have_url(re.compile(r"/directory/\?q=%E5%AE%B6%E8%A8%88&theme=\d+"))
    shot(page, "searched")
