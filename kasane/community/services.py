"""Writes of the 地域づくり record: activities, sessions with attendance, coordinators, network meetings and
trainings. Every write checks the policy, refuses bad counts in Japanese, and is logged (登録・更新・削除)."""

import unicodedata
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Model

from kasane.core import audit, policy
from kasane.core.concurrency import lock_for_update
from kasane.core.errors import DomainError
from kasane.core.forms import MAX_DATE, MIN_DATE

from .models import (
    AGE_BAND_FIELDS,
    AGE_BANDS,
    MAX_COUNT,
    Activity,
    ActivityKind,
    Coordinator,
    NetworkMeeting,
    Project,
    Session,
    Training,
)

A = audit.Action

ACTIVITY_FIELDS = (
    "name",
    "project",
    "kind",
    "area",
    "operator",
    "venue",
    "schedule",
    "description",
    "is_active",
)
SESSION_COUNTS = (*AGE_BAND_FIELDS, "volunteers")
COORDINATOR_FIELDS = ("name", "kind", "areas", "organisation", "phone", "is_active")
MEETING_FIELDS = ("kind", "title", "project", "held_on", "area", "participants", "topics")
TRAINING_FIELDS = ("title", "project", "held_on", "area", "organiser", "trainees", "completed", "note")

_LABELS = {
    **dict(AGE_BANDS),
    "volunteers": "ボランティア・担い手",
    "participants": "参加者数",
    "trainees": "受講者数",
    "completed": "修了者数",
}

# Text fields and their longest allowed value (the model's max_length), so the API and the forms agree.
_TEXT_LIMITS = {
    "name": 150, "area": 100, "operator": 150, "venue": 200, "schedule": 200, "description": 2000, "note": 2000,
    "areas": 300, "organisation": 150, "phone": 30, "title": 150, "topics": 4000, "organiser": 150,
}  # fmt: skip


