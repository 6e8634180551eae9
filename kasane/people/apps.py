"""App config for people: persons, households and their members, and finding a known person (名寄せ)."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kasane.people"
    label = "people"
    verbose_name = "本人・世帯"
