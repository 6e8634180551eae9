from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, login, make_user
from kasane.core.roles import Role


def _login(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_passwords_are_hashed_with_argon2(municipality, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = make_user(municipality, "hashcheck", [Role.COUNSELOR])
    assert identify_hasher(user.password).algorithm == "argon2"


def test_a_wrong_password_gets_a_generic_message(client, users):
    response = _login(client, "counselor", "wrong")
    body = response.content.decode()
    assert "ログインIDまたはパスワードが正しくありません" in body
    assert _login(client, "nobody-at-all", "wrong").content.decode().count("正しくありません") == 1


def test_repeated_failures_lock_the_login_out_even_with_the_right_password(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "counselor", "wrong")
    response = _login(client, "counselor")
    assert response.status_code in (403, 429)
    assert "ログインが一時的に制限されています" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_counselor_without_2fa_goes_straight_home(client, users):
    response = _login(client, "counselor")
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_an_admin_must_pass_the_second_factor_before_anything_else(client, users):
    assert _login(client, "admin").status_code == 302
    assert client.get("/").url == "/login/otp/"
    assert client.get("/manage/staff/").url == "/login/otp/"
    assert client.get("/api/v1/me/").status_code == 401
    response = client.post("/login/otp/", {"token": "000000"})
    assert "認証コードが正しくありません" in response.content.decode()
    device = TOTPDevice.objects.get(user=users["admin"])
    response = client.post("/login/otp/", {"token": _code(device)})
    assert "少し待ってから" in response.content.decode()  # throttled right after a failure
    device.throttle_reset()
    assert client.post("/login/otp/", {"token": _code(device)}).url == "/"
    assert client.get("/manage/staff/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_the_tenant_switch_makes_everyone_enrol(client, users, municipality):
    municipality.require_two_factor = True
    municipality.save()
    _login(client, "counselor")
    assert client.get("/").url == "/login/otp/setup/"
    page = client.get("/login/otp/setup/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=users["counselor"], confirmed=False)
    response = client.post("/login/otp/setup/", {"token": _code(device)})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert TOTPDevice.objects.get(user=users["counselor"]).confirmed


def test_an_admin_turns_on_2fa_for_everyone_in_the_app(client, users, municipality):
    login(client, users["admin"])
    response = client.post(
        "/manage/settings/",
        {"require_two_factor": "on", "referral_overdue_working_days": 3, "version": municipality.version},
    )
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.require_two_factor


def test_an_admin_resets_a_lost_authenticator(client, users):
    staff = make_user(users["admin"].municipality, "lost", [Role.COUNSELOR], with_device=True)
    login(client, users["admin"])
    client.post(f"/manage/staff/{staff.pk}/reset-2fa/")
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_sessions_expire_after_the_idle_timeout_and_on_every_request_are_renewed():
    assert settings.SESSION_COOKIE_AGE == settings.KASANE_IDLE_TIMEOUT_MINUTES * 60 == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_pages_carry_csp_and_secure_headers(client, db):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_post_without_csrf_token_is_refused(db, users):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": "counselor", "password": PASSWORD})
    assert response.status_code == 403
