"""Personal survey links (issue 15): invitations, their tallies and the hashes of the invited
addresses; a campaign's link mode and its reminders.

On SQLite, adding a column with a default rebuilds the campaign table (a copy under a new name,
then a rename), which the instrument trigger of 0002 (it reads surveys_campaign) refuses; the
trigger is dropped for the rebuild and made again after it. PostgreSQL adds the columns in
place and keeps its trigger.
"""

from __future__ import annotations

import importlib
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

frozen = importlib.import_module("surveys.migrations.0002_instrument_frozen_when_used")


def sqlite_trigger_drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(frozen.SQLITE_DROP)


def sqlite_trigger_create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(frozen.SQLITE_CREATE)


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0005_school_team_and_audited_changes"),
        ("surveys", "0005_compact_responses"),
    ]

    operations = [
        migrations.RunPython(sqlite_trigger_drop, sqlite_trigger_create, elidable=False),
        migrations.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                ("nonce", models.CharField(max_length=64)),
                ("token_digest", models.CharField(max_length=64, unique=True)),
                ("link_base", models.CharField(max_length=200)),
                (
                    "delivery",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting to be sent"),
                            ("sent", "Sent"),
                            ("failed", "Not delivered"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("failures", models.PositiveSmallIntegerField(default=0)),
                ("error", models.CharField(blank=True, max_length=200)),
                ("reminded", models.PositiveSmallIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="InvitationTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("invited", models.PositiveIntegerField(default=0)),
                ("answered", models.PositiveIntegerField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name="InvitedAddress",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name="campaign",
            name="link_mode",
            field=models.CharField(
                choices=[
                    ("shared", "The shared link and QR code"),
                    ("personal", "Personal links sent by email"),
                    ("both", "Both"),
                ],
                db_default="shared",
                default="shared",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="reminded_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="campaign",
            name="reminder_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="campaign",
            name="reminder_rounds",
            field=models.PositiveSmallIntegerField(db_default=0, default=0),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(("link_mode__in", ["shared", "personal", "both"])),
                name="campaign_link_mode_is_known",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="invitations",
                to="surveys.campaign",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="school",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="districts.school",
            ),
        ),
        migrations.AddField(
            model_name="invitationtally",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tallies",
                to="surveys.campaign",
            ),
        ),
        migrations.AddField(
            model_name="invitationtally",
            name="school",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="districts.school",
            ),
        ),
        migrations.AddField(
            model_name="invitedaddress",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="surveys.campaign"
            ),
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                fields=("campaign", "email"), name="invitation_once_per_address"
            ),
        ),
        migrations.AddConstraint(
            model_name="invitationtally",
            constraint=models.UniqueConstraint(
                fields=("campaign", "school"), name="tally_once_per_school"
            ),
        ),
        migrations.AddConstraint(
            model_name="invitationtally",
            constraint=models.UniqueConstraint(
                condition=models.Q(("school__isnull", True)),
                fields=("campaign",),
                name="tally_once_without_school",
            ),
        ),
        migrations.AddConstraint(
            model_name="invitedaddress",
            constraint=models.UniqueConstraint(
                fields=("campaign", "digest"), name="invited_address_once_per_campaign"
            ),
        ),
        migrations.RunPython(sqlite_trigger_create, sqlite_trigger_drop, elidable=False),
    ]
