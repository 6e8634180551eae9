"""Writes of 参加支援: resources and their kinds, a person's needs, matches (approach, start, follow-up,
outcome), gaps found in matching, resources created for a gap, and the tenant's map setting.

Resources hold no personal data and are not access-logged; needs, matches and follow-ups are logged with
the person and the case. A match's status moves only here.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from kasane.core import audit, policy
from kasane.core.concurrency import conflict_with_changes, lock_for_update
from kasane.core.errors import ConflictError, DomainError
from kasane.meetings import services as meeting_services
from kasane.meetings.models import ResourceGap
from kasane.people.services import person_require_active

from .models import (
    DEFAULT_KINDS,
    LAT_RANGE,
    LON_RANGE,
    Field,
    FollowUp,
    Match,
    Needs,
    ParticipationSettings,
    Resource,
    ResourceKind,
    Slot,
)

A = audit.Action
RESOURCE_LABEL = "participation.Resource"

RESOURCE_FIELDS = (
    "name", "kind", "operator", "activities", "description", "address", "area", "lat", "lon", "days", "hours",
    "slots", "age_min", "age_max", "fields", "welcomes_hikikomori", "welcomes_disability", "allows_anonymous",
    "allows_companion", "small_group", "capacity", "open_places", "cost", "contact", "accessibility", "status",
)  # fmt: skip
NEEDS_FIELDS = ("likes", "can_do", "slots", "area", "fields", "worries_groups", "wants_anonymity",
                "wants_company", "hikikomori", "disability", "note")  # fmt: skip


def _today() -> date:
    return timezone.localdate()


def _log(user, action, obj, case, detail=""):
    audit.record(user=user, action=action, obj=obj, person_id=case.person_id, case_id=case.pk, detail=detail)


def _codes(values, allowed, label: str, field: str) -> str:
    """Multiple choices stored as "a,b": from a list or an already joined string; unknown codes refused."""
    if isinstance(values, str):
        values = [v for v in values.split(",") if v]
    values = list(dict.fromkeys(values or []))
    if any(v not in allowed for v in values):
        raise DomainError(f"{label}の選択肢が正しくありません。", field=field)
    return ",".join(v for v in allowed if v in values)


def _not_future(value, label: str, field: str) -> None:
    if value and value > _today():
        raise DomainError(f"{label}が未来の日付になっています。", field=field)


# --- kinds and settings ----------------------------------------------------------------------------------------


def kinds_ensure(municipality_id: int) -> None:
    """Give a municipality the default kinds of resource the first time they are needed."""
    if not ResourceKind.objects.filter(municipality_id=municipality_id).exists():
        ResourceKind.objects.bulk_create(
            ResourceKind(municipality_id=municipality_id, name=name, order=i)
            for i, name in enumerate(DEFAULT_KINDS)
        )


@transaction.atomic
def kind_add(*, user, name: str) -> ResourceKind:
    policy.require_create(user, "participation.ResourceKind")
    name = (name or "").strip()
    if not name:
        raise DomainError("種類の名前を入力してください。", field="name")
    if ResourceKind.objects.filter(municipality_id=user.municipality_id, name=name).exists():
        raise DomainError("同じ名前の種類がすでにあります。", field="name")
    order = ResourceKind.objects.filter(municipality_id=user.municipality_id).count()
    return ResourceKind.objects.create(municipality_id=user.municipality_id, name=name[:50], order=order)


@transaction.atomic
def kind_set_active(*, user, kind: ResourceKind, active: bool) -> ResourceKind:
    policy.require(user, policy.CHANGE, kind)
    kind.active = bool(active)
    kind.save(update_fields=["active"])
    return kind


def settings_of(municipality_id: int) -> ParticipationSettings:
    found = ParticipationSettings.objects.filter(municipality_id=municipality_id).first()
    return found or ParticipationSettings(municipality_id=municipality_id)


def _check_tile_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    if not url.startswith("https://") or not all(p in url for p in ("{z}", "{x}", "{y}")):
        raise DomainError(
            "地図タイルのURLは https:// で始まり、{z}・{x}・{y} を含めてください（例：https://tile.example.jp/{z}/{x}/{y}.png）。",
            field="tile_url",
        )
    if any(c in url for c in "\"'<> \x00"):
        raise DomainError("地図タイルのURLに使えない文字が含まれています。", field="tile_url")
    return url


@transaction.atomic
def settings_save(
    *, user, version, tile_url: str, tile_attribution: str = "", center_lat=None, center_lon=None
):
    current = settings_of(user.municipality_id)
    if current.pk is None:
        policy.require_capability(user, "tenant.configure")
        current.save()
        version = current.version
    policy.require(user, policy.CHANGE, current)
    try:
        locked = lock_for_update(ParticipationSettings, current.pk, version)
    except ConflictError:
        raise conflict_with_changes(current, version, ("tile_url", "tile_attribution"), "設定") from None
    locked.tile_url = _check_tile_url(tile_url)
    locked.tile_attribution = (tile_attribution or "").strip()[:200]
    if center_lat is not None or center_lon is not None:
        locked.center_lat, locked.center_lon = _point(center_lat, center_lon)
    locked.save()
    audit.record(user=user, action=A.UPDATE, obj=locked, detail="参加支援の地図設定")
    return locked


# --- resources ----------------------------------------------------------------------------------------------------


def _decimal(value, label: str, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(f"{label}は数値で入力してください。", field=field) from None
    if not number.is_finite():
        raise DomainError(f"{label}は数値で入力してください。", field=field)
    return number.quantize(Decimal("0.000001"))


def _point(lat, lon) -> tuple[Decimal | None, Decimal | None]:
    lat, lon = _decimal(lat, "緯度", "lat"), _decimal(lon, "経度", "lon")
    if (lat is None) != (lon is None):
        raise DomainError(
            "緯度と経度は両方入力するか、両方空欄にしてください。", field="lat" if lat is None else "lon"
        )
    if lat is not None and not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        raise DomainError(
            f"緯度が日本の範囲（北緯{LAT_RANGE[0]}〜{LAT_RANGE[1]}度）の外です。地図で確認してください。",
            field="lat",
        )
    if lon is not None and not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        raise DomainError(
            f"経度が日本の範囲（東経{LON_RANGE[0]}〜{LON_RANGE[1]}度）の外です。緯度と経度が逆になっていないか確認してください。",
            field="lon",
        )
    return lat, lon


def _count(value, label: str, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(f"{label}は0以上の整数で入力してください。", field=field) from None
    if number < 0:
        raise DomainError(
            f"{label}は0以上の整数で入力してください（マイナスは入力できません）。", field=field
        )
    if number > 100000:
        raise DomainError(f"{label}が大きすぎます。", field=field)
    return number


def _clean_resource(user, resource: Resource) -> None:
    if not resource.name.strip():
        raise DomainError("名称を入力してください。", field="name")
    if resource.kind_id is None or resource.kind.municipality_id != user.municipality_id:
        raise DomainError("種類を選んでください。", field="kind")
    resource.lat, resource.lon = _point(resource.lat, resource.lon)
    resource.capacity = _count(resource.capacity, "定員", "capacity")
    resource.open_places = _count(resource.open_places, "空き", "open_places")
    resource.age_min = _count(resource.age_min, "対象年齢（下限）", "age_min")
    resource.age_max = _count(resource.age_max, "対象年齢（上限）", "age_max")
    if (
        resource.age_min is not None
        and resource.age_min > 150
        or resource.age_max is not None
        and resource.age_max > 150
    ):
        raise DomainError("対象年齢は0〜150歳で入力してください。", field="age_max")
    if (
        resource.capacity is not None
        and resource.open_places is not None
        and resource.open_places > resource.capacity
    ):
        raise DomainError("空きが定員を超えています。", field="open_places")
    if resource.age_min is not None and resource.age_max is not None and resource.age_min > resource.age_max:
        raise DomainError("対象年齢の下限が上限を超えています。", field="age_min")
    if resource.status not in Resource.Status.values:
        raise DomainError("状況を選んでください。", field="status")
    resource.slots = _codes(resource.slots, Slot.values, "時間帯", "slots")
    resource.fields = _codes(resource.fields, Field.values, "対象分野", "fields")
    for name in ("name", "operator", "activities", "address", "area", "days", "hours", "cost", "contact"):
        setattr(resource, name, (getattr(resource, name) or "").strip())
    duplicate = Resource.objects.filter(municipality_id=user.municipality_id, name=resource.name,
                                        address=resource.address).exclude(pk=resource.pk)  # fmt: skip
    if duplicate.exists():
        raise DomainError("同じ名称と所在地の社会資源がすでに登録されています。", field="name")
    resource.refresh_search_text()


@transaction.atomic
def resource_create(*, user, **fields) -> Resource:
    policy.require_create(user, RESOURCE_LABEL)
    resource = Resource(municipality_id=user.municipality_id)
    for key in RESOURCE_FIELDS:
        if key in fields:
            setattr(resource, key, fields[key])
    _clean_resource(user, resource)
    resource.save()
    audit.record(user=user, action=A.CREATE, obj=resource, detail=resource.name)
    return resource


@transaction.atomic
def resource_update(*, user, resource: Resource, version, **fields) -> Resource:
    policy.require(user, policy.CHANGE, resource)
    try:
        locked = lock_for_update(Resource, resource.pk, version)
    except ConflictError:
        raise conflict_with_changes(
            resource, version, ("name", "status", "capacity", "open_places"), "社会資源"
        ) from None
    for key in RESOURCE_FIELDS:
        if key in fields:
            setattr(locked, key, fields[key])
    _clean_resource(user, locked)
    locked.save()
    audit.record(user=user, action=A.UPDATE, obj=locked, detail=locked.name)
    return locked


@transaction.atomic
def resource_delete(*, user, resource: Resource) -> None:
    """Only a resource registered by mistake: one that people were matched to is closed instead (history)."""
    policy.require(user, policy.DELETE, resource)
    if Match.objects.filter(resource=resource).exists():
        raise DomainError(
            "この社会資源にはマッチングの記録があるため削除できません。状況を「終了」にしてください。"
        )
    ResourceGap.objects.filter(resource=resource).update(resource=None)
    audit.record(user=user, action=A.DELETE, obj=resource, detail=resource.name)
    resource.delete()


# --- needs and matches ------------------------------------------------------------------------------------------


def _require_case_change(user, case) -> None:
    policy.require(user, policy.CHANGE, case)


@transaction.atomic
def needs_save(*, user, case, version=None, **fields) -> Needs:
    _require_case_change(user, case)
    needs = Needs.objects.filter(case=case).first()
    if needs is None:
        needs = Needs(case=case, updated_by=user)
    else:
        try:
            needs = lock_for_update(Needs, needs.pk, version)
        except ConflictError:
            raise conflict_with_changes(needs, version, NEEDS_FIELDS[:5], "希望") from None
    for key in NEEDS_FIELDS:
        if key in fields:
            setattr(needs, key, fields[key])
    needs.slots = _codes(needs.slots, Slot.values, "時間帯", "slots")
    needs.fields = _codes(needs.fields, Field.values, "本人の状況（分野）", "fields")
    needs.updated_by, needs.updated_at = user, timezone.now()
    created = needs.pk is None
    needs.save()
    _log(user, A.CREATE if created else A.UPDATE, needs, case, detail="参加支援の希望")
    return needs


@transaction.atomic
def match_create(*, user, case, resource: Resource, reasons: str = "") -> Match:
    _require_case_change(user, case)
    policy.require_create(user, "participation.Match")
    if resource.municipality_id != user.municipality_id:
        raise DomainError("指定された社会資源が見つかりません。", field="resource")
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.status == Resource.Status.CLOSED:
        raise DomainError(
            f"「{resource.name}」は終了した社会資源のため、マッチングできません。", field="resource"
        )
    if case.state in ("closed",) or getattr(case, "archived", False):
        raise DomainError("終結した事例ではマッチングを始められません。", field="resource")
    if Match.objects.filter(
        case=case, resource=resource, status__in=(Match.Status.ARRANGING, Match.Status.ONGOING)
    ).exists():
        raise DomainError(f"「{resource.name}」とのマッチングはすでに進行中です。", field="resource")
    person_require_active(case.person, user=user, field=None)
    match = Match.objects.create(municipality_id=user.municipality_id, case=case, person_id=case.person_id,
                                 resource=resource, reasons=(reasons or "")[:2000], worker=user)  # fmt: skip
    _log(user, A.CREATE, match, case, detail=f"マッチング：{resource.name}")
    return match


def _lock_match(match: Match, version) -> Match:
    try:
        return lock_for_update(Match, match.pk, version)
    except ConflictError:
        raise conflict_with_changes(
            match, version, ("status", "approached_on", "started_on"), "マッチング"
        ) from None


@transaction.atomic
def match_approach(*, user, match: Match, version, approached_on: date, note: str) -> Match:
    """受け入れ先への働きかけ: what was asked of the host and when (may be recorded again)."""
    policy.require(user, policy.CHANGE, match)
    locked = _lock_match(match, version)
    if locked.is_ended:
        raise DomainError("終了したマッチングには記録できません。")
    _not_future(approached_on, "働きかけ日", "approached_on")
    if not (note or "").strip():
        raise DomainError("働きかけの内容を入力してください。", field="note")
    locked.approached_on, locked.approach_note = approached_on, note.strip()
    locked.save()
    _log(user, A.UPDATE, locked, locked.case, detail="受け入れ先への働きかけ")
    return locked


@transaction.atomic
def match_start(*, user, match: Match, version, started_on: date, followup_on: date | None = None) -> Match:
    policy.require(user, policy.CHANGE, match)
    locked = _lock_match(match, version)
    if locked.status != Match.Status.ARRANGING:
        raise DomainError("調整中のマッチングだけを開始できます。")
    if locked.resource.status == Resource.Status.CLOSED:
        raise DomainError(f"「{locked.resource.name}」は終了した社会資源のため、参加を開始できません。")
    if locked.approached_on is None:
        raise DomainError("先に受け入れ先への働きかけを記録してください。", field="started_on")
    _not_future(started_on, "参加開始日", "started_on")
    if started_on < locked.approached_on:
        raise DomainError("参加開始日が働きかけ日より前になっています。", field="started_on")
    locked.status, locked.started_on = Match.Status.ONGOING, started_on
    locked.save()
    if locked.resource.open_places:
        Resource.objects.filter(pk=locked.resource_id, open_places__gt=0).update(
            open_places=locked.resource.open_places - 1
        )
    _log(user, A.UPDATE, locked, locked.case, detail="参加開始")
    if followup_on:
        followup_schedule(user=user, match=locked, scheduled_on=followup_on)
    return locked


@transaction.atomic
def followup_schedule(*, user, match: Match, scheduled_on: date) -> FollowUp:
    policy.require(user, policy.CHANGE, match)
    if match.status != Match.Status.ONGOING:
        raise DomainError("定着支援は参加が継続中のマッチングに予定してください。", field="scheduled_on")
    if match.started_on and scheduled_on < match.started_on:
        raise DomainError("定着支援の予定日が参加開始日より前になっています。", field="scheduled_on")
    followup = FollowUp.objects.create(match=match, scheduled_on=scheduled_on)
    _log(user, A.CREATE, followup, match.case, detail="定着支援の予定")
    return followup


@transaction.atomic
def followup_record(*, user, followup: FollowUp, done_on: date, note: str) -> FollowUp:
    policy.require(user, policy.CHANGE, followup.match)
    locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if locked.done_on is not None:
        raise DomainError("この定着支援はすでに記録されています。")
    _not_future(done_on, "実施日", "done_on")
    if not (note or "").strip():
        raise DomainError("定着支援の内容を入力してください。", field="note")
    locked.done_on, locked.note, locked.staff = done_on, note.strip(), user
    locked.save()
    _log(user, A.UPDATE, locked, followup.match.case, detail="定着支援の記録")
    return locked


@transaction.atomic
def match_outcome(
    *, user, match: Match, version, status: str, ended_on: date | None = None, note: str = ""
) -> Match:
    """The outcome: 継続中 (nothing to do), or 終了：就労 / 終了：他へ移行 / 中断 with the date."""
    policy.require(user, policy.CHANGE, match)
    locked = _lock_match(match, version)
    if status not in Match.ENDED:
        raise DomainError("結果（就労・他へ移行・中断）を選んでください。", field="status")
    if locked.is_ended:
        raise DomainError("このマッチングの結果はすでに記録されています。")
    if status in (Match.Status.EMPLOYED, Match.Status.MOVED) and locked.status != Match.Status.ONGOING:
        raise DomainError("参加を開始していないマッチングは「中断」として記録してください。", field="status")
    ended_on = ended_on or _today()
    _not_future(ended_on, "終了日", "ended_on")
    if locked.started_on and ended_on < locked.started_on:
        raise DomainError("終了日が参加開始日より前になっています。", field="ended_on")
    was_ongoing = locked.status == Match.Status.ONGOING
    locked.status, locked.ended_on, locked.outcome_note = status, ended_on, (note or "").strip()
    locked.save()
    resource = locked.resource
    if (
        was_ongoing
        and resource.open_places is not None
        and (resource.capacity is None or resource.open_places < resource.capacity)
    ):
        Resource.objects.filter(pk=resource.pk).update(open_places=resource.open_places + 1)
    _log(user, A.UPDATE, locked, locked.case, detail=f"結果：{locked.get_status_display()}")
    return locked


# --- gaps -----------------------------------------------------------------------------------------------------


@transaction.atomic
def gap_from_matching(*, user, case, what: str, for_whom: str, area: str = "", note: str = "") -> ResourceGap:
    """Nothing suitable was found: the gap goes to the backlog, anonymised (no person or case is linked)."""
    _require_case_change(user, case)
    gap = meeting_services.gap_record(user=user, what=what, for_whom=for_whom, area=area,
                                      note=note or "参加支援のマッチングで該当する社会資源がなかった")  # fmt: skip
    _log(user, A.CREATE, gap, case, detail="マッチングから社会資源の不足を記録")
    return gap


@transaction.atomic
def resource_create_for_gap(*, user, gap: ResourceGap, **fields) -> Resource:
    """A new resource developed for a gap: link them and mark the gap 解決."""
    policy.require(user, policy.CHANGE, gap)
    locked = ResourceGap.objects.select_for_update().get(pk=gap.pk)
    if locked.resource_id is not None:
        raise DomainError("この不足にはすでに社会資源が登録されています。")
    resource = resource_create(user=user, **fields)
    locked.resource = resource
    locked.status = ResourceGap.Status.RESOLVED
    locked.save(update_fields=["resource", "status"])
    audit.record(user=user, action=A.UPDATE, obj=locked, detail=f"新たな社会資源：{resource.name}")
    return resource
