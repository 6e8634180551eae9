"""Writes of 多機関協働: open a case, its team and lead, consent and route, assessments, plans, decisions,
support and contact records, and every lifecycle step.

The case's state changes only in `case_transition`, which builds the facts from the database and asks
`lifecycle.apply`; a refused step raises TransitionRefused with the state machine's Japanese reason.
"""

from dataclasses import replace
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from kasane.core import audit, policy
from kasane.core.concurrency import conflict_with_changes, lock_for_update
from kasane.core.errors import ConflictError, DomainError, TransitionRefused
from kasane.people.services import person_require_active

from . import lifecycle
from .assessment_items import clean_areas
from .lifecycle import Action, State
from .models import (
    REASON_FIELDS,
    Assessment,
    AssessmentEntry,
    CollaborationCase,
    ContactAttempt,
    ContactOutcome,
    Decision,
    LeadAssignment,
    Monitoring,
    MunicipalReport,
    PlanSupport,
    Route,
    SupportKind,
    SupportPlan,
    SupportRecord,
    TeamMember,
    Transition,
)

A = audit.Action
OFFICE_ROLE = "支援決定・プランの確認（市町村）"


def _log(user, action, obj, case, detail=""):
    audit.record(user=user, action=action, obj=obj, person_id=case.person_id, case_id=case.pk, detail=detail)


def _today() -> date:
    return timezone.localdate()


def _not_future(value: date | None, label: str, field: str) -> None:
    if value and value > _today():
        raise DomainError(f"{label}が未来の日付になっています。", field=field)


def _same_tenant(user, *objs) -> None:
    for obj in objs:
        if obj is not None and getattr(obj, "municipality_id", user.municipality_id) != user.municipality_id:
            raise DomainError("他の自治体の記録は選べません。")


def _active_consent(person):
    return person.consents.filter(withdrawn_on__isnull=True).order_by("-obtained_on", "-pk").first()


def _lock_case(case: CollaborationCase, version=None) -> CollaborationCase:
    """Lock the case row for a write; with a version, refuse a stale one (someone else moved the case)."""
    if version is None:
        return CollaborationCase._base_manager.select_for_update().get(pk=case.pk)
    try:
        return lock_for_update(CollaborationCase, case.pk, version)
    except ConflictError:
        raise conflict_with_changes(
            case, version, ("state", "title", "lead_agency", "route"), "事例"
        ) from None


# --- the case ----------------------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    user,
    person,
    title: str,
    household=None,
    consultation=None,
    referral=None,
    summary: str = "",
    opened_on: date | None = None,
    meeting_body=None,
    **reasons,
) -> CollaborationCase:
    """Open a collaboration case. With the person's active consent it takes the 重層的支援会議 route; without,
    the 支援会議 route (DOMAIN §4 step 4)."""
    policy.require_create(user, "cases.CollaborationCase")
    _same_tenant(user, person, household, consultation, referral, meeting_body)
    if not policy.scope(user, type(person)).filter(pk=person.pk).exists():
        raise DomainError("この本人の記録を見る権限がありません。", field="person")
    person_require_active(person, user=user)
    if household is not None and not policy.scope(user, type(household)).filter(pk=household.pk).exists():
        raise DomainError("この世帯の記録を見る権限がありません。", field="household")
    for record, label, name in (
        (consultation, "相談", "consultation"),
        (referral, "つなぐシート", "referral"),
    ):
        if record is not None and not policy.scope(user, type(record)).filter(pk=record.pk).exists():
            raise DomainError(f"この{label}を見る権限がありません。", field=name)
    if consultation is not None and consultation.person_id != person.pk:
        raise DomainError("きっかけの相談は同じ本人の相談を選んでください。", field="consultation")
    if referral is not None and referral.person_id != person.pk:
        raise DomainError("きっかけのつなぐシートは同じ本人のものを選んでください。", field="referral")
    chosen = {k: bool(reasons.get(k)) for k in REASON_FIELDS}
    if not any(chosen.values()):
        raise DomainError("多機関協働とする理由を1つ以上選んでください。", field="reason_several_fields")
    if not (title or "").strip():
        raise DomainError("事例名を入力してください。", field="title")
    opened_on = opened_on or _today()
    _not_future(opened_on, "開始日", "opened_on")
    consent = _active_consent(person)
    case = CollaborationCase.objects.create(
        municipality_id=user.municipality_id, person=person, household=household, consultation=consultation,
        referral=referral, title=title.strip(), summary=summary, opened_on=opened_on, opened_by=user,
        opened_by_agency_id=user.agency_id, lead_agency_id=user.agency_id, meeting_body=meeting_body,
        route=Route.PLAN_MEETING if consent else Route.CONFIDENTIAL_MEETING, consent=consent, **chosen,
    )  # fmt: skip
    TeamMember.objects.create(
        case=case, agency_id=user.agency_id, staff=user, role="多機関協働（事例の調整）", joined_on=opened_on
    )
    LeadAssignment.objects.create(case=case, agency_id=user.agency_id, started_on=opened_on, assigned_by=user)
    if consent and user.agency_id is not None and consent.covers(None, "basic"):
        TeamMember.objects.create(case=case, agency=None, role=OFFICE_ROLE, joined_on=opened_on)
    Transition.objects.create(case=case, action="open", to_state=State.DRAFT, by=user,
                              note=case.get_route_display())  # fmt: skip
    _log(user, A.CREATE, case, case)
    return case


