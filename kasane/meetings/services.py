"""Writes of meetings: convene, members, the secrecy pledge, agenda items and their outcomes, attachments, the
release of a 支援会議 item into its case after consent, resource gaps, and the registry of existing bodies.

The rules of DOMAIN §5 live here: a 重層的支援会議 (when the tenant requires consent for it) takes only cases
with the person's consent; a 支援会議 member sees nothing before accepting the duty of secrecy; tax-sourced
material never enters a 支援会議 without consent on record; an outcome counts only for a meeting already held.
"""

from datetime import date, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from kasane.core import audit, policy
from kasane.core.concurrency import conflict_with_changes, lock_for_update
from kasane.core.errors import ConflictError, DomainError

from .models import (
    DEFAULT_BODIES,
    DEFAULT_PLEDGE,
    AgendaItem,
    Attachment,
    ItemKind,
    Kind,
    Meeting,
    MeetingBody,
    Outcome,
    Participant,
    Release,
    ResourceGap,
    SecrecyPledge,
    Timing,
)

A = audit.Action
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
TIMING_OUTCOMES = {
    Outcome.APPROVE_PLAN: (Timing.PLAN, Timing.REPLAN),
    Outcome.CLOSURE: (Timing.CLOSURE,),
    Outcome.SUSPENSION: (Timing.SUSPENSION,),
}


def _today() -> date:
    return timezone.localdate()


def _log(user, action, obj, *, case=None, detail=""):
    audit.record(user=user, action=action, obj=obj, person_id=case.person_id if case else None,
                 case_id=case.pk if case else None, detail=detail)  # fmt: skip


def bodies_ensure(municipality_id: int) -> None:
    """The six existing meeting bodies of DOMAIN §5, for a municipality that has none yet."""
    if MeetingBody.objects.filter(municipality_id=municipality_id).exists():
        return
    MeetingBody.objects.bulk_create(
        [MeetingBody(municipality_id=municipality_id, name=n, field=f, consent_required=c, legal_basis=b)
         for n, f, c, b in DEFAULT_BODIES]
    )  # fmt: skip


@transaction.atomic
def meeting_create(
    *, user, kind: str, title: str, held_on: date, starts_at: time | None = None, place: str = "",
    online: bool = False, person_attends: bool = False, body=None,
) -> Meeting:  # fmt: skip
    """Convene a meeting. Its legal basis and consent rule are copied from the tenant's settings."""
    policy.require_create(user, "meetings.Meeting")
    if kind not in Kind.values:
        raise DomainError("会議の種類を選んでください。", field="kind")
    if kind == Kind.CONFIDENTIAL and not policy.is_municipal_office(user):
        raise DomainError("支援会議（法第106条の6）は市町村（所管課）の職員が招集します。", field="kind")
    if not (title or "").strip():
        raise DomainError("会議名を入力してください。", field="title")
    if not place.strip() and not online:
        raise DomainError("場所を入力するか、オンライン開催を選んでください。", field="place")
    if body is not None and body.municipality_id != user.municipality_id:
        raise DomainError("他の自治体の会議体は選べません。", field="body")
    m = user.municipality
    plan = kind == Kind.PLAN
    meeting = Meeting.objects.create(
        municipality_id=user.municipality_id, kind=kind, title=title.strip(), held_on=held_on, starts_at=starts_at,
        place=place.strip(), online=online, convener=user, convener_agency_id=user.agency_id,
        legal_basis=m.plan_meeting_legal_basis if plan else m.confidential_meeting_legal_basis,
        consent_required=m.plan_meeting_needs_consent if plan else m.confidential_meeting_needs_consent,
        person_attends=person_attends, body=body, pledge_text="" if plan else DEFAULT_PLEDGE,
    )  # fmt: skip
    Participant.objects.create(meeting=meeting, user=user, name=user.full_name or user.get_username(),
                               organisation=user.agency.name if user.agency_id else "市町村（所管課）")  # fmt: skip
    _log(user, A.CREATE, meeting)
    return meeting


MEETING_FIELDS = ("title", "held_on", "starts_at", "place", "online", "person_attends", "body")


@transaction.atomic
def meeting_update(*, user, meeting: Meeting, version, **fields) -> Meeting:
    policy.require(user, policy.CHANGE, meeting)
    try:
        locked = lock_for_update(Meeting, meeting.pk, version)
    except ConflictError:
        raise conflict_with_changes(meeting, version, MEETING_FIELDS[:-1], "会議") from None
    for key in MEETING_FIELDS:
        if key in fields:
            setattr(locked, key, fields[key])
    if not locked.place.strip() and not locked.online:
        raise DomainError("場所を入力するか、オンライン開催を選んでください。", field="place")
    if locked.held_on > _today() and locked.items.filter(outcome__in=list(TIMING_OUTCOMES)).exists():
        # A decision (approval, closure, suspension) stands on a held meeting; the case may already have moved.
        raise DomainError("決定事項を記録した会議の開催日を未来の日付にはできません。", field="held_on")
    locked.save()
    _log(user, A.UPDATE, locked)
    return locked


