import pytest
import yaml
from rest_framework.test import APIClient

from kasane.core.models import AccessLogEntry, ApiToken


@pytest.fixture
def api(users):
    def _client(actor):
        client = APIClient()
        _token, key = ApiToken.issue(user=users[actor], name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return _client


def test_a_token_authenticates_as_its_user(api):
    response = api("counselor").get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "counselor"
    assert response.json()["role_labels"] == ["相談員"]


def test_a_wrong_or_revoked_token_is_refused_in_japanese(api, users):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer ksn_not-a-real-token")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "APIトークンが無効か、失効しています。",
        "code": "authentication_failed",
    }

    counselor = api("counselor")
    token = ApiToken.objects.get(user=users["counselor"])
    admin = api("admin")
    assert admin.post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 200
    assert counselor.get("/api/v1/me/").status_code == 401


def test_only_a_hash_of_the_token_is_stored(users):
    token, key = ApiToken.issue(user=users["counselor"], name="集計")
    assert key not in token.key_hash and len(token.key_hash) == 64


def test_the_api_applies_the_same_policy_and_audit_as_the_ui(api, users):
    assert api("counselor").get("/api/v1/staff/").status_code == 403
    other = api("other_admin")
    assert other.get(f"/api/v1/staff/{users['counselor'].pk}/").status_code == 404
    admin = api("admin")
    assert admin.get(f"/api/v1/staff/{users['counselor'].pk}/").status_code == 200
    entry = AccessLogEntry.objects.get(action="view")
    assert (entry.via, entry.username, entry.object_id) == ("api", "admin", str(users["counselor"].pk))


def test_agency_search_in_hiragana_through_the_api(api, agency):
    response = api("counselor").get("/api/v1/agencies/", {"q": "かいご"})
    assert response.status_code == 200
    assert [a["name"] for a in response.json()["results"]] == ["地域包括支援センター"]


def test_creating_an_agency_validates_input_in_japanese(api):
    admin = api("admin")
    response = admin.post("/api/v1/agencies/", {"name": "", "field": "nonsense"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"] == "入力内容に誤りがあります。"
    assert set(body["errors"]) == {"name", "field"}
    created = admin.post(
        "/api/v1/agencies/", {"name": "新窓口", "field": "other", "theme_ids": []}, format="json"
    )
    assert created.status_code == 201
    assert (
        api("counselor").post("/api/v1/agencies/", {"name": "x", "field": "other"}, format="json").status_code
        == 403
    )


def test_a_stale_version_is_a_409_conflict(api, agency):
    admin = api("admin")
    body = {"name": agency.name, "field": "elderly", "phone": "058-1", "version": agency.version}
    assert admin.put(f"/api/v1/agencies/{agency.pk}/", body, format="json").status_code == 200
    body["phone"] = "058-2"
    response = admin.put(f"/api/v1/agencies/{agency.pk}/", body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_malformed_input_never_gives_a_500(api, agency):
    admin = api("admin")
    for bad in ["not json", "[1, 2]", '{"name": null}', '{"theme_ids": "x"}']:
        response = admin.generic("POST", "/api/v1/agencies/", bad, content_type="application/json")
        assert response.status_code == 400, bad
    assert admin.get("/api/v1/access-log/", {"date_from": "2月30日"}).status_code == 400
    assert admin.get("/api/v1/agencies/", {"theme": "abc", "limit": "x"}).status_code == 200
    assert admin.post("/api/v1/agencies/", {"name": "x", "field": "other", "theme_ids": [999999]},
                      format="json").status_code == 400  # fmt: skip


def test_the_openapi_schema_declares_every_route_and_its_error_responses(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert "/api/v1/agencies/{id}/" in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "404"} <= codes or path == "/api/v1/me/", (path, method, codes)
    assert "409" in paths["/api/v1/agencies/{id}/"]["put"]["responses"]
    assert "Error" in schema["components"]["schemas"]


def test_the_openapi_schema_generates_without_warnings(db):
    # drf-spectacular's own check runs only with --deploy (as CI does with production settings).
    from drf_spectacular.checks import schema_check

    assert schema_check(None) == []
