"""Signing in and out: password only, password plus TOTP, and the lockout after repeated failures."""

import re
import time

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import PASSWORD

from .helpers import logout, submit_login, totp_code

pytestmark = pytest.mark.e2e


def test_a_counselor_signs_in_with_a_password_sees_their_home_section_and_signs_out(page, url, shot, users):
    submit_login(page, url, "counselor")

    expect(page).to_have_url(url("/"))
    expect(page.get_by_role("heading", name="ホーム", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="受け付けた相談・つなぎ", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="自治体の管理")).to_have_count(0)
    expect(page.locator(".user-box")).to_contain_text("試験 counselor（地域包括支援センター）")
    shot(page, "home")

    logout(page, url)
    expect(page.get_by_role("heading", name="ログイン", level=1)).to_be_visible()
    page.goto(url("/"))
    expect(page).to_have_url(url("/login/?next=/"))
    shot(page, "signed-out")


def test_an_admin_must_enter_a_valid_totp_code_after_the_password(page, url, shot, users):
    admin = users["admin"]
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    submit_login(page, url, admin.username)

    expect(page).to_have_url(url("/login/otp/"))
    expect(page.get_by_role("heading", name="2段階認証", level=1)).to_be_visible()
    # The other pages stay closed until the second factor is passed.
    page.goto(url("/manage/staff/"))
    expect(page).to_have_url(url("/login/otp/"))
    shot(page, "otp-form")

    valid = {totp_code(device, offset_steps=s) for s in (-1, 0, 1)}
    wrong = next(code for code in ("000000", "111111", "222222") if code not in valid)
    code_field = page.get_by_label("認証コード（6桁）")
    code_field.fill(wrong)
    page.get_by_role("button", name="確認").click()
    # The wording after the first sentence is copy that may change; the verdict must not.
    expect(page.get_by_role("alert")).to_have_text(re.compile(r"^認証コードが正しくありません。"))
    expect(page).to_have_url(url("/login/otp/"))
    shot(page, "wrong-code")

    # django-otp throttles the device for 1 s (OTP_TOTP_THROTTLE_FACTOR) after a failure.
    time.sleep(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1) + 0.2)
    code_field.fill(totp_code(device))
    page.get_by_role("button", name="確認").click()

    expect(page).to_have_url(url("/"))
    expect(page.get_by_role("heading", name="自治体の管理", level=2)).to_be_visible()
    shot(page, "home")


def test_five_wrong_passwords_lock_the_login_id_even_against_the_right_password(page, url, shot, users):
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(1, settings.AXES_FAILURE_LIMIT):
        submit_login(page, url, "counselor", f"wrong-password-{attempt}")
        expect(page.get_by_role("alert")).to_have_text("ログインIDまたはパスワードが正しくありません。")
    shot(page, "fourth-failure")

    submit_login(page, url, "counselor", "wrong-password-5")
    expect(page.get_by_role("heading", name="ログインが一時的に制限されています")).to_be_visible()
    shot(page, "locked-out")

    submit_login(page, url, "counselor", PASSWORD)
    expect(page.get_by_role("heading", name="ログインが一時的に制限されています")).to_be_visible()
    page.goto(url("/"))
    expect(page).to_have_url(url("/login/?next=/"))
    shot(page, "still-locked")
