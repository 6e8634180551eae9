"""Pages of outreach: the engagement list (overdue planned attempts first), starting an engagement, its record
(attempt log, stage history, the person and the case), recording an attempt, changing the stage, identifying
the person, linking the collaboration case, planning the next attempt and closing.

Every write goes through a service; a refusal is shown as its Japanese message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kasane.cases.models import CollaborationCase
from kasane.core import policy
from kasane.core.errors import ConflictError, DomainError
from kasane.core.forms import add_domain_error
from kasane.people import selectors as people_selectors
from kasane.people.models import Person

from . import selectors, services
from .forms import (
    AttemptForm,
    CaseLinkForm,
    CloseForm,
    EngagementForm,
    FilterForm,
    IdentifyForm,
    NextAttemptForm,
    StageForm,
)
from .models import Stage, Status

LABEL = "outreach.Engagement"


def _back(engagement, anchor: str = ""):
    url = reverse("outreach:engagement_detail", kwargs={"pk": engagement.pk})
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _for_change(request, pk):
    """The engagement for a write: 404 when not visible, 403 when visible but not the user's to change."""
    engagement = selectors.engagement_get(user=request.user, pk=pk, log=False)
    policy.require(request.user, policy.CHANGE, engagement)
    return engagement


def _form_errors(form) -> str:
    texts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else ""
        texts += [f"{label}：{e}" if label else e for e in errors]
    return " ".join(texts) or "入力内容を確認してください。"


@login_required
def engagement_list(request):
    policy.require_capability(request.user, "casework")
    form = FilterForm(request.GET or None)
    include_closed = form.is_valid() and form.cleaned_data["include_closed"]
    rows = selectors.engagement_list(user=request.user, status="" if include_closed else Status.ACTIVE)
    context = {"form": form, "engagements": rows, "can_create": policy.can_create(request.user, LABEL)}
    return render(request, "outreach/engagement_list.html", context)


@login_required
def engagement_create(request):
    policy.require_create(request.user, LABEL)
    form = EngagementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            engagement = services.engagement_create(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"アウトリーチの取組（{engagement.number}）を開始しました。")
            return redirect("outreach:engagement_detail", pk=engagement.pk)
    context = {"form": form, "title": "アウトリーチの取組を開始", "submit": "開始する",
               "help": "本人の同意や氏名がなくても記録できます。記録はアウトリーチ担当と市町村（所管課）だけが見られます（本人の同意が記録されるまで）。"}  # fmt: skip
    return render(request, "outreach/engagement_form.html", context)


@login_required
def engagement_detail(request, pk):
    user = request.user
    engagement = selectors.engagement_get(user=user, pk=pk)
    can_change = policy.can(user, policy.CHANGE, engagement)
    active = engagement.status == Status.ACTIVE
    person_visible = (
        engagement.person_id is not None
        and policy.scope(user, Person).filter(pk=engagement.person_id).exists()
    )
    case_visible = (
        engagement.case_id is not None
        and policy.scope(user, CollaborationCase).filter(pk=engagement.case_id).exists()
    )
    context = {
        "engagement": engagement,
        "attempts": selectors.attempts_of(engagement),
        "stages": selectors.stages_of(engagement),
        "has_consent": selectors.has_consent(engagement),
        "person_visible": person_visible,
        "case_visible": case_visible,
        "can_change": can_change and active,
        "can_open_case": engagement.person_id is not None
        and person_visible
        and engagement.case_id is None
        and policy.can_create(user, "cases.CollaborationCase"),
        "stage_order": list(Stage),
    }
    if can_change and active:
        context["next_form"] = NextAttemptForm(
            initial={"next_attempt_on": engagement.next_attempt_on,
                     "next_attempt_method": engagement.next_attempt_method, "version": engagement.version},
        )  # fmt: skip
    if can_change and engagement.person_id is not None:
        cases = list(selectors.linkable_cases(user=user, engagement=engagement))
        if cases:
            context["link_form"] = CaseLinkForm(cases=cases, initial={"version": engagement.version})
    return render(request, "outreach/engagement_detail.html", context)


