"""Pages of 参加支援: the resource registry (search, map or list by area, A4 print, .xlsx), kinds, the map
setting, matching for a person in a case (needs → ranked suggestions with reasons), the match record
(approach, start, follow-up, outcome), gaps from matching and resources created for a gap.

Every write goes through a service; a refusal (DomainError, ConflictError) is shown in Japanese.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kasane.core import policy
from kasane.core.errors import DomainError
from kasane.core.forms import add_domain_error
from kasane.core.pdf import pdf_response, render_pdf
from kasane.core.spreadsheets import XLSX_TYPE, download_response, xlsx_bytes
from kasane.meetings import selectors as meeting_selectors
from kasane.meetings.models import ResourceGap

from . import matching, selectors, services
from .forms import (
    ApproachForm,
    FollowUpRecordForm,
    FollowUpScheduleForm,
    GapForm,
    KindForm,
    MatchCreateForm,
    NeedsForm,
    OutcomeForm,
    ResourceFilterForm,
    ResourceForm,
    SettingsForm,
    StartForm,
)
from .models import Match, Resource, ResourceKind

RESOURCE_LABEL = "participation.Resource"
EXPORT_HEADER = ["名称", "種類", "運営主体", "活動内容", "地域", "所在地", "開催日", "時間", "時間帯", "対象年齢",
                 "対象分野", "受け入れ", "定員", "空き", "費用", "連絡先", "バリアフリー・アクセス", "状況"]  # fmt: skip


def _form_errors(form) -> str:
    texts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else ""
        texts += [f"{label}：{e}" if label else e for e in errors]
    return " ".join(texts) or "入力内容を確認してください。"


def _staff_only(user) -> None:
    policy.require_capability(user, "directory.view")  # every staff role: resources are public information


# --- the registry ----------------------------------------------------------------------------------------------


def _search(request):
    user = request.user
    form = ResourceFilterForm(request.GET or None, kinds=selectors.kinds(user=user, active_only=False),
                              areas=selectors.areas(user=user))  # fmt: skip
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = list(selectors.resource_search(user=user, q=filters.get("q", ""), kind=filters.get("kind"),
                                          area=filters.get("area", ""), status=filters.get("status", "")))  # fmt: skip
    return form, rows


def _map_points(resources) -> list[dict]:
    return [
        {"name": r.name, "kind": r.kind.name, "lat": float(r.lat), "lon": float(r.lon), "status": r.get_status_display(),
         "url": reverse("participation:resource_detail", kwargs={"pk": r.pk})}
        for r in resources if r.has_point
    ]  # fmt: skip


def _tile_origin(url: str) -> str:
    parts = urlsplit(url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme == "https" and parts.netloc else ""


@login_required
def resource_list(request):
    _staff_only(request.user)
    form, rows = _search(request)
    setting = services.settings_of(request.user.municipality_id)
    points = _map_points(rows) if setting.tile_url else []
    context = {
        "form": form,
        "resources": rows,
        "groups": selectors.grouped_by_area(rows),
        "can_create": policy.can_create(request.user, RESOURCE_LABEL),
        "map_config": {
            "tiles": setting.tile_url,
            "attribution": setting.tile_attribution,
            "center": [float(setting.center_lat), float(setting.center_lon)],
            "points": points,
        }
        if setting.tile_url
        else None,
        "query": request.GET.urlencode(),
        "open_gaps": _open_gaps(request.user),
        "is_admin": policy.allows(request.user, "tenant.configure"),
    }
    response = render(request, "participation/resource_list.html", context)
    return _allow_tiles(response, setting.tile_url)


def _allow_tiles(response, tile_url: str):
    """The tenant's tile server is the only outside origin a page may load images from (CSP)."""
    origin = _tile_origin(tile_url) if tile_url else ""
    if origin:
        response._csp_update = {"img-src": [origin]}
    return response


def _open_gaps(user):
    if not (policy.allows(user, "casework") or policy.allows(user, "tenant.configure")):
        return []
    return list(meeting_selectors.gaps(user=user).exclude(status=ResourceGap.Status.RESOLVED)[:50])


@login_required
def resource_print(request):
    _staff_only(request.user)
    _form, rows = _search(request)
    context = {"resources": rows, "groups": selectors.grouped_by_area(rows), "municipality": request.user.municipality,
               "printed_on": timezone.localdate()}  # fmt: skip
    pdf = render_pdf("participation/resource_print.html", context)
    return pdf_response(pdf, f"社会資源一覧_{timezone.localdate():%Y%m%d}.pdf")


def _row(r: Resource) -> list:
    return [r.name, r.kind.name, r.operator, r.activities, r.area, r.address, r.days, r.hours, r.slot_labels,
            r.age_label, r.field_labels, "、".join(r.welcomes_labels), r.capacity, r.open_places, r.cost, r.contact,
            r.accessibility, r.get_status_display()]  # fmt: skip


