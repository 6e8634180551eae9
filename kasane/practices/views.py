"""Pages of the practice library: search with filters, one report, and the comparison with the own municipality."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from kasane.core import policy
from kasane.core.errors import DomainError
from kasane.core.forms import add_domain_error

from . import compare as peer_compare
from . import selectors, services
from .forms import OwnFiguresForm, SearchForm
from .parser import PROJECT_LABELS


@login_required
def report_list(request):
    selectors.require_view(request.user)
    form = SearchForm(request.GET or None, prefectures=selectors.prefectures())
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items()}
        filters["query"] = filters.pop("q")
    terms = selectors.query_terms(filters.get("query", ""))
    reports = selectors.report_search(user=request.user, **filters)
    reports = list(reports.prefetch_related("sections") if terms else reports)
    rows = [{"report": r, "snippets": selectors.snippets(r, terms)} for r in reports]
    context = {
        "form": form,
        "rows": rows,
        "terms": terms,
        "project_labels": PROJECT_LABELS,
        "library_empty": not selectors.library_has_reports(),
    }
    return render(request, "practices/report_list.html", context)


@login_required
def report_detail(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    terms = selectors.query_terms(request.GET.get("q", "")[:200])
    figures, towns = selectors.figure_table(report)
    sections = [
        {"section": s, "html": selectors.render_section(s.text, s.line, terms)} for s in report.sections.all()
    ]
    context = {
        "report": report,
        "figures": figures,
        "towns": towns,
        "pairs": selectors.side_by_side(report),
        "sections": sections,
        "project_labels": PROJECT_LABELS,
        "query": request.GET.get("q", "")[:200],
    }
    return render(request, "practices/report_detail.html", context)


@login_required
def compare(request):
    context = peer_compare.compare_context(user=request.user, year=request.GET.get("fy"))
    own = context["own"]
    initial = {"version": own.version, "population": own.population, "households": own.households,
               "aging_rate": own.aging_rate, "as_of": own.as_of} if own else None  # fmt: skip
    if policy.allows(request.user, "practices.own_figures"):
        context["figures_form"] = OwnFiguresForm(initial=initial)
    return render(request, "practices/compare.html", context)


@login_required
def own_figures_edit(request):
    policy.require_capability(request.user, "practices.own_figures")
    form = OwnFiguresForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.own_figures_save(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "自治体の基本情報を保存しました。")
            return redirect("practices:compare")
    status = 400 if request.method == "POST" else 200
    return render(request, "practices/own_figures_form.html", {"form": form}, status=status)
