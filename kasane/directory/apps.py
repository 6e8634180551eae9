"""App config for directory: agencies (相談機関一覧表) and the themes they handle."""

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "kasane.directory"
    label = "directory"
    verbose_name = "相談機関一覧表"
