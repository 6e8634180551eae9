"""Pages of people: person search and record, the household view (世帯全体の見える化) with its ecomap."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from kasane.core import policy
from kasane.core.errors import ConflictError, DomainError
from kasane.core.forms import add_domain_error
from kasane.intake import selectors as intake_selectors

from . import selectors, services
from .ecomap import EcoAgency, EcoLink, EcoMember, render_ecomap
from .forms import HouseholdCreateForm, LeaveForm, MembershipForm, PersonForm, PersonSearchForm
from .models import Membership, Person
from .services import PERSON_FIELDS


@login_required
def person_list(request):
    policy.require_capability(request.user, "casework")
    form = PersonSearchForm(request.GET or None)
    q, birth = "", None
    if form.is_bound and form.is_valid():
        q, birth = form.cleaned_data["q"], form.cleaned_data["birth_date"]
    page = selectors.person_search(user=request.user, q=q, birth_date=birth, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/person_list.html",
        {"form": form, "page": page, "query": query.urlencode(),
         "can_merge": policy.may_merge_persons(request.user)},
    )  # fmt: skip


@login_required
def person_detail(request, pk):
    person = selectors.person_get(user=request.user, pk=pk)
    context = {
        "person": person,
        "household": selectors.current_household(person),
        "consultations": intake_selectors.consultations_of_person(user=request.user, person=person),
        "consents": intake_selectors.consents_of_person(user=request.user, person=person),
        "can_change": policy.can(request.user, policy.CHANGE, person),
        "can_merge": policy.may_merge_persons(request.user) and person.merged_into_id is None,
        "merged_into": selectors.merged_into_visible(user=request.user, person=person),
    }
    return render(request, "people/person_detail.html", context)


@login_required
def person_edit(request, pk):
    person = selectors.person_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, person)
    initial = {k: getattr(person, k) for k in PERSON_FIELDS} | {"version": person.version}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(user=request.user, person=person, **form.cleaned_data)
        except ConflictError as exc:
            # Show the latest record (and its version) with the message, so the user can redo the change.
            latest = Person.objects.get(pk=person.pk)
            form = PersonForm(
                initial={k: getattr(latest, k) for k in PERSON_FIELDS} | {"version": latest.version}
            )
            messages.error(request, exc.message)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "本人情報を更新しました。")
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


def _ecomap(household, members) -> str:
    eco_members, agencies, links = [], {}, []
    for i, m in enumerate(members):
        key = f"m{i}"
        if m.person is None:
            eco_members.append(EcoMember(key, "世帯員", "閲覧権限なし"))
            continue
        sub = f"{m.age}歳" if m.age is not None else ""
        eco_members.append(EcoMember(key, m.person.given_name or m.person.display_name, sub))
        for name in m.agencies:
            agencies.setdefault(name, EcoAgency(f"a{len(agencies)}", name))
            links.append(EcoLink(key, agencies[name].key))
        if m.hidden_involvement:
            agencies.setdefault("__hidden__", EcoAgency("hidden", "", hidden=True))
            links.append(EcoLink(key, "hidden", kind="weak"))
    return render_ecomap(eco_members, list(agencies.values()), links)


@login_required
def household_detail(request, pk):
    household, members, former = selectors.household_view(user=request.user, pk=pk)
    context = {
        "household": household,
        "members": members,
        "former": former,
        "ecomap": mark_safe(_ecomap(household, members)),  # noqa: S308 - render_ecomap escapes every label
        "can_change": policy.can(request.user, policy.CHANGE, household),
        "member_form": MembershipForm(),
        "members_can_leave": True,
    }
    return render(request, "people/household_detail.html", context)


@login_required
def household_create(request, person_pk):
    person = selectors.person_get(user=request.user, pk=person_pk)
    form = HouseholdCreateForm(request.POST or None, initial={"address": person.address,
                                                             "name": f"{person.family_name}さん世帯"})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(user=request.user, head=person, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("people:household_detail", pk=household.pk)
    return render(request, "people/household_form.html", {"form": form, "person": person})


@login_required
@require_POST
def membership_add(request, pk):
    household, _members, _former = selectors.household_view(user=request.user, pk=pk)
    form = MembershipForm(request.POST)
    if form.is_valid():
        person_id = form.cleaned_data["person_id"]
        try:
            existing = selectors.person_get(user=request.user, pk=person_id) if person_id else None
        except Http404:
            # The same words whether the ID does not exist or is not the user's to see: nothing is disclosed.
            messages.error(
                request,
                f"本人ID {person_id} の記録が見つかりません（または閲覧の権限がありません）。IDを確かめてください。",
            )
            return redirect("people:household_detail", pk=household.pk)
        try:
            person = services.member_join(
                user=request.user,
                household=household,
                person=existing,
                new_person=form.new_person_fields(),
                relationship=form.cleaned_data["relationship"],
                joined_on=form.cleaned_data["joined_on"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{person}さんを世帯員に加えました。")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("people:household_detail", pk=household.pk)


@login_required
@require_POST
def membership_leave(request, pk):
    membership = policy.get_or_404(request.user, Membership, pk=pk)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.membership_leave(
                user=request.user, membership=membership, left_on=form.cleaned_data["left_on"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "世帯を離れた日を記録しました。")
    else:
        messages.error(request, "世帯を離れた日を正しく入力してください。")
    return redirect("people:household_detail", pk=membership.household_id)
