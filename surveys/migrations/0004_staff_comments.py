"""Staff voice (issue 16): a campaign may ask two open questions, and their answers are kept as
comments apart from the responses (no role, school, time or response; a random primary key).

Campaigns made before this migration never asked them: they take False; new ones ask by default.

On SQLite, adding a column rebuilds surveys_campaign (a new table renamed over the old one),
which the instrument trigger of 0002 names: it is dropped for the rebuild and made again.
"""

import importlib
import uuid
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

_frozen = importlib.import_module("surveys.migrations.0002_instrument_frozen_when_used")


def _sqlite_trigger_drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(_frozen.SQLITE_DROP)


def _sqlite_trigger_create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(_frozen.SQLITE_CREATE)


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0004_co_travelers_learning_offers_hide_audit"),
        ("surveys", "0003_district_and_school_from_districts"),
    ]

    operations = [
        migrations.RunPython(_sqlite_trigger_drop, _sqlite_trigger_create, elidable=False),
        migrations.AddField(
            model_name="campaign",
            name="asks_comments",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="asks_comments",
            field=models.BooleanField(
                db_default=True,
                default=True,
                help_text="Ask staff two optional open questions: what they are proud of, and what would help them most.",
            ),
        ),
        migrations.CreateModel(
            name="Comment",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            (
                                "proud_of",
                                "What are you proud of in our personalized-learning work?",
                            ),
                            ("help", "What would help you most?"),
                        ],
                        max_length=20,
                    ),
                ),
                ("text", models.TextField(blank=True)),
                ("hidden", models.BooleanField(default=False)),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to="surveys.campaign",
                    ),
                ),
                (
                    "milestone",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="districts.milestone",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["proud_of", "help"])),
                        name="comment_kind_is_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("hidden", True), ("text", "")),
                            models.Q(("hidden", False), models.Q(("text", ""), _negated=True)),
                            _connector="OR",
                        ),
                        name="comment_hidden_has_no_text",
                    ),
                ],
            },
        ),
        migrations.RunPython(_sqlite_trigger_create, _sqlite_trigger_drop, elidable=False),
    ]
