"""Pages of the progress sheets (一覧表, one sheet, edits, A4 PDF, .xlsx export and import) and outcome targets.

Everyone on the staff reads them (no personal data); the municipal office and the admin edit. Every write goes
through services with the sheet's version (optimistic locking).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kasane.core import audit, policy
from kasane.core.errors import ConflictError, DomainError
from kasane.core.forms import add_domain_error
from kasane.core.pdf import pdf_response, render_pdf
from kasane.core.spreadsheets import XLSX_TYPE, download_response
from kasane.core.validators import parse_id
from kasane.core.wareki import WarekiError, format_fiscal_year, parse_fiscal_year

from . import selectors, services, sheets_xlsx
from .forms import ActualForm, EvaluationForm, ImportForm, InitiativeForm, TargetForm
from .models import Indicator, Initiative, Measure, OutcomeTarget, Plan


def _year(request, plan: Plan) -> int:
    """The 年度 asked for (2024, 令和6年度, R6), if inside the plan period; else the latest evaluated one."""
    text = (request.GET.get("year") or "").replace("\x00", "")[:20]
    try:
        year = parse_fiscal_year(text) if text else None
    except (WarekiError, ValueError, TypeError):
        year = None
    return year if year in plan.years else selectors.default_year(plan)


def _years(plan: Plan) -> list[tuple[int, str]]:
    return [(y, format_fiscal_year(y)) for y in plan.years]


@login_required
def plan_list(request):
    return render(
        request,
        "evaluation/plan_list.html",
        {
            "plans": selectors.plan_list(user=request.user),
            "can_import": policy.can_create(request.user, "evaluation.Plan"),
        },
    )


@login_required
def plan_detail(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    year = _year(request, plan)
    return render(
        request,
        "evaluation/plan_detail.html",
        {
            "plan": plan,
            "year": year,
            "years": _years(plan),
            "sheets": selectors.plan_sheets(user=request.user, plan=plan, year=year),
            "can_change": policy.can(request.user, policy.CHANGE, plan),
        },
    )


@login_required
def sheet_detail(request, pk):
    measure = selectors.measure_get(user=request.user, pk=pk)
    year = _year(request, measure.plan)
    return render(
        request,
        "evaluation/sheet_detail.html",
        {
            "plan": measure.plan,
            "sheet": selectors.sheet_get(user=request.user, measure=measure, year=year),
            "year": year,
            "next_year": year + 1,
            "years": _years(measure.plan),
            "can_change": policy.can(request.user, policy.CHANGE, measure),
        },
    )


def _editable(request, pk) -> Measure:
    measure = selectors.measure_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, measure)
    return measure


def _sheet_url(measure: Measure, year: int) -> str:
    return f"{reverse('evaluation:sheet_detail', kwargs={'pk': measure.pk})}?year={year}"


def _edit(request, measure, form, save, template, title, *, reset):
    """Run one sheet edit: a stale version shows the latest sheet's version with the message."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ConflictError as exc:
            messages.error(request, exc.message)
            form = reset()
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{title}を保存しました。")
            return redirect(
                _sheet_url(measure, form.cleaned_data.get("fiscal_year") or _year(request, measure.plan))
            )
    return render(request, template, {"form": form, "measure": measure, "plan": measure.plan, "title": title})


@login_required
def actual_edit(request, pk):
    measure = _editable(request, pk)
    year = _year(request, measure.plan)
    indicator = Indicator.objects.filter(measure=measure).first()
    if indicator is None:
        messages.error(request, "この施策には評価指標がありません。")
        return redirect(_sheet_url(measure, year))
    actual = indicator.actuals.filter(fiscal_year=year).first()

    def initial():
        fresh = Measure.objects.get(pk=measure.pk)
        return {"fiscal_year": year, "version": fresh.version, "value": actual.value if actual else "",
                "text": actual.text if actual else ""}  # fmt: skip

    years = list(measure.plan.years)
    form = ActualForm(request.POST or None, initial=initial(), years=years)

    def save(data):
        services.actual_set(user=request.user, measure=measure, version=data["version"],
                            fiscal_year=data["fiscal_year"], value=data["value"], text=data["text"])  # fmt: skip

    return _edit(request, measure, form, save, "evaluation/sheet_form.html", "実績値",
                 reset=lambda: ActualForm(initial=initial(), years=years))  # fmt: skip


@login_required
def evaluation_edit(request, pk):
    measure = _editable(request, pk)
    year = _year(request, measure.plan)
    current = measure.evaluations.filter(fiscal_year=year).first()

    def initial():
        fresh = Measure.objects.get(pk=measure.pk)
        judged = current is not None and current.basis == "judged"
        return {"fiscal_year": year, "version": fresh.version, "grade": current.grade if judged else "",
                "reasons": current.reasons if current else ""}  # fmt: skip

    years = list(measure.plan.years)
    form = EvaluationForm(request.POST or None, initial=initial(), years=years)

    def save(data):
        services.evaluation_set(user=request.user, measure=measure, version=data["version"],
                                fiscal_year=data["fiscal_year"], grade=data["grade"], reasons=data["reasons"])  # fmt: skip

    return _edit(request, measure, form, save, "evaluation/sheet_form.html", "評価",
                 reset=lambda: EvaluationForm(initial=initial(), years=years))  # fmt: skip


