"""Django admin, scoped by the access policy like every other face: it never crosses tenants.

Day-to-day administration happens in the app (職員の管理, 相談機関); the Django admin is a fallback
for tenant admins (is_staff) and shows only what the policy lets them see.
"""

from django.contrib import admin

from . import audit, policy
from .models import AccessLogEntry, ApiToken, Municipality, User


class PolicyScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return policy.scope(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return policy.allows(request.user, "staff.manage") and (
            obj is None or policy.can(request.user, "view", obj)
        )

    def has_change_permission(self, request, obj=None):
        # Read-only: every change goes through the services, which keep versions, history and the log.
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return policy.allows(request.user, "staff.manage")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            audit.record(user=request.user, action=audit.Action.VIEW, model=self.model, object_id=str(object_id),
                         detail="Django admin")  # fmt: skip
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200 and hasattr(response, "context_data"):
            rows = list(response.context_data["cl"].result_list)
            action = audit.Action.SEARCH if request.GET.get("q") else audit.Action.LIST
            query = request.GET.get("q", "")
            detail = f"Django admin 検索：{query}"[:300] if query else "Django admin"
            audit.record_many(user=request.user, action=action, objects=rows, model=self.model, detail=detail)
        return response


@admin.register(Municipality)
class MunicipalityAdmin(PolicyScopedAdmin):
    list_display = ["code", "prefecture", "name", "require_two_factor"]
    fields = ["name", "prefecture", "code", "require_two_factor"]


@admin.register(User)
class StaffAdmin(PolicyScopedAdmin):
    list_display = ["username", "last_name", "first_name", "agency", "is_active"]
    fields = ["username", "last_name", "first_name", "email", "section", "is_active"]
    search_fields = ["username", "last_name", "first_name"]


@admin.register(AccessLogEntry)
class AccessLogAdmin(PolicyScopedAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "person_id", "case_id", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id"]


@admin.register(ApiToken)
class ApiTokenAdmin(PolicyScopedAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
