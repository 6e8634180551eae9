"""Pages run without script errors or Content-Security-Policy violations."""

import pytest
from playwright.sync_api import expect

from .helpers import submit_login

pytestmark = pytest.mark.e2e


def test_the_signed_in_pages_log_no_console_errors(page, url, shot, users):
    submit_login(page, url, "counselor")
    expect(page.get_by_role("heading", name="ホーム", level=1)).to_be_visible()
    page.goto(url("/directory/"))
    expect(page.get_by_test_id("result-count")).to_be_visible()
    shot(page, "directory")

    assert page.js_errors == []
    assert page.console_errors == []