@login_required
def initiative_edit(request, pk, number):
    measure = _editable(request, pk)
    if not 1 <= number <= 20:
        messages.error(request, "取組番号は1〜20です。")
        return redirect(_sheet_url(measure, _year(request, measure.plan)))
    initiative = Initiative.objects.filter(measure=measure, number=number).first()
    years = list(measure.plan.years)

    def initial():
        fresh = Measure.objects.get(pk=measure.pk)
        values = {"version": fresh.version}
        if initiative is not None:
            values |= {k: getattr(initiative, k) for k in services.INITIATIVE_FIELDS}
            values |= {f"progress_{p.fiscal_year}": p.text for p in initiative.progress.all()}
        return values

    form = InitiativeForm(request.POST or None, initial=initial(), years=years)

    def save(data):
        services.initiative_save(user=request.user, measure=measure, version=data["version"], number=number,
                                 fields=data, progress_texts=form.progress_texts())  # fmt: skip

    return _edit(request, measure, form, save, "evaluation/sheet_form.html", f"取組{number}",
                 reset=lambda: InitiativeForm(initial=initial(), years=years))  # fmt: skip


@login_required
def plan_print(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    year = _year(request, plan)
    sheets = selectors.plan_sheets(user=request.user, plan=plan, year=year)
    audit.record(user=request.user, action=audit.Action.PRINT, obj=plan, detail=f"進捗管理シート {year}年度")
    pdf = render_pdf(
        "evaluation/plan_print.html",
        {
            "plan": plan,
            "sheets": sheets,
            "year": year,
            "next_year": year + 1,
            "printed_on": timezone.localdate(),
        },
    )
    return pdf_response(pdf, f"{plan.name}_進捗管理シート_{format_fiscal_year(year)}.pdf")


@login_required
def plan_export(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    audit.record(user=request.user, action=audit.Action.EXPORT, obj=plan, detail="進捗管理シート（.xlsx）")
    return download_response(sheets_xlsx.export_plan(plan), f"{plan.name}_進捗管理シート.xlsx", XLSX_TYPE)


@login_required
def plan_import(request):
    policy.require_create(request.user, "evaluation.Plan")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            data = sheets_xlsx.read_plan(form.cleaned_data["file"])
            plan = services.plan_import(
                user=request.user, municipality_id=request.user.municipality_id, data=data
            )
        except sheets_xlsx.LayoutError as exc:
            errors = exc.errors
        except services.ImportErrors as exc:
            errors = exc.errors
        except DomainError as exc:
            errors = [exc.message]
        else:
            messages.success(request, f"「{plan.name}」の進捗管理シートを取り込みました。")
            return redirect("evaluation:plan_detail", pk=plan.pk)
    return render(request, "evaluation/plan_import.html", {"form": form, "errors": errors})


# --- outcome targets (成果目標) -------------------------------------------------------------------------------


@login_required
def target_list(request):
    years = selectors.target_years(user=request.user)
    asked = parse_id(request.GET.get("year"))
    year = asked if asked in years else (years[0] if years else timezone.localdate().year)
    return render(
        request,
        "evaluation/target_list.html",
        {
            "year": year,
            "years": [(y, format_fiscal_year(y)) for y in years],
            "rows": selectors.target_rows(user=request.user, year=year),
            "can_change": policy.can_create(request.user, "evaluation.OutcomeTarget"),
        },
    )


def _target_fields(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "version"}


@login_required
def target_create(request):
    policy.require_create(request.user, "evaluation.OutcomeTarget")
    form = TargetForm(request.POST or None, initial={"fiscal_year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_create(user=request.user, **_target_fields(form.cleaned_data))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "成果目標を登録しました。")
            return redirect(f"{reverse('evaluation:target_list')}?year={target.fiscal_year}")
    return render(request, "evaluation/target_form.html", {"form": form, "creating": True})


@login_required
def target_edit(request, pk):
    target = selectors.target_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, target)

    def initial():
        fresh = OutcomeTarget.objects.get(pk=target.pk)
        return {"version": fresh.version} | {k: getattr(fresh, k) for k in services.TARGET_FIELDS}

    form = TargetForm(request.POST or None, initial=initial())
    if request.method == "POST" and form.is_valid():
        try:
            services.target_update(user=request.user, target=target, version=form.cleaned_data["version"],
                                   **_target_fields(form.cleaned_data))  # fmt: skip
        except ConflictError as exc:
            messages.error(request, exc.message)
            form = TargetForm(initial=initial())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "成果目標を更新しました。")
            return redirect(f"{reverse('evaluation:target_list')}?year={form.cleaned_data['fiscal_year']}")
    return render(request, "evaluation/target_form.html", {"form": form, "target": target})


@login_required
@require_POST
def target_delete(request, pk):
    target = selectors.target_get(user=request.user, pk=pk)
    policy.require(request.user, policy.DELETE, target)
    year = target.fiscal_year
    services.target_delete(user=request.user, target=target)
    messages.success(request, "成果目標を削除しました。")
    return redirect(f"{reverse('evaluation:target_list')}?year={year}")
