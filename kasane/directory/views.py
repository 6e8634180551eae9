"""Pages of the agency directory: search, detail, print (A4 PDF), export (.xlsx), create and edit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from kasane.core import policy
from kasane.core.errors import DomainError
from kasane.core.forms import add_domain_error
from kasane.core.pdf import pdf_response, render_pdf
from kasane.core.spreadsheets import XLSX_TYPE, download_response, xlsx_bytes

from . import selectors, services
from .forms import AgencyForm, AgencySearchForm, ThemeForm

EXPORT_HEADER = [
    "機関名（窓口）",
    "分野",
    "法第106条の4第2項",
    "運営形態",
    "委託先",
    "所管課",
    "設置数",
    "圏域",
    "所在地",
    "電話番号",
    "受付時間",
    "対応するテーマ",
    "窓口の内容",
]


def _search(request):
    themes = selectors.theme_list(user=request.user)
    form = AgencySearchForm(request.GET or None, themes=themes)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "theme_id": data["theme"].pk if data["theme"] else None,
            "field": data["field"],
        }
    agencies = selectors.agency_search(user=request.user, **filters)
    if form.is_bound and not form.is_valid():
        agencies = agencies.none()
    return form, agencies


@login_required
@vary_on_headers("HX-Request")
def agency_list(request):
    policy.require_capability(request.user, "directory.view")
    form, agencies = _search(request)
    context = {
        "form": form,
        "agencies": agencies,
        "can_manage": policy.can_create(request.user, "directory.Agency"),
        "query": request.GET.urlencode(),
    }
    # A history restore (Back button) needs the whole page, not the live-search fragment.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "directory/_results.html" if fragment else "directory/agency_list.html"
    return render(request, template, context)


@login_required
def agency_detail(request, pk):
    agency = selectors.agency_get(user=request.user, pk=pk)
    can_change = policy.can(request.user, policy.CHANGE, agency)
    return render(request, "directory/agency_detail.html", {"agency": agency, "can_change": can_change})


def _row(agency):
    return [
        agency.name,
        agency.get_field_display(),
        agency.get_legal_item_display() if agency.legal_item else "",
        agency.get_operation_display(),
        agency.contractor,
        agency.section,
        agency.site_count,
        agency.catchment,
        agency.address,
        agency.phone,
        agency.hours,
        "、".join(t.name for t in agency.themes.all()),
        agency.description,
    ]


@login_required
def agency_export_xlsx(request):
    policy.require_capability(request.user, "directory.view")
    _form, agencies = _search(request)
    content = xlsx_bytes("相談機関一覧表", EXPORT_HEADER, (_row(a) for a in agencies))
    filename = f"相談機関一覧表_{timezone.localdate():%Y%m%d}.xlsx"
    return download_response(content, filename, XLSX_TYPE)


@login_required
def agency_print(request):
    policy.require_capability(request.user, "directory.view")
    form, agencies = _search(request)
    context = {
        "agencies": agencies,
        "municipality": request.user.municipality,
        "printed_on": timezone.localdate(),
        "filters": form.cleaned_data if form.is_bound and form.is_valid() else {},
    }
    pdf = render_pdf("directory/agency_print.html", context)
    return pdf_response(pdf, f"相談機関一覧表_{timezone.localdate():%Y%m%d}.pdf")


@login_required
def agency_create(request):
    if not policy.can_create(request.user, "directory.Agency"):
        policy.require_capability(request.user, "directory.manage")
    themes = selectors.theme_list(user=request.user)
    form = AgencyForm(request.POST or None, themes=themes)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            agency = services.agency_create(user=request.user, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"相談機関「{agency.name}」を登録しました。")
            return redirect("directory:agency_detail", pk=agency.pk)
    return render(request, "directory/agency_form.html", {"form": form, "creating": True})


@login_required
def agency_edit(request, pk):
    agency = selectors.agency_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, agency)
    themes = selectors.theme_list(user=request.user)
    form = AgencyForm(
        request.POST or None, instance=agency, themes=themes, initial={"version": agency.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(user=request.user, agency=agency, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "相談機関の情報を更新しました。")
            return redirect("directory:agency_detail", pk=agency.pk)
    return render(request, "directory/agency_form.html", {"form": form, "agency": agency, "creating": False})


@login_required
def theme_list(request):
    policy.require_capability(request.user, "directory.manage")
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            theme = services.theme_create(user=request.user, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"テーマ「{theme.name}」を追加しました。")
            return redirect("directory:theme_list")
    themes = selectors.theme_list(user=request.user)
    return render(request, "directory/theme_list.html", {"form": form, "themes": themes})


@login_required
def theme_edit(request, pk):
    policy.require_capability(request.user, "directory.manage")
    theme = selectors.theme_get(user=request.user, pk=pk)
    form = ThemeForm(
        request.POST or None, initial={"name": theme.name, "reading": theme.reading, "version": theme.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_update(user=request.user, theme=theme, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "テーマを更新しました。")
            return redirect("directory:theme_list")
    return render(request, "directory/theme_form.html", {"form": form, "theme": theme})