@login_required
def resource_export_xlsx(request):
    _staff_only(request.user)
    _form, rows = _search(request)
    content = xlsx_bytes("社会資源一覧", EXPORT_HEADER, (_row(r) for r in rows))
    return download_response(content, f"社会資源一覧_{timezone.localdate():%Y%m%d}.xlsx", XLSX_TYPE)


@login_required
def resource_detail(request, pk):
    _staff_only(request.user)
    resource = selectors.resource_get(user=request.user, pk=pk)
    context = {
        "resource": resource,
        "can_change": policy.can(request.user, policy.CHANGE, resource),
        "match_count": selectors.matches_of_resource_count(resource),
        "gaps": list(meeting_selectors.gaps(user=request.user).filter(resource=resource)),
    }
    return render(request, "participation/resource_detail.html", context)


def _resource_form_page(request, *, resource=None, gap=None):
    user = request.user
    kinds = selectors.kinds(user=user)
    if request.method == "POST":
        form = ResourceForm(request.POST, kinds=kinds)
    elif resource is not None:
        form = ResourceForm(initial=ResourceForm.initial_of(resource), kinds=kinds)
    else:
        initial = {"status": Resource.Status.ACTIVE}
        if gap is not None:
            initial.update(name=gap.what, area=gap.area)
        form = ResourceForm(initial=initial, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            if gap is not None:
                saved = services.resource_create_for_gap(user=user, gap=gap, **data)
                messages.success(
                    request, f"「{saved.name}」を登録し、社会資源の不足「{gap.what}」を解決にしました。"
                )
            elif resource is None:
                saved = services.resource_create(user=user, **data)
                messages.success(request, f"「{saved.name}」を登録しました。")
            else:
                saved = services.resource_update(user=user, resource=resource, version=version, **data)
                messages.success(request, f"「{saved.name}」を更新しました。")
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("participation:resource_detail", pk=saved.pk)
    if resource is not None and request.method != "POST":
        form.initial["version"] = resource.version
    context = {"form": form, "resource": resource, "gap": gap}
    return render(request, "participation/resource_form.html", context)


@login_required
def resource_create(request):
    policy.require_create(request.user, RESOURCE_LABEL)
    return _resource_form_page(request)


@login_required
def resource_edit(request, pk):
    resource = selectors.resource_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, resource)
    return _resource_form_page(request, resource=resource)


@login_required
@require_POST
def resource_delete(request, pk):
    resource = selectors.resource_get(user=request.user, pk=pk)
    policy.require(request.user, policy.DELETE, resource)
    try:
        services.resource_delete(user=request.user, resource=resource)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("participation:resource_detail", pk=resource.pk)
    messages.success(request, f"「{resource.name}」を削除しました。")
    return redirect("participation:resource_list")


@login_required
def gap_resource(request, pk):
    """A new resource for a gap in the backlog (社会資源の不足 → 地域づくり): registered, linked, gap 解決."""
    gap = policy.get_or_404(request.user, ResourceGap, pk=pk)
    policy.require(request.user, policy.CHANGE, gap)
    policy.require_create(request.user, RESOURCE_LABEL)
    if gap.resource_id:
        messages.info(request, "この不足にはすでに社会資源が登録されています。")
        return redirect("participation:resource_detail", pk=gap.resource_id)
    return _resource_form_page(request, gap=gap)


# --- kinds and settings ------------------------------------------------------------------------------------------


@login_required
def kind_list(request):
    policy.require_create(request.user, "participation.ResourceKind")
    form = KindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = services.kind_add(user=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"種類「{kind.name}」を追加しました。")
            return redirect("participation:kind_list")
    kinds = selectors.kinds(user=request.user, active_only=False)
    return render(request, "participation/kind_list.html", {"form": form, "kinds": kinds})


@login_required
@require_POST
def kind_toggle(request, pk):
    kind = policy.get_or_404(request.user, ResourceKind, pk=pk)
    policy.require(request.user, policy.CHANGE, kind)
    services.kind_set_active(user=request.user, kind=kind, active=not kind.active)
    messages.success(request, f"種類「{kind.name}」を{'使用中' if kind.active else '使用停止'}にしました。")
    return redirect("participation:kind_list")


@login_required
def settings_page(request):
    policy.require_capability(request.user, "tenant.configure")
    current = services.settings_of(request.user.municipality_id)
    initial = {"tile_url": current.tile_url, "tile_attribution": current.tile_attribution,
               "center_lat": current.center_lat, "center_lon": current.center_lon, "version": current.version}  # fmt: skip
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "参加支援の設定を保存しました。")
            return redirect("participation:settings")
    return render(request, "participation/settings.html", {"form": form})


# --- matching ---------------------------------------------------------------------------------------------------


@login_required
def match_list(request):
    policy.require_capability(request.user, "casework")
    status = request.GET.get("status", "")
    status = status if status in Match.Status.values else ""
    context = {"matches": selectors.match_list(user=request.user, status=status), "status": status,
               "statuses": Match.Status.choices}  # fmt: skip
    return render(request, "participation/match_list.html", context)


def _case_for_write(request, pk):
    case = selectors.case_get(user=request.user, pk=pk, log=False)
    policy.require(request.user, policy.CHANGE, case)
    return case


