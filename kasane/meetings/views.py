"""Pages of the two meetings: the meeting list and detail (members, the secrecy pledge, the agenda with minutes
and decisions, attachments, releases), minutes as A4 PDF, the registry of existing bodies, resource gaps.

A 支援会議's material is shown only through `selectors.items_of` / `item_get`, which the policy limits to
members who accepted the duty of secrecy; nothing here exports it (no CSV or spreadsheet of items).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kasane.cases.models import CollaborationCase
from kasane.core import audit, policy
from kasane.core.errors import ConflictError, DomainError
from kasane.core.forms import add_domain_error
from kasane.core.models import User
from kasane.core.pdf import pdf_response, render_pdf
from kasane.core.roles import Role
from kasane.core.spreadsheets import download_response
from kasane.core.validators import parse_id

from . import selectors, services
from .forms import (
    AttachmentForm,
    BodyForm,
    GapFilterForm,
    GapForm,
    GapStatusForm,
    ItemForm,
    ItemRecordForm,
    MeetingEditForm,
    MeetingForm,
    ParticipantForm,
    PledgeForm,
    ReleaseForm,
)
from .models import (
    AgendaItem,
    Attachment,
    Kind,
    Meeting,
    MeetingBody,
    Participant,
    Release,
    ResourceGap,
    SecrecyPledge,
)

Action = audit.Action


def _casework(request):
    policy.require_capability(request.user, "casework")


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return "入力内容を確認してください。"


def _kind_rules(municipality) -> list[dict]:
    """The legal basis and consent rule each kind of meeting will be held under (the tenant's settings)."""
    return [
        {"kind": Kind.PLAN, "label": Kind.PLAN.label, "basis": municipality.plan_meeting_legal_basis,
         "consent": municipality.plan_meeting_needs_consent},
        {"kind": Kind.CONFIDENTIAL, "label": Kind.CONFIDENTIAL.label,
         "basis": municipality.confidential_meeting_legal_basis,
         "consent": municipality.confidential_meeting_needs_consent},
    ]  # fmt: skip


def _bodies(user):
    services.bodies_ensure(user.municipality_id)
    return selectors.bodies(user=user)


# --- meetings ------------------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    _casework(request)
    today = timezone.localdate()
    upcoming = selectors.meeting_list(user=request.user, upcoming=True)
    past = [m for m in selectors.meeting_list(user=request.user) if m.held_on < today]
    pledged = set(SecrecyPledge.objects.filter(user=request.user).values_list("meeting_id", flat=True))
    context = {
        "upcoming": upcoming,
        "past": past,
        "pledged": pledged,
        "can_create": policy.can_create(request.user, "meetings.Meeting"),
        "can_convene_confidential": policy.is_municipal_office(request.user),
    }
    return render(request, "meetings/meeting_list.html", context)


@login_required
def meeting_create(request):
    policy.require_create(request.user, "meetings.Meeting")
    kinds = [Kind.PLAN, Kind.CONFIDENTIAL] if policy.is_municipal_office(request.user) else [Kind.PLAN]
    initial_kind = request.GET.get("kind") if request.GET.get("kind") in kinds else Kind.PLAN
    form = MeetingForm(request.POST or None, kinds=kinds, bodies=_bodies(request.user),
                       initial={"kind": initial_kind})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, f"{meeting.get_kind_display()}を登録しました。構成員を追加してください。"
            )
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    rules = [r for r in _kind_rules(request.user.municipality) if r["kind"] in kinds]
    return render(request, "meetings/meeting_form.html", {"form": form, "rules": rules, "creating": True})


