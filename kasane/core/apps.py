"""App config for core: tenants, staff and roles, the access policy, the access log."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kasane.core"
    label = "core"
    verbose_name = "基盤（自治体・職員・アクセス方針・閲覧記録）"