@login_required
def case_matching(request, pk):
    """The person's needs and wishes, the ranked suggestions with their reasons, and the case's matches."""
    user = request.user
    case = selectors.case_get(user=user, pk=pk)
    can_change = policy.can(user, policy.CHANGE, case)
    needs = selectors.needs_of(user=user, case=case)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("この事例の参加支援を記録する権限がありません。")
        form = NeedsForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.needs_save(user=user, case=case, **data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "本人の希望を保存しました。候補を確認してください。")
                return redirect(
                    reverse("participation:case_matching", kwargs={"pk": case.pk}) + "#suggestions"
                )
    elif needs is not None:
        form = NeedsForm(initial={**{f: getattr(needs, f) for f in services.NEEDS_FIELDS}, "slots": needs.slot_list,
                                  "fields": needs.field_list, "version": needs.version})  # fmt: skip
    else:
        form = NeedsForm()
    suggestions = selectors.suggestions(user=user, case=case, needs=needs) if needs is not None else []
    context = {
        "case": case,
        "form": form,
        "needs": needs,
        "suggestions": suggestions,
        "nothing_suitable": needs is not None and matching.nothing_suitable(suggestions),
        "matches": selectors.matches_of_case(user=user, case=case),
        "can_change": can_change,
        "gap_form": GapForm(initial={"area": needs.area if needs else ""}),
    }
    return render(request, "participation/case_matching.html", context)


@login_required
@require_POST
def match_create(request, pk):
    case = _case_for_write(request, pk)
    form = MatchCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "社会資源を選んでください。")
        return redirect("participation:case_matching", pk=case.pk)
    resource = Resource.objects.filter(municipality_id=request.user.municipality_id,
                                       pk=form.cleaned_data["resource"]).select_related("kind").first()  # fmt: skip
    try:
        if resource is None:
            raise DomainError("指定された社会資源が見つかりません。")
        match = services.match_create(user=request.user, case=case, resource=resource,
                                      reasons=form.cleaned_data["reasons"])  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("participation:case_matching", pk=case.pk)
    messages.success(
        request, f"「{resource.name}」とのマッチングを始めました。受け入れ先への働きかけを記録してください。"
    )
    return redirect("participation:match_detail", pk=match.pk)


@login_required
@require_POST
def case_gap(request, pk):
    case = _case_for_write(request, pk)
    form = GapForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(reverse("participation:case_matching", kwargs={"pk": case.pk}) + "#gap")
    try:
        gap = services.gap_from_matching(user=request.user, case=case, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"社会資源の不足「{gap.what}」を記録しました（地域づくりの検討につなげます）。"
        )
    return redirect("participation:case_matching", pk=case.pk)


@login_required
def match_detail(request, pk):
    match = selectors.match_get(user=request.user, pk=pk)
    can_change = policy.can(request.user, policy.CHANGE, match)
    context = {
        "match": match,
        "followups": list(match.followups.all()),
        "can_change": can_change,
        "approach_form": ApproachForm(initial={"version": match.version, "note": match.approach_note}),
        "start_form": StartForm(initial={"version": match.version}),
        "schedule_form": FollowUpScheduleForm(),
        "record_form": FollowUpRecordForm(),
        "outcome_form": OutcomeForm(initial={"version": match.version}),
    }
    return render(request, "participation/match_detail.html", context)


def _match_for_write(request, pk) -> Match:
    match = selectors.match_get(user=request.user, pk=pk, log=False)
    policy.require(request.user, policy.CHANGE, match)
    return match


def _match_step(request, pk, form_class, call, done: str):
    match = _match_for_write(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            call(match, form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
    return redirect("participation:match_detail", pk=match.pk)


@login_required
@require_POST
def match_approach(request, pk):
    return _match_step(request, pk, ApproachForm, lambda m, d: services.match_approach(user=request.user, match=m, **d),
                       "受け入れ先への働きかけを記録しました。")  # fmt: skip


@login_required
@require_POST
def match_start(request, pk):
    return _match_step(request, pk, StartForm, lambda m, d: services.match_start(user=request.user, match=m, **d),
                       "参加の開始を記録しました。")  # fmt: skip


@login_required
@require_POST
def followup_schedule(request, pk):
    return _match_step(request, pk, FollowUpScheduleForm,
                       lambda m, d: services.followup_schedule(user=request.user, match=m, **d),
                       "定着支援を予定しました。")  # fmt: skip


@login_required
@require_POST
def followup_record(request, pk, followup_pk):
    match = _match_for_write(request, pk)
    followup = selectors.followup_get(user=request.user, match=match, pk=followup_pk)
    return _match_step(request, pk, FollowUpRecordForm,
                       lambda m, d: services.followup_record(user=request.user, followup=followup, **d),
                       "定着支援を記録しました。")  # fmt: skip


@login_required
@require_POST
def match_outcome(request, pk):
    return _match_step(request, pk, OutcomeForm, lambda m, d: services.match_outcome(user=request.user, match=m, **d),
                       "結果を記録しました。")  # fmt: skip
