"""Pages of 多機関協働: the case list and record, opening a case, lifecycle steps, team and lead, assessments,
support plans (and the printed プラン兼利用申込書), the 支援決定, support and contact records.

Every write goes through a service; a refused step (DomainError, ConflictError, TransitionRefused) is shown
as its Japanese message on the form or as a message on the case page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from kasane.core import audit, policy
from kasane.core.errors import ConflictError, DomainError, TransitionRefused
from kasane.core.forms import add_domain_error
from kasane.core.models import User
from kasane.core.pdf import pdf_response, render_pdf
from kasane.core.validators import parse_id
from kasane.directory import selectors as directory_selectors
from kasane.intake import selectors as intake_selectors
from kasane.meetings import selectors as meeting_selectors
from kasane.people import selectors as people_selectors
from kasane.people.ecomap import EcoAgency, EcoLink, EcoMember, render_ecomap
from kasane.people.models import Household, Person

from . import selectors, services
from .assessment_items import describe
from .forms import (
    AssessmentForm,
    CaseEditForm,
    CaseFilterForm,
    CaseOpenForm,
    ContactAttemptForm,
    DecisionForm,
    LeadChangeForm,
    MemberAssessmentForm,
    MonitoringDoneForm,
    PlanForm,
    SupportFormSet,
    SupportRecordForm,
    TeamAddForm,
    TeamLeaveForm,
    TransitionForm,
)
from .lifecycle import State
from .models import REASON_FIELDS, CollaborationCase, Monitoring, SupportKind, SupportPlan

CASE_LABEL = "cases.CollaborationCase"
TRANSITION_LABELS = {
    "open": "事例を開始", "consent": "本人同意", "consent_withdrawn": "同意の撤回", "submit_plan": "会議の承認を反映",
    "confirm": "支援決定によりプランを確定", "start_support": "支援を開始", "replan": "再プラン", "close": "終結",
    "suspend": "中断", "reopen": "再開",
}  # fmt: skip
OFFICE = "市町村（所管課）"


def _staff(user):
    return policy.scope(user, User).filter(is_active=True).order_by("agency_id", "last_name", "first_name")


def _agencies(user):
    return directory_selectors.agency_choices(user=user)


def _back(case, anchor: str = ""):
    return redirect(reverse("cases:case_detail", kwargs={"pk": case.pk}) + (f"#{anchor}" if anchor else ""))


def _form_errors(form) -> str:
    """The errors of a small form posted from the case page, as one message (the page shows no form state)."""
    texts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else ""
        texts += [f"{label}：{e}" if label else e for e in errors]
    return " ".join(texts) or "入力内容を確認してください。"


def _post_case(request, pk, action: str) -> CollaborationCase:
    """The case for a write posted from its page: 404 when not visible, 403 when visible but not allowed."""
    case = selectors.case_get(user=request.user, pk=pk, log=False)
    policy.require(request.user, action, case)
    return case


def _newest_active_consent(user, person):
    return (
        intake_selectors.consents_of_person(user=user, person=person)
        .filter(withdrawn_on__isnull=True)
        .first()
    )


# --- list and opening ----------------------------------------------------------------------------------------


@login_required
def case_list(request):
    policy.require_capability(request.user, "casework")
    form = CaseFilterForm(request.GET or None)
    state, archived = "", False
    if form.is_bound and form.is_valid():
        state, archived = form.cleaned_data["state"], form.cleaned_data["include_archived"]
    context = {
        "form": form,
        "cases": selectors.case_list(user=request.user, state=state, include_archived=archived),
        "can_create": policy.can_create(request.user, CASE_LABEL),
    }
    return render(request, "cases/case_list.html", context)


def _source(request) -> dict:
    """Where the case starts: a consultation, a referral or the person (each fetched through its selector)."""
    user, source = request.user, {}
    for key in ("consultation", "referral", "person"):
        if key in request.GET:
            pk = parse_id(request.GET[key])
            if pk is None:
                raise Http404
            if key == "consultation":
                source["consultation"], _narrative = intake_selectors.consultation_get(user=user, pk=pk)
                source["person"] = source["consultation"].person
            elif key == "referral":
                source["referral"] = intake_selectors.referral_get(user=user, pk=pk)
                source["person"] = source["referral"].person
            else:
                source["person"] = people_selectors.person_get(user=user, pk=pk)
            break
    return source


@login_required
def case_create(request):
    policy.require_create(request.user, CASE_LABEL)
    source = _source(request)
    person = source.get("person")
    if person is None:
        return render(request, "cases/case_form.html", {"form": None})
    household = people_selectors.current_household(person)
    households = policy.scope(request.user, Household).filter(pk=household.pk if household else 0)
    initial = {"title": f"{person.display_name}さんの事例", "household": households.first()}
    form = CaseOpenForm(request.POST or None, initial=initial, households=households,
                        bodies=meeting_selectors.bodies(user=request.user))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.case_open(
                user=request.user, person=person, title=d["title"], household=d["household"],
                consultation=source.get("consultation"), referral=source.get("referral"), summary=d["summary"],
                opened_on=d["opened_on"], meeting_body=d["meeting_body"], **form.reasons(),
            )  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"多機関協働の事例を開始しました（{case.get_route_display()}）。")
            return redirect("cases:case_detail", pk=case.pk)
    context = {"form": form, "person": person, "source": source,
               "consent": _newest_active_consent(request.user, person)}  # fmt: skip
    return render(request, "cases/case_form.html", context)


# --- the case record ---------------------------------------------------------------------------------------------


def _meeting_rows(user, case) -> list[tuple]:
    rows = []
    # the item (which the case's team may read), not the meeting (which only its members see)
    for item in meeting_selectors.items_for_case(user=user, case=case):
        rows.append((item, reverse("meetings:item_detail", kwargs={"pk": item.pk})))
    return rows


@login_required
def case_detail(request, pk):
    user = request.user
    case = selectors.case_get(user=user, pk=pk)
    plans = list(case.plans.prefetch_related("supports").select_related("author").order_by("number"))
    current = plans[-1] if plans else None
    can_transition = policy.can(user, "transition", case)
    can_change = policy.can(user, policy.CHANGE, case)
    can_decide = bool(current) and case.state == State.AWAITING_DECISION and policy.can(user, "decide", case)
    team = list(case.team.select_related("agency", "staff"))
    team_agency_ids = [m.agency_id for m in team if m.left_on is None and m.agency_id]
    latest_consent = _newest_active_consent(user, case.person)
    context = {
        "case": case,
        "step": selectors.next_step(case),
        "person_visible": policy.scope(user, Person).filter(pk=case.person_id).exists(),
        "household_visible": bool(case.household_id)
        and policy.scope(user, Household).filter(pk=case.household_id).exists(),
        "latest_consent": latest_consent,
        "can_attach_consent": latest_consent is not None and latest_consent.pk != case.consent_id,
        "can_refresh_consent": latest_consent is None and case.consent_id is not None,
        "can_transition": can_transition,
        "can_change": can_change,
        "can_decide": can_decide,
        # Only a case opened by mistake, with nothing recorded on it, offers deletion (services.case_delete).
        "can_delete": policy.can(user, policy.DELETE, case)
        and not (case.plans.exists() or case.assessments.exists() or case.agenda_items.exists()),
        "team": team,
        "lead_history": case.lead_history.select_related("agency", "assigned_by"),
        "assessments": case.assessments.select_related("author").order_by("-number"),
        "plans": plans,
        "current_plan": current,
        "decisions": case.decisions.select_related("plan", "decided_by"),
        "reports": case.reports.select_related("plan", "reported_by"),
        "monitorings": Monitoring.objects.filter(plan__case=case).select_related("plan", "done_by"),
        "support_records": case.support_records.select_related("agency", "staff").order_by(
            "-recorded_on", "-pk"
        ),
        "contact_attempts": case.contact_attempts.select_related("staff").order_by("-attempted_on", "-pk"),
        "meeting_rows": _meeting_rows(user, case),
        "transitions": [
            (t, TRANSITION_LABELS.get(t.action, t.action)) for t in case.transitions.select_related("by")
        ],
        "transition_version": case.version,
    }
    if can_transition:
        context["team_form"] = TeamAddForm(agencies=_agencies(user), staff=_staff(user))
        context["lead_form"] = LeadChangeForm(
            agencies=_agencies(user).filter(pk__in=team_agency_ids), initial={"version": case.version}
        )
        context["close_form"] = TransitionForm(auto_id="close_%s")
        context["suspend_form"] = TransitionForm(auto_id="suspend_%s")
    if can_change:
        context["record_form"] = SupportRecordForm()
        context["contact_form"] = ContactAttemptForm()
        if case.state in (State.CONFIRMED, State.MONITORING):  # monitoring is recorded while in support
            context["monitoring_form"] = MonitoringDoneForm()
    if can_decide:
        mixed = current.has_other_supports and (current.has_outreach or current.has_participation)
        context["decision_form"] = DecisionForm(mixed=mixed)
    return render(request, "cases/case_detail.html", context)


@login_required
def case_edit(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, case)
    current = people_selectors.current_household(case.person)
    ids = [h for h in (case.household_id, current.pk if current else None) if h]
    households = policy.scope(request.user, Household).filter(pk__in=ids)
    bodies = meeting_selectors.bodies(user=request.user)

    def initial_of(c):
        return {
            f: getattr(c, f) for f in ("title", "summary", "household", "meeting_body", *REASON_FIELDS)
        } | {"version": c.version}

    form = CaseEditForm(request.POST or None, initial=initial_of(case), households=households, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(user=request.user, case=case, **form.cleaned_data)
        except ConflictError as exc:
            # Show the latest record (and its version) with the message, so the user can redo the change.
            latest = CollaborationCase.objects.get(pk=case.pk)
            form = CaseEditForm(initial=initial_of(latest), households=households, bodies=bodies)
            messages.error(request, exc.message)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "事例を更新しました。")
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_edit.html", {"form": form, "case": case})


TRANSITION_FIELDS = ("closing_evaluation", "follow_up", "suspension_reason")


@login_required
@require_POST
def case_transition(request, pk):
    case = _post_case(request, pk, "transition")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作がわかりません。画面を開き直してから、もう一度操作してください。")
        return _back(case)
    action = form.cleaned_data["action"]
    try:
        services.case_transition(user=request.user, case=case, **form.cleaned_data)
    except DomainError as exc:
        if exc.field in TRANSITION_FIELDS and not isinstance(exc, ConflictError | TransitionRefused):
            add_domain_error(form, exc)
            return render(
                request, "cases/case_transition.html", {"case": case, "form": form, "action": action}
            )
        messages.error(request, exc.message)
    else:
        label = services.USER_ACTIONS.get(action, action)
        messages.success(request, f"「{label}」を記録しました。")
    return _back(case)


@login_required
@require_POST
def case_consent(request, pk):
    """Attach the person's newest active consent (支援会議 → 重層的支援会議), or fall back after a withdrawal."""
    case = _post_case(request, pk, "transition")
    latest = _newest_active_consent(request.user, case.person)
    try:
        if latest is not None and latest.pk != case.consent_id:
            services.case_attach_consent(user=request.user, case=case, consent=latest)
            messages.success(request, "本人同意を記録しました。事例は重層的支援会議の経路になります。")
        else:
            case = services.case_refresh_consent(user=request.user, case=case)
            messages.success(request, f"本人同意の状況を反映しました（{case.get_route_display()}）。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(case, "consent")


@login_required
@require_POST
def case_delete(request, pk):
    case = _post_case(request, pk, policy.DELETE)
    try:
        services.case_delete(user=request.user, case=case)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(case)
    messages.success(request, "事例を削除しました。")
    return redirect("cases:case_list")


@login_required
@require_POST
def case_archive(request, pk):
    case = _post_case(request, pk, "transition")
    try:
        services.case_archive(user=request.user, case=case)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "事例をアーカイブしました。")
    return _back(case)