@login_required
def meeting_detail(request, pk):
    user = request.user
    meeting = selectors.meeting_get(user=user, pk=pk)
    material = policy.may_see_meeting_material(user, meeting)
    can_change = policy.can(user, policy.CHANGE, meeting)
    items = selectors.items_of(user=user, meeting=meeting)
    for item in items:
        item.shown_attachments = [a for a in item.attachments.all() if services.attachment_visible(user, a)]
    participants = list(meeting.participants.select_related("user", "user__agency"))
    context = {
        "meeting": meeting,
        "material": material,
        "can_change": can_change,
        "participants": participants,
        "items": items,
        "needs_pledge": meeting.is_confidential and not material,
        "pledges": list(meeting.pledges.select_related("user").order_by("accepted_at")) if material else [],
        "gaps": list(meeting.gaps.all()) if material else [],
    }
    if context["needs_pledge"]:
        context["pledge_form"] = PledgeForm()
    if can_change:
        taken = [p.user_id for p in participants if p.user_id]
        staff = User.objects.filter(municipality=user.municipality, is_active=True).exclude(pk__in=taken)
        context["participant_form"] = ParticipantForm(staff=staff.select_related("agency").order_by("pk"))
    if policy.can(user, "add_item", meeting):
        cases = list(
            policy.scope(user, CollaborationCase).filter(archived=False).order_by("-opened_on", "-pk")
        )
        audit.record_many(user=user, action=Action.LIST, objects=cases, model=CollaborationCase,
                          detail=f"{meeting.get_kind_display()}の議題に選べる事例")  # fmt: skip
        context["item_form"] = ItemForm(cases=policy.scope(user, CollaborationCase).filter(archived=False))
        context["gap_form"] = GapForm()
    return render(request, "meetings/meeting_detail.html", context)


@login_required
def meeting_edit(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, meeting)
    keys = ("title", "held_on", "starts_at", "place", "online", "person_attends", "body")

    def initial_of(m):
        return {k: getattr(m, k) for k in keys} | {"version": m.version}

    bodies = _bodies(request.user)
    form = MeetingEditForm(request.POST or None, bodies=bodies, initial=initial_of(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(user=request.user, meeting=meeting, **form.cleaned_data)
        except ConflictError as exc:
            # Show the latest record (and its version) with the message, so the user can redo the change.
            form = MeetingEditForm(bodies=bodies, initial=initial_of(Meeting.objects.get(pk=meeting.pk)))
            messages.error(request, exc.message)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "会議の情報を更新しました。")
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "meeting": meeting, "creating": False}
    )


