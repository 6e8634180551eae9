"""Every URL and API route × every actor, with the expected status. A route without a row fails the test.

Actors: anonymous, one staff member per role (all in 岐阜市), and 長野市's admin (another tenant).
Objects named in URLs belong to 岐阜市, so another tenant's admin must get 404 for them, never 403.
The Django admin site is covered by tests/test_tenancy.py (its routes are generated).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ACTORS, login
from kasane.core.models import ApiToken

STAFF = [a for a in ACTORS if a != "anonymous"]


def expect(anonymous, default, **overrides):
    result = dict.fromkeys(STAFF, default)
    result["anonymous"] = anonymous
    result.update(overrides)
    return result


def everyone(status=200, anonymous=302):
    return expect(anonymous, status)


def only(allowed: dict, denied=403, anonymous=302):
    result = expect(anonymous, denied)
    result.update(allowed)
    return result


ADMIN_ONLY = only({"admin": 200, "other_admin": 200})
ADMIN_ONLY_OBJ = only({"admin": 200, "other_admin": 404})
API_ADMIN_ONLY = only({"admin": 200, "other_admin": 200}, anonymous=401)
DIRECTORY_MANAGERS = {"admin": 200, "municipal": 200}

# route name → (method, kwargs-builder, expected status per actor). POSTs send no form data.
MATRIX = {
    "core:home": ("GET", None, everyone()),
    "core:login": ("GET", None, expect(200, 302)),
    "core:logout": ("POST", None, everyone(302, anonymous=302)),
    "core:otp_verify": ("GET", None, everyone(302)),
    "core:otp_setup": ("GET", None, everyone(302)),
    "core:account": ("GET", None, everyone()),
    "core:api_token_revoke": (
        "POST",
        "token",
        only({"counselor": 302, "admin": 302, "other_admin": 404}, 404),
    ),
    "core:staff_list": ("GET", None, ADMIN_ONLY),
    "core:staff_create": ("GET", None, ADMIN_ONLY),
    "core:staff_detail": ("GET", "staff", ADMIN_ONLY_OBJ),
    "core:staff_reset_two_factor": ("POST", "staff", only({"admin": 302, "other_admin": 404})),
    "core:staff_tokens": ("GET", None, ADMIN_ONLY),
    "core:tenant_settings": ("GET", None, ADMIN_ONLY),
    "core:access_log": ("GET", None, ADMIN_ONLY),
    "directory:agency_list": ("GET", None, everyone()),
    "directory:agency_create": ("GET", None, only({**DIRECTORY_MANAGERS, "other_admin": 200})),
    "directory:agency_print": ("GET", None, everyone()),
    "directory:agency_export_xlsx": ("GET", None, everyone()),
    "directory:agency_detail": ("GET", "agency", everyone(200) | {"other_admin": 404}),
    "directory:agency_edit": ("GET", "agency", only({**DIRECTORY_MANAGERS, "other_admin": 404})),
    "directory:theme_list": ("GET", None, only({**DIRECTORY_MANAGERS, "other_admin": 200})),
    "directory:theme_edit": ("GET", "theme", only({**DIRECTORY_MANAGERS, "other_admin": 404})),
    "api:schema": ("GET", None, everyone(200, anonymous=200)),
    "api:me": ("GET", None, everyone(200, anonymous=401)),
    "api:agency_list": ("GET", None, everyone(200, anonymous=401)),
    "api:agency_detail": ("GET", "agency", everyone(200, anonymous=401) | {"other_admin": 404}),
    "api:theme_list": ("GET", None, everyone(200, anonymous=401)),
    "api:staff_list": ("GET", None, API_ADMIN_ONLY),
    "api:staff_detail": ("GET", "staff", only({"admin": 200, "other_admin": 404}, anonymous=401)),
    "api:access_log": ("GET", None, API_ADMIN_ONLY),
    "api:token_list": ("GET", None, everyone(200, anonymous=401)),
    "api:token_revoke": (
        "POST",
        "token",
        only({"counselor": 200, "admin": 200, "other_admin": 404}, 404, 401),
    ),
}


def all_route_names():
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                ns = ":".join(filter(None, [namespace, p.namespace]))
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)
            elif isinstance(p, URLPattern):
                names.add(f"<unnamed {p.pattern}>")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_has_a_row_in_the_matrix():
    missing = all_route_names() - set(MATRIX)
    assert not missing, f"routes without authorization-matrix rows: {sorted(missing)}"
    stale = set(MATRIX) - all_route_names()
    assert not stale, f"matrix rows for routes that no longer exist: {sorted(stale)}"


def test_every_row_names_every_actor():
    for name, (_method, _kwargs, expected) in MATRIX.items():
        assert set(expected) == set(ACTORS), name


@pytest.fixture
def objects(users, agency):
    token, _key = ApiToken.issue(user=users["counselor"], name="集計")
    theme = agency.themes.first()
    return {"agency": agency.pk, "staff": users["counselor"].pk, "token": token.pk, "theme": theme.pk}


CASES = [(name, actor) for name in MATRIX for actor in ACTORS]


@pytest.mark.parametrize(("route", "actor"), CASES, ids=[f"{r}-{a}" for r, a in CASES])
def test_authorization_matrix(client, users, objects, route, actor):
    method, kwargs_key, expected = MATRIX[route]
    kwargs = {"pk": objects[kwargs_key]} if kwargs_key else {}
    if users[actor] is not None:
        login(client, users[actor])
    url = reverse(route, kwargs=kwargs)
    response = client.get(url) if method == "GET" else client.post(url)
    assert response.status_code == expected[actor], (route, actor, response.status_code)
    if response.status_code == 302 and actor == "anonymous" and route != "core:logout":
        assert response["Location"].startswith(reverse("core:login"))