CASE_FIELDS = ("title", "summary", "household", "meeting_body", *REASON_FIELDS)


@transaction.atomic
def case_update(*, user, case: CollaborationCase, version, **fields) -> CollaborationCase:
    policy.require(user, policy.CHANGE, case)
    locked = _lock_case(case, version)
    _same_tenant(user, fields.get("household"), fields.get("meeting_body"))
    for key in CASE_FIELDS:
        if key in fields:
            setattr(locked, key, fields[key])
    if not any(getattr(locked, f) for f in REASON_FIELDS):
        raise DomainError("多機関協働とする理由を1つ以上選んでください。", field="reason_several_fields")
    if not locked.title.strip():
        raise DomainError("事例名を入力してください。", field="title")
    locked.save()
    _log(user, A.UPDATE, locked, locked)
    return locked


@transaction.atomic
def case_attach_consent(*, user, case: CollaborationCase, consent) -> CollaborationCase:
    """The person consented: the case moves from the 支援会議 route to the 重層的支援会議 and keeps one history."""
    policy.require(user, "transition", case)
    locked = _lock_case(case)
    if consent.person_id != locked.person_id or not consent.is_active:
        raise DomainError("この本人の有効な同意を選んでください。", field="consent")
    previous = locked.route
    locked.consent = consent
    locked.route = Route.PLAN_MEETING
    locked.version += 1
    locked.save()
    if (
        consent.covers(None, "basic")
        and not locked.team.filter(agency__isnull=True, left_on__isnull=True).exists()
    ):
        TeamMember.objects.create(case=locked, agency=None, role=OFFICE_ROLE)
    note = "本人同意を記録" + ("：支援会議から重層的支援会議へ" if previous != Route.PLAN_MEETING else "")
    Transition.objects.create(case=locked, action="consent", from_state=locked.state, to_state=locked.state,
                              by=user, note=note)  # fmt: skip
    _log(user, A.UPDATE, locked, locked, detail=note)
    return locked


@transaction.atomic
def case_refresh_consent(*, user, case: CollaborationCase) -> CollaborationCase:
    """After a withdrawal: the case falls back to the 支援会議 route (what was shared stays where it is)."""
    policy.require(user, "transition", case)
    locked = _lock_case(case)
    consent = _active_consent(locked.person)
    if consent is not None:
        return case_attach_consent(user=user, case=locked, consent=consent)
    if locked.route != Route.CONFIDENTIAL_MEETING:
        locked.route, locked.consent = Route.CONFIDENTIAL_MEETING, None
        locked.version += 1
        locked.save()
        Transition.objects.create(case=locked, action="consent_withdrawn", from_state=locked.state,
                                  to_state=locked.state, by=user, note="同意の撤回：支援会議の経路へ")  # fmt: skip
        _log(user, A.UPDATE, locked, locked, detail="同意の撤回")
    return locked


