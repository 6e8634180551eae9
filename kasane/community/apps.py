"""App config for community: places, activities, sessions with attendance, coordinators, network meetings and trainings."""

from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "kasane.community"
    label = "community"
    verbose_name = "地域づくり"
