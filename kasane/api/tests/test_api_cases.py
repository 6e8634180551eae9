"""The 多機関協働 API end to end with Bearer tokens: the 長野さん一家 flow from opening the case to the start of
support, the refusals (409 with the Japanese reason), the 支援会議's secrecy, and hostile input."""

from datetime import timedelta

import pytest
import yaml
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import make_agency, make_user
from kasane.core.models import AccessLogEntry, ApiToken
from kasane.core.roles import Role
from kasane.intake import services as intake_services
from kasane.meetings import services as meeting_services
from kasane.people import services as people_services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def staff(municipality, agency):
    """The collaboration worker at the 包括, the municipal office's officer, and a counselor elsewhere."""
    other = make_agency(municipality, "障害者生活支援センター")
    return {
        "worker": make_user(municipality, "kyodo", [Role.COLLABORATION, Role.COUNSELOR], agency=agency),
        "office": make_user(municipality, "shichoson", [Role.MUNICIPAL]),
        "outsider": make_user(municipality, "gaibu", [Role.COUNSELOR], agency=other),
    }


@pytest.fixture
def api(staff):
    def _client(actor):
        client = APIClient()
        _token, key = ApiToken.issue(user=staff[actor], name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return _client


@pytest.fixture
def nagano(api, staff, agency):
    """正美 (45) and her son 正太 (14, 不登校), registered through the API, with 正美's written consent."""
    worker = api("worker")
    masami = worker.post(
        "/api/v1/persons/", {"family_name": "長野", "given_name": "正美"}, format="json"
    ).json()
    shota = worker.post(
        "/api/v1/persons/", {"family_name": "長野", "given_name": "正太"}, format="json"
    ).json()
    consent = worker.post(
        "/api/v1/consents/",
        {"person": masami["id"], "obtained_on": str(TODAY), "method": "written", "agency_ids": [agency.pk],
         "share_consultation": True, "share_household": True},
        format="json",
    )  # fmt: skip
    assert consent.status_code == 201, consent.json()
    from kasane.people.models import Person

    head = Person.objects.get(pk=masami["id"])
    household = people_services.household_create(user=staff["worker"], head=head)
    people_services.membership_add(
        user=staff["worker"],
        household=household,
        person=Person.objects.get(pk=shota["id"]),
        relationship="child",
    )
    return {"masami": masami["id"], "shota": shota["id"], "household": household.pk}


def _open(client, nagano, **extra):
    body = {"person": nagano["masami"], "household": nagano["household"], "title": "長野さん一家",
            "reasons": ["several_fields", "outreach_participation"], "summary": "8050と不登校", **extra}  # fmt: skip
    return client.post("/api/v1/cases/", body, format="json")


def _plan_body(agency, **extra):
    return {
        "goals": "正太さんが安心して過ごせる居場所を見つける",
        "policy": "家計の安定と、正太さんの日中の居場所づくりを並行して進める",
        "supports": [{"kind": "participation", "agency": agency.pk, "content": "地域の居場所とのマッチング",
                      "frequency": "週1回"}],
        "monitoring_dates": [str(TODAY + timedelta(days=30))],
        **extra,
    }  # fmt: skip


def _version(client, case_id):
    return client.get(f"/api/v1/cases/{case_id}/").json()["version"]


def test_the_nagano_flow_from_opening_to_support(api, nagano, agency):
    worker, office = api("worker"), api("office")

    opened = _open(worker, nagano)
    assert opened.status_code == 201, opened.json()
    case = opened.json()
    assert (case["state"], case["route"], case["current_plan_number"]) == ("draft", "plan", None)
    assert case["reasons"] == ["several_fields", "outreach_participation"]
    assert case["consent"]["agencies"] == [agency.name]
    assert case["lead_agency_name"] == agency.name
    assert {m["agency_name"] for m in case["team"]} == {agency.name, "市町村（所管課）"}
    assert "アセスメント" in case["next_step"]["text"] and case["next_step"]["actions"] == []
    url = f"/api/v1/cases/{case['id']}"

    assessment = worker.post(f"{url}/assessments/", {
        "assessed_on": str(TODAY), "household_issues": "母の収入が少なく、子が不登校",
        "entries": [
            {"person": nagano["masami"], "relationship": "母", "areas": {"income": {"items": ["low_income"],
                                                                                   "note": "月10万"}},
             "strengths": "家族思い", "agency_ids": [agency.pk]},
            {"person": nagano["shota"], "relationship": "子", "areas": {"childcare": {"items": ["school_refusal"]}},
             "wishes": "ゲームが好き"},
        ],
    }, format="json")  # fmt: skip
    assert assessment.status_code == 201, assessment.json()
    detail = worker.get(f"/api/v1/assessments/{assessment.json()['id']}/").json()
    assert detail["entries"][0]["areas"] == {"income": {"items": ["low_income"], "note": "月10万"}}
    assert detail["entries"][0]["agency_ids"] == [agency.pk]
    assert [a["number"] for a in worker.get(f"{url}/assessments/").json()] == [1]

    plan = worker.post(f"{url}/plans/", _plan_body(agency), format="json")
    assert plan.status_code == 201, plan.json()
    plan = plan.json()
    assert (plan["number"], plan["needs_decision"], plan["editable"]) == (1, True, True)
    assert [m["due_on"] for m in plan["monitorings"]] == [str(TODAY + timedelta(days=30))]

    # Without the ① meeting's approval the state machine refuses, in Japanese.
    refused = worker.post(f"{url}/transitions/", {"action": "submit_plan", "version": _version(worker, case["id"])},
                          format="json")  # fmt: skip
    assert refused.status_code == 409
    assert refused.json()["code"] == "transition_refused" and "①" in refused.json()["detail"]

    meeting = worker.post("/api/v1/meetings/", {"kind": "plan", "title": "重層的支援会議（定例）",
                                                "held_on": str(TODAY), "place": "市役所 会議室"}, format="json")  # fmt: skip
    assert meeting.status_code == 201, meeting.json()
    assert meeting.json()["items_hidden"] is False
    item = worker.post(f"/api/v1/meetings/{meeting.json()['id']}/items/",
                       {"kind": "case", "case": case["id"], "timing": 1}, format="json")  # fmt: skip
    assert item.status_code == 201, item.json()
    assert (item.json()["plan_number"], item.json()["title"]) == (1, "長野さん一家（①プラン策定時）")
    approved = worker.patch(f"/api/v1/meeting-items/{item.json()['id']}/",
                            {"minutes": "プランを検討した", "outcome": "approve_plan", "version": item.json()["version"]},
                            format="json")  # fmt: skip
    assert approved.status_code == 200, approved.json()
    assert approved.json()["outcome"] == "approve_plan" and approved.json()["minutes"] == "プランを検討した"
    assert worker.get(f"/api/v1/plans/{plan['id']}/").json()["editable"] is False

    submitted = worker.post(f"{url}/transitions/", {"action": "submit_plan", "version": _version(worker, case["id"])},
                            format="json")  # fmt: skip
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["state"] == "awaiting_decision"
    assert submitted.json()["next_step"]["needs_decision"] is True

    # The 支援決定 is the municipal office's: the collaboration worker sees the case but may not decide.
    assert worker.post(f"{url}/decisions/", {}, format="json").status_code == 403
    decision = office.post(f"{url}/decisions/", {"note": "参加支援を決定"}, format="json")
    assert decision.status_code == 201, decision.json()
    assert (decision.json()["plan_number"], decision.json()["case_state"]) == (1, "confirmed")
    again = office.post(f"{url}/decisions/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "transition_refused"
    assert "支援決定待ち" in again.json()["detail"]

    put = worker.put(
        f"/api/v1/plans/{plan['id']}/", {**_plan_body(agency), "version": plan["version"]}, format="json"
    )
    assert put.status_code == 409
    assert put.json() == {"detail": "確定したプランは変更できません。変更するには再プランを作成してください。",
                          "code": "transition_refused"}  # fmt: skip

    detail = worker.get(f"{url}/")
    assert detail.json()["state"] == "confirmed"
    assert detail.json()["next_step"]["actions"] == [{"action": "start_support", "label": "支援を開始する"}]
    started = worker.post(f"{url}/transitions/", {"action": "start_support", "version": detail.json()["version"]},
                          format="json")  # fmt: skip
    assert started.status_code == 200 and started.json()["state"] == "monitoring"
    assert {a["action"] for a in started.json()["next_step"]["actions"]} == {"close", "suspend"}

    # Closing needs the ③ meeting: refused with the reason; a stale version is a conflict, not a step.
    close = worker.post(f"{url}/transitions/", {"action": "close", "version": started.json()["version"],
                                                "closing_evaluation": "目標達成", "follow_up": "見守り"}, format="json")  # fmt: skip
    assert close.status_code == 409 and "③" in close.json()["detail"]
    stale = worker.post(f"{url}/transitions/", {"action": "close", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"

    listed = worker.get("/api/v1/cases/").json()
    assert [c["id"] for c in listed["results"]] == [case["id"]]
    assert worker.get("/api/v1/cases/", {"state": "draft"}).json()["count"] == 0
    views = AccessLogEntry.objects.filter(
        case_id=case["id"], via="api", action="view", object_type="cases.collaborationcase"
    )
    assert views.exists()


def test_the_team_outside_the_consent_does_not_see_the_case(api, nagano):
    case = _open(api("worker"), nagano).json()
    outsider = api("outsider")
    for path in (f"/api/v1/cases/{case['id']}/", f"/api/v1/cases/{case['id']}/plans/"):
        response = outsider.get(path)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path
        # the same words for "missing" and "not yours" (DRF's own translation says only 見つかりませんでした)
        assert response.json()["detail"] == "見つからないか、閲覧する権限がありません。"
    assert outsider.get("/api/v1/cases/").json()["count"] == 0
    assert outsider.post("/api/v1/cases/", {}, format="json").status_code == 403  # a counselor opens no case


def test_an_invisible_person_reads_the_same_as_a_missing_one(api, staff, nagano):
    hidden = intake_services.intake_record(
        user=staff["outsider"], new_person={"family_name": "秘密", "given_name": "花子"},
        consultation={"received_on": TODAY, "route": "visit", "consulter": "self", "response": "completed"},
    ).person  # fmt: skip
    worker = api("worker")
    invisible = _open(worker, nagano, person=hidden.pk, household=None)
    missing = _open(worker, nagano, person=hidden.pk + 10_000, household=None)
    assert invisible.status_code == missing.status_code == 400
    assert invisible.json() == missing.json()
    assert invisible.json()["errors"] == {
        "person": ["指定された本人が見つからないか、閲覧する権限がありません。"]
    }
    assert not AccessLogEntry.objects.filter(person_id=hidden.pk, username="kyodo").exists()
    # The same for a household, consultation or referral the user may not see.
    for field in ("household", "consultation", "referral"):
        response = _open(worker, nagano, **{field: 2**62})
        assert response.status_code == 400 and field in response.json()["errors"], field


def test_editing_an_earlier_version_or_a_stale_one_is_refused(api, nagano, agency):
    worker = api("worker")
    case = _open(worker, nagano).json()
    plan = worker.post(f"/api/v1/cases/{case['id']}/plans/", _plan_body(agency), format="json").json()
    body = {**_plan_body(agency, goals="書き直した目標"), "version": plan["version"]}
    updated = worker.put(f"/api/v1/plans/{plan['id']}/", body, format="json")
    assert updated.status_code == 200 and updated.json()["goals"] == "書き直した目標"
    stale = worker.put(f"/api/v1/plans/{plan['id']}/", body, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    second = worker.post(f"/api/v1/cases/{case['id']}/plans/", _plan_body(agency), format="json")
    assert second.status_code == 409 and "作成中" in second.json()["detail"]


@pytest.fixture
def confidential(api, staff, nagano):
    """A 支援会議 convened by the office; the collaboration worker is a member who has not yet pledged."""
    office = api("office")
    meeting = office.post("/api/v1/meetings/", {"kind": "confidential", "title": "支援会議", "held_on": str(TODAY),
                                                "online": True}, format="json")  # fmt: skip
    assert meeting.status_code == 201, meeting.json()
    meeting = meeting.json()
    assert (
        meeting["pledge_required"] is True and meeting["pledged"] is False and meeting["items_hidden"] is True
    )
    from kasane.meetings.models import Meeting

    meeting_services.participant_add(user=staff["office"], meeting=Meeting.objects.get(pk=meeting["id"]),
                                     staff=staff["worker"])  # fmt: skip
    url = f"/api/v1/meetings/{meeting['id']}"
    assert office.post(f"{url}/items/", {"kind": "concern", "title": "x"}, format="json").status_code == 403
    assert office.post(f"{url}/pledge/", {"accepted": True}, format="json").status_code == 200
    item = office.post(f"{url}/items/", {"kind": "emergency", "title": "衰弱が心配な高齢者",
                                         "emergency_reason": "weakness"}, format="json")  # fmt: skip
    assert item.status_code == 201, item.json()
    return {"meeting": meeting["id"], "item": item.json()["id"]}


def test_a_confidential_meetings_items_are_hidden_before_the_pledge(api, confidential):
    worker, outsider = api("worker"), api("outsider")
    meeting_url = f"/api/v1/meetings/{confidential['meeting']}/"
    item_url = f"/api/v1/meeting-items/{confidential['item']}/"

    before = worker.get(meeting_url).json()
    assert before["items"] == [] and before["items_hidden"] is True and "守秘義務" in before["items_notice"]
    assert worker.get(item_url).status_code == 404
    assert worker.patch(item_url, {"minutes": "x", "version": 1}, format="json").status_code == 404
    added = worker.post(f"{meeting_url}items/", {"kind": "concern", "title": "x"}, format="json")
    assert added.status_code == 403 and "誓約" in added.json()["detail"]

    # Not a member at all: the meeting and its item do not exist for them.
    assert outsider.get(meeting_url).status_code == 404
    assert outsider.get(item_url).status_code == 404
    assert outsider.post(f"{meeting_url}pledge/", {"accepted": True}, format="json").status_code == 404

    refused = worker.post(f"{meeting_url}pledge/", {"accepted": False}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"] == {
        "accepted": ["守秘義務の内容を確認し、同意するにチェックしてください。"]
    }
    pledge = worker.post(f"{meeting_url}pledge/", {"accepted": True}, format="json")
    assert pledge.status_code == 200 and "秘密" in pledge.json()["text"]
    after = worker.get(meeting_url).json()
    assert after["pledged"] is True and after["items_hidden"] is False and after["items_notice"] == ""
    assert [i["title"] for i in after["items"]] == ["衰弱が心配な高齢者"]
    assert worker.get(item_url).status_code == 200
    assert AccessLogEntry.objects.filter(
        username="kyodo", object_type="meetings.agendaitem", action="view"
    ).exists()


def test_the_convener_adds_members_through_the_api(api, staff, confidential):
    office, worker, outsider = api("office"), api("worker"), api("outsider")
    url = f"/api/v1/meetings/{confidential['meeting']}/participants/"
    added = office.post(url, {"staff": staff["outsider"].pk}, format="json")
    assert added.status_code == 201 and added.json()["user"] == staff["outsider"].pk
    guest = office.post(url, {"name": "信州 太郎", "organisation": "〇〇地区 民生委員"}, format="json")
    assert guest.status_code == 201 and guest.json()["organisation"] == "〇〇地区 民生委員"
    again = office.post(url, {"staff": staff["outsider"].pk}, format="json")
    assert again.status_code == 400 and "すでに構成員" in again.json()["detail"]
    assert office.post(url, {"name": "名前だけ"}, format="json").status_code == 400
    assert office.post(url, {"staff": 999999}, format="json").status_code == 400
    # a member who is not the convener may not change the members; a non-member does not see the meeting
    assert worker.post(url, {"name": "x", "organisation": "y"}, format="json").status_code == 403
    members = [
        p["name"] for p in outsider.get(f"/api/v1/meetings/{confidential['meeting']}/").json()["participants"]
    ]
    assert "信州 太郎" in members


def test_a_confidential_meeting_cannot_approve_a_plan_and_a_plan_meeting_takes_no_pledge(api, nagano, agency):
    worker = api("worker")
    case = _open(worker, nagano).json()
    worker.post(f"/api/v1/cases/{case['id']}/plans/", _plan_body(agency), format="json")
    assert worker.post("/api/v1/meetings/", {"kind": "confidential", "title": "x", "held_on": str(TODAY),
                                             "online": True}, format="json").status_code == 400  # fmt: skip
    meeting = worker.post("/api/v1/meetings/", {"kind": "plan", "title": "x", "held_on": str(TODAY),
                                                "online": True}, format="json").json()  # fmt: skip
    assert (
        worker.post(
            f"/api/v1/meetings/{meeting['id']}/pledge/", {"accepted": True}, format="json"
        ).status_code
        == 403
    )
    item = worker.post(f"/api/v1/meetings/{meeting['id']}/items/", {"kind": "case", "case": case["id"], "timing": 3},
                       format="json").json()  # fmt: skip
    wrong = worker.patch(f"/api/v1/meeting-items/{item['id']}/", {"outcome": "approve_plan", "version": item["version"]},
                         format="json")  # fmt: skip
    assert wrong.status_code == 400 and "①" in wrong.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/cases/", {"person": "x", "reasons": "several_fields", "title": None}),
        ("post", "/api/v1/cases/", {"person": 2**70, "title": "x" * 100_000, "reasons": ["nope"]}),
        ("post", "/api/v1/cases/", {"person": {"a": [[[[1]]]]}, "title": "x", "reasons": [["several_fields"]]}),
        ("post", "/api/v1/cases/", [1, 2, 3]),
        ("post", "/api/v1/cases/{case}/transitions/", {"action": "confirm", "version": "1"}),
        ("post", "/api/v1/cases/{case}/transitions/", {"action": "close", "version": 2**80}),
        ("post", "/api/v1/cases/{case}/assessments/", {"assessed_on": "9999-12-31", "entries": []}),
        ("post", "/api/v1/cases/{case}/assessments/", {"assessed_on": "2024-04-01", "entries": [
            {"person": 1, "areas": {"nope" * 1000: {"items": ["x"]}, "income": {"items": ["nope"]}}}]}),
        ("post", "/api/v1/cases/{case}/assessments/", {"assessed_on": "2024-04-01", "entries": [
            {"person": 1, "areas": {"income": "text"}}]}),
        ("post", "/api/v1/cases/{case}/plans/", {"goals": "x", "policy": "y", "supports": [{"content": "z",
                                                 "agency": 2**62, "staff": -1, "starts_on": "0001-01-01"}]}),
        ("post", "/api/v1/cases/{case}/plans/", {"goals": "x", "policy": "y", "supports": "not a list"}),
        ("post", "/api/v1/cases/{case}/decisions/", {"plan": 2**62}),
        ("post", "/api/v1/meetings/", {"kind": "plan", "title": "\x00", "held_on": "R6.4.1", "starts_at": "25:00"}),
        ("post", "/api/v1/meetings/", {"kind": "plan", "title": "x", "held_on": "2024-04-01", "body": 2**62,
                                       "online": True}),
    ],
)  # fmt: skip
def test_hostile_input_is_a_400_never_a_500(api, nagano, method, path, body):
    worker = api("worker")
    case = _open(worker, nagano).json()
    client = api("office") if "decisions" in path else worker  # the 支援決定 is the office's
    response = getattr(client, method)(path.format(case=case["id"]), body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["detail"] and response.json()["code"] == "invalid"


def test_ids_out_of_range_and_deep_json_never_give_a_500(api, nagano):
    worker = api("worker")
    huge = "9" * 30
    for path in (f"/api/v1/cases/{huge}/", f"/api/v1/plans/{huge}/", f"/api/v1/assessments/{huge}/",
                 f"/api/v1/meetings/{huge}/", f"/api/v1/meeting-items/{huge}/", f"/api/v1/cases/{2**63}/plans/"):  # fmt: skip
        assert worker.get(path).status_code == 404, path
    deep = "[" * 5000 + "]" * 5000
    response = worker.generic("POST", "/api/v1/cases/", deep, content_type="application/json")
    assert response.status_code == 400
    assert worker.get("/api/v1/cases/", {"state": "nope", "limit": "x"}).status_code == 400
    assert worker.get("/api/v1/cases/", {"offset": str(10**30)}).status_code == 200


def test_the_schema_declares_the_case_routes_with_their_conflicts(client, db):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    paths = schema["paths"]
    for path, method in [("/api/v1/cases/{id}/transitions/", "post"), ("/api/v1/plans/{id}/", "put"),
                         ("/api/v1/cases/{id}/decisions/", "post"), ("/api/v1/meeting-items/{id}/", "patch")]:  # fmt: skip
        assert {"400", "401", "403", "404", "409"} <= set(paths[path][method]["responses"]), path


def _case_operations():
    import json

    import schemathesis
    from drf_spectacular.generators import SchemaGenerator

    spec = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    operations = [r.ok() for r in schemathesis.openapi.from_dict(spec).get_all_operations()]
    prefixes = ("/api/v1/cases/{id}", "/api/v1/plans/", "/api/v1/meetings/{id}", "/api/v1/meeting-items/")
    return [op for op in operations if op.path.startswith(prefixes) and op.method.upper() != "GET"]


CASE_OPERATIONS = _case_operations()


@pytest.mark.parametrize("operation", CASE_OPERATIONS, ids=[op.label for op in CASE_OPERATIONS])
def test_generated_input_on_real_records_never_gives_a_500(api, staff, nagano, agency, operation):
    """Schemathesis, valid and invalid bodies alike, against a real case, plan, meeting and item (the generic
    fuzz test mostly meets 404s: its ids rarely exist)."""
    import json

    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode
    from schemathesis.core import NotSet

    worker = api("worker")
    case = _open(worker, nagano).json()
    plan = worker.post(f"/api/v1/cases/{case['id']}/plans/", _plan_body(agency), format="json").json()
    meeting = worker.post("/api/v1/meetings/", {"kind": "plan", "title": "会議", "held_on": str(TODAY),
                                                "online": True}, format="json").json()  # fmt: skip
    item = worker.post(f"/api/v1/meetings/{meeting['id']}/items/", {"kind": "case", "case": case["id"], "timing": 1},
                       format="json").json()  # fmt: skip
    ids = {"/api/v1/cases/": case["id"], "/api/v1/plans/": plan["id"], "/api/v1/meetings/": meeting["id"],
           "/api/v1/meeting-items/": item["id"]}  # fmt: skip
    pk = next(v for prefix, v in ids.items() if operation.path.startswith(prefix))
    actor = "office" if "decisions" in operation.path else "worker"
    _token, key = ApiToken.issue(user=staff[actor], name="fuzz")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}")

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @given(generated=operation.as_strategy(mode, path_parameters={"id": pk}))
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(generated):
            body = generated.body
            if isinstance(body, NotSet):
                body = ""
            elif not isinstance(body, bytes):
                body = json.dumps(body)
            response = client.generic(generated.method, generated.formatted_path, body,
                                      content_type=generated.media_type or "application/json")  # fmt: skip
            assert response.status_code < 500, (generated.path, generated.body, response.content[:300])
            if response.status_code >= 400:
                assert "detail" in response.json()

        check()
