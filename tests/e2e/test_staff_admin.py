"""A tenant admin registers a new staff member, who can then sign in with the role given."""

import re

import pytest
from playwright.sync_api import expect

from kasane.core.models import User
from kasane.core.roles import Role

from .helpers import login_with_second_factor, logout, submit_login

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "sodan-2024-kasane!"


def test_an_admin_registers_a_counselor_who_can_then_sign_in_and_sees_the_counselor_home(
    page, url, shot, users, agency
):
    login_with_second_factor(page, url, users["admin"])
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="職員").click()
    expect(page.get_by_role("heading", name="職員の管理", level=1)).to_be_visible()
    page.get_by_role("link", name="職員を登録").click()
    expect(page.get_by_role("heading", name="職員の登録", level=1)).to_be_visible()

    page.get_by_label("ログインID").fill("tanaka.h")
    page.get_by_label(re.compile(r"^姓[:：]?$")).fill("田中")
    page.get_by_label(re.compile(r"^名[:：]?$")).fill("花子")
    page.get_by_label("所属機関").select_option(label=agency.name)
    page.get_by_role("group", name="役割（複数可）").get_by_label("相談員").check()
    page.get_by_label("初期パスワード").fill(NEW_PASSWORD)
    shot(page, "filled")
    page.get_by_role("button", name="登録", exact=True).click()

    expect(page.get_by_role("status")).to_have_text("職員「田中 花子」を登録しました。")
    expect(page.get_by_role("heading", level=1)).to_have_text("職員：田中 花子（tanaka.h）")
    shot(page, "registered")
    new_user = User.objects.get(username="tanaka.h")
    assert (new_user.municipality, new_user.agency, new_user.roles) == (
        users["admin"].municipality,
        agency,
        {Role.COUNSELOR},
    )

    logout(page, url)
    submit_login(page, url, "tanaka.h", NEW_PASSWORD)
    # The admin chose the first password: the new counselor must choose their own before anything else.
    expect(page).to_have_url(url("/account/password/"))
    shot(page, "must-change-password")
    own = "my-own-secret-phrase-2026"
    page.get_by_label(re.compile("^元のパスワード")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^新しいパスワード$")).fill(own)
    page.get_by_label(re.compile(r"^新しいパスワード.*確認")).fill(own)
    page.get_by_role("button", name="変更する").click()
    expect(page).to_have_url(url("/"))
    expect(page.get_by_role("heading", name="受け付けた相談・つなぎ", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="自治体の管理")).to_have_count(0)
    expect(page.locator(".user-box")).to_contain_text("田中 花子（地域包括支援センター）")
    shot(page, "new-user-home")


def test_the_initial_password_field_is_described_by_its_help_text(page, url, shot, users):
    login_with_second_factor(page, url, users["admin"])
    page.goto(url("/manage/staff/new/"))
    password = page.get_by_label("初期パスワード")
    expect(page.get_by_text("10文字以上。本人に安全な方法で伝えてください。")).to_be_visible()
    shot(page, "form")

    expect(password).to_have_accessible_description(
        "10文字以上。本人に安全な方法で伝えてください。", timeout=1_000
    )
