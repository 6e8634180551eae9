"""Outreach pages through the Django client: the list (overdue first), start, record attempts, stage, identify,
link the case, close; the access log for reads and writes; bad input answered in Japanese, never a 500."""

import pytest
from django.urls import reverse

from conftest import login
from kasane.cases import services as case_services
from kasane.core.models import AccessLogEntry
from kasane.outreach import services
from kasane.outreach.models import Engagement

from .conftest import days_ago, fresh, start, today


@pytest.fixture
def as_outreach(client, users):
    return login(client, users["outreach"])


def test_list_shows_overdue_first_and_logs_each_row(as_outreach, outreach):
    later = start(outreach, description="70代女性、長良", next_attempt_on=today())
    overdue = start(outreach, description="60代男性、鷺山")
    Engagement.objects.filter(pk=overdue.pk).update(next_attempt_on=days_ago(3))
    response = as_outreach.get(reverse("outreach:engagement_list"))
    body = response.content.decode()
    assert response.status_code == 200 and "期限超過" in body
    assert body.index("60代男性、鷺山") < body.index("70代女性、長良")
    logged = set(AccessLogEntry.objects.filter(action="list", object_type="outreach.engagement")
                 .values_list("object_id", flat=True))  # fmt: skip
    assert logged == {str(later.pk), str(overdue.pk)}


def test_start_record_attempts_and_change_stage_through_the_pages(as_outreach, outreach):
    response = as_outreach.post(reverse("outreach:engagement_create"), {
        "description": "60代男性、○○町のアパート", "source": "resident", "started_on": "令和7年4月1日", "area": "鷺山",
    })  # fmt: skip
    engagement = Engagement.objects.get()
    assert response.status_code == 302 and engagement.started_on.isoformat() == "2025-04-01"
    url = reverse("outreach:attempt_create", kwargs={"pk": engagement.pk})
    response = as_outreach.post(url, {"attempted_on": today().isoformat(), "method": "visit", "outcome": "talked",
                                      "note": "玄関越しに会話"})  # fmt: skip
    assert response.status_code == 302 and fresh(engagement).stage == "contacted"
    response = as_outreach.post(reverse("outreach:stage_change", kwargs={"pk": engagement.pk}), {
        "stage": "relationship", "changed_on": today().isoformat(), "version": fresh(engagement).version,
    })  # fmt: skip
    assert response.status_code == 302 and fresh(engagement).stage == "relationship"
    detail = as_outreach.get(reverse("outreach:engagement_detail", kwargs={"pk": engagement.pk}))
    assert "玄関越しに会話" in detail.content.decode() and "関係形成" in detail.content.decode()
    actions = set(
        AccessLogEntry.objects.filter(object_type__startswith="outreach.").values_list("action", flat=True)
    )
    assert {"create", "update", "view"} <= actions


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"attempted_on": "2199-01-01"}, "未来"),
        ({"method": "fax"}, "選択"),
        ({"outcome": "maybe"}, "選択"),
        ({"note": "abc\x00def"}, "文字"),
        ({"attempted_on": "令和99年99月99日"}, ""),
    ],
)
def test_attempt_bad_input_is_a_japanese_message(as_outreach, outreach, data, message):
    engagement = start(outreach)
    fields = {"attempted_on": today().isoformat(), "method": "visit", "outcome": "absent"} | data
    response = as_outreach.post(reverse("outreach:attempt_create", kwargs={"pk": engagement.pk}), fields)
    assert response.status_code == 200
    assert message in response.content.decode() and "入力内容に誤りがあります" in response.content.decode()
    assert not engagement.attempts.exists()


@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775807"])
def test_huge_ids_are_404(as_outreach, pk):
    assert as_outreach.get(f"/outreach/{pk}/").status_code == 404


def test_case_link_with_a_huge_or_foreign_id_is_a_message(as_outreach, outreach, users):
    engagement = start(outreach)
    engagement = services.person_identify(user=outreach, engagement=engagement, version=engagement.version,
                                          new_person={"family_name": "鷺山"})  # fmt: skip
    case = case_services.case_open(user=users["collaboration"], person=engagement.person, title="鷺山さん",
                                   reason_several_fields=True)  # fmt: skip
    url = reverse("outreach:case_link", kwargs={"pk": engagement.pk})
    for value in ("99999999999999999999999", "x", str(case.pk + 1000)):
        response = as_outreach.post(url, {"case": value, "version": engagement.version}, follow=True)
        assert response.status_code == 200 and fresh(engagement).case_id is None
    response = as_outreach.post(url, {"case": case.pk, "version": engagement.version}, follow=True)
    assert "結びつけました" in response.content.decode() and fresh(engagement).case_id == case.pk


def test_identify_through_the_page_and_the_counselor_still_gets_404(as_outreach, outreach, client, users):
    engagement = start(outreach)
    response = as_outreach.post(reverse("outreach:person_identify", kwargs={"pk": engagement.pk}), {
        "family_name": "鷺山", "given_name": "守", "family_kana": "サギヤマ", "version": engagement.version,
    })  # fmt: skip
    assert response.status_code == 302 and fresh(engagement).person.family_name == "鷺山"
    login(client, users["counselor"])
    assert client.get(reverse("outreach:engagement_detail", kwargs={"pk": engagement.pk})).status_code == 404


def test_identify_with_an_invisible_person_id_is_refused(as_outreach, outreach, users):
    from kasane.people import services as people_services

    hidden = people_services.person_create(user=users["counselor"], family_name="秘密")
    engagement = start(outreach)
    response = as_outreach.post(reverse("outreach:person_identify", kwargs={"pk": engagement.pk}),
                                {"person_id": hidden.pk, "version": engagement.version})  # fmt: skip
    assert response.status_code == 200 and "閲覧する権限がありません" in response.content.decode()
    assert fresh(engagement).person_id is None


def test_api_engagement_flow_and_refusals(client, users, outreach):
    login(client, outreach)
    response = client.post("/api/v1/engagements/", {"description": "60代男性", "source": "agency"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content
    pk, version = response.json()["id"], response.json()["version"]
    response = client.post(f"/api/v1/engagements/{pk}/attempts/", {"attempted_on": "2199-01-01", "method": "visit",
                           "outcome": "absent"}, content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "日付" in response.json()["detail"] + str(
        response.json().get("errors")
    )
    response = client.post(f"/api/v1/engagements/{pk}/attempts/", {"attempted_on": today().isoformat(),
                           "method": "visit", "outcome": "met", "note": "a\x00b"}, content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    response = client.post(f"/api/v1/engagements/{pk}/attempts/", {"attempted_on": today().isoformat(),
                           "method": "visit", "outcome": "met"}, content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    response = client.post(f"/api/v1/engagements/{pk}/stage/", {"stage": "relationship", "version": version},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 409  # the attempt moved the engagement on: stale version
    detail = client.get(f"/api/v1/engagements/{pk}/").json()
    assert detail["stage"] == "contacted" and len(detail["attempts"]) == 1
    assert client.get("/api/v1/engagements/99999999999999999999/").status_code == 404
    login(client, users["counselor"])
    assert client.get(f"/api/v1/engagements/{pk}/").status_code == 404
    assert client.get("/api/v1/engagements/").json()["count"] == 0
