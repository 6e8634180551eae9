"""Enrolling an authenticator app when the municipality requires two-factor login for everyone."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import make_user
from kasane.core.roles import Role

from .helpers import submit_login, totp_code_from_secret

pytestmark = pytest.mark.e2e


def test_a_user_without_a_device_enrols_one_when_the_municipality_requires_two_factor(
    page, url, shot, municipality, agency
):
    municipality.require_two_factor = True
    municipality.save(update_fields=["require_two_factor"])
    user = make_user(municipality, "enrollee", [Role.COUNSELOR], agency=agency, with_device=False)

    submit_login(page, url, user.username)

    expect(page).to_have_url(url("/login/otp/setup/"))
    expect(page.get_by_role("heading", name="2段階認証の設定", level=1)).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.get_by_test_id("otp-secret").inner_text()
    assert len(secret) >= 16, secret
    shot(page, "setup")

    page.get_by_label("認証コード（6桁）").fill(totp_code_from_secret(secret))
    page.get_by_role("button", name="設定を完了").click()

    expect(page).to_have_url(url("/"))
    expect(page.get_by_role("status")).to_have_text(
        "2段階認証を設定しました。次回から認証コードの入力が必要です。"
    )
    expect(page.get_by_role("heading", name="受け付けた相談・つなぎ", level=2)).to_be_visible()
    shot(page, "enrolled")

    devices = TOTPDevice.objects.filter(user=user)
    assert [d.confirmed for d in devices] == [True]