def _form_page(
    request, engagement, form, *, title, submit, help_text="", template="outreach/engagement_form.html"
):
    context = {"form": form, "engagement": engagement, "title": title, "submit": submit, "help": help_text}
    return render(request, template, context)


@login_required
def attempt_create(request, pk):
    engagement = _for_change(request, pk)
    form = AttemptForm(request.POST or None, initial={"next_attempt_method": engagement.next_attempt_method})
    if request.method == "POST" and form.is_valid():
        try:
            attempt = services.attempt_record(user=request.user, engagement=engagement, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"連絡の試み（{attempt.get_method_display()}：{attempt.get_outcome_display()}）を記録しました。",
            )
            return _back(engagement, "attempts")
    return _form_page(request, engagement, form, title="連絡の試みを記録", submit="記録する",
                      help_text="会話・面談ができた最初の記録で、関係の段階は「未接触」から「接触」に進みます。")  # fmt: skip


@login_required
def stage_change(request, pk):
    engagement = _for_change(request, pk)
    form = StageForm(
        request.POST or None, initial={"version": engagement.version, "stage": _next_stage(engagement)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.stage_change(user=request.user, engagement=engagement, **form.cleaned_data)
        except ConflictError as exc:
            messages.error(request, exc.message)
            return _back(engagement, "stages")
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"関係の段階を「{change.get_to_stage_display()}」にしました。")
            return _back(engagement, "stages")
    return _form_page(request, engagement, form, title="関係の段階を変更", submit="変更する",
                      help_text=f"現在の段階：{engagement.get_stage_display()}。変更は日付・記録者とともに履歴に残ります。")  # fmt: skip


def _next_stage(engagement) -> str:
    order = list(Stage)
    index = order.index(Stage(engagement.stage))
    return order[min(index + 1, len(order) - 1)].value


@login_required
def person_identify(request, pk):
    engagement = _for_change(request, pk)
    if engagement.person_id is not None:
        messages.info(request, "本人はすでに特定されています。")
        return _back(engagement)
    form = IdentifyForm(request.POST or None, initial={"version": engagement.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            person = None
            if d.get("person_id"):
                person = _visible_person(request.user, d["person_id"])
            services.person_identify(user=request.user, engagement=engagement, version=d["version"], person=person,
                                     new_person=None if person else form.new_person())  # fmt: skip
        except ConflictError as exc:
            messages.error(request, exc.message)
            return _back(engagement)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "本人を特定しました。同意が得られたら、本人同意を記録してください。")
            return _back(engagement, "person")
    return render(request, "outreach/identify.html", {"form": form, "engagement": engagement})


def _visible_person(user, pk):
    from django.http import Http404

    try:
        return people_selectors.person_get(user=user, pk=pk)
    except Http404:
        raise DomainError(
            "指定された本人が見つからないか、閲覧する権限がありません。", field="family_name"
        ) from None


@login_required
@require_POST
def case_link(request, pk):
    engagement = _for_change(request, pk)
    cases = list(selectors.linkable_cases(user=request.user, engagement=engagement))
    form = CaseLinkForm(request.POST, cases=cases)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(engagement, "case")
    try:
        services.case_link(user=request.user, engagement=engagement, version=form.cleaned_data["version"],
                           case=form.cases[form.cleaned_data["case"]])  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "多機関協働の事例と結びつけました。この取組の連絡の試みは事例の記録にも数えられます。"
        )
    return _back(engagement, "case")


@login_required
@require_POST
def next_attempt(request, pk):
    engagement = _for_change(request, pk)
    form = NextAttemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(engagement, "next")
    try:
        services.next_attempt_plan(user=request.user, engagement=engagement, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "次回の予定を記録しました。")
    return _back(engagement, "next")


@login_required
def engagement_close(request, pk):
    engagement = _for_change(request, pk)
    form = CloseForm(request.POST or None, initial={"version": engagement.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_close(user=request.user, engagement=engagement, **form.cleaned_data)
        except ConflictError as exc:
            messages.error(request, exc.message)
            return _back(engagement)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "アウトリーチの取組を終了しました。")
            return _back(engagement)
    return _form_page(request, engagement, form, title="取組を終了", submit="終了する")
