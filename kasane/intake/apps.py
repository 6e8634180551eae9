"""App config for intake: consultations at any counter, consent to share, referrals (つなぐシート), imports."""

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "kasane.intake"
    label = "intake"
    verbose_name = "相談受付・つなぎ"
