"""Django admin for the directory, scoped by the access policy (see kasane.core.admin)."""

from django.contrib import admin

from kasane.core.admin import PolicyScopedAdmin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(PolicyScopedAdmin):
    list_display = ["name", "field", "legal_item", "operation", "section", "is_active"]
    list_filter = ["field", "legal_item"]
    search_fields = ["name", "section"]
    fields = ["name", "field", "legal_item", "operation", "contractor", "section", "site_count", "catchment",
              "address", "phone", "hours", "description", "is_active"]  # fmt: skip
