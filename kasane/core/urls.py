from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/otp/", views.otp_verify, name="otp_verify"),
    path("login/otp/setup/", views.otp_setup, name="otp_setup"),
    path("account/", views.account, name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("manage/staff/", views.staff_list, name="staff_list"),
    path("manage/staff/new/", views.staff_create, name="staff_create"),
    path("manage/staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("manage/staff/<int:pk>/reset-2fa/", views.staff_reset_two_factor, name="staff_reset_two_factor"),
    path("manage/tokens/", views.staff_tokens, name="staff_tokens"),
    path("manage/settings/", views.tenant_settings, name="tenant_settings"),
    path("manage/access-log/", views.access_log, name="access_log"),
]
