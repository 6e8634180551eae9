"""App config for meetings: 重層的支援会議 and 支援会議 (with its secrecy compartment), existing meeting bodies."""

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "kasane.meetings"
    label = "meetings"
    verbose_name = "会議"
