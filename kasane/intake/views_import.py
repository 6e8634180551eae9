"""The upload page of the all-or-nothing import (本人・相談の一括取り込み) and its template download."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kasane.core import policy
from kasane.core.spreadsheets import XLSX_TYPE, download_response

from . import imports

RESULT_SESSION_KEY = "intake_import_result"
MAX_ERRORS_SHOWN = 1000
MAX_NOTES_KEPT = 200
MAX_MB = imports.MAX_BYTES // 1024 // 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="取り込むファイル（CSV または Excel）",
        help_text=f".csv（UTF-8 または Shift_JIS）か .xlsx、{MAX_MB}MB・{imports.MAX_ROWS:,}行まで。",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(label="確認のみ（取り込まない）", required=False)


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    # Admins and municipal officers: everyone with staff.manage also has directory.manage.
    policy.require_capability(request.user, "directory.manage")
    policy.require_capability(request.user, "casework")  # the rows become this user's counter's records
    context = {"columns": imports.COLUMNS, "max_mb": MAX_MB, "max_rows": f"{imports.MAX_ROWS:,}"}
    if request.method != "POST":
        context["form"] = ImportForm()
        context["result"] = request.session.pop(RESULT_SESSION_KEY, None)
        return render(request, "intake/import.html", context)

    form = ImportForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "intake/import.html", context)
    upload = form.cleaned_data["file"]
    if upload.size > imports.MAX_BYTES:  # checked before reading the upload into memory
        form.add_error("file", f"ファイルが大きすぎます。{MAX_MB}MB 以下に分けて取り込んでください。")
        return render(request, "intake/import.html", context)
    try:
        rows = imports.parse_file(upload.name, upload.read())
    except imports.ImportFileError as exc:
        form.add_error("file", exc.message)
        return render(request, "intake/import.html", context)
    municipality = request.user.municipality
    plan = imports.validate(rows, municipality, user=request.user)
    errors = plan.errors
    if not errors and form.cleaned_data["dry_run"]:
        context["checked"] = {
            "file": upload.name,
            "persons_created": plan.new_person_count,
            "persons_reused": plan.reused_person_count,
            "consultations_created": plan.consultation_count,
            "notes": plan.notes()[:MAX_NOTES_KEPT],
            "more_notes": max(0, plan.reused_person_count - MAX_NOTES_KEPT),
        }
        return render(request, "intake/import.html", context)
    if not errors:
        try:
            result = imports.apply(plan, municipality=municipality, user=request.user, source=upload.name)
        except imports.ImportRejected as exc:
            errors = exc.errors
        else:
            request.session[RESULT_SESSION_KEY] = {
                "file": upload.name,
                "persons_created": result.persons_created,
                "persons_reused": result.persons_reused,
                "consultations_created": result.consultations_created,
                "notes": result.notes[:MAX_NOTES_KEPT],
                "more_notes": max(0, len(result.notes) - MAX_NOTES_KEPT),
            }
            return redirect(request.path)  # Post/Redirect/Get: a reload does not import again
    context.update(
        file_name=upload.name,
        errors=errors[:MAX_ERRORS_SHOWN],
        error_count=len(errors),
        more_errors=max(0, len(errors) - MAX_ERRORS_SHOWN),
    )
    return render(request, "intake/import.html", context)


@login_required
@require_http_methods(["GET"])
def import_template(request):
    policy.require_capability(request.user, "directory.manage")
    fmt = request.GET.get("format", "csv")
    if fmt == "csv":
        return download_response(
            imports.template_bytes("csv"), "相談取り込みテンプレート.csv", "text/csv; charset=utf-8"
        )
    if fmt == "xlsx":
        return download_response(imports.template_bytes("xlsx"), "相談取り込みテンプレート.xlsx", XLSX_TYPE)
    raise Http404