@transaction.atomic
def participant_add(
    *, user, meeting: Meeting, staff=None, name: str = "", organisation: str = ""
) -> Participant:
    """A staff member, or an outside attendee by name and organisation. Only the convener changes the members."""
    policy.require(user, policy.CHANGE, meeting)
    if staff is not None:
        if staff.municipality_id != user.municipality_id or not staff.is_active:
            raise DomainError("この自治体の職員を選んでください。", field="staff")
        if meeting.participants.filter(user=staff).exists():
            raise DomainError("この職員はすでに構成員です。", field="staff")
        name = staff.full_name or staff.get_username()
        organisation = staff.agency.name if staff.agency_id else "市町村（所管課）"
    elif not name.strip() or not organisation.strip():
        raise DomainError("外部の出席者は氏名と所属を入力してください。", field="name")
    try:
        with transaction.atomic():
            seat = Participant.objects.create(
                meeting=meeting, user=staff, name=name.strip()[:100], organisation=organisation.strip()[:100]
            )
    except IntegrityError:
        raise DomainError("この職員はすでに構成員です。", field="staff") from None
    _log(user, A.CREATE, seat, detail=f"構成員を追加：{seat.name}（{seat.organisation}）")
    return seat


@transaction.atomic
def participant_remove(*, user, participant: Participant) -> None:
    meeting = participant.meeting
    policy.require(user, policy.CHANGE, meeting)
    if participant.user_id == meeting.convener_id:
        raise DomainError("招集者は構成員から外せません。")
    if (
        participant.user_id
        and SecrecyPledge.objects.filter(meeting=meeting, user_id=participant.user_id).exists()
    ):
        raise DomainError("守秘義務を誓約した構成員は外せません（誓約の記録を残すため）。")
    _log(user, A.DELETE, participant, detail=f"構成員を削除：{participant.name}")
    participant.delete()


@transaction.atomic
def pledge_accept(*, user, meeting: Meeting, accepted: bool) -> SecrecyPledge:
    """The member accepts the duty of secrecy for this 支援会議: who, when, the text accepted."""
    policy.require(user, "pledge", meeting)
    if not accepted:
        raise DomainError("守秘義務の内容を確認し、同意するにチェックしてください。", field="accepted")
    pledge, created = SecrecyPledge.objects.get_or_create(
        meeting=meeting, user=user, defaults={"text": meeting.pledge_text or DEFAULT_PLEDGE}
    )
    if created:
        _log(user, A.CREATE, pledge, detail="守秘義務の誓約")
    return pledge


def _check_case_for_meeting(user, meeting: Meeting, case) -> None:
    from kasane.cases.models import CollaborationCase

    if not policy.scope(user, CollaborationCase).filter(pk=case.pk).exists():
        raise DomainError("この事例を選ぶ権限がありません。", field="case")
    if meeting.consent_required and not case.person.consents.filter(withdrawn_on__isnull=True).exists():
        raise DomainError(
            f"本人の同意がない事例は{meeting.get_kind_display()}では扱えません。支援会議（法第106条の6）で検討してください。",
            field="case",
        )


@transaction.atomic
def item_add(
    *, user, meeting: Meeting, kind: str, title: str, case=None, timing: int | None = None,
    emergency_reason: str = "",
) -> AgendaItem:  # fmt: skip
    policy.require(user, "add_item", meeting)
    if kind not in ItemKind.values:
        raise DomainError("議題の種類を選んでください。", field="kind")
    if emergency_reason and emergency_reason not in ("weakness", "illness", "abuse"):
        raise DomainError("緊急の理由が正しくありません。", field="emergency_reason")
    if kind == ItemKind.EMERGENCY and not emergency_reason:
        raise DomainError(
            "緊急の理由（衰弱・重篤な疾患・虐待・DVの疑い）を選んでください。", field="emergency_reason"
        )
    plan = None
    if kind == ItemKind.CASE:
        if case is None:
            raise DomainError("事例を選んでください。", field="case")
        if timing not in Timing.values:
            raise DomainError("タイミング（①〜④）を選んでください。", field="timing")
    if case is not None:
        _check_case_for_meeting(user, meeting, case)
        if timing in (Timing.PLAN, Timing.REPLAN):
            plan = case.plans.order_by("-number").first()
            if plan is None:
                raise DomainError("この事例にはまだ支援プランがありません。", field="case")
    elif timing:
        raise DomainError("タイミングは事例の議題にだけ指定できます。", field="timing")
    if not (title or "").strip():
        title = f"{case.title}（{Timing(timing).label}）" if case is not None and timing else ""
    if not title:
        raise DomainError("議題を入力してください。", field="title")
    item = AgendaItem.objects.create(meeting=meeting, kind=kind, case=case, timing=timing or None, plan=plan,
                                     title=title.strip()[:200], emergency_reason=emergency_reason, created_by=user)  # fmt: skip
    _log(user, A.CREATE, item, case=case)
    return item


