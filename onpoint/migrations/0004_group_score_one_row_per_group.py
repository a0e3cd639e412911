"""GroupScore becomes one row per group (issue 13): a value, an n and a reason code per score
key, where it was one row per (campaign, group, score key), 14 rows a group.

The stored rows are carried over, not recomputed: the old table is renamed aside, the new one
created, each group's 14 rows folded into one (in batches of groups), and the old table dropped.
Backwards, each row is unfolded into its 14. Reasons become codes: 0 reported, 1 "fewer than
5 responses", 2 "complementary suppression" (onpoint.models.REASON_CODES).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

SCORE_KEYS = (
    "onpoint",
    "strategy",
    "operations",
    "design",
    "culture",
    "vision",
    "plan",
    "devices_tools",
    "it_support",
    "teacher_role",
    "student_role",
    "buy_in",
    "risk_taking",
    "supportive",
)
REPORTED = 0
REASON_CODES = {1: "fewer than 5 responses", 2: "complementary suppression"}
CODE_OF_REASON = {reason: code for code, reason in REASON_CODES.items()}
BATCH = 2000
INCOMPLETE = "group {group!r} of campaign {campaign} has scores for {found}, not for every key"


def _reported_or_hidden(key: str) -> models.Q:
    return models.Q(
        **{f"{key}_reason": REPORTED, f"{key}__isnull": False, f"{key}_n__gte": 5}
    ) | models.Q(**{f"{key}_reason__in": list(REASON_CODES), f"{key}__isnull": True})


def _score_fields() -> list[tuple[str, Any]]:
    fields: list[tuple[str, Any]] = []
    for key in SCORE_KEYS:
        fields += [
            (key, models.FloatField(null=True)),
            (f"{key}_n", models.PositiveIntegerField(default=0)),
            (f"{key}_reason", models.PositiveSmallIntegerField(default=REPORTED)),
        ]
    return fields


def fold(apps: Any, schema_editor: Any) -> None:
    """Each group's 14 rows (one per key) into one row of the new table."""
    old = apps.get_model("onpoint", "GroupScoreByKey")
    new = apps.get_model("onpoint", "GroupScore")
    groups: dict[tuple[int, str, str], dict[str, Any]] = defaultdict(dict)
    rows = old.objects.order_by("campaign_id", "breakdown", "group").values(
        "campaign_id", "breakdown", "group", "position", "key", "value", "n", "reason"
    )
    for row in rows.iterator(chunk_size=BATCH):
        folded = groups[(row["campaign_id"], row["breakdown"], row["group"])]
        folded["position"] = row["position"]
        folded[row["key"]] = row["value"]
        folded[f"{row['key']}_n"] = row["n"]
        folded[f"{row['key']}_reason"] = CODE_OF_REASON.get(row["reason"], REPORTED)
    batch = []
    for (campaign_id, breakdown, group), fields in groups.items():
        missing = [key for key in SCORE_KEYS if f"{key}_n" not in fields]
        if missing:
            found = sorted(key for key in SCORE_KEYS if key not in missing)
            raise RuntimeError(INCOMPLETE.format(group=group, campaign=campaign_id, found=found))
        batch.append(new(campaign_id=campaign_id, breakdown=breakdown, group=group, **fields))
        if len(batch) >= BATCH:
            new.objects.bulk_create(batch)
            batch = []
    new.objects.bulk_create(batch)


def unfold(apps: Any, schema_editor: Any) -> None:
    """Each row of the new table into its 14 rows, one per key."""
    old = apps.get_model("onpoint", "GroupScoreByKey")
    new = apps.get_model("onpoint", "GroupScore")
    batch = []
    for row in new.objects.order_by("pk").iterator(chunk_size=BATCH):
        for key in SCORE_KEYS:
            code = getattr(row, f"{key}_reason")
            batch.append(
                old(
                    campaign_id=row.campaign_id,
                    breakdown=row.breakdown,
                    group=row.group,
                    position=row.position,
                    key=key,
                    value=getattr(row, key),
                    n=getattr(row, f"{key}_n"),
                    reported=code == REPORTED,
                    reason=REASON_CODES.get(code, ""),
                )
            )
        if len(batch) >= BATCH:
            old.objects.bulk_create(batch)
            batch = []
    old.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("onpoint", "0003_landmarks_as_keys")]

    operations = [
        migrations.RenameModel("GroupScore", "GroupScoreByKey"),
        migrations.AlterField(
            model_name="groupscorebykey",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="surveys.campaign",
            ),
        ),
        migrations.CreateModel(
            name="GroupScore",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "breakdown",
                    models.CharField(
                        choices=[
                            ("whole", "Whole campaign"),
                            ("school", "By school"),
                            ("role", "By role"),
                        ],
                        max_length=10,
                    ),
                ),
                ("group", models.CharField(blank=True, max_length=200)),
                ("position", models.PositiveIntegerField(default=0)),
                *_score_fields(),
                (
                    "campaign",
                    models.ForeignKey(
                        # The unique (campaign, breakdown, group) constraint leads with it.
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="group_scores",
                        to="surveys.campaign",
                    ),
                ),
            ],
            options={"ordering": ["campaign", "breakdown", "position"]},
        ),
        migrations.AddConstraint(
            model_name="groupscore",
            constraint=models.UniqueConstraint(
                fields=("campaign", "breakdown", "group"), name="group_score_once_per_group"
            ),
        ),
        *(
            migrations.AddConstraint(
                model_name="groupscore",
                constraint=models.CheckConstraint(
                    condition=_reported_or_hidden(key), name=f"group_score_{key}_hidden_or_shown"
                ),
            )
            for key in SCORE_KEYS
        ),
        migrations.RunPython(fold, unfold, elidable=False),
        migrations.DeleteModel("GroupScoreByKey"),
    ]