@transaction.atomic
def case_delete(*, user, case: CollaborationCase) -> None:
    """Only a case opened by mistake, with nothing recorded on it, can be deleted; otherwise close or archive."""
    policy.require(user, policy.DELETE, case)
    locked = _lock_case(case)
    if locked.agenda_items.exists():
        raise DomainError("会議で扱った事例は削除できません。終結またはアーカイブしてください。")
    if locked.plans.exists() or locked.assessments.exists() or locked.decisions.exists():
        raise DomainError(
            "プランやアセスメントのある事例は削除できません。終結またはアーカイブしてください。"
        )
    _log(user, A.DELETE, locked, locked)
    locked.support_records.all().delete()
    locked.contact_attempts.all().delete()
    locked.lead_history.all().delete()
    locked.team.all().delete()
    locked.transitions.all().delete()
    locked.delete()


@transaction.atomic
def case_archive(*, user, case: CollaborationCase) -> CollaborationCase:
    policy.require(user, "transition", case)
    locked = _lock_case(case)
    if locked.state not in (State.CLOSED, State.SUSPENDED):
        raise DomainError("アーカイブできるのは終結・中断した事例だけです。")
    locked.archived = True
    locked.version += 1
    locked.save()
    _log(user, A.UPDATE, locked, locked, detail="アーカイブ")
    return locked


# --- team and lead ---------------------------------------------------------------------------------------------


def _require_consent_for(case, agency) -> None:
    """Another agency joins the case's record only when the person's consent covers it."""
    if agency is not None and agency.pk == case.opened_by_agency_id:
        return
    if agency is None and case.opened_by_agency_id is None:
        return
    agency_id = agency.pk if agency else None
    if not any(c.covers(agency_id, "basic") for c in case.person.consents.filter(withdrawn_on__isnull=True)):
        name = agency.name if agency else "市町村（所管課）"
        raise DomainError(
            f"本人の同意が「{name}」との共有を含んでいません。同意を記録するか、支援会議で共有してください。",
            field="agency",
        )


@transaction.atomic
def team_add(*, user, case: CollaborationCase, agency, role: str, staff=None) -> TeamMember:
    policy.require(user, "transition", case)
    _same_tenant(user, agency, staff)
    locked = _lock_case(case)
    if staff is not None and staff.agency_id != (agency.pk if agency else None):
        raise DomainError("担当職員はその機関の職員を選んでください。", field="staff")
    if not (role or "").strip():
        raise DomainError("役割を入力してください。", field="role")
    _require_consent_for(locked, agency)
    member = TeamMember.objects.create(case=locked, agency=agency, staff=staff, role=role.strip())
    _log(user, A.CREATE, member, locked, detail=f"チームに追加：{member}")
    return member


@transaction.atomic
def team_leave(*, user, member: TeamMember, left_on: date | None = None) -> TeamMember:
    case = member.case
    policy.require(user, "transition", case)
    _lock_case(case)
    if member.left_on is not None:
        raise DomainError("この機関はすでにチームを離れています。")
    if member.agency_id == case.lead_agency_id and not (member.agency_id is None and case.lead_agency_id is None and
                                                        case.opened_by_agency_id is not None):  # fmt: skip
        raise DomainError("主担当の機関はチームを離れられません。先に主担当を変更してください。")
    member.left_on = left_on or _today()
    member.save()
    _log(user, A.UPDATE, member, case, detail=f"チームから離脱：{member}")
    return member


@transaction.atomic
def lead_change(*, user, case: CollaborationCase, version, agency, note: str = "") -> CollaborationCase:
    """主担当 moves to another team agency (the collaboration worker's part ends; 伴走 goes on)."""
    policy.require(user, "transition", case)
    _same_tenant(user, agency)
    locked = _lock_case(case, version)
    agency_id = agency.pk if agency else None
    if agency_id == locked.lead_agency_id:
        raise DomainError("現在の主担当と同じ機関です。", field="agency")
    if not locked.team.filter(agency_id=agency_id, left_on__isnull=True).exists():
        raise DomainError("主担当はチームに参加している機関から選んでください。", field="agency")
    _require_consent_for(locked, agency)
    today = _today()
    LeadAssignment.objects.filter(case=locked, ended_on__isnull=True).update(ended_on=today)
    LeadAssignment.objects.create(case=locked, agency=agency, started_on=today, assigned_by=user, note=note)
    locked.lead_agency = agency
    locked.save()
    _log(user, A.UPDATE, locked, locked, detail=f"主担当を変更：{agency.name if agency else '市町村'}")
    return locked


