"""App config for participation: community resources (社会資源), matching persons to them, follow-up, and the gap backlog."""

from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "kasane.participation"
    label = "participation"
    verbose_name = "参加支援"
