"""App config for evaluation: progress sheets (進捗管理シート), outcome targets, yearly statistics from the records, dashboards."""

from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "kasane.evaluation"
    label = "evaluation"
    verbose_name = "評価・統計"