# --- assessment ----------------------------------------------------------------------------------------------


def _household_person_ids(case) -> set[int]:
    ids = {case.person_id}
    if case.household_id:
        ids |= set(
            case.household.memberships.filter(left_on__isnull=True).values_list("person_id", flat=True)
        )
    return ids


@transaction.atomic
def assessment_create(
    *, user, case: CollaborationCase, assessed_on: date, household_issues: str = "", entries=()
) -> Assessment:
    """A new dated version; earlier versions are never changed. Each entry is one household member."""
    policy.require(user, policy.CHANGE, case)
    locked = _lock_case(case)
    _not_future(assessed_on, "アセスメント日", "assessed_on")
    allowed = _household_person_ids(locked)
    entries = list(entries)
    if not entries:
        raise DomainError("本人のアセスメントを入力してください。")
    seen = set()
    for entry in entries:
        person = entry["person"]
        if person.pk not in allowed:
            raise DomainError(f"{person} はこの事例の世帯員ではありません。", field="entries")
        if person.pk in seen:
            raise DomainError(f"{person} のアセスメントが重複しています。", field="entries")
        seen.add(person.pk)
    # Locked in id order, as a merge (名寄せ) locks its two persons: never crosswise, never a deadlock.
    for person in sorted((entry["person"] for entry in entries), key=lambda p: p.pk):
        person_require_active(person, user=user, field="entries")
    number = (locked.assessments.aggregate(n=Max("number"))["n"] or 0) + 1
    assessment = Assessment.objects.create(case=locked, number=number, assessed_on=assessed_on, author=user,
                                           household_issues=household_issues)  # fmt: skip
    for entry in entries:
        agencies = list(entry.get("agencies_involved") or [])
        _same_tenant(user, *agencies)
        row = AssessmentEntry.objects.create(
            assessment=assessment, person=entry["person"], relationship=entry.get("relationship", "")[:30],
            areas=clean_areas(entry.get("areas") or {}), strengths=entry.get("strengths", ""),
            wishes=entry.get("wishes", ""), risks=entry.get("risks", ""), agencies_note=entry.get("agencies_note", ""),
        )  # fmt: skip
        row.agencies_involved.set(agencies)
    _log(user, A.CREATE, assessment, locked, detail=f"アセスメント 第{number}版")
    return assessment


# --- plans -------------------------------------------------------------------------------------------------------


def _check_supports(user, supports) -> list[dict]:
    supports = list(supports or [])
    if not supports:
        raise DomainError("支援の内容を1つ以上入力してください（役割分担）。", field="supports")
    for s in supports:
        if s.get("kind", SupportKind.OTHER) not in SupportKind.values:
            raise DomainError("支援の種類が正しくありません。", field="supports")
        if not (s.get("content") or "").strip():
            raise DomainError("支援の内容を入力してください。", field="supports")
        _same_tenant(user, s.get("agency"), s.get("staff"))
        if s.get("starts_on") and s.get("ends_on") and s["ends_on"] < s["starts_on"]:
            raise DomainError("支援の終了日が開始日より前になっています。", field="supports")
    return supports


def _write_plan_rows(plan, supports, monitoring_dates) -> None:
    plan.supports.all().delete()
    PlanSupport.objects.bulk_create(
        [
            PlanSupport(
                plan=plan,
                kind=s.get("kind", SupportKind.OTHER),
                agency=s.get("agency"),
                staff=s.get("staff"),
                content=s["content"].strip(),
                frequency=s.get("frequency", ""),
                starts_on=s.get("starts_on"),
                ends_on=s.get("ends_on"),
            )  # fmt: skip
            for s in supports
        ]
    )
    plan.monitorings.filter(done_on__isnull=True).delete()
    done = set(plan.monitorings.values_list("due_on", flat=True))
    Monitoring.objects.bulk_create(
        [Monitoring(plan=plan, due_on=d) for d in sorted(set(monitoring_dates or [])) if d not in done]
    )


