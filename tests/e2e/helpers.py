"""Steps shared by the browser tests: signing in (with or without the second factor) and out."""

import base64

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from conftest import PASSWORD


def totp_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The current 6-digit code of a device, as the authenticator app would show it."""
    device.refresh_from_db()
    code = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + offset_steps,
    )
    return f"{code:0{device.digits}d}"


def submit_login(page: Page, url, username: str, password: str = PASSWORD) -> None:
    """Fill and send the login form (does not wait for where it leads)."""
    page.goto(url("/login/"))
    page.get_by_label("ログインID", exact=True).fill(username)
    page.get_by_label("パスワード", exact=True).fill(password)
    page.get_by_role("button", name="ログイン", exact=True).click()


def login_with_second_factor(page: Page, url, user) -> None:
    """The whole sign-in of a user with a confirmed TOTP device: password, then the current code."""
    submit_login(page, url, user.username)
    expect(page).to_have_url(url("/login/otp/"))
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    page.get_by_label("認証コード（6桁）").fill(totp_code(device))
    page.get_by_role("button", name="確認").click()
    expect(page).to_have_url(url("/"))
    expect(page.get_by_role("heading", name="ホーム", level=1)).to_be_visible()


def logout(page: Page, url) -> None:
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(url("/login/"))


def totp_code_from_secret(secret_base32: str, *, step: int = 30, digits: int = 6) -> str:
    """What an authenticator app shows after the user types in the secret from the setup page."""
    secret = secret_base32.strip().replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=step, digits=digits):0{digits}d}"
