"""Writes of outreach: start an engagement, record contact attempts, change the relationship stage, plan the
next attempt, identify the person, link the collaboration case, close.

Every write checks the policy, refuses future dates and unknown choices with a Japanese DomainError, and is
written to the access log.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from kasane.cases.models import ContactMethod, ContactOutcome
from kasane.core import audit, policy
from kasane.core.concurrency import conflict_with_changes, lock_for_update
from kasane.core.errors import ConflictError, DomainError

from .models import Engagement, EngagementAttempt, Source, Stage, StageChange, Status

A = audit.Action
LABEL = "outreach.Engagement"
# A conversation or a meeting is the first contact: an engagement still 未接触 moves to 接触 by itself.
REACHED = (ContactOutcome.TALKED, ContactOutcome.MET)


def _today() -> date:
    return timezone.localdate()


def _log(user, action, obj, engagement: Engagement, detail: str = "") -> None:
    audit.record(user=user, action=action, obj=obj, person_id=engagement.person_id, case_id=engagement.case_id,
                 detail=detail)  # fmt: skip


def _not_future(value: date | None, label: str, field: str) -> None:
    if value and value > _today():
        raise DomainError(f"{label}が未来の日付になっています。", field=field)


def _choice(value: str, choices, label: str, field: str, *, blank: bool = False) -> str:
    if (value or "") == "" and blank:
        return ""
    if value not in choices.values:
        raise DomainError(f"{label}を一覧から選んでください。", field=field)
    return value


def _lock(engagement: Engagement, version=None) -> Engagement:
    if version is None:
        return Engagement._base_manager.select_for_update().get(pk=engagement.pk)
    try:
        return lock_for_update(Engagement, engagement.pk, version)
    except ConflictError:
        fields = ("stage", "status", "next_attempt_on", "description", "person", "case")
        raise conflict_with_changes(engagement, version, fields, "アウトリーチの記録") from None


def _require_active(engagement: Engagement) -> None:
    if engagement.status != Status.ACTIVE:
        raise DomainError("終了したアウトリーチの記録は変更できません。")


def _check_next(next_attempt_on, next_attempt_method) -> str:
    method = _choice(next_attempt_method, ContactMethod, "次回の方法", "next_attempt_method", blank=True)
    if next_attempt_on is not None and next_attempt_on < _today():
        raise DomainError("次回の予定日が過去の日付になっています。", field="next_attempt_on")
    return method


@transaction.atomic
def engagement_create(
    *, user, description: str, source: str, source_note: str = "", area: str = "", address_hint: str = "",
    started_on: date | None = None, next_attempt_on: date | None = None, next_attempt_method: str = "",
) -> Engagement:  # fmt: skip
    """Start an engagement from the community's information, before anyone is identified or consents."""
    policy.require_create(user, LABEL)
    if not (description or "").strip():
        raise DomainError(
            "対象者の様子を入力してください（例：60代男性、○○町のアパート）。", field="description"
        )
    source = _choice(source, Source, "情報源", "source")
    started_on = started_on or _today()
    _not_future(started_on, "把握日", "started_on")
    method = _check_next(next_attempt_on, next_attempt_method)
    engagement = Engagement(
        municipality_id=user.municipality_id, description=description.strip(), source=source,
        source_note=(source_note or "").strip(), area=(area or "").strip(), address_hint=(address_hint or "").strip(),
        started_on=started_on, next_attempt_on=next_attempt_on, next_attempt_method=method, created_by=user,
        created_by_agency_id=user.agency_id,
    )  # fmt: skip
    try:
        engagement.full_clean(exclude=["municipality", "created_by", "created_by_agency", "person", "case"])
    except Exception as exc:
        field, messages = next(
            iter(getattr(exc, "message_dict", {"description": ["入力内容を確認してください。"]}).items())
        )
        raise DomainError(messages[0], field=field) from None
    engagement.save()
    StageChange.objects.create(engagement=engagement, to_stage=Stage.NOT_CONTACTED, changed_on=started_on, by=user,
                               note="取組を開始")  # fmt: skip
    _log(user, A.CREATE, engagement, engagement)
    return engagement