# --- team and lead ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def team_add(request, pk):
    case = _post_case(request, pk, "transition")
    form = TeamAddForm(request.POST, agencies=_agencies(request.user), staff=_staff(request.user))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "team")
    try:
        member = services.team_add(user=request.user, case=case, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"チームに「{member.agency or OFFICE}」を加えました。")
    return _back(case, "team")


@login_required
@require_POST
def team_leave(request, pk, member_pk):
    case = _post_case(request, pk, "transition")
    member = case.team.filter(pk=parse_id(member_pk) or 0).first()
    if member is None:
        raise Http404
    form = TeamLeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "team")
    try:
        services.team_leave(user=request.user, member=member, left_on=form.cleaned_data["left_on"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"「{member.agency or OFFICE}」がチームを離れたことを記録しました。")
    return _back(case, "team")


@login_required
@require_POST
def lead_change(request, pk):
    case = _post_case(request, pk, "transition")
    form = LeadChangeForm(request.POST, agencies=_agencies(request.user))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "lead")
    try:
        services.lead_change(user=request.user, case=case, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "主担当を変更しました。")
    return _back(case, "lead")


# --- decisions, support and contact records, monitoring --------------------------------------------------------


@login_required
@require_POST
def decision_create(request, pk):
    case = _post_case(request, pk, "decide")
    plan = selectors.current_plan(case)
    if plan is None:
        messages.error(request, "支援決定の対象となるプランがありません。")
        return _back(case)
    form = DecisionForm(request.POST, mixed=True)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "decision")
    d = form.cleaned_data
    try:
        services.decision_record(
            user=request.user, case=case, plan=plan, decided_on=d["decided_on"], approved=d["approved"] == "yes",
            reviewed_other_supports=d["reviewed_other_supports"], note=d["note"],
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "支援決定を記録しました。")
    return _back(case, "decision")


