"""Pages of 参加支援 through the Django client: registry, print and export, matching, the match record, gaps,
the map setting, and bad input (never a 500)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from kasane.core.models import AccessLogEntry
from kasane.meetings.models import ResourceGap
from kasane.participation import services
from kasane.participation.models import Match, ParticipationSettings, Resource

from .conftest import kind

TODAY = timezone.localdate()


@pytest.fixture
def signed_in(client, worker):
    return login(client, worker)


def _resource_post(worker, **overrides):
    data = {"name": "ふれあいサロン", "kind": kind(worker, "サロン").pk, "status": "active", "area": "中央",
            "activities": "茶話会、体操", "capacity": "15", "open_places": "4", "slots": ["afternoon"]}  # fmt: skip
    data.update(overrides)
    return data


def test_a_resource_is_registered_listed_by_area_and_found_by_kana(signed_in, worker, resources):
    response = signed_in.post(reverse("participation:resource_create"), _resource_post(worker))
    resource = Resource.objects.get(name="ふれあいサロン")
    assert response.status_code == 302 and response["Location"] == reverse(
        "participation:resource_detail", kwargs={"pk": resource.pk}
    )
    page = signed_in.get(reverse("participation:resource_list")).content.decode()
    assert "<h2>中央</h2>" in page and "<h2>北部</h2>" in page and 'id="resource-map"' not in page
    found = signed_in.get(reverse("participation:resource_list"), {"q": "ｻﾛﾝ"}).content.decode()
    assert "ふれあいサロン" in found and "リサイクル工房" not in found


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lat": "48.0", "lon": "136.7"}, "緯度が日本の範囲"),
        ({"lat": "35.4", "lon": "200"}, "経度が日本の範囲"),
        ({"capacity": "-5"}, "マイナスは入力できません"),
        ({"lat": "abc", "lon": "1"}, "緯度は数値で入力してください"),
        ({"name": "サロン\x00"}, "Null"),
        ({"kind": "99999999999999999999999"}, "正しく選択してください"),
    ],
)
def test_bad_resource_input_is_a_japanese_error_never_a_500(signed_in, worker, overrides, message):
    response = signed_in.post(reverse("participation:resource_create"), _resource_post(worker, **overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error"' in page
    if message != "Null":
        assert message in page
    assert not Resource.objects.exists()


def test_huge_and_unknown_ids_are_404(signed_in, case):
    for name, kwargs in [
        ("participation:resource_detail", {"pk": 2**70}),
        ("participation:match_detail", {"pk": 2**63 - 1}),
        ("participation:case_matching", {"pk": 2**64}),
        ("participation:gap_resource", {"pk": 10**30}),
    ]:
        assert signed_in.get(reverse(name, kwargs=kwargs)).status_code == 404
    response = signed_in.post(
        reverse("participation:match_create", kwargs={"pk": case.pk}), {"resource": 2**70}
    )
    assert response.status_code == 302


def test_print_and_export_hold_no_personal_data(signed_in, worker, case, resources):
    services.match_create(user=worker, case=case, resource=resources["farm"])
    pdf = signed_in.get(reverse("participation:resource_print"))
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    xlsx = signed_in.get(reverse("participation:resource_export_xlsx"), {"area": "北部"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(xlsx.content)).active.values)
    assert rows[0][0] == "名称" and {r[0] for r in rows[1:]} == {
        "畑のある居場所 ひだまり",
        "中間的就労 リサイクル工房",
    }
    assert "岐阜" not in str(rows)


def test_matching_shows_reasons_and_the_worker_follows_the_match_through(signed_in, worker, case, resources):
    url = reverse("participation:case_matching", kwargs={"pk": case.pk})
    response = signed_in.post(url, {"likes": "農作業", "area": "北部", "slots": ["morning"], "worries_groups": "on",
                                    "wants_company": "on"})  # fmt: skip
    assert response.status_code == 302
    page = signed_in.get(url).content.decode()
    assert page.index("畑のある居場所 ひだまり") < page.index("中間的就労 リサイクル工房")
    assert (
        "好きなこと（農作業）が活動内容に合う（+20）" in page
        and "支援者の同行の受け入れがない（-20）" in page
    )
    farm = resources["farm"]
    response = signed_in.post(reverse("participation:match_create", kwargs={"pk": case.pk}),
                              {"resource": farm.pk, "reasons": "農作業が好き"})  # fmt: skip
    match = Match.objects.get()
    assert response["Location"] == reverse("participation:match_detail", kwargs={"pk": match.pk})
    steps = [
        ("match_approach", {"approached_on": TODAY.isoformat(), "note": "見学を依頼",
                            "version": 1}),
        ("match_start", {"started_on": TODAY.isoformat(), "followup_on": (TODAY + timedelta(days=14)).isoformat(),
                         "version": 2}),
    ]  # fmt: skip
    for name, data in steps:
        signed_in.post(reverse(f"participation:{name}", kwargs={"pk": match.pk}), data)
    match.refresh_from_db()
    assert match.status == "ongoing" and match.followups.count() == 1
    followup = match.followups.get()
    signed_in.post(reverse("participation:followup_record", kwargs={"pk": match.pk, "followup_pk": followup.pk}),
                   {"done_on": TODAY.isoformat(), "note": "毎週通えている"})  # fmt: skip
    signed_in.post(reverse("participation:match_outcome", kwargs={"pk": match.pk}),
                   {"status": "moved", "ended_on": TODAY.isoformat(), "note": "就労移行支援へ", "version": 3})  # fmt: skip
    match.refresh_from_db()
    assert match.status == "moved" and match.followups.get().done_on == TODAY
    page = signed_in.get(reverse("participation:match_detail", kwargs={"pk": match.pk})).content.decode()
    assert "終了：他へ移行" in page and "毎週通えている" in page
    assert "終了：他へ移行" in signed_in.get(url).content.decode()
    logged = AccessLogEntry.objects.filter(object_type="participation.match", case_id=case.pk,
                                           person_id=case.person_id)  # fmt: skip
    assert set(logged.values_list("action", flat=True)) >= {"create", "update", "view", "list"}


def test_a_match_to_a_closed_resource_is_refused_with_a_message(signed_in, worker, case, resources):
    farm = resources["farm"]
    services.resource_update(user=worker, resource=farm, version=farm.version, status="closed")
    response = signed_in.post(reverse("participation:match_create", kwargs={"pk": case.pk}), {"resource": farm.pk},
                              follow=True)  # fmt: skip
    assert "終了した社会資源のため、マッチングできません" in response.content.decode()
    assert not Match.objects.exists()


def test_deleting_a_resource_with_matches_is_refused(signed_in, worker, case, resources):
    services.match_create(user=worker, case=case, resource=resources["farm"])
    response = signed_in.post(reverse("participation:resource_delete", kwargs={"pk": resources["farm"].pk}),
                              follow=True)  # fmt: skip
    assert "削除できません" in response.content.decode()
    assert Resource.objects.filter(pk=resources["farm"].pk).exists()


def test_nothing_suitable_offers_a_gap_that_then_becomes_a_resource(signed_in, worker, case, resources):
    url = reverse("participation:case_matching", kwargs={"pk": case.pk})
    signed_in.post(url, {"likes": "釣り", "wants_anonymity": "on", "area": "南部"})
    page = signed_in.get(url).content.decode()
    assert 'data-testid="nothing-suitable"' in page
    signed_in.post(reverse("participation:case_gap", kwargs={"pk": case.pk}),
                   {"what": "匿名で参加できる釣りの会", "for_whom": "30代男性・ひきこもり", "area": "南部"})  # fmt: skip
    gap = ResourceGap.objects.get()
    assert gap.status == "considering" and "30代男性" in gap.for_whom
    listed = signed_in.get(reverse("participation:resource_list")).content.decode()
    assert "匿名で参加できる釣りの会" in listed
    form = signed_in.get(reverse("participation:gap_resource", kwargs={"pk": gap.pk})).content.decode()
    assert 'value="匿名で参加できる釣りの会"' in form
    signed_in.post(reverse("participation:gap_resource", kwargs={"pk": gap.pk}),
                   _resource_post(worker, name="つりの会", area="南部", allows_anonymous="on"))  # fmt: skip
    gap.refresh_from_db()
    assert gap.status == "resolved" and gap.resource.name == "つりの会"


def test_the_map_appears_only_with_a_tile_server_and_csp_allows_only_that_origin(
    client, users, worker, resources
):
    login(client, users["admin"])
    response = client.post(reverse("participation:settings"),
                           {"tile_url": "http://evil.example/{z}/{x}/{y}.png", "center_lat": "35.4",
                            "center_lon": "136.7", "version": "1"})  # fmt: skip
    assert "https:// で始まり" in response.content.decode()
    client.post(reverse("participation:settings"),
                {"tile_url": "https://tile.example.jp/{z}/{x}/{y}.png", "tile_attribution": "© OpenStreetMap",
                 "center_lat": "35.4", "center_lon": "136.7", "version": "1"})  # fmt: skip
    assert ParticipationSettings.objects.get().tile_url.startswith("https://tile.example.jp")
    services.resource_update(user=worker, resource=resources["farm"], version=1, lat="35.45", lon="136.76")
    response = client.get(reverse("participation:resource_list"))
    page = response.content.decode()
    assert 'id="resource-map"' in page and "resource-map-data" in page and "畑のある居場所" in page
    assert "https://tile.example.jp" in response["Content-Security-Policy"]
    assert "<h2>北部</h2>" in page  # the list stays below the map
