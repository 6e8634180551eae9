"""App config for outreach: engagements with people who do not ask: sources, contact attempts, relationship stages."""

from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "kasane.outreach"
    label = "outreach"
    verbose_name = "アウトリーチ等を通じた継続的支援"