def _plan_fields(goals, policy_text) -> None:
    if not (goals or "").strip():
        raise DomainError("本人の目標を入力してください。", field="goals")
    if not (policy_text or "").strip():
        raise DomainError("支援方針を入力してください。", field="policy")


@transaction.atomic
def plan_create(
    *, user, case: CollaborationCase, goals: str, policy_text: str, made_on: date, supports=(),
    monitoring_dates=(), change_reason: str = "", evaluation: str = "",
) -> SupportPlan:  # fmt: skip
    """The first plan (v1), or a re-plan (v+1) of a case in support: the re-plan is the lifecycle's REPLAN."""
    policy.require(user, policy.CHANGE, case)
    locked = _lock_case(case)
    _plan_fields(goals, policy_text)
    _not_future(made_on, "作成日", "made_on")
    supports = _check_supports(user, supports)
    current = locked.plans.order_by("-number").first()
    if current is None and locked.state != State.DRAFT:
        raise TransitionRefused("この事例ではプランを作成できません。")
    if current is not None:
        if locked.state == State.DRAFT:
            raise TransitionRefused(
                f"第{current.number}版のプランが作成中です。新しい版ではなく、作成中の版を編集してください。"
            )
        if not (change_reason or "").strip():
            raise DomainError("再プランの理由（本人の状況の変化・現プランの評価）を入力してください。",
                              field="change_reason")  # fmt: skip
    number = current.number + 1 if current else 1
    plan = SupportPlan.objects.create(case=locked, number=number, made_on=made_on, author=user, goals=goals,
                                      policy=policy_text, change_reason=change_reason, evaluation=evaluation)  # fmt: skip
    _write_plan_rows(plan, supports, monitoring_dates)
    if current is not None:
        _apply(user, locked, Action.REPLAN, note=f"第{number}版を作成")
        # the earlier version's monitoring dates not yet held are superseded by the new version's
        Monitoring.objects.filter(plan__case=locked, done_on__isnull=True).exclude(plan=plan).delete()
    _log(user, A.CREATE, plan, locked, detail=f"支援プラン 第{number}版")
    return plan


def plan_is_editable(plan: SupportPlan) -> tuple[bool, str]:
    """Only the current version of a case still in プラン作成中, before a meeting approved it, can be edited."""
    case = plan.case
    latest = case.plans.order_by("-number").values_list("number", flat=True).first()
    if plan.number != latest:
        return False, f"第{plan.number}版は過去の版のため変更できません。"
    if case.state != State.DRAFT:
        return False, "確定したプランは変更できません。変更するには再プランを作成してください。"
    if plan.agenda_items.filter(outcome="approve_plan").exists():
        return (
            False,
            "会議で承認された版は変更できません。変更するには会議の承認を取り消すか、再プランを作成してください。",
        )
    return True, ""


@transaction.atomic
def plan_update(
    *, user, plan: SupportPlan, version, goals: str, policy_text: str, made_on: date, supports=(),
    monitoring_dates=(), change_reason: str = "", evaluation: str = "",
) -> SupportPlan:  # fmt: skip
    policy.require(user, policy.CHANGE, plan.case)
    _lock_case(plan.case)
    try:
        locked = lock_for_update(SupportPlan, plan.pk, version)
    except ConflictError:
        raise conflict_with_changes(plan, version, ("goals", "policy", "made_on"), "支援プラン") from None
    editable, reason = plan_is_editable(locked)
    if not editable:
        raise TransitionRefused(reason)
    _plan_fields(goals, policy_text)
    _not_future(made_on, "作成日", "made_on")
    supports = _check_supports(user, supports)
    locked.goals, locked.policy, locked.made_on = goals, policy_text, made_on
    locked.change_reason, locked.evaluation = change_reason, evaluation
    locked.save()
    _write_plan_rows(locked, supports, monitoring_dates)
    _log(user, A.UPDATE, locked, locked.case, detail=f"支援プラン 第{locked.number}版")
    return locked


# --- lifecycle -------------------------------------------------------------------------------------------------


