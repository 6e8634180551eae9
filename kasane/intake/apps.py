"""App config for intake: consultations at any counter, consent to share, referrals (つなぐシート), imports."""

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "kasane.intake"
    label = "intake"
    verbose_name = "相談受付・つなぎ"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_reinstall_tally_triggers, sender=self)


def _reinstall_tally_triggers(using="default", **kwargs):
    """The tallies' triggers after every `migrate` (see intake.tally_sql.reinstall), where the tables exist."""
    from django.db import connections

    from kasane.intake import tally_sql

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if not {t.table for t in tally_sql.TALLIES} | {t.source for t in tally_sql.TALLIES} <= tables:
        return
    with connection.cursor() as cursor:
        for statement in tally_sql.reinstall(connection.vendor):
            cursor.execute(statement)
