"""Every URL and API route × every actor, with the expected status. A route without a row fails the test.

Actors: anonymous, one staff member per role (all in 岐阜市), and 長野市's admin (another tenant).
Objects named in URLs belong to 岐阜市, so another tenant's admin must get 404 for them, never 403.
The Django admin site is covered by tests/test_tenancy.py (its routes are generated).
"""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ACTORS, login, make_agency
from kasane.core.models import ApiToken
from kasane.intake import services as intake_services
from kasane.people import services as people_services
from tests import (
    matrix_api_cases,
    matrix_cases,
    matrix_community,
    matrix_evaluation,
    matrix_meetings,
    matrix_outreach,
    matrix_participation,
    matrix_people_merge,
    matrix_practices,
)

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
CASEWORK_ACTORS = ["counselor", "collaboration", "outreach", "municipal"]
CASEWORK = only(dict.fromkeys(CASEWORK_ACTORS, 200))
API_CASEWORK = only(dict.fromkeys(CASEWORK_ACTORS, 200), anonymous=401)
# Only the recording counter sees the record: the office's casework staff have no consent covering them.
COUNSELOR_OBJ = only({"counselor": 200}, 404)

# route name → (method, kwargs-builder, expected status per actor). POSTs send no form data.
MATRIX = {
    "core:home": ("GET", None, everyone()),
    "core:login": ("GET", None, expect(200, 302)),
    "core:logout": ("POST", None, everyone(302, anonymous=302)),
    "core:otp_verify": ("GET", None, everyone(302)),
    "core:otp_setup": ("GET", None, everyone(302)),
    "core:account": ("GET", None, everyone()),
    "core:password_change": ("GET", None, everyone()),
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
    "admin_autocomplete_disabled": ("GET", None, everyone(404, anonymous=404)),
    # people and intake: objects recorded by the counselor's agency; nobody else holds consent or a referral
    "intake:consultation_list": ("GET", None, CASEWORK),
    "intake:consultation_create": ("GET", None, CASEWORK),
    "intake:person_lookup": ("GET", None, CASEWORK),
    "intake:consultation_export_xlsx": ("GET", None, CASEWORK),
    "intake:consultation_export_csv": ("GET", None, CASEWORK),
    "intake:consultation_detail": ("GET", "consultation", COUNSELOR_OBJ),
    "intake:referral_create": ("GET", "consultation", COUNSELOR_OBJ),
    "intake:consultation_edit": ("GET", "consultation", COUNSELOR_OBJ),
    "intake:pattern_list": ("GET", None, ADMIN_ONLY),
    "intake:consent_create": ("GET", "person_pk", COUNSELOR_OBJ),
    "intake:consent_withdraw": ("GET", "consent", COUNSELOR_OBJ),
    "intake:referral_inbox": ("GET", None, CASEWORK),
    "intake:referral_outbox": ("GET", None, CASEWORK),
    "intake:referral_detail": ("GET", "referral", COUNSELOR_OBJ),
    "intake:referral_respond": ("POST", "referral", only({"counselor": 302}, 404)),
    "intake:referral_cancel": ("POST", "referral", only({"counselor": 302}, 404)),
    "intake:referral_print": ("GET", "referral", COUNSELOR_OBJ),
    # Importing makes the rows the importer's own counter's records: a casework role is needed too.
    "intake:import": ("GET", None, only({"municipal": 200})),
    "intake:import_template": ("GET", None, only({**DIRECTORY_MANAGERS, "other_admin": 200})),
    "people:person_list": ("GET", None, CASEWORK),
    "people:person_detail": ("GET", "person", COUNSELOR_OBJ),
    "people:person_edit": ("GET", "person", COUNSELOR_OBJ),
    "people:household_create": ("GET", "person_pk", COUNSELOR_OBJ),
    "people:household_detail": ("GET", "household", COUNSELOR_OBJ),
    "people:membership_add": ("POST", "household", only({"counselor": 302}, 404)),
    "people:membership_leave": ("POST", "membership", only({"counselor": 302}, 404)),
    "api:person_list": ("GET", None, API_CASEWORK),
    "api:person_detail": ("GET", "person", only({"counselor": 200}, 404, 401)),
    "api:household_detail": ("GET", "household", only({"counselor": 200}, 404, 401)),
    "api:consultation_list": ("GET", None, API_CASEWORK),
    "api:consultation_detail": ("GET", "consultation", only({"counselor": 200}, 404, 401)),
    # The client posts form data: the JSON-only API answers 415 once the caller may post at all.
    "api:consent_create": ("POST", None, only(dict.fromkeys(CASEWORK_ACTORS, 415), 403, 401)),
    "api:referral_list": ("GET", None, API_CASEWORK),
    "api:referral_detail": ("GET", "referral", only({"counselor": 200}, 404, 401)),
    "api:referral_respond": ("POST", "referral", only({"counselor": 415}, 404, 401)),
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
def objects(users, agency, municipality):
    token, _key = ApiToken.issue(user=users["counselor"], name="集計")
    theme = agency.themes.first()
    counselor = users["counselor"]
    other = make_agency(municipality, "生活・就労サポートセンター")
    record = intake_services.intake_record(
        user=counselor,
        new_person={"family_name": "長野", "given_name": "花子"},
        consultation={
            "received_on": date(2026, 4, 1),
            "route": "phone",
            "consulter": "self",
            "response": "referral",
        },
        consent={"obtained_on": date(2026, 4, 1), "method": "written", "covers_municipal_office": False},
    )
    household = people_services.household_create(user=counselor, head=record.person)
    referral = intake_services.referral_create(
        user=counselor, consultation=record, to_agency=other, reason="家計", legal_basis="life"
    )
    base = {
        "agency": agency.pk, "staff": counselor.pk, "token": token.pk, "theme": theme.pk, "person": record.person.pk,
        "person_pk": record.person.pk, "consultation": record.pk, "consent": record.consents.get().pk,
        "household": household.pk, "membership": household.memberships.get().pk, "referral": referral.pk,
    }  # fmt: skip
    for module in AREA_MODULES:
        base.update(module.objects(users=users, agency=agency, municipality=municipality, base=base))
    return base


AREA_MODULES = (
    matrix_cases, matrix_meetings, matrix_api_cases, matrix_outreach, matrix_participation, matrix_community,
    matrix_evaluation, matrix_practices, matrix_people_merge,
)  # fmt: skip

# Rows of later areas live beside this file, one module per area, each with ROWS and an `objects` builder.
for _module in AREA_MODULES:
    assert not set(_module.ROWS) & set(MATRIX), _module.__name__
    MATRIX.update(_module.ROWS)

CASES = [(name, actor) for name in MATRIX for actor in ACTORS]


@pytest.mark.parametrize(("route", "actor"), CASES, ids=[f"{r}-{a}" for r, a in CASES])
def test_authorization_matrix(client, users, objects, route, actor):
    method, kwargs_key, expected = MATRIX[route]
    if isinstance(kwargs_key, dict):  # several URL arguments: {kwarg: object key}
        kwargs = {kwarg: objects[key] for kwarg, key in kwargs_key.items()}
    else:
        kwarg = "person_pk" if kwargs_key == "person_pk" else "pk"
        kwargs = {kwarg: objects[kwargs_key]} if kwargs_key else {}
    if users[actor] is not None:
        login(client, users[actor])
    url = reverse(route, kwargs=kwargs)
    response = client.get(url) if method == "GET" else client.post(url)
    assert response.status_code == expected[actor], (route, actor, response.status_code)
    if response.status_code == 302 and actor == "anonymous" and route != "core:logout":
        assert response["Location"].startswith(reverse("core:login"))
