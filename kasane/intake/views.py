"""Pages of intake: record a consultation (with the known-person lookup), lists, consent, referrals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kasane.core import audit, policy
from kasane.core.errors import DomainError
from kasane.core.forms import add_domain_error
from kasane.core.models import User
from kasane.core.pdf import pdf_response, render_pdf
from kasane.core.spreadsheets import XLSX_TYPE, csv_bytes, download_response, xlsx_bytes
from kasane.core.validators import parse_id
from kasane.directory import selectors as directory_selectors
from kasane.people import selectors as people_selectors
from kasane.people.matching import find_candidates
from kasane.people.models import Person

from . import selectors, services
from .forms import (
    ConsentForm,
    ConsentWithdrawForm,
    ConsultationEditForm,
    ConsultationFilterForm,
    IntakeForm,
    PatternForm,
    ReferralAnswerForm,
    ReferralForm,
)
from .models import Consultation, Pattern, Problem, Referral


def _casework(request):
    policy.require_capability(request.user, "casework")


def _patterns(user):
    return policy.scope(user, Pattern)


@login_required
def consultation_create(request):
    _casework(request)
    agencies = directory_selectors.agency_choices(user=request.user)
    if request.user.agency_id:
        agencies = agencies.exclude(pk=request.user.agency_id)  # the recording counter is always covered
    follow = None
    if request.GET.get("follow"):
        follow, _narrative = selectors.consultation_get(
            user=request.user, pk=parse_id(request.GET["follow"]) or 0
        )
    form = IntakeForm(request.POST or None, patterns=_patterns(request.user), agencies=agencies,
                      follow=follow is not None)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        person = None
        if form.cleaned_data["person_id"]:
            person = people_selectors.person_get(user=request.user, pk=form.cleaned_data["person_id"])
        fields = form.consultation_fields()
        if follow is not None:
            fields["first_consultation"] = follow
        try:
            record = services.intake_record(
                user=request.user,
                person=person or (follow.person if follow else None),
                new_person=form.person_fields(),
                consultation=fields,
                consent=form.consent_fields(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "相談を記録しました。")
            return redirect("intake:consultation_detail", pk=record.pk)
    return render(request, "intake/consultation_form.html", {"form": form, "follow": follow})


@login_required
def person_lookup(request):
    """Known-person candidates while the intake form is typed (htmx fragment)."""
    _casework(request)
    from kasane.core import wareki

    birth = None
    try:
        birth = (
            wareki.parse_date(request.GET.get("birth_date", "")) if request.GET.get("birth_date") else None
        )
    except wareki.WarekiError:
        birth = None
    candidates = find_candidates(
        user=request.user,
        family_name=request.GET.get("family_name", "")[:50],
        given_name=request.GET.get("given_name", "")[:50],
        family_kana=request.GET.get("family_kana", "")[:100],
        given_kana=request.GET.get("given_kana", "")[:100],
        birth_date=birth,
        # The rest of the form, when typed, sharpens the scores (sex, address, phone).
        sex=request.GET.get("sex", "")[:10],
        address=request.GET.get("address", "")[:200],
        phone=request.GET.get("phone_mobile", "")[:20],
    )
    # The outreach team identifies the person of an engagement with the same lookup (no consultation recorded).
    purpose = "identify" if request.GET.get("purpose") == "identify" else "intake"
    return render(request, "intake/_candidates.html", {"candidates": candidates, "purpose": purpose})


def _list_filters(request):
    """The filter form of the consultation list and the filters it gives (the list and its exports agree)."""
    staff = policy.scope(request.user, User).filter(is_active=True)
    form = ConsultationFilterForm(request.GET or None, patterns=_patterns(request.user), staff=staff)
    filters = selectors.ConsultationFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.ConsultationFilters(
            fiscal_year=d["fiscal_year"], date_from=d["date_from"], date_to=d["date_to"], problem=d["problem"],
            pattern_id=d["pattern"].pk if d["pattern"] else None, status=d["status"],
            staff_id=d["staff"].pk if d["staff"] else None,
        )  # fmt: skip
    return form, filters


@login_required
def consultation_list(request):
    _casework(request)
    form, filters = _list_filters(request)
    page = selectors.consultation_page(user=request.user, filters=filters, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "intake/consultation_list.html", context)


EXPORT_HEADER = ["受付日", "本人", "フリガナ", "生年月日", "相談経路", "相談者", "課題", "最も困っていること",
                 "パターン", "緊急度", "対応", "状況", "受付者"]  # fmt: skip


@login_required
def consultation_export(request, fmt):
    _casework(request)
    _form, filters = _list_filters(request)
    rows = list(
        selectors.my_consultations(user=request.user, filters=filters).prefetch_related(
            "problem_rows", "patterns"
        )
    )
    audit.record_many(user=request.user, action=audit.Action.EXPORT, objects=rows, model=Consultation,
                      detail=f"相談一覧の出力（{fmt}）")  # fmt: skip
    data = [
        [c.received_on.isoformat(), c.person.display_name, c.person.kana,
         c.person.birth_date.isoformat() if c.person.birth_date else "", c.get_route_display(),
         c.get_consulter_display(), "、".join(r.get_problem_display() for r in c.problem_rows.all()),
         c.get_main_problem_display() if c.main_problem else "", "、".join(p.name for p in c.patterns.all()),
         c.get_urgency_display(), c.get_response_display(), c.get_status_display(),
         (c.staff.full_name if c.staff else c.staff_name)]
        for c in rows
    ]  # fmt: skip
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "xlsx":
        return download_response(
            xlsx_bytes("相談一覧", EXPORT_HEADER, data), f"相談一覧_{stamp}.xlsx", XLSX_TYPE
        )
    encoding = "cp932" if request.GET.get("encoding") == "cp932" else "utf-8-sig"
    content = csv_bytes(EXPORT_HEADER, data, encoding=encoding)
    charset = "Shift_JIS" if encoding == "cp932" else "UTF-8"
    return download_response(content, f"相談一覧_{stamp}.csv", f"text/csv; charset={charset}")


@login_required
def consultation_detail(request, pk):
    consultation, narrative_visible = selectors.consultation_get(user=request.user, pk=pk)
    problems = [r.get_problem_display() for r in consultation.problem_rows.all()]
    context = {
        "c": consultation,
        "narrative_visible": narrative_visible,
        "problems": problems,
        "referrals": policy.scope(request.user, Referral)
        .filter(consultation=consultation)
        .select_related("to_agency"),
        "follow_ups": policy.scope(request.user, Consultation).filter(first_consultation=consultation),
        "can_refer": policy.can_create(request.user, "intake.Referral")
        and consultation.agency_id == request.user.agency_id,
        "can_change": policy.can(request.user, policy.CHANGE, consultation),
    }
    return render(request, "intake/consultation_detail.html", context)


@login_required
def consultation_edit(request, pk):
    consultation, _narrative = selectors.consultation_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, consultation)
    initial = {f: getattr(consultation, f) for f in services.CONSULTATION_FIELDS} | {
        "problems": list(consultation.problem_rows.values_list("problem", flat=True)),
        "patterns": consultation.patterns.all(),
        "status": consultation.status,
        "version": consultation.version,
    }
    form = ConsultationEditForm(request.POST or None, initial=initial, patterns=_patterns(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(user=request.user, consultation=consultation, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "相談の記録を更新しました。")
            return redirect("intake:consultation_detail", pk=consultation.pk)
    return render(request, "intake/consultation_edit.html", {"form": form, "c": consultation})


@login_required
def pattern_list(request):
    policy.require_capability(request.user, "tenant.configure")
    form = PatternForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pattern_create(user=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "パターンを追加しました。")
            return redirect("intake:pattern_list")
    return render(request, "intake/pattern_list.html", {"form": form, "patterns": _patterns(request.user)})


@login_required
def consent_create(request, person_pk):
    person = people_selectors.person_get(user=request.user, pk=person_pk)
    form = ConsentForm(request.POST or None, agencies=directory_selectors.agency_choices(user=request.user),
                       initial={"obtained_on": timezone.localdate()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(user=request.user, person=person, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "本人同意を記録しました。")
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "intake/consent_form.html", {"form": form, "person": person})


@login_required
def consent_withdraw(request, pk):
    consent = selectors.consent_get(user=request.user, pk=pk)
    form = ConsentWithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(user=request.user, consent=consent, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "本人同意の撤回を記録しました。")
            return redirect("people:person_detail", pk=consent.person_id)
    return render(request, "intake/consent_withdraw.html", {"form": form, "consent": consent})


@login_required
def referral_create(request, pk):
    consultation, _narrative = selectors.consultation_get(user=request.user, pk=pk)
    agencies = directory_selectors.agency_choices(user=request.user)
    if request.user.agency_id:
        agencies = agencies.exclude(pk=request.user.agency_id)
    if request.GET.get("to"):
        initial_agency = parse_id(request.GET["to"])
    else:
        initial_agency = None
    form = ReferralForm(request.POST or None, agencies=agencies, initial={"to_agency": initial_agency})
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                user=request.user, consultation=consultation, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{referral.to_agency}へつなぎました。")
            return redirect("intake:referral_detail", pk=referral.pk)
    context = {"form": form, "c": consultation, "consents": selectors.consents_of_person(user=request.user,
               person=consultation.person)}  # fmt: skip
    return render(request, "intake/referral_form.html", context)


@login_required
def referral_detail(request, pk):
    referral = selectors.referral_get(user=request.user, pk=pk)
    form = ReferralAnswerForm(initial={"version": referral.version})
    context = {
        "r": referral,
        "form": form,
        "can_respond": referral.status == Referral.Status.SENT
        and policy.can(request.user, "respond", referral),
        "can_cancel": referral.status == Referral.Status.SENT
        and policy.can(request.user, "cancel", referral),
    }
    return render(request, "intake/referral_detail.html", context)


@login_required
@require_POST
def referral_respond(request, pk):
    referral = selectors.referral_get(user=request.user, pk=pk)
    form = ReferralAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.referral_respond(user=request.user, referral=referral, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "応答を記録しました。")
    else:
        messages.error(request, "応答の種類を選んでください。")
    return redirect("intake:referral_detail", pk=referral.pk)


@login_required
@require_POST
def referral_cancel(request, pk):
    referral = selectors.referral_get(user=request.user, pk=pk)
    try:
        services.referral_cancel(user=request.user, referral=referral, version=request.POST.get("version"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "つなぐシートを取り消しました。")
    return redirect("intake:referral_detail", pk=referral.pk)


@login_required
def referral_print(request, pk):
    referral = selectors.referral_get(user=request.user, pk=pk)
    if not policy.can(request.user, "view", referral):
        raise PermissionDenied
    person = referral.person
    checked = set(referral.consultation.problem_rows.values_list("problem", flat=True))
    problems = [(label, value in checked, value == referral.consultation.main_problem)
                for value, label in Problem.choices]  # fmt: skip
    household_rows, size, printed = [], 0, []
    household = people_selectors.current_household(person)
    # Household members print only for a holder the consent lets see the household, and only members it sees.
    shared = referral.consent is not None and referral.consent.covers(referral.to_agency_id, "household")
    if household is not None and shared and policy.can_see_household_details(request.user, person):
        visible = set(policy.scope(request.user, Person).values_list("pk", flat=True))
        for m in household.memberships.filter(left_on__isnull=True).select_related("person"):
            size += 1
            if m.person_id in visible:
                printed.append(m.person)
                household_rows.append({"name": m.person.display_name, "age": m.person.age,
                                       "relationship": m.get_relationship_display(), "note": ""})  # fmt: skip
    audit.record(user=request.user, action=audit.Action.PRINT, obj=referral, person_id=person.pk)
    audit.record_many(user=request.user, action=audit.Action.PRINT, objects=printed, model=Person,
                      detail=f"つなぐシート {referral.pk} の世帯欄")  # fmt: skip
    context = {"referral": referral, "person": person, "problems": problems, "household_rows": household_rows,
               "household_size": size, "printed_on": timezone.localdate()}  # fmt: skip
    return pdf_response(render_pdf("intake/referral_print.html", context), f"つなぐシート_{referral.pk}.pdf")


@login_required
def referral_inbox(request):
    _casework(request)
    return render(request, "intake/referral_list.html",
                  {"referrals": selectors.referral_inbox(user=request.user), "box": "inbox"})  # fmt: skip


@login_required
def referral_outbox(request):
    _casework(request)
    return render(request, "intake/referral_list.html",
                  {"referrals": selectors.referral_outbox(user=request.user), "box": "outbox"})  # fmt: skip
