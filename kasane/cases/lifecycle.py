"""The lifecycle of a collaboration case (多機関協働): one state machine, with the guards the law requires.

Pure logic over plain records, so the rules can be tested exhaustively; the cases app's services will call
`apply(facts, action)` and store the state it returns. No view or API sets a status directly.

    draft ──①/② 承認──┬─(アウトリーチ・参加支援あり)──▶ awaiting_decision ──支援決定──▶ confirmed
                       └─(なし: 会議の承認で確定、市町村へ報告)──────────────────────▶ confirmed
    confirmed ──支援開始──▶ monitoring ──再プラン──▶ draft (v+1; v は読み取り専用のまま)
    awaiting_decision ──（市町村が支援しないと決定）再プラン──▶ draft (v+1)
    monitoring ──③ 終結の判断──▶ closed          monitoring ──④ 中断の決定 + 連絡の試み──▶ suspended
    suspended / closed ──再開──▶ monitoring

Sources: seed 001 §6 (the four timings of the 重層的支援会議 and the three confirmation patterns of (6)),
DOMAIN §4 steps 7–10.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from enum import IntEnum, StrEnum


class State(StrEnum):
    DRAFT = "draft"  # プラン作成中
    AWAITING_DECISION = "awaiting_decision"  # 支援決定待ち
    CONFIRMED = "confirmed"  # プラン確定
    MONITORING = "monitoring"  # 支援・モニタリング中
    CLOSED = "closed"  # 終結
    SUSPENDED = "suspended"  # 中断


STATE_LABELS = {
    State.DRAFT: "プラン作成中",
    State.AWAITING_DECISION: "支援決定待ち",
    State.CONFIRMED: "プラン確定",
    State.MONITORING: "支援・モニタリング中",
    State.CLOSED: "終結",
    State.SUSPENDED: "中断",
}


class Timing(IntEnum):
    """The four timings at which the 重層的支援会議 must be held (seed 001 §6)."""

    PLAN = 1  # ① プラン策定時
    REPLAN = 2  # ② プラン変更時・再プラン策定時
    CLOSURE = 3  # ③ 支援終結の判断時
    SUSPENSION = 4  # ④ 支援中断の決定時


class MeetingKind(StrEnum):
    PLAN = "plan"  # 重層的支援会議 (consent-based)
    CONFIDENTIAL = "confidential"  # 支援会議 (法第106条の6): shares worries, cannot approve a plan


@dataclass(frozen=True)
class PlanVersion:
    """One version of the support plan; a re-plan adds a new one and never changes an earlier one."""

    number: int
    has_outreach: bool = False
    has_participation: bool = False
    has_other_supports: bool = True

    @property
    def needs_decision(self) -> bool:
        """アウトリーチ or 参加支援 in the plan → the municipality's 支援決定 confirms it (patterns 1 and 2)."""
        return self.has_outreach or self.has_participation

    @property
    def needs_review_of_others(self) -> bool:
        """Pattern 2 (mixed): the municipality also reviews the supports that need no decision."""
        return self.needs_decision and self.has_other_supports


@dataclass(frozen=True)
class MeetingRecord:
    """An agenda item's outcome: this case, at this timing, for this plan version, approved or not."""

    case_id: int
    kind: MeetingKind
    timing: Timing
    plan_version: int | None
    approved: bool
    held_on: date


@dataclass(frozen=True)
class Decision:
    """The municipality's 支援決定 on a plan version."""

    case_id: int
    plan_version: int
    approved: bool
    decided_on: date
    reviewed_other_supports: bool = False


@dataclass(frozen=True)
class ContactAttempt:
    case_id: int
    on: date


@dataclass(frozen=True)
class Settings:
    """Per-municipality: what a suspension needs (at least N attempts spread over at least M days)."""

    min_contact_attempts: int = 3
    min_contact_days: int = 30


@dataclass(frozen=True)
class CaseFacts:
    """The records the guards read. `meetings` and `attempts` hold only what counts for the current period of
    support: after a reopening, a ③/④ decision or a contact attempt from before it does not count again (the
    services leave those out)."""

    case_id: int
    state: State = State.DRAFT
    plans: tuple[PlanVersion, ...] = ()
    meetings: tuple[MeetingRecord, ...] = ()
    decisions: tuple[Decision, ...] = ()
    attempts: tuple[ContactAttempt, ...] = ()
    settings: Settings = field(default_factory=Settings)

    @property
    def plan(self) -> PlanVersion | None:
        return self.plans[-1] if self.plans else None


class Action(StrEnum):
    SUBMIT_PLAN = "submit_plan"  # after the plan meeting (① or ②) approved the current version
    CONFIRM = "confirm"  # after the 支援決定
    START_SUPPORT = "start_support"
    REPLAN = "replan"
    CLOSE = "close"
    SUSPEND = "suspend"
    REOPEN = "reopen"