def facts_of(case: CollaborationCase) -> lifecycle.CaseFacts:
    """The case as the state machine sees it, read from the database (meetings of any case are filtered by
    the state machine itself: a record for another case or of the wrong timing does not count)."""
    from kasane.meetings.models import AgendaItem

    plans = tuple(
        lifecycle.PlanVersion(
            number=p.number,
            has_outreach=p.has_outreach,
            has_participation=p.has_participation,
            has_other_supports=p.has_other_supports,
        )  # fmt: skip
        for p in case.plans.prefetch_related("supports").order_by("number")
    )
    items = AgendaItem.objects.filter(case_id=case.pk, timing__isnull=False).select_related("meeting", "plan")
    # ③/④ decide about the current period of support (since support started or the case was reopened): a
    # decision from before it, or from an earlier period, does not count again.
    started = case.transitions.filter(to_state=State.MONITORING).exclude(from_state=State.MONITORING)
    started = started.order_by("-at").first()
    period_start = timezone.localtime(started.at).date() if started else None
    ending = (lifecycle.Timing.CLOSURE, lifecycle.Timing.SUSPENSION)
    if started is None:
        items = items.exclude(timing__in=ending)
    else:
        items = items.exclude(
            Q(timing__in=ending) & (Q(meeting__held_on__lt=period_start) | Q(created_at__lte=started.at))
        )
    meetings = tuple(
        lifecycle.MeetingRecord(
            case_id=i.case_id,
            kind=lifecycle.MeetingKind(i.meeting.kind),
            timing=lifecycle.Timing(i.timing),
            plan_version=i.plan.number if i.plan_id else None,
            approved=i.approved,
            held_on=i.meeting.held_on,
        )  # fmt: skip
        for i in items
        if i.meeting.held_on <= _today()
    )
    decisions = tuple(
        lifecycle.Decision(
            case_id=d.case_id,
            plan_version=d.plan.number,
            approved=d.approved,
            decided_on=d.decided_on,
            reviewed_other_supports=d.reviewed_other_supports,
        )  # fmt: skip
        for d in case.decisions.select_related("plan")
    )
    # The attempts of outreach engagements linked to the case count too (issue 5): they are the documented
    # efforts to reach the person that ④ needs.
    from kasane.outreach.models import EngagementAttempt

    rows = list(case.contact_attempts.values_list("attempted_on", "outcome"))
    rows += EngagementAttempt.objects.filter(engagement__case_id=case.pk).values_list(
        "attempted_on", "outcome"
    )
    # ④ is about contact lost: the attempts that failed since the last successful contact, in this period.
    reached = [on for on, outcome in rows if outcome in (ContactOutcome.TALKED, ContactOutcome.MET)]
    since = max([*reached, *([period_start] if period_start else [])], default=None)
    dates = [on for on, outcome in rows
             if outcome not in (ContactOutcome.TALKED, ContactOutcome.MET) and (since is None or on >= since)]  # fmt: skip
    attempts = tuple(lifecycle.ContactAttempt(case_id=case.pk, on=on) for on in dates)
    m = case.municipality
    settings = lifecycle.Settings(
        min_contact_attempts=m.suspension_min_attempts, min_contact_days=m.suspension_min_days
    )
    return lifecycle.CaseFacts(case_id=case.pk, state=State(case.state), plans=plans, meetings=meetings,
                               decisions=decisions, attempts=attempts, settings=settings)  # fmt: skip


def _apply(
    user, locked: CollaborationCase, action: Action, note: str = "", bumped: bool = False
) -> CollaborationCase:
    facts = facts_of(locked)
    if action == Action.REPLAN:
        # The new version is already written; the machine checks it is the next one from the previous state.
        facts = replace(facts, plans=facts.plans[:-1])
        new_plan = lifecycle.PlanVersion(number=locked.plans.count())
    else:
        new_plan = None
    try:
        after = lifecycle.apply(facts, action, new_plan=new_plan)
    except lifecycle.TransitionError as exc:
        raise TransitionRefused(exc.message) from None
    before = locked.state
    locked.state = after.state.value
    if not bumped:
        locked.version += 1  # an open form of the case now holds a stale version and is told so
    locked.save()
    Transition.objects.create(case=locked, action=action.value, from_state=before, to_state=locked.state,
                              by=user, note=note[:500])  # fmt: skip
    if action in (Action.SUBMIT_PLAN, Action.CONFIRM) and after.state == State.CONFIRMED:
        _report_if_needed(user, locked)
    labels = lifecycle.STATE_LABELS
    _log(user, A.UPDATE, locked, locked,
         detail=f"{ACTION_LABELS.get(action, action.value)}：{labels[State(before)]} → {labels[State(locked.state)]}")  # fmt: skip
    return locked


