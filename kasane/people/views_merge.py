"""Pages of 名寄せ: choose the other record, compare and choose each value, merge; the merge history and undo."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kasane.core import policy, wareki
from kasane.core.errors import DomainError

from . import matching, selectors, services
from .models import Person
from .services import PERSON_FIELDS


class MergeOtherForm(forms.Form):
    other = forms.IntegerField(label="統合する相手の本人ID", min_value=1, max_value=2**63 - 1)


class MergeForm(forms.Form):
    reason = forms.CharField(
        label="統合の理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="例：同じ生年月日・住所で、別の窓口が別々に登録していたため",
    )  # fmt: skip
    kept_version = forms.IntegerField(widget=forms.HiddenInput)
    merged_version = forms.IntegerField(widget=forms.HiddenInput)


class UndoForm(forms.Form):
    reason = forms.CharField(label="取り消しの理由", max_length=500)


def _display(person: Person, field_name: str) -> str:
    value = getattr(person, field_name)
    if field_name == "sex":
        return person.get_sex_display()
    if field_name == "birth_date" and value:
        return wareki.format_wareki(value)
    return str(value or "")


def _mergeable_person(request, pk) -> Person:
    person = selectors.person_get(user=request.user, pk=pk)
    policy.require_merge_persons(request.user)
    return person


@login_required
def person_merge_start(request, pk):
    """Choose the other record: by 本人ID, or from the possible matches the matching engine offers."""
    person = _mergeable_person(request, pk)
    form = MergeOtherForm(request.GET or None)
    if form.is_bound and form.is_valid():
        other = form.cleaned_data["other"]
        if other == person.pk:
            form.add_error("other", "同じ記録どうしは統合できません。別の本人IDを入力してください。")
        elif not policy.scope(request.user, Person).filter(pk=other).exists():
            form.add_error("other", "その本人IDの記録は見つからないか、閲覧できません。")
        else:
            return redirect("people:person_merge", pk=person.pk, other_pk=other)
    candidates = [
        c
        for c in matching.find_candidates(
            user=request.user,
            family_name=person.family_name,
            given_name=person.given_name,
            family_kana=person.family_kana,
            given_kana=person.given_kana,
            birth_date=person.birth_date,
            sex=person.sex,
            postal_code=person.postal_code,
            address=person.address,
            phone=person.phone_mobile or person.phone_home,
        )
        if c.person is not None and c.person.pk != person.pk and c.person.merged_into_id is None
    ]
    return render(
        request, "people/merge_start.html", {"person": person, "form": form, "candidates": candidates}
    )


@login_required
def person_merge(request, pk, other_pk):
    """Side by side: choose each value, see what will move, give the reason, merge into the first record."""
    kept = _mergeable_person(request, pk)
    merged = selectors.person_get(user=request.user, pk=other_pk)
    form = MergeForm(
        request.POST or None, initial={"kept_version": kept.version, "merged_version": merged.version}
    )
    choices = {f: request.POST.get(f"choose_{f}", "kept") for f in PERSON_FIELDS}
    if request.method == "POST" and form.is_valid():
        try:
            services.person_merge(
                user=request.user, kept=kept, merged=merged, chosen_fields=choices,
                reason=form.cleaned_data["reason"],
                expected_versions={kept.pk: form.cleaned_data["kept_version"],
                                   merged.pk: form.cleaned_data["merged_version"]},
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
            # Show the latest records (and versions), so the user decides again on what is there now.
            kept, merged = Person.objects.get(pk=kept.pk), Person.objects.get(pk=merged.pk)
            form = MergeForm(
                data={"reason": form.cleaned_data["reason"], "kept_version": kept.version,
                      "merged_version": merged.version}
            )  # fmt: skip
        else:
            messages.success(request, f"本人ID {merged.pk} の記録を本人ID {kept.pk} に統合しました。")
            return redirect("people:person_detail", pk=kept.pk)
    elif form.is_bound and (form.has_error("kept_version") or form.has_error("merged_version")):
        messages.error(
            request, "画面の情報が足りないか古くなっています。画面を開き直してから統合してください。"
        )
    rows = [
        {
            "name": f,
            "label": Person._meta.get_field(f).verbose_name,
            "kept": _display(kept, f),
            "merged": _display(merged, f),
            "same": getattr(kept, f) == getattr(merged, f),
            "choice": choices[f] if choices[f] in services.MERGE_SOURCES else "kept",
        }
        for f in PERSON_FIELDS
    ]
    kept_counts, kept_hidden = services.merge_counts(kept, user=request.user)
    merged_counts, merged_hidden = services.merge_counts(merged, user=request.user)
    context = {
        "kept": kept, "merged": merged, "rows": rows, "form": form,
        "kept_counts": kept_counts, "kept_hidden": kept_hidden,
        "merged_counts": merged_counts, "merged_hidden": merged_hidden,
        "already_merged": kept.merged_into_id or merged.merged_into_id, "same": kept.pk == merged.pk,
    }  # fmt: skip
    return render(request, "people/merge_compare.html", context)


@login_required
def merge_list(request):
    policy.require_merge_persons(request.user)
    page = selectors.merge_list(user=request.user, page=request.GET.get("page"))
    return render(request, "people/merge_list.html", {"page": page, "undo_form": UndoForm()})


@login_required
@require_POST
def merge_undo(request, pk):
    merge = selectors.merge_get(user=request.user, pk=pk)
    form = UndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, "取り消しの理由を入力してください（500字まで）。")
        return redirect("people:merge_list")
    try:
        services.person_merge_undo(user=request.user, merge=merge, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"統合を取り消しました。本人ID {merge.merged_id} の記録が、元どおり別の記録になりました。",
        )
    return redirect("people:merge_list")
