"""Two-factor login (TOTP): who must use it, enrolment and verification."""

import base64
from io import BytesIO

import segno
from django.db import transaction
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role


def is_required(user) -> bool:
    """Admins always; everyone when their municipality switches it on; anyone who enrolled a device."""
    return (
        user.has_role(Role.ADMIN)
        or user.municipality.require_two_factor
        or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_step(user) -> str | None:
    """The URL of the 2FA step this signed-in user still owes, or None."""
    if getattr(user, "is_verified", lambda: False)():
        return None
    if not is_required(user):
        return None
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return reverse("core:otp_verify")
    return reverse("core:otp_setup")


def setup_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (one at a time), created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def provisioning_qr_svg(device: TOTPDevice) -> str:
    uri = device.config_url
    buffer = BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True, title=None)
    return buffer.getvalue().decode()


WRONG_CODE = "認証コードが正しくありません。認証アプリに表示されている最新の6桁のコードを入力してください。"
THROTTLED = (
    "認証コードの誤りが続いたため、少し待ってから入力してください（待ち時間は誤るたびに長くなります）。"
)


def verify(request, token: str, *, confirming: bool = False) -> str | None:
    """Check a 6-digit code; on success mark the session verified and return None, else a message.

    django-otp throttles a device after each failure (1 s, 2 s, 4 s …), which stops code guessing.
    """
    token = "".join(ch for ch in (token or "") if ch.isdigit())
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=not confirming))
    if not devices:
        return WRONG_CODE
    device = devices[0]
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return THROTTLED
    if len(token) != 6 or not device.verify_token(token):
        return WRONG_CODE
    with transaction.atomic():
        if confirming:
            TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
    return None


def reset(user) -> None:
    """An admin resets a lost authenticator: the user enrols again at next login."""
    TOTPDevice.objects.filter(user=user).delete()