def _report_if_needed(user, case) -> None:
    """Pattern 3: confirmed by the meeting's approval, then reported to the municipality (dated record)."""
    plan = case.plans.order_by("-number").first()
    if plan is not None and not (plan.has_outreach or plan.has_participation):
        MunicipalReport.objects.get_or_create(
            plan=plan, defaults={"case": case, "reported_on": _today(), "reported_by": user,
                                 "note": "重層的支援会議の承認によりプランを確定（市町村へ報告）"},
        )  # fmt: skip


ACTION_LABELS = {
    Action.SUBMIT_PLAN: "会議の承認を反映", Action.CONFIRM: "支援決定によりプランを確定", Action.START_SUPPORT: "支援を開始",
    Action.REPLAN: "再プラン", Action.CLOSE: "終結", Action.SUSPEND: "中断", Action.REOPEN: "再開",
}  # fmt: skip

USER_ACTIONS = {
    Action.SUBMIT_PLAN: "会議の承認を反映する",
    Action.START_SUPPORT: "支援を開始する",
    Action.CLOSE: "終結する",
    Action.SUSPEND: "中断する",
    Action.REOPEN: "再開する",
}


@transaction.atomic
def case_transition(
    *, user, case: CollaborationCase, action: str, version, note: str = "", closing_evaluation: str = "",
    follow_up: str = "", suspension_reason: str = "",
) -> CollaborationCase:  # fmt: skip
    """One lifecycle step asked for by a person (the 支援決定 confirms through decision_record; a re-plan
    through plan_create). Two staff pressing at once: the second finds a new version and is told."""
    policy.require(user, "transition", case)
    try:
        action = Action(action)
    except ValueError:
        raise TransitionRefused("不明な操作です。") from None
    if action not in USER_ACTIONS:
        raise TransitionRefused(
            "この操作は画面から直接行えません（支援決定・再プランの画面から行ってください）。"
        )
    locked = _lock_case(case, version)
    plan = locked.plans.order_by("-number").first()
    if action == Action.SUBMIT_PLAN and plan is not None and (plan.has_outreach or plan.has_participation):
        if not locked.team.filter(agency__isnull=True, left_on__isnull=True).exists():
            raise TransitionRefused(
                "アウトリーチ・参加支援を含むプランは市町村（所管課）の支援決定で確定しますが、市町村がこの事例のチームに"
                "入っていません。本人の同意が市町村との共有を含むことを確認し、チームに市町村を加えてください。"
            )
    if action == Action.CLOSE:
        if not closing_evaluation.strip() or not follow_up.strip():
            raise DomainError("終結には、終結時の評価とフォローアップの要否・方法を入力してください。",
                              field="closing_evaluation")  # fmt: skip
        locked.closing_evaluation, locked.follow_up = closing_evaluation.strip(), follow_up.strip()
    if action == Action.REOPEN:
        locked.archived = False
    if action == Action.SUSPEND:
        if not suspension_reason.strip():
            raise DomainError("中断の理由を入力してください。", field="suspension_reason")
        locked.suspension_reason = suspension_reason.strip()
    return _apply(user, locked, action, note=note, bumped=True)


