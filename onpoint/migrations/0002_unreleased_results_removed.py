"""Method 1.1, section 4, "Release": a campaign that has not closed keeps no scores. Version 1
scored open campaigns live; their stored rows go. Closed campaigns are scored again by the
sweep (their results were computed before they closed, so they count as stale)."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone


def unreleased_results_remove(apps: Any, schema_editor: Any) -> None:
    now = timezone.now()
    for model in ("GroupScore", "CampaignResult"):
        apps.get_model("onpoint", model).objects.filter(campaign__closes_at__gt=now).delete()


class Migration(migrations.Migration):
    dependencies = [("onpoint", "0001_initial"), ("surveys", "0002_instrument_frozen_when_used")]

    operations = [migrations.RunPython(unreleased_results_remove, migrations.RunPython.noop)]
