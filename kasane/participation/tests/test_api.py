"""The 参加支援 API: resources, suggestions with reasons, the match steps, gaps, and bad input (never a 500)."""

from django.utils import timezone

from conftest import login
from kasane.meetings.models import ResourceGap
from kasane.participation.models import Match

from .conftest import kind

TODAY = timezone.localdate().isoformat()


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data, content_type="application/json")


def test_suggestions_matches_and_steps_through_the_api(client, worker, case, resources):
    login(client, worker)
    base = f"/api/v1/cases/{case.pk}/"
    body = _json(
        client, "put", base + "participation/", {"likes": "農作業", "area": "北部", "worries_groups": True}
    ).json()
    assert body["suggestions"][0]["name"] == "畑のある居場所 ひだまり"
    assert "好きなこと（農作業）が活動内容に合う（+20）" in body["suggestions"][0]["reasons"]
    match = _json(client, "post", base + "matches/", {"resource": resources["farm"].pk}).json()
    steps = f"/api/v1/matches/{match['id']}/steps/"
    assert (
        _json(
            client, "post", steps, {"step": "approach", "on": TODAY, "note": "見学", "version": 1}
        ).status_code
        == 200
    )
    done = _json(
        client, "post", steps, {"step": "start", "on": TODAY, "version": 2, "followup_on": TODAY}
    ).json()
    assert done["status"] == "ongoing" and len(done["followups"]) == 1
    stale = _json(client, "post", steps, {"step": "outcome", "on": TODAY, "status": "employed", "version": 1})
    assert stale.status_code == 409
    assert (
        _json(
            client, "post", steps, {"step": "outcome", "on": TODAY, "status": "employed", "version": 3}
        ).json()["status_label"]
        == "終了：就労"
    )


def test_bad_input_gets_japanese_errors(client, worker, case, resources):
    login(client, worker)
    base = {"name": "新しい居場所", "kind": kind(worker, "居場所").pk}
    far = _json(client, "post", "/api/v1/resources/", {**base, "lat": "60.0", "lon": "136.7"})
    assert far.status_code == 400 and "日本の範囲" in far.json()["detail"]
    negative = _json(client, "post", "/api/v1/resources/", {**base, "capacity": -2})
    assert negative.status_code == 400 and "マイナス" in str(negative.json()["errors"])
    assert _json(client, "get", "/api/v1/resources/99999999999999999999/").status_code == 404
    closed = resources["cafe"]
    _json(client, "patch", f"/api/v1/resources/{closed.pk}/", {"status": "closed", "version": closed.version})
    refused = _json(client, "post", f"/api/v1/cases/{case.pk}/matches/", {"resource": closed.pk})
    assert refused.status_code == 400 and "終了した社会資源" in refused.json()["detail"]
    _json(client, "post", f"/api/v1/cases/{case.pk}/matches/", {"resource": resources["farm"].pk})
    kept = client.delete(f"/api/v1/resources/{resources['farm'].pk}/")
    assert kept.status_code == 400 and "削除できません" in kept.json()["detail"]
    assert Match.objects.count() == 1


def test_a_gap_becomes_a_resource_through_the_api(client, worker, case):
    login(client, worker)
    gap = _json(
        client, "post", f"/api/v1/cases/{case.pk}/gaps/", {"what": "夜の居場所", "for_whom": "40代男性"}
    ).json()
    made = _json(client, "post", f"/api/v1/gaps/{gap['id']}/resource/",
                 {"name": "夜のたまり場", "kind": kind(worker, "居場所").pk})  # fmt: skip
    assert made.status_code == 201
    assert ResourceGap.objects.get(pk=gap["id"]).status == "resolved"
    assert client.get("/api/v1/gaps/").json()["results"][0]["resource_id"] == made.json()["id"]
