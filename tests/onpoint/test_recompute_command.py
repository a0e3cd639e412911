"""manage.py recompute: everything, one campaign, or the benchmarks; twice leaves the same rows."""

from __future__ import annotations

import contextlib
import random
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone

from onpoint.models import Benchmark, BenchmarkState, BenchmarkVersion, CampaignResult, GroupScore
from surveys.models import Campaign
from tests.onpoint.builders import (
    random_answers,
    store,
    year_one_world,
)

pytestmark = pytest.mark.django_db

# Timestamps say when a run happened; everything else must be identical after a second run.
TIMESTAMPS = {"computed_at", "checked_at"}
STORED_MODELS: list[type[models.Model]] = [
    GroupScore,
    CampaignResult,
    BenchmarkVersion,
    Benchmark,
    BenchmarkState,
]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for model in STORED_MODELS:
        rows[model.__name__] = [
            {name: value for name, value in row.items() if name not in TIMESTAMPS}
            for row in model._default_manager.order_by("pk").values()
        ]
    rows["Campaign.scores_dirty"] = [
        dict(row) for row in Campaign.objects.order_by("pk").values("pk", "scores_dirty")
    ]
    return rows


def recompute(*args: str) -> str:
    out = StringIO()
    call_command("recompute", *args, "--no-progress", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def history() -> list[Campaign]:
    """Eight districts at year 1 with a closed campaign each, two of them with an earlier
    planning campaign and one with an open campaign, 20 to 60 random responses each."""
    return year_one_world(
        seed=7, districts=8, schools=3, with_earlier=2, open_at=2, responses=(20, 60)
    )


def test_recompute_run_twice_leaves_identical_stored_rows(history: list[Campaign]) -> None:
    first_output = recompute()
    first = snapshot()

    second_output = recompute()

    assert snapshot() == first
    assert "written" in first_output
    assert "unchanged" in second_output
    assert BenchmarkVersion.objects.count() == 1
    # Every closed campaign is scored, ranked and clean; the open one has no scores at all
    # (method 1.1, "Release").
    closed = [campaign for campaign in history if campaign.is_closed()]
    assert len(closed) == len(history) - 1
    assert set(CampaignResult.objects.values_list("campaign_id", flat=True)) == {
        campaign.pk for campaign in closed
    }
    assert not Campaign.objects.filter(scores_dirty=True, pk__in=[c.pk for c in closed]).exists()
    published = Benchmark.objects.filter(stage="year_1", key="onpoint").get()
    assert published.published
    assert published.n_districts == 8


def test_recompute_brings_every_score_up_to_date(history: list[Campaign]) -> None:
    recompute()
    campaign = history[0]
    store(campaign, [(random_answers(random.Random(1)), "teacher", None)] * 3)
    before = CampaignResult.objects.get(campaign=campaign).n_responses

    recompute()

    assert CampaignResult.objects.get(campaign=campaign).n_responses == before + 3
    assert BenchmarkVersion.objects.count() == 2  # a closed campaign changed: a new version


def test_recompute_one_campaign(history: list[Campaign]) -> None:
    campaign = history[-1]
    output = recompute("--campaign", str(campaign.pk))
    assert f"Campaign {campaign.pk} rescored" in output
    assert GroupScore.objects.filter(campaign=campaign).exists()
    assert not GroupScore.objects.exclude(campaign=campaign).exists()


def test_recompute_one_campaign_that_closed_since_the_last_rebuild_brings_it_into_the_cohort(
    history: list[Campaign],
) -> None:
    """Time closed the campaign (no edit, no new response): its scores are unchanged, yet it
    now belongs to its stage's cohort, and `recompute --campaign` says so."""
    recompute()
    still_open = next(c for c in history if not c.is_closed(timezone.now()))
    assert Benchmark.objects.get(stage="year_1", key="onpoint").n_districts == 8
    Campaign.objects.filter(pk=still_open.pk).update(closes_at=timezone.now())

    recompute("--campaign", str(still_open.pk))

    latest = BenchmarkVersion.objects.latest()
    onpoint = Benchmark.objects.get(version=latest, stage="year_1", key="onpoint")
    # District 2's latest eligible year 1 campaign is now the one that just closed.
    assert still_open.pk in CampaignResult.objects.filter(benchmark_version=latest).values_list(
        "campaign_id", flat=True
    )
    assert BenchmarkVersion.objects.count() == 2
    assert onpoint.n_districts == 8


def test_recompute_benchmarks_only_rescores_nothing(history: list[Campaign]) -> None:
    recompute()
    store(history[0], [(random_answers(random.Random(2)), "coach", None)] * 2)
    n_before = CampaignResult.objects.get(campaign=history[0]).n_responses

    output = recompute("--benchmarks-only")

    assert CampaignResult.objects.get(campaign=history[0]).n_responses == n_before
    assert "unchanged" in output


def test_recompute_refuses_an_unknown_campaign_and_contradictory_options() -> None:
    with pytest.raises(CommandError, match="No campaign with id 999999"):
        recompute("--campaign", "999999")
    with pytest.raises(CommandError, match="do not go together"):
        recompute("--campaign", "1", "--benchmarks-only")


def test_recompute_shows_a_progress_bar(history: list[Campaign]) -> None:
    err = StringIO()
    with contextlib.redirect_stderr(err):
        call_command("recompute", stdout=StringIO(), stderr=StringIO())
    assert "Scores: 100%" in err.getvalue()
    assert "Ranks and landmarks: 100%" in err.getvalue()