ENGAGEMENT_FIELDS = ("description", "source", "source_note", "area", "address_hint")


@transaction.atomic
def engagement_update(*, user, engagement: Engagement, version, **fields) -> Engagement:
    policy.require(user, policy.CHANGE, engagement)
    locked = _lock(engagement, version)
    _require_active(locked)
    if "source" in fields:
        fields["source"] = _choice(fields["source"], Source, "情報源", "source")
    for key in ENGAGEMENT_FIELDS:
        if key in fields:
            setattr(locked, key, (fields[key] or "").strip())
    if not locked.description:
        raise DomainError("対象者の様子を入力してください。", field="description")
    locked.save()
    _log(user, A.UPDATE, locked, locked)
    return locked


def _set_stage(user, engagement: Engagement, stage: str, changed_on: date, note: str) -> StageChange:
    change = StageChange.objects.create(engagement=engagement, from_stage=engagement.stage, to_stage=stage,
                                        changed_on=changed_on, by=user, note=note[:500])  # fmt: skip
    engagement.stage = stage
    return change


@transaction.atomic
def attempt_record(
    *, user, engagement: Engagement, attempted_on: date, method: str, outcome: str, note: str = "",
    next_attempt_on: date | None = None, next_attempt_method: str = "",
) -> EngagementAttempt:  # fmt: skip
    """One visit, call, letter … and its outcome; optionally the next planned attempt. A first conversation
    moves a 未接触 engagement to 接触 (kept in the stage history)."""
    policy.require(user, policy.CHANGE, engagement)
    locked = _lock(engagement)
    _require_active(locked)
    method = _choice(method, ContactMethod, "方法", "method")
    outcome = _choice(outcome, ContactOutcome, "結果", "outcome")
    if attempted_on is None:
        raise DomainError("日付を入力してください。", field="attempted_on")
    _not_future(attempted_on, "日付", "attempted_on")
    if attempted_on < locked.started_on:
        raise DomainError("日付が把握日より前になっています。", field="attempted_on")
    next_method = _check_next(next_attempt_on, next_attempt_method)
    attempt = EngagementAttempt.objects.create(engagement=locked, attempted_on=attempted_on, method=method,
                                               outcome=outcome, staff=user, note=(note or "").strip()[:1000])  # fmt: skip
    if outcome in REACHED and locked.stage == Stage.NOT_CONTACTED:
        label = ContactOutcome(outcome).label
        _set_stage(user, locked, Stage.CONTACTED, attempted_on, f"{ContactMethod(method).label}で{label}")
    # The planned attempt is done; a new plan replaces it (or none).
    locked.next_attempt_on, locked.next_attempt_method = next_attempt_on, next_method
    locked.version += 1
    locked.save()
    _log(user, A.CREATE, attempt, locked,
         detail=f"{attempt.get_method_display()}：{attempt.get_outcome_display()}")  # fmt: skip
    return attempt


@transaction.atomic
def stage_change(
    *, user, engagement: Engagement, version, stage: str, changed_on: date | None = None, note: str = ""
) -> StageChange:
    """The relationship moves on (or back): every change is kept with its date and who recorded it."""
    policy.require(user, policy.CHANGE, engagement)
    locked = _lock(engagement, version)
    _require_active(locked)
    stage = _choice(stage, Stage, "関係の段階", "stage")
    if stage == locked.stage:
        raise DomainError("現在と同じ段階です。", field="stage")
    changed_on = changed_on or _today()
    _not_future(changed_on, "日付", "changed_on")
    if changed_on < locked.started_on:
        raise DomainError("日付が把握日より前になっています。", field="changed_on")
    if stage == Stage.ACCEPTED and locked.person_id is None:
        raise DomainError("「支援受入れ・同意」には、先に本人を特定してください。", field="stage")
    change = _set_stage(user, locked, stage, changed_on, note or "")
    locked.save()
    _log(user, A.UPDATE, locked, locked, detail=f"関係の段階：{change}")
    return change