@login_required
@require_POST
def support_record_create(request, pk):
    case = _post_case(request, pk, policy.CHANGE)
    form = SupportRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "records")
    try:
        services.support_record_add(user=request.user, case=case, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "支援経過を記録しました。")
    return _back(case, "records")


@login_required
@require_POST
def contact_attempt_create(request, pk):
    case = _post_case(request, pk, policy.CHANGE)
    form = ContactAttemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "contacts")
    try:
        services.contact_attempt_record(user=request.user, case=case, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "連絡の試みを記録しました。")
    return _back(case, "contacts")


@login_required
@require_POST
def monitoring_done(request, pk, monitoring_pk):
    case = _post_case(request, pk, policy.CHANGE)
    monitoring = Monitoring.objects.filter(plan__case=case, pk=parse_id(monitoring_pk) or 0).select_related(
        "plan__case"
    )
    monitoring = monitoring.first()
    if monitoring is None:
        raise Http404
    form = MonitoringDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(case, "monitoring")
    try:
        services.monitoring_done(user=request.user, monitoring=monitoring, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "モニタリングを記録しました。")
    return _back(case, "monitoring")


# --- assessment -----------------------------------------------------------------------------------------------


def _household_members(user, case) -> list[tuple[Person, str]]:
    """The case's person and the household's current members the user may see, with their 続柄."""
    rows: list[tuple[Person, str]] = [(case.person, "")]
    if case.household_id:
        memberships = case.household.memberships.filter(left_on__isnull=True).select_related("person")
        visible = set(
            policy.scope(user, Person)
            .filter(pk__in=[m.person_id for m in memberships])
            .values_list("pk", flat=True)
        )
        for m in memberships.order_by("pk"):
            if m.person_id == case.person_id:
                rows[0] = (case.person, m.get_relationship_display())
            elif m.person_id in visible:
                rows.append((m.person, m.get_relationship_display()))
    others = [p for p, _rel in rows[1:]]
    if others:
        audit.record_many(user=user, action=audit.Action.VIEW, objects=others, model=Person,
                          detail=f"事例 {case.number} のアセスメント（世帯員）")  # fmt: skip
    return rows