@login_required
@require_POST
def participant_add(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, meeting)
    staff = User.objects.filter(municipality=request.user.municipality, is_active=True)
    form = ParticipantForm(request.POST, staff=staff)
    if form.is_valid():
        try:
            seat = services.participant_add(user=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{seat.name}（{seat.organisation}）を構成員に追加しました。")
    else:
        messages.error(request, _first_error(form))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def participant_remove(request, pk):
    if parse_id(pk) is None:
        raise Http404
    visible = policy.scope(request.user, Meeting)
    seat = Participant.objects.select_related("meeting").filter(meeting__in=visible, pk=pk).first()
    if seat is None:
        raise Http404
    try:
        services.participant_remove(user=request.user, participant=seat)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{seat.name}を構成員から外しました。")
    return redirect("meetings:meeting_detail", pk=seat.meeting_id)


@login_required
@require_POST
def pledge(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    form = PledgeForm(request.POST)
    form.is_valid()
    try:
        services.pledge_accept(
            user=request.user, meeting=meeting, accepted=form.cleaned_data.get("accepted", False)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "守秘義務を誓約しました。この会議の資料を閲覧できます。")
    return redirect("meetings:meeting_detail", pk=meeting.pk)


# --- agenda items ------------------------------------------------------------------------------------


@login_required
@require_POST
def item_create(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    policy.require(request.user, "add_item", meeting)
    form = ItemForm(request.POST, cases=policy.scope(request.user, CollaborationCase))
    if form.is_valid():
        try:
            item = services.item_add(user=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"議題「{item.title}」を追加しました。")
            return redirect("meetings:item_detail", pk=item.pk)
    else:
        messages.error(request, _first_error(form))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


def _item_context(request, item) -> dict:
    user = request.user
    member = policy.is_meeting_member(user, item.meeting)
    attachments = [a for a in item.attachments.defer("data") if services.attachment_visible(user, a)]
    can_change = policy.can(user, policy.CHANGE, item)
    release = Release.objects.filter(item=item).select_related("released_by").first()
    return {
        "item": item,
        "meeting": item.meeting,
        "member": member,
        "attachments": attachments,
        "release": release,
        "can_change": can_change,
        "can_release": can_change and item.meeting.is_confidential and item.case_id and release is None,
    }


@login_required
def item_detail(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    context = _item_context(request, item)
    if context["can_change"]:
        context["attachment_form"] = AttachmentForm()
        context["release_form"] = ReleaseForm()
    return render(request, "meetings/item_detail.html", context)


@login_required
def item_record(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, item)
    keys = ("minutes", "outcome", "decision_note")

    def initial_of(i):
        return {k: getattr(i, k) for k in keys} | {"version": i.version}

    form = ItemRecordForm(request.POST or None, initial=initial_of(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_record(user=request.user, item=item, **form.cleaned_data)
        except ConflictError as exc:
            form = ItemRecordForm(initial=initial_of(AgendaItem.objects.get(pk=item.pk)))
            messages.error(request, exc.message)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "議事録と決定事項を記録しました。")
            return redirect("meetings:item_detail", pk=item.pk)
    return render(request, "meetings/item_record.html", {"form": form, "item": item, "meeting": item.meeting})


@login_required
@require_POST
def attachment_upload(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, item)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        # One byte beyond the limit is enough for the service to refuse; a huge upload is never read whole.
        data = upload.read(services.MAX_ATTACHMENT_BYTES + 1)
        try:
            services.attachment_add(user=request.user, item=item, name=upload.name, data=data,
                                    content_type=upload.content_type or "application/octet-stream",
                                    tax_sourced=form.cleaned_data["tax_sourced"])  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"「{upload.name}」を添付しました。")
    else:
        messages.error(request, _first_error(form))
    return redirect("meetings:item_detail", pk=item.pk)


@login_required
def attachment_download(request, pk):
    if parse_id(pk) is None:
        raise Http404
    visible_items = policy.scope(request.user, AgendaItem)
    attachment = (
        Attachment.objects.select_related("item", "item__meeting", "item__case")
        .filter(item__in=visible_items, pk=pk)
        .first()
    )
    if attachment is None or not services.attachment_visible(request.user, attachment):
        raise Http404
    item = attachment.item
    audit.record(user=request.user, action=Action.VIEW, obj=attachment, case_id=item.case_id,
                 person_id=item.case.person_id if item.case_id else None,
                 detail=f"{item.meeting.get_kind_display()}の添付資料")  # fmt: skip
    return download_response(bytes(attachment.data), attachment.name, attachment.content_type)


@login_required
@require_POST
def item_release(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    form = ReleaseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.item_release(user=request.user, item=item, note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "本人の同意にもとづき、この議題を事例の記録に移しました。")
    return redirect("meetings:item_detail", pk=item.pk)


@login_required
def minutes_print(request, pk):
    user = request.user
    meeting = selectors.meeting_get(user=user, pk=pk)
    # A 支援会議's minutes stay in its compartment: only members under the duty of secrecy print them.
    if not policy.may_see_meeting_material(user, meeting):
        raise PermissionDenied("守秘義務を誓約した構成員だけが議事録を印刷できます。")
    items = selectors.items_of(user=user, meeting=meeting)
    audit.record(user=user, action=Action.PRINT, obj=meeting, detail=f"{meeting.get_kind_display()}の議事録")
    for item in items:
        audit.record(user=user, action=Action.PRINT, obj=item, case_id=item.case_id,
                     person_id=item.case.person_id if item.case_id else None, detail="議事録（PDF）")  # fmt: skip
    context = {
        "meeting": meeting,
        "items": items,
        "participants": meeting.participants.select_related("user"),
        "pledges": meeting.pledges.select_related("user").order_by("accepted_at"),
        "printed_on": timezone.localdate(),
        "printed_by": user,
    }
    pdf = render_pdf("meetings/minutes_print.html", context)
    return pdf_response(pdf, f"議事録_{meeting.get_kind_display()}_{meeting.held_on:%Y%m%d}.pdf")


# --- existing meeting bodies -------------------------------------------------------------------------


@login_required
def body_list(request):
    bodies = _bodies(request.user)
    context = {
        "bodies": bodies,
        "can_create": policy.can_create(request.user, "meetings.MeetingBody"),
        "can_change": policy.can_create(request.user, "meetings.MeetingBody"),
    }
    return render(request, "meetings/body_list.html", context)


@login_required
def body_create(request):
    policy.require_create(request.user, "meetings.MeetingBody")
    form = BodyForm(request.POST or None, initial={"consent_required": True})
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_save(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"会議体「{body.name}」を登録しました。")
            return redirect("meetings:body_list")
    return render(request, "meetings/body_form.html", {"form": form, "creating": True})


@login_required
def body_edit(request, pk):
    body = policy.get_or_404(request.user, MeetingBody, pk=pk)
    policy.require(request.user, policy.CHANGE, body)
    initial = {k: getattr(body, k) for k in ("name", "field", "consent_required", "legal_basis")}
    form = BodyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.body_save(user=request.user, body=body, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "会議体の情報を更新しました。")
            return redirect("meetings:body_list")
    return render(request, "meetings/body_form.html", {"form": form, "body": body, "creating": False})


# --- resource gaps (社会資源の不足) --------------------------------------------------------------------


def _may_see_gaps(user) -> bool:
    return policy.allows(user, "casework") or user.has_role(Role.ADMIN)


@login_required
def gap_list(request):
    if not _may_see_gaps(request.user):
        raise PermissionDenied
    form = GapFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    rows = list(selectors.gaps(user=request.user, status=status))
    # A gap names its meeting only to the meeting's members (a 支援会議's existence stays in its compartment).
    member_of = set(
        policy.scope(request.user, Meeting)
        .filter(pk__in=[g.meeting_id for g in rows if g.meeting_id])
        .values_list("pk", flat=True)
    )
    context = {
        "form": form,
        "gaps": rows,
        "member_of": member_of,
        "statuses": ResourceGap.Status.choices,
        "can_create": policy.can_create(request.user, "meetings.ResourceGap"),
        "can_change": policy.allows(request.user, "casework"),
    }
    return render(request, "meetings/gap_list.html", context)


@login_required
def gap_create(request):
    policy.require_create(request.user, "meetings.ResourceGap")
    form = GapForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.gap_record(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "社会資源の不足を記録しました。")
            return redirect("meetings:gap_list")
    return render(request, "meetings/gap_form.html", {"form": form})


@login_required
@require_POST
def meeting_gap_add(request, pk):
    """A resource gap found in this meeting (from the meeting page)."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if not policy.may_see_meeting_material(request.user, meeting):
        raise PermissionDenied("守秘義務を誓約した構成員だけがこの会議の記録を追加できます。")
    form = GapForm(request.POST)
    if form.is_valid():
        try:
            services.gap_record(user=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "社会資源の不足を記録しました。")
    else:
        messages.error(request, _first_error(form))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def gap_status(request, pk):
    gap = policy.get_or_404(request.user, ResourceGap, pk=pk)
    form = GapStatusForm(request.POST)
    try:
        services.gap_update_status(user=request.user, gap=gap,
                                   status=form.cleaned_data["status"] if form.is_valid() else "")  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"「{gap.what}」の状況を「{gap.get_status_display()}」にしました。")
    return redirect("meetings:gap_list")
