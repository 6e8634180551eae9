"""The progress sheet and outcome target API: reads for every role, writes for municipal and admin, 409 on a
stale version, 400 in Japanese for a rule the service refuses, 404 for another municipality."""

import pytest
from rest_framework.test import APIClient

from kasane.core.models import ApiToken
from kasane.evaluation.models import Actual

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(users):
    def _client(actor):
        client = APIClient()
        _token, key = ApiToken.issue(user=users[actor], name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return _client


def test_the_list_of_a_year_has_the_documents_values(api, plan):
    rows = api("evaluator").get(f"/api/v1/evaluation/plans/{plan.pk}/sheets/?fiscal_year=2022").json()
    by_number = {r["number"]: r for r in rows}
    assert [by_number[n]["progress_rate"] for n in ("1-1", "2-1", "3-3", "4-1", "4-2", "4-5")] == [
        100, 29, 96, 43, 400, 43,
    ]  # fmt: skip
    assert by_number["4-2"]["grade"] == "A" and by_number["4-2"]["basis"] == "computed"
    assert by_number["2-2"]["grade"] == "A" and by_number["2-2"]["basis"] == "judged"
    assert by_number["4-4"]["grade"] == "" and by_number["4-4"]["indicator"] is None


def test_a_sheet_and_the_indicators(api, plan):
    measure = plan.measures.get(number="4-1")
    sheet = api("counselor").get(f"/api/v1/evaluation/sheets/{measure.pk}/?fiscal_year=2022").json()
    assert sheet["actual_value"] == "80.900" and sheet["progress_rate"] == 43
    assert len(sheet["initiatives"]) == 2 and sheet["initiatives"][0]["section"] == "危機管理 防災課"
    indicators = api("evaluator").get("/api/v1/evaluation/indicators/").json()["results"]
    assert len(indicators) == 12


def test_writes_follow_the_rule_and_the_version(api, plan):
    measure = plan.measures.get(number="2-1")
    url = f"/api/v1/evaluation/sheets/{measure.pk}/actual/"
    body = {"version": measure.version, "fiscal_year": 2023, "value": "8"}
    assert api("evaluator").put(url, body, format="json").status_code == 403
    response = api("municipal").put(url, body, format="json")
    assert response.status_code == 200 and response.json()["grade"] == "A"
    assert response.json()["progress_rate"] == 114
    stale = api("admin").put(url, body | {"value": "1"}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert Actual.objects.get(indicator__measure=measure, fiscal_year=2023).value == 8
    outside = api("admin").put(
        url, body | {"fiscal_year": 2030, "version": measure.version + 1}, format="json"
    )
    assert outside.status_code == 400 and "計画期間" in str(outside.json())
    url = f"/api/v1/evaluation/sheets/{measure.pk}/evaluation/"
    wrong = {"version": measure.version + 1, "fiscal_year": 2023, "grade": "C", "reasons": "x"}
    refused = api("admin").put(url, wrong, format="json")
    assert refused.status_code == 400 and "算出されます" in str(refused.json())


def test_another_municipality_gets_404(api, plan):
    assert api("other_admin").get(f"/api/v1/evaluation/plans/{plan.pk}/sheets/").status_code == 404
    assert api("other_admin").get("/api/v1/evaluation/indicators/").json()["results"] == []


def test_outcome_targets(api):
    body = {"project": "item2", "fiscal_year": 2024, "item": "活動参加の場への利用につながった人数", "number": "3",
            "unit": "人", "comparison": "gte", "actual_value": "2"}  # fmt: skip
    assert api("counselor").post("/api/v1/evaluation/targets/", body, format="json").status_code == 403
    created = api("municipal").post("/api/v1/evaluation/targets/", body, format="json")
    assert created.status_code == 201 and created.json()["achieved"] is False
    target = created.json()
    updated = api("admin").put(f"/api/v1/evaluation/targets/{target['id']}/", body | {"actual_value": "3",
                               "version": target["version"]}, format="json")  # fmt: skip
    assert updated.status_code == 200 and updated.json()["achieved"] is True
    listed = api("evaluator").get("/api/v1/evaluation/targets/?fiscal_year=2024").json()
    assert [t["actual"] for t in listed] == ["3.000"]
    assert api("evaluator").get(f"/api/v1/evaluation/targets/{2**63}/").status_code == 404