def _has_content(entry: dict) -> bool:
    areas = any(v["items"] or v["note"].strip() for v in entry["areas"].values())
    texts = any(entry[k].strip() for k in ("strengths", "wishes", "risks", "agencies_note"))
    return areas or texts or bool(entry["agencies_involved"])


@login_required
def assessment_create(request, pk):
    user = request.user
    case = selectors.case_get(user=user, pk=pk)
    policy.require(user, policy.CHANGE, case)
    latest = case.assessments.order_by("-number").first()
    previous = {}
    if latest is not None:
        previous = {e.person_id: e for e in latest.entries.prefetch_related("agencies_involved")}
    data = request.POST if request.method == "POST" else None
    form = AssessmentForm(data, initial={"household_issues": latest.household_issues if latest else ""})
    members = []
    for person, relationship in _household_members(user, case):
        initial = MemberAssessmentForm.initial_from(previous[person.pk]) if person.pk in previous else {}
        member_form = MemberAssessmentForm(
            data, prefix=f"p{person.pk}", agencies=_agencies(user), initial=initial
        )
        members.append({"person": person, "relationship": relationship, "form": member_form,
                        "is_person": person.pk == case.person_id})  # fmt: skip
    if data is not None and form.is_valid() and all(m["form"].is_valid() for m in members):
        entries = []
        for m in members:
            entry = m["form"].entry()
            if m["is_person"] or _has_content(entry):
                entries.append({"person": m["person"], "relationship": m["relationship"], **entry})
        try:
            assessment = services.assessment_create(
                user=user, case=case, entries=entries, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"アセスメント（第{assessment.number}版）を記録しました。")
            return redirect("cases:assessment_detail", pk=assessment.pk)
    context = {"case": case, "form": form, "members": members, "latest": latest}
    return render(request, "cases/assessment_form.html", context)


