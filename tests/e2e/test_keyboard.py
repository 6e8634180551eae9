"""The login form works from the keyboard alone."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_tab_moves_through_login_id_password_and_the_login_button_and_enter_submits(page, url, shot, users):
    page.goto(url("/login/"))
    username = page.get_by_label("ログインID", exact=True)
    password = page.get_by_label("パスワード", exact=True)
    button = page.get_by_role("button", name="ログイン", exact=True)

    # The login ID field has autofocus; before it in the tab order come only the skip link and the logo.
    expect(username).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("link", name="kasane 重層的支援")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(username).to_be_focused()
    page.keyboard.type("counselor")
    page.keyboard.press("Tab")
    expect(password).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    shot(page, "button-focused")

    page.keyboard.press("Enter")

    expect(page).to_have_url(url("/"))
    expect(page.get_by_role("heading", name="受け付けた相談・つなぎ", level=2)).to_be_visible()
    shot(page, "home")
