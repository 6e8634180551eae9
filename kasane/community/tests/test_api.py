"""The 地域づくり API: create and read through JSON, Japanese errors for bad counts, 409 for stale versions,
read-only staff refused, another municipality sees nothing, hostile ids are 404."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from kasane.community import services
from kasane.core.models import ApiToken

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    _token, key = ApiToken.issue(user=user, name="試験")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def salon(users):
    return services.activity_create(
        user=users["municipal"], name="本荘ふれあいいきいきサロン", project="3kon"
    )


def test_an_activity_and_its_sessions_through_the_api(users):
    client = api(users["outreach"])
    response = client.post("/api/v1/community/activities/", {"name": "加納 親子のひろば", "project": "3ni",
                           "kind": "kosodate", "area": "加納地区"}, format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    body = {"held_on": "2024-06-10", "age_0_17": 14, "age_18_39": 11, "volunteers": 2}
    response = client.post(f"/api/v1/community/activities/{pk}/sessions/", body, format="json")
    assert response.status_code == 201 and response.json()["participants"] == 25
    rows = client.get("/api/v1/community/activities/", {"fiscal_year": 2024}).json()["results"]
    assert [(r["name"], r["year_sessions"], r["year_participants"]) for r in rows] == [
        ("加納 親子のひろば", 1, 25)
    ]
    figures = api(users["evaluator"]).get("/api/v1/community/figures/", {"fiscal_year": 2024}).json()
    assert figures["participants"] == 25 and figures["by_project"]["3ni"]["sessions"] == 1
    assert figures["by_age_band"]["age_0_17"] == 14 and figures["label"] == "令和6年度"


@pytest.mark.parametrize("value", [1.5, -1, "abc", "1.5"])
def test_bad_counts_are_400_in_japanese(users, salon, value):
    response = api(users["municipal"]).post(f"/api/v1/community/activities/{salon.pk}/sessions/",
                                            {"held_on": "2024-06-10", "age_75_over": value}, format="json")  # fmt: skip
    assert response.status_code == 400
    message = response.json()["errors"]["age_75_over"][0]
    assert "75歳以上" in message and not message.isascii()


def test_a_stale_version_is_409(users, salon):
    session = services.session_record(user=users["municipal"], activity=salon, held_on=date(2024, 6, 10))
    client = api(users["municipal"])
    url = f"/api/v1/community/sessions/{session.pk}/"
    assert (
        client.put(url, {"held_on": "2024-06-10", "age_75_over": 5, "version": 1}, format="json").status_code
        == 200
    )
    response = client.put(url, {"held_on": "2024-06-10", "age_75_over": 9, "version": 1}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    assert client.delete(url).status_code == 204


def test_readers_cannot_write_and_strangers_see_nothing(users, salon):
    response = api(users["counselor"]).post("/api/v1/community/trainings/",
                                            {"title": "講座", "held_on": "2024-09-06"}, format="json")  # fmt: skip
    assert response.status_code == 403
    assert api(users["evaluator"]).get(f"/api/v1/community/activities/{salon.pk}/").status_code == 200
    stranger = api(users["other_admin"])
    assert stranger.get(f"/api/v1/community/activities/{salon.pk}/").status_code == 404
    assert stranger.get("/api/v1/community/activities/").json()["count"] == 0


def test_hostile_input_is_4xx(users, salon):
    client = api(users["admin"])
    assert client.get(f"/api/v1/community/activities/{2**70}/").status_code == 404
    assert client.get(f"/api/v1/community/sessions/{2**63 - 1}/").status_code == 404
    assert client.get("/api/v1/community/figures/", {"fiscal_year": "\x00"}).status_code == 400
    assert client.get("/api/v1/community/figures/", {"fiscal_year": 10**30}).status_code == 400
    response = client.post(
        "/api/v1/community/coordinators/", {"name": "金華\x00恵", "kind": "csw"}, format="json"
    )
    assert response.status_code == 400
    response = client.post("/api/v1/community/network-meetings/", {"kind": "network", "title": "会議",
                           "held_on": "0001-01-01"}, format="json")  # fmt: skip
    assert response.status_code == 400