@transaction.atomic
def next_attempt_plan(
    *, user, engagement: Engagement, version, next_attempt_on: date | None, next_attempt_method: str = ""
) -> Engagement:
    policy.require(user, policy.CHANGE, engagement)
    locked = _lock(engagement, version)
    _require_active(locked)
    locked.next_attempt_method = _check_next(next_attempt_on, next_attempt_method)
    locked.next_attempt_on = next_attempt_on
    locked.save()
    _log(user, A.UPDATE, locked, locked, detail="次回の予定")
    return locked


@transaction.atomic
def person_identify(
    *, user, engagement: Engagement, version, person=None, new_person: dict | None = None
) -> Engagement:
    """The person is identified: an existing person the user may see, or a new person record (registered by
    the user's counter). Seeing the engagement never opens the person: the person must be visible."""
    from kasane.people.models import Person
    from kasane.people.services import person_create, person_require_active

    policy.require(user, policy.CHANGE, engagement)
    locked = _lock(engagement, version)
    _require_active(locked)
    if locked.person_id is not None:
        raise DomainError("本人はすでに特定されています。")
    if person is None:
        if not new_person:
            raise DomainError("本人を選ぶか、氏名などを入力してください。", field="family_name")
        person = person_create(user=user, **new_person)
    elif (
        person.municipality_id != user.municipality_id
        or not policy.scope(user, Person).filter(pk=person.pk).exists()
    ):
        raise DomainError("指定された本人が見つからないか、閲覧する権限がありません。", field="person")
    else:
        person_require_active(person, user=user)
    locked.person = person
    locked.save()
    _log(user, A.UPDATE, locked, locked, detail="本人を特定")
    return locked


@transaction.atomic
def case_link(*, user, engagement: Engagement, version, case) -> Engagement:
    """Link the collaboration case opened for the identified person (its lifecycle then counts our attempts)."""
    from kasane.cases.models import CollaborationCase

    policy.require(user, policy.CHANGE, engagement)
    locked = _lock(engagement, version)
    if locked.person_id is None:
        raise DomainError("事例と結びつけるには、先に本人を特定してください。", field="case")
    if (
        case.municipality_id != user.municipality_id
        or not policy.scope(user, CollaborationCase).filter(pk=case.pk).exists()
    ):
        raise DomainError("指定された事例が見つからないか、閲覧する権限がありません。", field="case")
    if case.person_id != locked.person_id:
        raise DomainError("同じ本人の事例を選んでください。", field="case")
    if locked.case_id == case.pk:
        raise DomainError("すでにこの事例と結びついています。", field="case")
    locked.case = case
    locked.save()
    _log(user, A.UPDATE, locked, locked, detail=f"事例 {case.number} と結びつけ")
    return locked


@transaction.atomic
def engagement_close(
    *, user, engagement: Engagement, version, reason: str, closed_on: date | None = None
) -> Engagement:
    policy.require(user, policy.CHANGE, engagement)
    locked = _lock(engagement, version)
    _require_active(locked)
    if not (reason or "").strip():
        raise DomainError("終了の理由を入力してください（例：事例として支援を開始、転居）。", field="reason")
    closed_on = closed_on or _today()
    _not_future(closed_on, "終了日", "closed_on")
    if closed_on < locked.started_on:
        raise DomainError("終了日が把握日より前になっています。", field="closed_on")
    locked.status, locked.closed_on, locked.close_reason = Status.CLOSED, closed_on, reason.strip()[:1000]
    locked.next_attempt_on, locked.next_attempt_method = None, ""
    locked.save()
    _log(user, A.UPDATE, locked, locked, detail="取組を終了")
    return locked