@transaction.atomic
def decision_record(
    *, user, case: CollaborationCase, plan: SupportPlan, decided_on: date, approved: bool = True,
    reviewed_other_supports: bool = False, note: str = "",
) -> Decision:  # fmt: skip
    """The municipality's 支援決定 on the plan (patterns 1 and 2). An approving decision confirms the plan."""
    policy.require(user, "decide", case)
    locked = _lock_case(case)
    if plan.case_id != locked.pk:
        raise DomainError("この事例のプランを選んでください。", field="plan")
    if locked.state != State.AWAITING_DECISION:
        raise TransitionRefused(
            f"「{locked.get_state_display()}」の事例には支援決定を記録できません（支援決定待ちのときだけ記録できます）。"
        )
    current = locked.plans.order_by("-number").first()
    if plan.pk != current.pk:
        raise TransitionRefused(f"支援決定は最新の第{current.number}版のプランに対して行ってください。")
    _not_future(decided_on, "決定日", "decided_on")
    if Decision.objects.filter(plan=plan).exists():
        raise TransitionRefused(
            f"第{plan.number}版のプランには支援決定（支援しない決定）が記録済みです。再プランを作成してください。"
        )
    if approved and plan.has_other_supports and not reviewed_other_supports:
        raise DomainError(
            "このプランにはアウトリーチ・参加支援以外の支援も含まれます。それらの支援も確認したうえで決定してください。",
            field="reviewed_other_supports",
        )
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                case=locked, plan=plan, decided_on=decided_on, decided_by=user, approved=approved,
                reviewed_other_supports=reviewed_other_supports, note=note,
            )  # fmt: skip
    except IntegrityError:
        raise ConflictError(
            "このプランには他の職員がすでに支援決定を記録しました。画面を開き直してください。"
        ) from None
    _log(user, A.CREATE, decision, locked, detail="支援決定" if approved else "支援しない決定")
    if approved:
        _apply(user, locked, Action.CONFIRM, note=f"第{plan.number}版：市町村の支援決定")
    else:  # the way on is a re-plan (lifecycle.refused); the case's history shows why
        locked.version += 1
        locked.save()
        Transition.objects.create(case=locked, action="decision_refused", from_state=locked.state,
                                  to_state=locked.state, by=user, note=f"第{plan.number}版：支援しない決定 {note}"[:500])  # fmt: skip
    return decision


# --- support, monitoring and contact -----------------------------------------------------------------------------


def _touch_contact(case, on: date) -> None:
    if case.last_contact_on is None or on > case.last_contact_on:
        CollaborationCase.objects.filter(pk=case.pk).update(last_contact_on=on)


@transaction.atomic
def support_record_add(*, user, case: CollaborationCase, recorded_on: date, content: str) -> SupportRecord:
    policy.require(user, policy.CHANGE, case)
    _not_future(recorded_on, "日付", "recorded_on")
    if not (content or "").strip():
        raise DomainError("支援の経過を入力してください。", field="content")
    record = SupportRecord.objects.create(case=case, recorded_on=recorded_on, agency_id=user.agency_id, staff=user,
                                          content=content.strip())  # fmt: skip
    _touch_contact(case, recorded_on)
    _log(user, A.CREATE, record, case)
    return record


@transaction.atomic
def contact_attempt_record(
    *, user, case: CollaborationCase, attempted_on: date, method: str, outcome: str, note: str = ""
) -> ContactAttempt:
    policy.require(user, policy.CHANGE, case)
    _not_future(attempted_on, "日付", "attempted_on")
    attempt = ContactAttempt(case=case, attempted_on=attempted_on, method=method, outcome=outcome, staff=user,
                             note=note)  # fmt: skip
    try:
        attempt.full_clean(exclude=["case", "staff"])
    except Exception:
        raise DomainError("方法と結果を選んでください。", field="method") from None
    attempt.save()
    if outcome in ("talked", "met"):
        _touch_contact(case, attempted_on)
    _log(user, A.CREATE, attempt, case)
    return attempt


@transaction.atomic
def monitoring_done(*, user, monitoring: Monitoring, done_on: date, note: str) -> Monitoring:
    case = monitoring.plan.case
    policy.require(user, policy.CHANGE, case)
    case = _lock_case(case)  # the state as it is now, not as the page loaded it
    monitoring = Monitoring.objects.select_for_update().get(pk=monitoring.pk)
    if case.state not in (State.CONFIRMED, State.MONITORING):
        raise TransitionRefused("モニタリングは支援中の事例で記録してください。")
    if monitoring.done_on is not None:
        raise DomainError("このモニタリングはすでに記録されています。")
    _not_future(done_on, "実施日", "done_on")
    if not (note or "").strip():
        raise DomainError("モニタリングの内容を入力してください。", field="note")
    monitoring.done_on, monitoring.done_by, monitoring.note = done_on, user, note.strip()
    monitoring.save()
    _touch_contact(case, done_on)
    _log(user, A.UPDATE, monitoring, case, detail="モニタリング")
    return monitoring