class TransitionError(Exception):
    """An action the lifecycle refuses; the message is shown to the user (the API answers 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def plan_meeting(facts: CaseFacts) -> MeetingRecord | None:
    """The approving 重層的支援会議 of the current plan version at its timing (① for v1, ② for a re-plan)."""
    plan = facts.plan
    if plan is None:
        return None
    timing = Timing.PLAN if plan.number == 1 else Timing.REPLAN
    return next(
        (
            m
            for m in facts.meetings
            if m.case_id == facts.case_id
            and m.kind == MeetingKind.PLAN
            and m.timing == timing
            and m.plan_version == plan.number
            and m.approved
        ),
        None,
    )


def refused(facts: CaseFacts) -> Decision | None:
    """The municipality decided not to support the current plan version: only a re-plan moves the case on."""
    plan = facts.plan
    if plan is None:
        return None
    return next(
        (
            d
            for d in facts.decisions
            if d.case_id == facts.case_id and d.plan_version == plan.number and not d.approved
        ),
        None,
    )


def decision(facts: CaseFacts) -> Decision | None:
    plan = facts.plan
    if plan is None:
        return None
    return next(
        (
            d
            for d in facts.decisions
            if d.case_id == facts.case_id
            and d.plan_version == plan.number
            and d.approved
            and (d.reviewed_other_supports or not plan.needs_review_of_others)
        ),
        None,
    )


def _meeting_at(facts: CaseFacts, timing: Timing) -> MeetingRecord | None:
    return next(
        (
            m
            for m in facts.meetings
            if m.case_id == facts.case_id and m.kind == MeetingKind.PLAN and m.timing == timing and m.approved
        ),
        None,
    )


def contact_efforts_suffice(facts: CaseFacts) -> bool:
    """④ is allowed only after documented efforts: at least N attempts spread over at least M days."""
    days = sorted(a.on for a in facts.attempts if a.case_id == facts.case_id)
    if len(days) < facts.settings.min_contact_attempts:
        return False
    return (days[-1] - days[0]).days >= facts.settings.min_contact_days


def _require(state: State, allowed: tuple[State, ...], action_label: str) -> None:
    if state not in allowed:
        names = "・".join(STATE_LABELS[s] for s in allowed)
        raise TransitionError(
            f"「{STATE_LABELS[state]}」の事例では{action_label}できません（{names}のときだけできます）。"
        )


def apply(facts: CaseFacts, action: Action, *, new_plan: PlanVersion | None = None) -> CaseFacts:
    """The facts after the action, or TransitionError with the Japanese reason. Never mutates `facts`."""
    state = facts.state
    if action == Action.SUBMIT_PLAN:
        _require(state, (State.DRAFT,), "プランを会議の承認に進めることは")
        if facts.plan is None:
            raise TransitionError("支援プランがまだ作成されていません。")
        if plan_meeting(facts) is None:
            timing = "①プラン策定時" if facts.plan.number == 1 else "②プラン変更時"
            raise TransitionError(
                f"この版のプランを承認した重層的支援会議（{timing}）の記録がありません。会議の記録を先に登録してください。"
            )
        return replace(facts, state=State.AWAITING_DECISION if facts.plan.needs_decision else State.CONFIRMED)
    if action == Action.CONFIRM:
        _require(state, (State.AWAITING_DECISION,), "支援決定による確定は")
        if decision(facts) is None:
            extra = (
                "（アウトリーチ・参加支援以外の支援の確認を含む）"
                if facts.plan.needs_review_of_others
                else ""
            )
            raise TransitionError(f"この版のプランに対する市町村の支援決定{extra}が記録されていません。")
        return replace(facts, state=State.CONFIRMED)
    if action == Action.START_SUPPORT:
        _require(state, (State.CONFIRMED,), "支援の開始は")
        return replace(facts, state=State.MONITORING)
    if action == Action.REPLAN:
        _require(state, (State.MONITORING, State.AWAITING_DECISION), "再プランは")
        if state == State.AWAITING_DECISION and refused(facts) is None:
            raise TransitionError(
                "支援決定待ちのプランは、市町村が支援しないと決定したときだけ再プランできます。"
            )
        if new_plan is None or facts.plan is None or new_plan.number != facts.plan.number + 1:
            raise TransitionError("再プランは現在の版の次の版として作成してください。")
        return replace(facts, state=State.DRAFT, plans=(*facts.plans, new_plan))
    if action == Action.CLOSE:
        _require(state, (State.MONITORING,), "終結は")
        if _meeting_at(facts, Timing.CLOSURE) is None:
            raise TransitionError("終結を判断した重層的支援会議（③支援終結の判断時）の記録がありません。")
        return replace(facts, state=State.CLOSED)
    if action == Action.SUSPEND:
        _require(state, (State.MONITORING,), "中断は")
        if not contact_efforts_suffice(facts):
            s = facts.settings
            raise TransitionError(
                f"中断には、{s.min_contact_days}日以上にわたる{s.min_contact_attempts}回以上の連絡の試み（訪問・近隣や関係機関への確認など）の記録が必要です。"
            )
        if _meeting_at(facts, Timing.SUSPENSION) is None:
            raise TransitionError("中断を決定した重層的支援会議（④支援中断の決定時）の記録がありません。")
        return replace(facts, state=State.SUSPENDED)
    if action == Action.REOPEN:
        _require(state, (State.SUSPENDED, State.CLOSED), "再開は")
        return replace(facts, state=State.MONITORING)
    raise TransitionError("不明な操作です。")


def needs_report_to_municipality(facts: CaseFacts) -> bool:
    """Pattern 3: a plan without アウトリーチ / 参加支援 is confirmed by the meeting, then reported."""
    return facts.plan is not None and not facts.plan.needs_decision and facts.state != State.DRAFT
