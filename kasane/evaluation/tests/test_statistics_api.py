"""GET /api/v1/statistics/: the same figures and 秘匿処理 as the page; Japanese errors; in the OpenAPI schema."""

from datetime import date

import pytest

from conftest import login
from kasane.intake import services as intake_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(users):
    for d in (1, 2, 3):
        intake_services.intake_record(
            user=users["counselor"], new_person={"family_name": "秘密", "given_name": f"太郎{d}"},
            consultation={"received_on": date(2024, 4, d), "route": "visit", "consulter": "self",
                          "response": "advice"},
        )  # fmt: skip
    intake_services.intake_record(
        user=users["counselor"], new_person={"family_name": "秘密", "given_name": "次郎"},
        consultation={"received_on": date(2024, 6, 1), "route": "phone", "consulter": "self", "response": "advice"},
    )  # fmt: skip
    return users


def rows(response) -> dict:
    return {r["key"]: r for r in response.json()["rows"]}


def test_the_evaluator_gets_suppressed_numbers_only(client, recorded):
    login(client, recorded["evaluator"])
    response = client.get("/api/v1/statistics/?fiscal_year=令和6年度")
    assert response.status_code == 200
    assert response.json()["suppressed"] is True
    real = rows(response)["consultations_real"]
    # June's 1 is hidden; April's 3 too, else 4 − 3 would give it away (二次秘匿).
    assert (real["total"], real["months"][0], real["months"][2]) == (4, "*", "*")
    assert "秘密" not in response.content.decode()


def test_the_municipal_officer_gets_raw_numbers(client, recorded):
    login(client, recorded["municipal"])
    real = rows(client.get("/api/v1/statistics/?fiscal_year=2024"))["consultations_real"]
    assert real["months"][:3] == [3, 0, 1]


def test_a_bad_year_is_a_japanese_400(client, recorded):
    login(client, recorded["municipal"])
    response = client.get("/api/v1/statistics/?fiscal_year=abc")
    assert response.status_code == 400
    assert response.json()["errors"]["fiscal_year"] == [
        "年度の形式が正しくありません（例：2024、2024年度、令和6年度、R6年度）。"
    ]
    assert client.get("/api/v1/statistics/").status_code == 200  # the current 年度


def test_the_schema_declares_it(client, db):
    assert "/api/v1/statistics/" in client.get("/api/v1/schema/").content.decode()


def test_a_target_actual_hidden_by_secondary_suppression_is_hidden_in_the_api(client, users):
    """新規相談 1 + 1 + 1 by month: the 年度計 3 is hidden (二次秘匿: all 1s), so the target's actual is too."""
    from kasane.evaluation import services

    for month in (4, 5, 6):
        intake_services.intake_record(
            user=users["counselor"], new_person={"family_name": "秘密", "given_name": f"三郎{month}"},
            consultation={"received_on": date(2024, month, 1), "route": "visit", "consulter": "self",
                          "response": "advice"},
        )  # fmt: skip
    services.target_create(user=None, municipality_id=users["municipal"].municipality_id, project="item2",
                           fiscal_year=2024, item="新規相談件数", number="2", unit="件", comparison="gte",
                           stat_key="new_consultations")  # fmt: skip
    login(client, users["evaluator"])
    assert rows(client.get("/api/v1/statistics/?fiscal_year=2024"))["consultations_real"]["total"] == "*"
    (target,) = client.get("/api/v1/evaluation/targets/?fiscal_year=2024").json()
    assert target["suppressed"] is True and target["actual"] is None and target["achieved"] is None
    login(client, users["municipal"])
    (target,) = client.get("/api/v1/evaluation/targets/?fiscal_year=2024").json()
    assert target["suppressed"] is False and target["actual"] == "3" and target["achieved"] is True