def count(value, field: str) -> int:
    """A head count from a form, the API or a spreadsheet: a whole number from 0 to MAX_COUNT (全角 digits too)."""
    label = _LABELS.get(field, field)
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise DomainError(f"{label}は0以上の整数で入力してください。", field=field)
    if isinstance(value, float):
        if not value.is_integer():
            raise DomainError(f"{label}は整数で入力してください（小数は使えません）。", field=field)
        value = int(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        if text.startswith("-") and text[1:].isdigit():
            raise DomainError(f"{label}にマイナスの数は入力できません。", field=field)
        if not (text.isascii() and text.isdigit()):
            raise DomainError(f"{label}は0以上の整数で入力してください。", field=field)
        value = int(text)
    if not isinstance(value, int):
        raise DomainError(f"{label}は0以上の整数で入力してください。", field=field)
    if value < 0:
        raise DomainError(f"{label}にマイナスの数は入力できません。", field=field)
    if value > MAX_COUNT:
        raise DomainError(f"{label}が大きすぎます（{MAX_COUNT:,}以下）。", field=field)
    return value


def _date(value, field: str, label: str) -> date:
    if not isinstance(value, date) or not MIN_DATE <= value <= MAX_DATE:
        raise DomainError(f"{label}を正しく入力してください。", field=field)
    return value


def _clean(fields: dict, allowed) -> dict:
    """Only the known fields; text stripped, NUL bytes refused, lengths checked."""
    data = {}
    for key in allowed:
        if key not in fields:
            continue
        value = fields[key]
        if isinstance(value, str):
            if "\x00" in value:
                raise DomainError("使用できない文字（NUL）が含まれています。", field=key)
            value = value.strip()
            if len(value) > _TEXT_LIMITS.get(key, 200):
                raise DomainError(f"{_TEXT_LIMITS.get(key, 200)}文字以内で入力してください。", field=key)
        data[key] = value
    return data


def _choice(value, choices, field: str, label: str, *, blank: bool = False) -> str:
    if blank and value in ("", None):
        return ""
    if value not in choices.values:
        raise DomainError(f"{label}を一覧から選んでください。", field=field)
    return value


def _required(data: dict, field: str, label: str) -> None:
    if field in data and not data[field]:
        raise DomainError(f"{label}を入力してください。", field=field)


def _log(user, action, obj: Model, detail: str = "") -> None:
    audit.record(user=user, action=action, obj=obj, detail=detail)


# --- activities -----------------------------------------------------------------------------------------------


def _activity_data(fields: dict, *, creating: bool) -> dict:
    data = _clean(fields, ACTIVITY_FIELDS)
    if creating:
        for key in ("name", "project"):
            data.setdefault(key, "")
    _required(data, "name", "名称")
    if "project" in data:
        data["project"] = _choice(data["project"], Project, "project", "事業")
    if "kind" in data:
        data["kind"] = _choice(data["kind"], ActivityKind, "kind", "種類")
    return data


def _save_activity(activity: Activity) -> Activity:
    try:
        with transaction.atomic():
            activity.save()
    except IntegrityError:
        raise DomainError("同じ名称の場・活動が既に登録されています。", field="name") from None
    return activity


@transaction.atomic
def activity_create(*, user, **fields) -> Activity:
    policy.require_create(user, "community.Activity")
    activity = _save_activity(
        Activity(municipality_id=user.municipality_id, **_activity_data(fields, creating=True))
    )
    _log(user, A.CREATE, activity)
    return activity


@transaction.atomic
def activity_update(*, user, activity: Activity, version, **fields) -> Activity:
    policy.require(user, policy.CHANGE, activity)
    data = _activity_data(fields, creating=False)
    locked = lock_for_update(Activity, activity.pk, version)
    for key, value in data.items():
        setattr(locked, key, value)
    _save_activity(locked)
    _log(user, A.UPDATE, locked)
    return locked


# --- sessions ---------------------------------------------------------------------------------------------------


def _session_data(fields: dict) -> dict:
    data = _clean(fields, ("note",))
    for key in SESSION_COUNTS:
        if key in fields:
            data[key] = count(fields[key], key)
    if "held_on" in fields:
        data["held_on"] = _date(fields["held_on"], "held_on", "開催日")
    return data


@transaction.atomic
def session_record(*, user, activity: Activity, held_on: date, **fields) -> Session:
    """Record one gathering with its attendance by age band (counts only, no names)."""
    policy.require(user, policy.CHANGE, activity)
    data = _session_data({**fields, "held_on": held_on})
    session = Session.objects.create(activity=activity, **data)
    _log(user, A.CREATE, session, detail=activity.name)
    return session


@transaction.atomic
def session_update(*, user, session: Session, version, **fields) -> Session:
    policy.require(user, policy.CHANGE, session)
    data = _session_data(fields)
    locked = lock_for_update(Session, session.pk, version)
    for key, value in data.items():
        setattr(locked, key, value)
    locked.save()
    _log(user, A.UPDATE, locked)
    return locked


@transaction.atomic
def session_delete(*, user, session: Session) -> None:
    """A session entered by mistake (wrong activity or date) is removed; its history stays."""
    policy.require(user, policy.DELETE, session)
    _log(user, A.DELETE, session, detail=f"{session.activity.name} {session.held_on.isoformat()}")
    session.delete()


# --- coordinators -----------------------------------------------------------------------------------------------


def _coordinator_data(fields: dict, *, creating: bool) -> dict:
    data = _clean(fields, COORDINATOR_FIELDS)
    if creating:
        for key in ("name", "kind"):
            data.setdefault(key, "")
    _required(data, "name", "氏名")
    if "kind" in data:
        data["kind"] = _choice(data["kind"], Coordinator.Kind, "kind", "種別")
    return data


@transaction.atomic
def coordinator_create(*, user, **fields) -> Coordinator:
    policy.require_create(user, "community.Coordinator")
    coordinator = Coordinator.objects.create(
        municipality_id=user.municipality_id, **_coordinator_data(fields, creating=True)
    )
    _log(user, A.CREATE, coordinator)
    return coordinator


@transaction.atomic
def coordinator_update(*, user, coordinator: Coordinator, version, **fields) -> Coordinator:
    policy.require(user, policy.CHANGE, coordinator)
    data = _coordinator_data(fields, creating=False)
    locked = lock_for_update(Coordinator, coordinator.pk, version)
    for key, value in data.items():
        setattr(locked, key, value)
    locked.save()
    _log(user, A.UPDATE, locked)
    return locked


# --- network meetings -------------------------------------------------------------------------------------------


def _meeting_data(fields: dict, *, creating: bool) -> dict:
    data = _clean(fields, MEETING_FIELDS)
    if creating:
        for key in ("kind", "title", "held_on"):
            data.setdefault(key, None if key == "held_on" else "")
    _required(data, "title", "名称")
    if "kind" in data:
        data["kind"] = _choice(data["kind"], NetworkMeeting.Kind, "kind", "種類")
    if "project" in data:
        data["project"] = _choice(data["project"], Project, "project", "事業", blank=True)
    if "held_on" in data:
        data["held_on"] = _date(data["held_on"], "held_on", "開催日")
    if "participants" in data:
        data["participants"] = count(data["participants"], "participants")
    return data


@transaction.atomic
def network_meeting_create(*, user, **fields) -> NetworkMeeting:
    policy.require_create(user, "community.NetworkMeeting")
    meeting = NetworkMeeting.objects.create(
        municipality_id=user.municipality_id, **_meeting_data(fields, creating=True)
    )
    _log(user, A.CREATE, meeting)
    return meeting


@transaction.atomic
def network_meeting_update(*, user, meeting: NetworkMeeting, version, **fields) -> NetworkMeeting:
    policy.require(user, policy.CHANGE, meeting)
    data = _meeting_data(fields, creating=False)
    locked = lock_for_update(NetworkMeeting, meeting.pk, version)
    for key, value in data.items():
        setattr(locked, key, value)
    locked.save()
    _log(user, A.UPDATE, locked)
    return locked


# --- trainings ---------------------------------------------------------------------------------------------------


def _training_data(fields: dict, *, creating: bool) -> dict:
    data = _clean(fields, TRAINING_FIELDS)
    if creating:
        for key in ("title", "held_on"):
            data.setdefault(key, None if key == "held_on" else "")
    _required(data, "title", "講座名")
    if "project" in data:
        data["project"] = _choice(data["project"], Project, "project", "事業", blank=True)
    if "held_on" in data:
        data["held_on"] = _date(data["held_on"], "held_on", "開催日")
    for key in ("trainees", "completed"):
        if key in data:
            data[key] = count(data[key], key)
    return data


def _check_completion(training: Training) -> None:
    if training.completed > training.trainees:
        raise DomainError("修了者数は受講者数以下にしてください。", field="completed")


@transaction.atomic
def training_create(*, user, **fields) -> Training:
    policy.require_create(user, "community.Training")
    training = Training(municipality_id=user.municipality_id, **_training_data(fields, creating=True))
    _check_completion(training)
    training.save()
    _log(user, A.CREATE, training)
    return training


@transaction.atomic
def training_update(*, user, training: Training, version, **fields) -> Training:
    policy.require(user, policy.CHANGE, training)
    data = _training_data(fields, creating=False)
    locked = lock_for_update(Training, training.pk, version)
    for key, value in data.items():
        setattr(locked, key, value)
    _check_completion(locked)
    locked.save()
    _log(user, A.UPDATE, locked)
    return locked