@transaction.atomic
def item_record(
    *, user, item: AgendaItem, version, minutes: str = "", outcome: str = "", decision_note: str = ""
):
    """Minutes and the decision on an item. Approving, closing or suspending needs the matching timing and a
    meeting already held; such an outcome is what the case's lifecycle counts."""
    policy.require(user, policy.CHANGE, item)
    if item.case_id:
        # the case first (the order every writer of a case takes): its state and plan cannot move meanwhile
        type(item.case)._base_manager.select_for_update().get(pk=item.case_id)
    try:
        locked = lock_for_update(AgendaItem, item.pk, version)
    except ConflictError:
        raise conflict_with_changes(item, version, ("minutes", "outcome", "decision_note"), "議題") from None
    if outcome not in Outcome.values:
        raise DomainError("決定事項が正しくありません。", field="outcome")
    if outcome in TIMING_OUTCOMES:
        if locked.case_id is None or locked.timing not in TIMING_OUTCOMES[outcome]:
            labels = "・".join(Timing(t).label for t in TIMING_OUTCOMES[outcome])
            raise DomainError(
                f"「{Outcome(outcome).label}」は {labels} の事例の議題でだけ記録できます。", field="outcome"
            )
        if locked.meeting.held_on > _today():
            raise DomainError("開催日より前に決定事項は記録できません。", field="outcome")
        if locked.meeting.kind != Kind.PLAN:
            raise DomainError(
                "プランの承認・終結・中断は重層的支援会議で決定します（支援会議では関わり方を決めます）。",
                field="outcome",
            )
        if outcome == Outcome.APPROVE_PLAN:
            current = locked.case.plans.order_by("-number").first()
            if current is None or current.pk != locked.plan_id:
                raise DomainError(
                    "この議題のプランは最新の版ではありません。議題を作り直してください。", field="outcome"
                )
            # the plan as made (its 作成日), or as last edited: a meeting before that approved other content
            edited = current.history.filter(history_type="~").order_by("-history_date").first()
            last_change = timezone.localtime(edited.history_date).date() if edited else current.made_on
            if locked.meeting.held_on < last_change:
                raise DomainError(
                    "この会議の後にプランが変更されています。変更後のプランは、あらためて会議で承認してください。",
                    field="outcome",
                )
            if locked.meeting.held_on < locked.case.opened_on:
                raise DomainError("事例の開始日より前の会議では承認できません。", field="outcome")
            expected = Timing.PLAN if current.number == 1 else Timing.REPLAN
            if locked.timing != expected:
                raise DomainError(
                    f"第{current.number}版のプランの承認は「{expected.label}」の議題で記録してください。",
                    field="outcome",
                )
    if (
        locked.outcome == Outcome.APPROVE_PLAN
        and outcome != Outcome.APPROVE_PLAN
        and (
            locked.case.state != "draft" or locked.case.plans.order_by("-number").first().pk != locked.plan_id
        )
    ):
        raise DomainError("承認にもとづいて事例が進んでいるため、承認は取り消せません。", field="outcome")
    ended = {Outcome.CLOSURE: "close", Outcome.SUSPENSION: "suspend"}.get(locked.outcome)
    used = ended and locked.case.transitions.filter(action=ended, at__gte=locked.created_at).exists()
    if ended and outcome != locked.outcome and used:
        raise DomainError(
            "この決定にもとづいて事例が終結・中断しているため、決定は取り消せません（新しい判断は新しい議題として記録してください）。",
            field="outcome",
        )
    locked.minutes, locked.outcome, locked.decision_note = minutes, outcome, decision_note
    locked.save()
    _log(user, A.UPDATE, locked, case=locked.case)
    return locked


