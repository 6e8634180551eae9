"""Copy the consultation's municipality, 受付日, counter and follow-up flag onto its problem rows, with an index
for the yearly statistics (evaluation.statistics counts problems per month without joining the consultations).
Existing rows are filled by one UPDATE (a correlated row-value subquery, run by SQLite and PostgreSQL alike)."""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE intake_consultationproblem
SET (municipality_id, received_on, agency_id, follow_up) = (
    SELECT c.municipality_id, c.received_on, c.agency_id, c.first_consultation_id IS NOT NULL
    FROM intake_consultation c
    WHERE c.id = intake_consultationproblem.consultation_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("directory", "0001_initial"),
        ("intake", "0003_consultation_stats_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="consultationproblem",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.municipality",
            ),
        ),
        migrations.AddField(
            model_name="consultationproblem",
            name="received_on",
            field=models.DateField(null=True, verbose_name="受付日"),
        ),
        migrations.AddField(
            model_name="consultationproblem",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.agency",
            ),
        ),
        migrations.AddField(
            model_name="consultationproblem",
            name="follow_up",
            field=models.BooleanField(default=False, verbose_name="継続相談"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="consultationproblem",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.municipality",
            ),
        ),
        migrations.AlterField(
            model_name="consultationproblem",
            name="received_on",
            field=models.DateField(verbose_name="受付日"),
        ),
        migrations.AddIndex(
            model_name="consultationproblem",
            index=models.Index(
                fields=["municipality", "follow_up", "received_on", "problem", "agency"],
                name="consultationproblem_stats_idx",
            ),
        ),
    ]
