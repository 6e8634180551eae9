"""App config for cases: 多機関協働 — collaboration cases, assessment, support plans, decisions, lifecycle."""

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kasane.cases"
    label = "cases"
    verbose_name = "多機関協働"