def _assessment_ecomap(assessment, entries) -> str:
    members, agencies, links = [], {}, []
    for entry in entries:
        key = f"m{entry.pk}"
        person = entry.person
        sub = "・".join(
            x for x in (entry.relationship, f"{person.age}歳" if person.age is not None else "") if x
        )
        members.append(EcoMember(key, person.given_name or person.display_name, sub,
                                 highlight=person.pk == assessment.case.person_id))  # fmt: skip
        for agency in entry.agencies_involved.all():
            agencies.setdefault(agency.pk, EcoAgency(f"a{agency.pk}", agency.name))
            links.append(EcoLink(key, f"a{agency.pk}"))
        if entry.agencies_note.strip():
            name = entry.agencies_note.strip()
            agencies.setdefault(name, EcoAgency(f"n{len(agencies)}", name))
            links.append(EcoLink(key, agencies[name].key, kind="weak"))
    case = assessment.case
    label = str(case.household) if case.household_id else f"{case.person.display_name}さんの世帯"
    return render_ecomap(members, list(agencies.values()), links, household_label=label)


@login_required
def assessment_detail(request, pk):
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    case = assessment.case
    entries, show_household = selectors.assessment_view(user=request.user, assessment=assessment)
    rows = [
        {"entry": e, "areas": describe(e.areas), "is_person": e.person_id == case.person_id} for e in entries
    ]
    context = {
        "assessment": assessment,
        "case": case,
        "rows": rows,
        "show_household": show_household,
        "ecomap": mark_safe(_assessment_ecomap(assessment, entries)),  # noqa: S308 - render_ecomap escapes every label
        "versions": case.assessments.order_by("number"),
        "can_change": policy.can(request.user, policy.CHANGE, case),
    }
    return render(request, "cases/assessment_detail.html", context)


# --- plans --------------------------------------------------------------------------------------------------------


def _support_initial(plan) -> list[dict]:
    return [
        {"kind": s.kind, "agency": s.agency, "staff": s.staff, "content": s.content, "frequency": s.frequency,
         "starts_on": s.starts_on, "ends_on": s.ends_on}
        for s in plan.supports.select_related("agency", "staff")
    ]  # fmt: skip


def _plan_forms(request, data, *, initial, supports, replan=False):
    form = PlanForm(data, initial=initial, replan=replan)
    formset = SupportFormSet(
        data, initial=supports, prefix="supports",
        form_kwargs={"agencies": _agencies(request.user), "staff": _staff(request.user)},
    )  # fmt: skip
    return form, formset


def _supports_of(formset) -> list[dict]:
    return [row for f in formset if (row := f.support()) is not None]


