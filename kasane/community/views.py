"""Pages of the 地域づくり record: activities and their sessions, coordinators, network meetings, trainings,
and the 年度 summary with its .xlsx export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kasane.core import audit, policy, wareki
from kasane.core.errors import DomainError
from kasane.core.forms import add_domain_error
from kasane.core.spreadsheets import XLSX_TYPE, download_response, xlsx_bytes

from . import selectors, services
from .forms import (
    ActivityFilterForm,
    ActivityForm,
    CoordinatorForm,
    FiscalYearForm,
    NetworkMeetingForm,
    SessionForm,
    TrainingForm,
)
from .models import AGE_BANDS, Session


def _view(user) -> None:
    policy.require_capability(user, "community.view")


def _data(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


# --- activities ---------------------------------------------------------------------------------------------


@login_required
def activity_list(request):
    _view(request.user)
    form = ActivityFilterForm(request.GET or None, areas=selectors.activity_areas(user=request.user))
    fiscal_year = form.fiscal_year()
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {"project": form.cleaned_data["project"], "area": form.cleaned_data["area"]}
    activities = selectors.activity_list(user=request.user, fiscal_year=fiscal_year, **filters)
    context = {
        "form": form,
        "activities": activities,
        "fiscal_year": fiscal_year,
        "can_create": policy.can_create(request.user, "community.Activity"),
    }
    return render(request, "community/activity_list.html", context)


@login_required
def activity_detail(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    year_form = FiscalYearForm(request.GET or None)
    fiscal_year = year_form.fiscal_year()
    sessions = list(selectors.session_list(user=request.user, activity=activity, fiscal_year=fiscal_year))
    can_change = policy.can(request.user, policy.CHANGE, activity)
    context = {
        "activity": activity,
        "sessions": sessions,
        "year_form": year_form,
        "fiscal_year": fiscal_year,
        "age_bands": AGE_BANDS,
        "totals": {
            "sessions": len(sessions),
            "participants": sum(s.participants for s in sessions),
            "volunteers": sum(s.volunteers for s in sessions),
            "bands": [sum(getattr(s, f) for s in sessions) for f, _ in AGE_BANDS],
        },
        "can_change": can_change,
        "session_form": SessionForm() if can_change else None,
    }
    return render(request, "community/activity_detail.html", context)


@login_required
def activity_create(request):
    policy.require_create(request.user, "community.Activity")
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(user=request.user, **_data(form))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"「{activity.name}」を登録しました。")
            return redirect("community:activity_detail", pk=activity.pk)
    return render(request, "community/activity_form.html", {"form": form, "creating": True})


@login_required
def activity_edit(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, activity)
    form = ActivityForm(request.POST or None, instance=activity, initial={"version": activity.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(user=request.user, activity=activity, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "場・活動の情報を更新しました。")
            return redirect("community:activity_detail", pk=activity.pk)
    context = {"form": form, "activity": activity, "creating": False}
    return render(request, "community/activity_form.html", context)


# --- sessions --------------------------------------------------------------------------------------------------


@login_required
@require_POST
def session_add(request, pk):
    activity = selectors.activity_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, activity)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            session = services.session_record(user=request.user, activity=activity, **_data(form))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"{wareki.format_wareki(session.held_on)}の開催を記録しました（参加 {session.participants}人）。",
            )
            return redirect("community:activity_detail", pk=activity.pk)
    context = {"form": form, "activity": activity, "session": None}
    return render(request, "community/session_form.html", context, status=400)


@login_required
def session_edit(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, session)
    initial = {f: getattr(session, f) for f in ("held_on", "note", "volunteers", *(f for f, _ in AGE_BANDS))}
    form = SessionForm(request.POST or None, initial={**initial, "version": session.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(user=request.user, session=session, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "開催記録を更新しました。")
            return redirect("community:activity_detail", pk=session.activity_id)
    context = {"form": form, "activity": session.activity, "session": session}
    return render(request, "community/session_form.html", context)


@login_required
@require_POST
def session_delete(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    activity_id = session.activity_id
    try:
        services.session_delete(user=request.user, session=session)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "開催記録を削除しました。")
    return redirect("community:activity_detail", pk=activity_id)


# --- coordinators, network meetings, trainings: a list and a form each ------------------------------------------


def _edit_page(request, *, obj, form_class, create, update, label, list_route, template, kwarg):
    """Create (obj None) or edit one record with optimistic locking; the same for the three registers."""
    if obj is None:
        policy.require_create(request.user, f"community.{form_class.Meta.model.__name__}")
        form = form_class(request.POST or None)
    else:
        policy.require(request.user, policy.CHANGE, obj)
        form = form_class(request.POST or None, instance=obj, initial={"version": obj.version})
    if request.method == "POST" and form.is_valid():
        try:
            if obj is None:
                create(user=request.user, **_data(form))
            else:
                update(user=request.user, **{kwarg: obj}, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{label}を{'登録' if obj is None else '更新'}しました。")
            return redirect(list_route)
    return render(request, template, {"form": form, "obj": obj, "label": label, "list_route": list_route})


@login_required
def coordinator_list(request):
    _view(request.user)
    context = {
        "coordinators": selectors.coordinator_list(user=request.user, include_inactive=True),
        "can_create": policy.can_create(request.user, "community.Coordinator"),
    }
    return render(request, "community/coordinator_list.html", context)


@login_required
def coordinator_create(request):
    return _edit_page(request, obj=None, form_class=CoordinatorForm, create=services.coordinator_create,
                      update=None, label="コーディネーター", list_route="community:coordinator_list",
                      template="community/record_form.html", kwarg="coordinator")  # fmt: skip


@login_required
def coordinator_edit(request, pk):
    obj = selectors.coordinator_get(user=request.user, pk=pk)
    return _edit_page(request, obj=obj, form_class=CoordinatorForm, create=None,
                      update=services.coordinator_update, label="コーディネーター",
                      list_route="community:coordinator_list", template="community/record_form.html",
                      kwarg="coordinator")  # fmt: skip


def _year_list(request, rows_of, template, label, create_label):
    _view(request.user)
    form = FiscalYearForm(request.GET or None)
    fiscal_year = form.fiscal_year()
    context = {
        "form": form,
        "fiscal_year": fiscal_year,
        "rows": rows_of(user=request.user, fiscal_year=fiscal_year),
        "can_create": policy.can_create(request.user, create_label),
    }
    return render(request, template, context)


@login_required
def network_meeting_list(request):
    return _year_list(request, selectors.network_meeting_list, "community/network_meeting_list.html",
                      "ネットワーク会議・協議体", "community.NetworkMeeting")  # fmt: skip


@login_required
def network_meeting_create(request):
    return _edit_page(request, obj=None, form_class=NetworkMeetingForm, create=services.network_meeting_create,
                      update=None, label="ネットワーク会議・協議体の記録", list_route="community:network_meeting_list",
                      template="community/record_form.html", kwarg="meeting")  # fmt: skip


@login_required
def network_meeting_edit(request, pk):
    obj = selectors.network_meeting_get(user=request.user, pk=pk)
    return _edit_page(request, obj=obj, form_class=NetworkMeetingForm, create=None,
                      update=services.network_meeting_update, label="ネットワーク会議・協議体の記録",
                      list_route="community:network_meeting_list", template="community/record_form.html",
                      kwarg="meeting")  # fmt: skip


@login_required
def training_list(request):
    return _year_list(request, selectors.training_list, "community/training_list.html", "養成講座・研修",
                      "community.Training")  # fmt: skip


@login_required
def training_create(request):
    return _edit_page(request, obj=None, form_class=TrainingForm, create=services.training_create, update=None,
                      label="養成講座・研修の記録", list_route="community:training_list",
                      template="community/record_form.html", kwarg="training")  # fmt: skip


@login_required
def training_edit(request, pk):
    obj = selectors.training_get(user=request.user, pk=pk)
    return _edit_page(request, obj=obj, form_class=TrainingForm, create=None, update=services.training_update,
                      label="養成講座・研修の記録", list_route="community:training_list",
                      template="community/record_form.html", kwarg="training")  # fmt: skip


# --- the 年度 summary -------------------------------------------------------------------------------------------


def _figures(request):
    _view(request.user)
    form = FiscalYearForm(request.GET or None)
    return form, selectors.community_figures(user=request.user, fiscal_year=form.fiscal_year())


@login_required
def summary(request):
    form, figures = _figures(request)
    rows = [
        {**p, "bands": [p["by_age_band"][f] for f, _ in AGE_BANDS]} for p in figures["by_project"].values()
    ]
    context = {
        "form": form,
        "figures": figures,
        "project_rows": rows,
        "age_bands": AGE_BANDS,
        "band_totals": [figures["by_age_band"][f] for f, _ in AGE_BANDS],
    }
    return render(request, "community/summary.html", context)


def summary_rows(figures: dict) -> list[list]:
    """The summary as spreadsheet rows: one per project, a total, then meetings, trainings, coordinators."""
    rows = []
    for p in figures["by_project"].values():
        bands = [p["by_age_band"][f] for f, _ in AGE_BANDS]
        rows.append([p["label"], p["activities"], p["sessions"], p["participants"], *bands, p["volunteers"]])
    rows.append(["合計", figures["activities"], figures["sessions"], figures["participants"],
                 *(figures["by_age_band"][f] for f, _ in AGE_BANDS), figures["volunteers"]])  # fmt: skip
    rows.append([])
    rows.append(["ネットワーク会議・協議体（開催回数）", figures["network_meetings"]])
    for kind in figures["network_meetings_by_kind"].values():
        rows.append([f"　{kind['label']}", kind["count"], "", kind["participants"]])
    rows.append(["養成講座・研修（開催回数）", figures["trainings"], "受講者数", figures["trainees"],
                 "修了者数", figures["trainees_completed"]])  # fmt: skip
    rows.append(["コーディネーター（在任中）", figures["coordinators"]])
    return rows


SUMMARY_HEADER = [
    "事業",
    "活動数",
    "開催回数",
    "参加者（のべ）",
    *(label for _, label in AGE_BANDS),
    "ボランティア（のべ）",
]


@login_required
def summary_xlsx(request):
    _form, figures = _figures(request)
    audit.record(
        user=request.user,
        action=audit.Action.EXPORT,
        model=Session,
        detail=f"地域づくり実績 {figures['label']}",
    )
    content = xlsx_bytes(f"地域づくり実績_{figures['label']}", SUMMARY_HEADER, summary_rows(figures))
    return download_response(content, f"地域づくり実績_{figures['label']}.xlsx", XLSX_TYPE)
