"""Shared fixtures: two municipalities, agencies, and one staff member per role (plus another tenant's admin)."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kasane.core.models import Municipality, StaffRole, User
from kasane.core.roles import Role
from kasane.directory.demo_agencies import THEMES as THEME_READINGS
from kasane.directory.models import Agency, Field, LegalItem
from kasane.directory.services import theme_ensure

PASSWORD = "correct-horse-battery-42"

# The actors of the authorization matrix: one per role, anonymous, and another municipality's admin.
ROLE_ACTORS = {
    "counselor": [Role.COUNSELOR],
    "collaboration": [Role.COLLABORATION],
    "outreach": [Role.OUTREACH],
    "municipal": [Role.MUNICIPAL],
    "admin": [Role.ADMIN],
    "evaluator": [Role.EVALUATOR],
}
ACTORS = ["anonymous", *ROLE_ACTORS, "other_admin"]


@pytest.fixture
def municipality(db):
    return Municipality.objects.create(name="岐阜市", prefecture="岐阜県", code="212016")


@pytest.fixture
def other_municipality(db):
    return Municipality.objects.create(name="長野市", prefecture="長野県", code="202011")


def make_agency(municipality, name, *, themes=(), **fields):
    agency = Agency.objects.create(municipality=municipality, name=name, **fields)
    readings = {name: THEME_READINGS.get(name, "") for name in themes}
    agency.themes.set(theme_ensure(municipality_id=municipality.pk, names=readings))
    agency.refresh_search_text()
    agency.save(update_fields=["search_text"])
    return agency


@pytest.fixture
def agency(municipality):
    return make_agency(
        municipality,
        "地域包括支援センター",
        field=Field.ELDERLY,
        legal_item=LegalItem.ITEM_1I,
        themes=["介護", "8050"],
        description="高齢者の総合相談窓口",
    )


@pytest.fixture
def other_agency(other_municipality):
    return make_agency(
        other_municipality, "長野市 地域包括支援センター", field=Field.ELDERLY, themes=["介護"]
    )


def make_user(municipality, username, roles, *, agency=None, with_device=None):
    user = User(
        username=username, municipality=municipality, agency=agency, last_name="試験", first_name=username
    )
    user.set_password(PASSWORD)
    user.save()
    StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in roles])
    if with_device if with_device is not None else Role.ADMIN in roles:
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def users(municipality, other_municipality, agency):
    """One user per actor name (anonymous → None)."""
    result = {"anonymous": None}
    for name, roles in ROLE_ACTORS.items():
        result[name] = make_user(municipality, name, roles, agency=agency if name == "counselor" else None)
    result["other_admin"] = make_user(other_municipality, "other_admin", [Role.ADMIN])
    return result


def login(client, user):
    """Sign in as a fully verified session (second factor passed where the user has a device)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(client, users):
    def _client(actor):
        if users[actor] is not None:
            login(client, users[actor])
        return client

    return _client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests that check hashing itself ask for it explicitly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
