"""App config for practices: the library of the FY2018 model-project reports (seed 004), search and peer comparison."""

from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "kasane.practices"
    label = "practices"
    verbose_name = "実践ライブラリ"
