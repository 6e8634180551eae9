"""App config for api: the versioned JSON API, a thin face over the same services and selectors."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kasane.api"
    label = "api"
    verbose_name = "JSON API"