@transaction.atomic
def attachment_add(
    *, user, item: AgendaItem, name: str, content_type: str, data: bytes, tax_sourced: bool = False
):
    policy.require(user, policy.CHANGE, item)
    if not data:
        raise DomainError("空のファイルは添付できません。", field="file")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise DomainError("添付できるファイルは10MBまでです。", field="file")
    if tax_sourced and (item.meeting.kind == Kind.CONFIDENTIAL or not item.meeting.consent_required):
        has_consent = item.case_id and item.case.person.consents.filter(withdrawn_on__isnull=True).exists()
        if not has_consent:
            raise DomainError(
                "税務情報（地方税法第22条）は、本人の同意の記録がなければ支援会議に添付できません。",
                field="tax_sourced",
            )
    name = (name or "").replace("\x00", "").strip() or "添付資料"
    attachment = Attachment.objects.create(item=item, name=name[:200], content_type=content_type[:100],
                                           data=data, size=len(data), tax_sourced=tax_sourced, uploaded_by=user)  # fmt: skip
    _log(user, A.CREATE, attachment, case=item.case)
    return attachment


def attachment_visible(user, attachment: Attachment) -> bool:
    """Tax-sourced material (地方税法第22条) is shown, in any meeting, only while the person's consent on record
    covers the viewer's holder; withdrawn consent hides it again."""
    item = attachment.item
    if not attachment.tax_sourced:
        return True
    if not item.case_id:
        return False
    holder = user.agency_id
    return any(c.covers(holder, "basic") for c in item.case.person.consents.filter(withdrawn_on__isnull=True))


@transaction.atomic
def item_release(*, user, item: AgendaItem, note: str = "") -> Release:
    """After the person consents, a member releases a 支援会議 item into the case (recorded; the rest stays)."""
    policy.require(user, policy.CHANGE, item)
    if item.meeting.kind != Kind.CONFIDENTIAL:
        raise DomainError("重層的支援会議の議題はもともと事例の記録です。")
    if item.case_id is None:
        raise DomainError("事例に結びついた議題だけを移せます。")
    if Release.objects.filter(item=item).exists():
        raise DomainError("この議題はすでに事例に移されています。")
    consent = (
        item.case.person.consents.filter(withdrawn_on__isnull=True, share_consultation=True)
        .order_by("-obtained_on", "-pk")
        .first()
    )
    if consent is None:
        raise DomainError("相談内容の共有を含む本人の同意が記録されていないため、事例に移せません。")
    try:
        with transaction.atomic():
            release = Release.objects.create(item=item, consent=consent, released_by=user, note=note[:300])
    except IntegrityError:
        raise DomainError("この議題はすでに事例に移されています。") from None
    _log(user, A.CREATE, release, case=item.case, detail="支援会議の記録を事例へ移行（本人同意）")
    return release


@transaction.atomic
def gap_record(
    *, user, what: str, for_whom: str, area: str = "", note: str = "", meeting=None
) -> ResourceGap:
    policy.require_create(user, "meetings.ResourceGap")
    if meeting is not None and not policy.may_see_meeting_material(user, meeting):
        raise DomainError("この会議の記録を見る権限がありません。", field="meeting")
    if not what.strip() or not for_whom.strip():
        raise DomainError("不足している社会資源と、対象（匿名化）を入力してください。", field="what")
    gap = ResourceGap.objects.create(municipality_id=user.municipality_id, meeting=meeting, what=what.strip(),
                                     for_whom=for_whom.strip(), area=area.strip(), note=note, recorded_by=user)  # fmt: skip
    _log(user, A.CREATE, gap)
    return gap


@transaction.atomic
def gap_update_status(*, user, gap: ResourceGap, status: str, note: str | None = None) -> ResourceGap:
    policy.require(user, policy.CHANGE, gap)
    if status not in ResourceGap.Status.values:
        raise DomainError("状況を選んでください。", field="status")
    gap.status = status
    if note is not None:
        gap.note = note
    gap.save()
    _log(user, A.UPDATE, gap)
    return gap


@transaction.atomic
def body_save(*, user, body: MeetingBody | None = None, **fields) -> MeetingBody:
    if body is None:
        policy.require_create(user, "meetings.MeetingBody")
        body = MeetingBody(municipality_id=user.municipality_id)
    else:
        policy.require(user, policy.CHANGE, body)
    for key in ("name", "field", "consent_required", "legal_basis"):
        if key in fields:
            setattr(body, key, fields[key])
    if not body.name.strip():
        raise DomainError("会議体の名称を入力してください。", field="name")
    if (
        MeetingBody.objects.filter(municipality_id=body.municipality_id, name=body.name)
        .exclude(pk=body.pk)
        .exists()
    ):
        raise DomainError("同じ名称の会議体がすでにあります。", field="name")
    created = body.pk is None
    body.save()
    _log(user, A.CREATE if created else A.UPDATE, body)
    return body
