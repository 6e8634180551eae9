"""Services of 参加支援: the registry's rules, the match lifecycle, gaps, and the access log."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conftest import make_agency, make_user
from kasane.core.errors import ConflictError, DomainError
from kasane.core.models import AccessLogEntry
from kasane.core.roles import Role
from kasane.meetings.models import ResourceGap
from kasane.participation import selectors, services
from kasane.participation.models import Match, Resource

from .conftest import kind, make_resource

TODAY = timezone.localdate()


# --- the registry ------------------------------------------------------------------------------------------


def test_every_municipality_starts_with_the_default_kinds(worker):
    names = list(selectors.kinds(user=worker).values_list("name", flat=True))
    assert names[:3] == ["居場所", "通いの場", "サロン"] and "フードバンク" in names and len(names) == 13


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lat": "51.5", "lon": "136.7"}, "緯度が日本の範囲"),
        ({"lat": "35.4", "lon": "-0.12"}, "経度が日本の範囲"),
        ({"lat": "136.7", "lon": "35.4"}, "緯度が日本の範囲"),
        ({"lat": "35.4", "lon": ""}, "緯度と経度は両方"),
        ({"capacity": -1}, "マイナスは入力できません"),
        ({"open_places": "-3"}, "マイナスは入力できません"),
        ({"capacity": 2, "open_places": 5}, "空きが定員を超えています"),
        ({"age_min": 40, "age_max": 20}, "下限が上限を超えています"),
        ({"name": "  "}, "名称を入力してください"),
        ({"slots": ["midnight"]}, "時間帯の選択肢が正しくありません"),
    ],
)
def test_bad_resource_input_is_refused_in_japanese(worker, fields, message):
    with pytest.raises(DomainError, match=message):
        make_resource(worker, **fields)
    assert not Resource.objects.exists()


def test_coordinates_inside_japan_are_kept(worker):
    resource = make_resource(worker, lat="35.4230", lon="136.7606")
    assert (float(resource.lat), float(resource.lon)) == (35.423, 136.7606)


def test_only_community_staff_maintain_resources(worker, users):
    for actor in ("counselor", "evaluator"):
        with pytest.raises(PermissionDenied):
            make_resource(users[actor])
    for actor in ("outreach", "collaboration", "municipal", "admin"):
        make_resource(users[actor], name=f"{actor}の居場所")


def test_every_staff_member_searches_with_kana_and_width_folded(worker, users, resources):
    for actor in ("counselor", "evaluator", "admin"):
        assert [r.name for r in selectors.resource_search(user=users[actor], q="ﾘｻｲｸﾙ")] == [
            "中間的就労 リサイクル工房"
        ]
    assert list(selectors.resource_search(user=users["other_admin"])) == []
    assert selectors.resource_search(user=worker, q="のうさぎょう").count() == 0
    assert selectors.resource_search(user=worker, q="農作業 北部").count() == 1


def test_a_stale_edit_is_refused(worker, resources):
    farm = resources["farm"]
    services.resource_update(user=worker, resource=farm, version=farm.version, open_places=2)
    with pytest.raises(ConflictError):
        services.resource_update(user=worker, resource=farm, version=farm.version, open_places=1)


# --- matching and the match lifecycle ---------------------------------------------------------------------


def _needs(worker, case, **fields):
    return services.needs_save(user=worker, case=case, likes="農作業", area="北部", worries_groups=True,
                               slots=["morning"], **fields)  # fmt: skip


def test_suggestions_rank_the_registry_for_the_persons_needs(worker, case, resources):
    needs = _needs(worker, case)
    ranked = selectors.suggestions(user=worker, case=case, needs=needs)
    assert ranked[0].resource == resources["farm"]
    assert any("農作業" in r for r in ranked[0].reasons)


def test_a_match_from_approach_to_outcome_with_follow_up(worker, case, resources):
    farm = resources["farm"]
    match = services.match_create(user=worker, case=case, resource=farm, reasons="農作業が好き")
    assert match.status == Match.Status.ARRANGING and match.person_id == case.person_id
    with pytest.raises(DomainError, match="先に受け入れ先への働きかけ"):
        services.match_start(user=worker, match=match, version=match.version, started_on=TODAY)
    match = services.match_approach(user=worker, match=match, version=match.version, approached_on=TODAY,
                                    note="見学日を調整")  # fmt: skip
    match = services.match_start(user=worker, match=match, version=match.version, started_on=TODAY,
                                 followup_on=TODAY + timedelta(days=14))  # fmt: skip
    assert match.status == Match.Status.ONGOING
    assert Resource.objects.get(pk=farm.pk).open_places == 2
    followup = match.followups.get()
    services.followup_record(user=worker, followup=followup, done_on=TODAY, note="通えている")
    with pytest.raises(DomainError, match="すでに記録"):
        services.followup_record(user=worker, followup=followup, done_on=TODAY, note="二重")
    match = services.match_outcome(user=worker, match=match, version=match.version, status="employed",
                                   ended_on=TODAY, note="就労につながった")  # fmt: skip
    assert match.get_status_display() == "終了：就労" and Resource.objects.get(pk=farm.pk).open_places == 3
    with pytest.raises(DomainError, match="すでに記録"):
        services.match_outcome(user=worker, match=match, version=match.version, status="moved")


def test_a_match_to_a_closed_resource_is_refused(worker, case, resources):
    farm = resources["farm"]
    services.resource_update(user=worker, resource=farm, version=farm.version, status="closed")
    with pytest.raises(DomainError, match="終了した社会資源のため、マッチングできません"):
        services.match_create(user=worker, case=case, resource=farm)


def test_a_resource_with_matches_cannot_be_deleted_only_closed(worker, case, resources):
    services.match_create(user=worker, case=case, resource=resources["farm"])
    with pytest.raises(DomainError, match="削除できません。状況を「終了」にしてください"):
        services.resource_delete(user=worker, resource=resources["farm"])
    services.resource_delete(user=worker, resource=resources["cafe"])
    assert not Resource.objects.filter(pk=resources["cafe"].pk).exists()


def test_an_unstarted_match_can_only_be_interrupted(worker, case, resources):
    match = services.match_create(user=worker, case=case, resource=resources["work"])
    with pytest.raises(DomainError, match="中断"):
        services.match_outcome(user=worker, match=match, version=match.version, status="employed")
    match = services.match_outcome(user=worker, match=match, version=match.version, status="interrupted")
    assert match.status == "interrupted"


def test_outsiders_cannot_see_or_write_a_match(worker, case, resources, municipality, users):
    match = services.match_create(user=worker, case=case, resource=resources["farm"])
    outsider = make_user(municipality, "soto", [Role.COUNSELOR, Role.OUTREACH],
                         agency=make_agency(municipality, "別の機関"))  # fmt: skip
    assert not selectors.policy.scope(outsider, Match).exists()
    assert not selectors.policy.scope(users["admin"], Match).exists()
    assert not selectors.policy.scope(users["evaluator"], Match).exists()
    with pytest.raises(PermissionDenied):
        services.match_create(user=outsider, case=case, resource=resources["work"])
    # The person's consent covers the counselor's agency, but it is not on the team: no match for it either.
    assert not selectors.policy.scope(users["counselor"], Match).filter(pk=match.pk).exists()


def test_every_read_and_write_of_personal_data_is_logged_with_person_and_case(worker, case, resources):
    before = AccessLogEntry.objects.count()
    needs = _needs(worker, case)
    match = services.match_create(user=worker, case=case, resource=resources["farm"])
    selectors.needs_of(user=worker, case=case)
    selectors.matches_of_case(user=worker, case=case)
    selectors.match_get(user=worker, pk=match.pk)
    entries = list(AccessLogEntry.objects.order_by("pk")[before:])
    assert {(e.object_type, e.action) for e in entries} >= {
        ("participation.needs", "create"), ("participation.match", "create"), ("participation.needs", "view"),
        ("participation.match", "list"), ("participation.match", "view"),
    }  # fmt: skip
    assert all(e.person_id == case.person_id and e.case_id == case.pk for e in entries)
    assert needs.pk


# --- gaps ----------------------------------------------------------------------------------------------------


def test_a_gap_from_matching_becomes_a_new_resource_and_is_resolved(worker, case):
    gap = services.gap_from_matching(user=worker, case=case, what="夜に通える少人数の居場所", for_whom="40代男性・ひきこもり",
                                     area="北部")  # fmt: skip
    assert gap.status == ResourceGap.Status.CONSIDERING and gap.meeting_id is None
    resource = services.resource_create_for_gap(user=worker, gap=gap, name="夜のたまり場", kind=kind(worker, "居場所"),
                                                area="北部", status="active", slots=["evening"])  # fmt: skip
    gap.refresh_from_db()
    assert gap.resource == resource and gap.status == ResourceGap.Status.RESOLVED
    with pytest.raises(DomainError, match="すでに社会資源"):
        services.resource_create_for_gap(user=worker, gap=gap, name="別", kind=kind(worker, "居場所"))
