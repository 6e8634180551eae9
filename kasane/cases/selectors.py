"""Reads of 多機関協働 through the access policy, written to the access log (with the case id)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from kasane.core import audit, policy

from . import lifecycle
from .lifecycle import State
from .models import Assessment, CollaborationCase, Monitoring, SupportPlan

Action = audit.Action


def _cases(user) -> QuerySet[CollaborationCase]:
    return policy.scope(user, CollaborationCase).select_related("person", "lead_agency", "household")


def case_list(*, user, state: str = "", include_archived: bool = False) -> list[CollaborationCase]:
    qs = _cases(user)
    if state:
        qs = qs.filter(state=state)
    if not include_archived:
        qs = qs.filter(archived=False)
    rows = list(qs.order_by("-opened_on", "-pk")[:500])
    audit.record_many(user=user, action=Action.LIST, objects=rows, model=CollaborationCase, detail="事例一覧")
    return rows


def case_get(*, user, pk, log: bool = True) -> CollaborationCase:
    case = policy.get_or_404(user, _cases(user).select_related("consent", "opened_by", "municipality"), pk=pk)
    if log:
        audit.record(user=user, action=Action.VIEW, obj=case, person_id=case.person_id, case_id=case.pk)
    return case


def current_plan(case) -> SupportPlan | None:
    return case.plans.order_by("-number").first()


def plan_get(*, user, pk) -> SupportPlan:
    from django.http import Http404

    from kasane.core.validators import parse_id

    # A plan has no policy of its own: it is visible with its case (get_or_404 would need one).
    plan = (
        SupportPlan.objects.filter(case__in=policy.scope(user, CollaborationCase), pk=parse_id(pk) or 0)
        .select_related("case", "case__person", "author")
        .first()
    )
    if plan is None:
        raise Http404
    audit.record(user=user, action=Action.VIEW, obj=plan, person_id=plan.case.person_id, case_id=plan.case_id)
    return plan


def assessment_get(*, user, pk) -> Assessment:
    from django.http import Http404

    from kasane.core.validators import parse_id

    if parse_id(pk) is None:
        raise Http404
    visible = policy.scope(user, CollaborationCase)
    assessment = Assessment.objects.filter(case__in=visible, pk=pk).select_related("case", "author").first()
    if assessment is None:
        raise Http404
    audit.record(user=user, action=Action.VIEW, obj=assessment, person_id=assessment.case.person_id,
                 case_id=assessment.case_id)  # fmt: skip
    return assessment


def assessment_view(*, user, assessment) -> tuple[list, bool]:
    """The entries of an assessment the user may read, and whether the household part shows.

    A team agency that sees the case sees 本人's entry; other members' entries and the household's compound
    issues need what the household view needs (kasane.core.policy.can_see_household_details) and each member
    visible to the user. Every other member's entry read is logged."""
    from kasane.people.models import Person

    case = assessment.case
    household = policy.can_see_household_details(user, case.person)
    visible = set(policy.scope(user, Person).values_list("pk", flat=True).filter(
        pk__in=assessment.entries.values("person_id")))  # fmt: skip
    entries = [
        e for e in assessment.entries.select_related("person").prefetch_related("agencies_involved")
        if e.person_id == case.person_id or (household and e.person_id in visible)
    ]  # fmt: skip
    others = [e.person for e in entries if e.person_id != case.person_id]
    if others:
        audit.record_many(user=user, action=Action.VIEW, objects=others, model=Person,
                          detail=f"アセスメント {assessment.pk} の世帯員")  # fmt: skip
    return entries, household


@dataclass
class NextStep:
    """What the case needs next, in words a worker acts on, and the actions the state machine allows now."""

    text: str
    actions: list[tuple[str, str]] = field(default_factory=list)
    needs_decision: bool = False
    replan: bool = False  # a re-plan is the way on (in support, or after a refused 支援決定)


def next_step(case: CollaborationCase) -> NextStep:
    from .services import facts_of

    facts = facts_of(case)
    state = State(case.state)
    plan = facts.plan
    if state == State.DRAFT:
        if plan is None:
            return NextStep("アセスメントを行い、支援プラン（第1版）を作成してください。")
        if lifecycle.plan_meeting(facts) is None:
            timing = "①プラン策定時" if plan.number == 1 else "②プラン変更時"
            where = "重層的支援会議" if case.route == "plan" else "重層的支援会議（本人の同意を得たうえで）"
            return NextStep(f"第{plan.number}版のプランを{where}（{timing}）に諮り、承認を記録してください。")
        after = (
            "市町村の支援決定へ進みます"
            if plan.needs_decision
            else "会議の承認でプランが確定します（市町村へ報告されます）"
        )
        return NextStep(
            f"会議で承認されました。承認を反映すると{after}。", [("submit_plan", "会議の承認を反映する")]
        )
    if state == State.AWAITING_DECISION and lifecycle.refused(facts) is not None:
        return NextStep(
            f"市町村は第{plan.number}版のプランについて支援しないと決定しました。決定の内容を踏まえて再プランを作成し、"
            "②プラン変更時の重層的支援会議に諮ってください。",
            replan=True,
        )
    if state == State.AWAITING_DECISION:
        extra = "（アウトリーチ・参加支援以外の支援の確認を含む）" if plan.needs_review_of_others else ""
        return NextStep(f"市町村（所管課）の支援決定{extra}を待っています。", needs_decision=True)
    if state == State.CONFIRMED:
        return NextStep(
            "プランが確定しました。支援を開始してください。", [("start_support", "支援を開始する")]
        )
    if state == State.MONITORING:
        return NextStep(
            "支援・モニタリング中です。状況が変われば再プラン（②）、終結は③、中断は④の会議の記録が必要です。",
            [("close", "終結する"), ("suspend", "中断する")],
            replan=True,
        )
    if state == State.SUSPENDED:
        return NextStep("支援を中断しています（連絡がとれない状態）。本人と再び連絡がとれたら再開できます。",
                        [("reopen", "再開する")])  # fmt: skip
    return NextStep("支援は終結しています。必要になれば再開できます。", [("reopen", "再開する")])


# --- the today list ---------------------------------------------------------------------------------------------


@dataclass
class TodayRow:
    text: str
    url: str


def monitoring_due(*, user, within_days: int = 7) -> list[Monitoring]:
    limit = timezone.localdate() + timedelta(days=within_days)
    cases = policy.scope(user, CollaborationCase).filter(state__in=[State.CONFIRMED, State.MONITORING])
    return list(
        Monitoring.objects.filter(plan__case__in=cases, done_on__isnull=True, due_on__lte=limit)
        .select_related("plan__case", "plan__case__person")
        .order_by("due_on")[:50]
    )


def awaiting_decision(*, user) -> list[CollaborationCase]:
    if not policy.is_municipal_office(user):
        return []
    return list(_cases(user).filter(state=State.AWAITING_DECISION).order_by("opened_on")[:50])


def without_contact(*, user) -> list[CollaborationCase]:
    days = user.municipality.no_contact_alert_days
    since = timezone.localdate() - timedelta(days=days)
    qs = _cases(user).filter(state__in=[State.CONFIRMED, State.MONITORING], archived=False)
    rows = [c for c in qs.order_by("last_contact_on")[:200] if (c.last_contact_on or c.opened_on) < since]
    return rows[:50]
