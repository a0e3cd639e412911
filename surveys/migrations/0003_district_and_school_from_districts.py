"""Campaign.district and Response.school point at districts' models (state only).

The models moved from journeys to districts on the same tables (districts' 0001), so the foreign
key columns and their constraints are already right: only the migration state changes here.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_instrument_frozen_when_used"),
        ("districts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="campaign",
                    name="district",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="campaigns",
                        to="districts.district",
                    ),
                ),
                migrations.AlterField(
                    model_name="response",
                    name="school",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="responses",
                        to="districts.school",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
