"""Core pages: login and 2FA, the home page per role, and the tenant admin's staff, settings and audit pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kasane.directory import selectors as directory_selectors

from . import audit, policy, selectors, services, twofactor
from .errors import DomainError
from .forms import (
    AccessLogFilterForm,
    ApiTokenForm,
    LoginForm,
    OtpForm,
    StaffCreateForm,
    StaffEditForm,
    TenantSettingsForm,
    add_domain_error,
)
from .home import home_sections
from .models import User
from .roles import ROLE_DESCRIPTIONS, Role


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"

    def get_success_url(self):
        return reverse("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        User.objects.filter(pk=self.request.user.pk).update(must_change_password=False)
        audit.record(
            user=self.request.user, action=audit.Action.UPDATE, obj=self.request.user, detail="パスワード変更"
        )
        messages.success(self.request, "パスワードを変更しました。")
        return response


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def otp_verify(request):
    if twofactor.pending_step(request.user) != request.path:
        return redirect("core:home")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = twofactor.verify(request, form.cleaned_data["token"])
        if error is None:
            return redirect("core:home")
        form.add_error("token", error)
    return render(request, "registration/otp_verify.html", {"form": form})


@login_required
def otp_setup(request):
    if twofactor.pending_step(request.user) != request.path:
        return redirect("core:home")
    device = twofactor.setup_device(request.user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = twofactor.verify(request, form.cleaned_data["token"], confirming=True)
        if error is None:
            messages.success(request, "2段階認証を設定しました。次回から認証コードの入力が必要です。")
            return redirect("core:home")
        form.add_error("token", error)
    context = {
        "form": form,
        "qr_svg": twofactor.provisioning_qr_svg(device),
        "secret": twofactor.secret_base32(device),
    }
    return render(request, "registration/otp_setup.html", context)


@login_required
def home(request):
    context = {"sections": home_sections(request.user), "today": timezone.localdate()}
    return render(request, "core/home.html", context)


@login_required
def account(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_issue(user=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            form.add_error("name", exc.message)
        else:
            form = ApiTokenForm()
    # listed after a new token is issued, so the new one is in the table under its one-time key
    tokens = [t for t in selectors.api_token_list(user=request.user) if t.user_id == request.user.pk]
    context = {
        "tokens": tokens,
        "form": form,
        "new_key": new_key,
        "two_factor_required": twofactor.is_required(request.user),
        "role_descriptions": [
            (Role(r).label, ROLE_DESCRIPTIONS[Role(r)]) for r in sorted(request.user.roles)
        ],
    }
    return render(request, "core/account.html", context)


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = selectors.api_token_get(user=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"APIトークン「{token.name}」を失効させました。")
    return redirect("core:account" if token.user_id == request.user.pk else "core:staff_tokens")


# --- tenant administration ----------------------------------------------------------------------------


@login_required
def staff_list(request):
    policy.require_capability(request.user, "staff.manage")
    q = request.GET.get("q", "").strip()[:100]
    return render(
        request, "core/staff_list.html", {"staff": selectors.staff_list(user=request.user, q=q), "q": q}
    )


def _agencies(user):
    return directory_selectors.agency_choices(user=user)


@login_required
def staff_create(request):
    policy.require_capability(request.user, "staff.manage")
    form = StaffCreateForm(request.POST or None, agencies=_agencies(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            staff = services.staff_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"職員「{staff}」を登録しました。")
            return redirect("core:staff_detail", pk=staff.pk)
    return render(request, "core/staff_form.html", {"form": form, "creating": True})


@login_required
def staff_detail(request, pk):
    policy.require_capability(request.user, "staff.manage")
    staff = selectors.staff_get(user=request.user, pk=pk)
    initial = {
        "last_name": staff.last_name,
        "first_name": staff.first_name,
        "email": staff.email,
        "agency": staff.agency,
        "section": staff.section,
        "roles": sorted(staff.roles),
        "is_active": staff.is_active,
        "version": staff.version,
    }
    form = StaffEditForm(request.POST or None, initial=initial, agencies=_agencies(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(actor=request.user, staff=staff, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"職員「{staff}」の情報を更新しました。")
            return redirect("core:staff_detail", pk=staff.pk)
    return render(request, "core/staff_form.html", {"form": form, "staff": staff, "creating": False})


@login_required
@require_POST
def staff_reset_two_factor(request, pk):
    policy.require_capability(request.user, "staff.manage")
    staff = selectors.staff_get(user=request.user, pk=pk)
    services.staff_reset_two_factor(actor=request.user, staff=staff)
    messages.success(request, f"「{staff}」の2段階認証をリセットしました。次回ログイン時に再設定します。")
    return redirect("core:staff_detail", pk=staff.pk)


@login_required
def staff_tokens(request):
    policy.require_capability(request.user, "staff.manage")
    tokens = selectors.api_token_list(user=request.user)
    return render(request, "core/token_list.html", {"tokens": tokens})


@login_required
def tenant_settings(request):
    policy.require_capability(request.user, "tenant.configure")
    municipality = selectors.municipality_of(user=request.user)
    initial = {
        "require_two_factor": municipality.require_two_factor,
        "referral_overdue_working_days": municipality.referral_overdue_working_days,
        "version": municipality.version,
        **{key: getattr(municipality, key) for key in TenantSettingsForm.CASE_FIELDS},
    }
    form = TenantSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.municipality_update_settings(
                actor=request.user, municipality=municipality, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "設定を保存しました。")
            return redirect("core:tenant_settings")
    context = {
        "form": form,
        "municipality": municipality,
        "idle_minutes": settings.KASANE_IDLE_TIMEOUT_MINUTES,
    }
    return render(request, "core/tenant_settings.html", context)


@login_required
def access_log(request):
    policy.require_capability(request.user, "audit.view")
    form = AccessLogFilterForm(request.GET or None)
    entries = selectors.access_log_search(user=request.user)
    if form.is_bound and form.is_valid():
        entries = selectors.access_log_search(user=request.user, **form.cleaned_data)
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/access_log.html", {"form": form, "page": page, "query": query.urlencode()})