@login_required
def plan_create(request, pk):
    user = request.user
    case = selectors.case_get(user=user, pk=pk)
    policy.require(user, policy.CHANGE, case)
    current = selectors.current_plan(case)
    if current is not None and case.state == State.DRAFT:
        messages.info(request, f"第{current.number}版のプランが作成中です。作成中の版を編集してください。")
        return redirect("cases:plan_edit", pk=current.pk)
    initial, supports = {}, []
    if current is not None:
        initial = {"goals": current.goals, "policy": current.policy}
        supports = _support_initial(current)
    data = request.POST if request.method == "POST" else None
    form, formset = _plan_forms(request, data, initial=initial, supports=supports, replan=current is not None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            plan = services.plan_create(
                user=user, case=case, supports=_supports_of(formset), **form.plan_fields()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"支援プラン（第{plan.number}版）を作成しました。")
            return redirect("cases:plan_detail", pk=plan.pk)
    context = {"case": case, "form": form, "formset": formset, "current": current}
    return render(request, "cases/plan_form.html", context)


@login_required
def plan_detail(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    case = plan.case
    editable, reason = services.plan_is_editable(plan)
    context = {
        "plan": plan,
        "case": case,
        "supports": plan.supports.select_related("agency", "staff"),
        "monitorings": plan.monitorings.select_related("done_by"),
        "decisions": plan.decisions.select_related("decided_by"),
        "reports": plan.reports.select_related("reported_by"),
        "versions": case.plans.order_by("number"),
        "latest_number": case.plans.order_by("-number").values_list("number", flat=True).first(),
        "editable": editable and policy.can(request.user, policy.CHANGE, case),
        "not_editable_reason": reason,
    }
    return render(request, "cases/plan_detail.html", context)


@login_required
def plan_edit(request, pk):
    user = request.user
    plan = selectors.plan_get(user=user, pk=pk)
    case = plan.case
    policy.require(user, policy.CHANGE, case)
    editable, reason = services.plan_is_editable(plan)
    if not editable:
        messages.error(request, reason)
        return redirect("cases:plan_detail", pk=plan.pk)

    def initial_of(p):
        dates = list(p.monitorings.filter(done_on__isnull=True).values_list("due_on", flat=True))
        return {"goals": p.goals, "policy": p.policy, "made_on": p.made_on, "change_reason": p.change_reason,
                "evaluation": p.evaluation, "version": p.version} | {
            f"monitoring_{i}": d for i, d in enumerate(dates[:4], start=1)
        }  # fmt: skip

    data = request.POST if request.method == "POST" else None
    form, formset = _plan_forms(request, data, initial=initial_of(plan), supports=_support_initial(plan),
                                replan=plan.number > 1)  # fmt: skip
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.plan_update(user=user, plan=plan, version=form.cleaned_data["version"],
                                 supports=_supports_of(formset), **form.plan_fields())  # fmt: skip
        except ConflictError as exc:
            latest = SupportPlan.objects.get(pk=plan.pk)
            messages.error(request, exc.message)
            # Show the latest version of the plan (unbound) with the message, so the user can redo the change.
            form, formset = _plan_forms(request, None, initial=initial_of(latest), supports=_support_initial(latest),
                                        replan=plan.number > 1)  # fmt: skip
        except TransitionRefused as exc:
            messages.error(request, exc.message)
            return redirect("cases:plan_detail", pk=plan.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"支援プラン（第{plan.number}版）を更新しました。")
            return redirect("cases:plan_detail", pk=plan.pk)
    context = {"case": case, "form": form, "formset": formset, "plan": plan}
    return render(request, "cases/plan_form.html", context)


@login_required
def plan_print(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    case = plan.case
    supports = list(plan.supports.select_related("agency", "staff"))
    audit.record(user=request.user, action=audit.Action.PRINT, obj=plan, person_id=case.person_id,
                 case_id=case.pk, detail=f"プラン兼利用申込書 第{plan.number}版")  # fmt: skip
    context = {
        "plan": plan,
        "case": case,
        "person": case.person,
        "supports": supports,
        "monitorings": plan.monitorings.all(),
        "uses_outreach": any(s.kind == SupportKind.OUTREACH for s in supports),
        "uses_participation": any(s.kind == SupportKind.PARTICIPATION for s in supports),
        "printed_on": timezone.localdate(),
    }
    pdf = render_pdf("cases/plan_print.html", context)
    return pdf_response(pdf, f"支援プラン_{case.number}_第{plan.number}版.pdf")
