"""onpoint 0003: stored landmarks go from English prose to keys, and back, without a rescore."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from onpoint.landmark_texts import landmark_text
from onpoint.method.landmarks import LANDMARK_REASONS, Landmark
from onpoint.models import CampaignResult
from surveys.models import Campaign

BEFORE = [("onpoint", "0002_unreleased_results_removed")]
AFTER = [("onpoint", "0003_landmarks_as_keys")]
OPENS_AT = dt.datetime(2025, 3, 2, 8, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db(transaction=True)


def prose(key: str, reason: str, stage: str) -> dict[str, Any]:
    """A landmark as version 1.1 stored it: its English words (the same words, test_landmark_texts
    checks, that the code before the change wrote)."""
    status = LANDMARK_REASONS[key][reason]
    with translation.override("en"):
        text = landmark_text(Landmark(key=key, status=status, reason=reason), stage=stage)
    return {
        "status": status,
        "title": text.title,
        "explanation": text.explanation,
        "next_steps": list(text.next_steps),
    }


@pytest.fixture
def before() -> Iterator[Any]:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    # Every other app at its latest, onpoint before 0003.
    state = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "onpoint"]
    try:
        yield MigrationExecutor(connection).loader.project_state([*state, *BEFORE]).apps
    finally:
        forward = MigrationExecutor(connection)
        forward.migrate(forward.loader.graph.leaf_nodes())


def test_every_stored_landmark_keeps_its_status_and_gets_its_reason_back(before: Any) -> None:
    district = before.get_model("districts", "District").objects.create(
        name="Maple Valley", slug="maple-valley", state="OR", launch_date=dt.date(2023, 8, 15)
    )
    instrument = before.get_model("surveys", "Instrument").objects.create(
        version="landmarks-test", definition={"items": []}
    )
    historical_campaign = before.get_model("surveys", "Campaign")
    historical_result = before.get_model("onpoint", "CampaignResult")
    # One campaign per reason of each landmark (the longest list), each landmark cycling through
    # its own reasons; and one campaign whose words no version wrote.
    rounds = max(len(reasons) for reasons in LANDMARK_REASONS.values())
    expected: dict[int, dict[str, dict[str, str]]] = {}
    for n in range(rounds + 1):
        campaign = historical_campaign.objects.create(
            district=district,
            instrument=instrument,
            name=f"Survey {n}",
            opens_at=OPENS_AT + dt.timedelta(days=30 * n),
            closes_at=OPENS_AT + dt.timedelta(days=30 * n + 14),
            token=f"landmarks-{n}",
        )
        stored, want = {}, {}
        for key, reasons in LANDMARK_REASONS.items():
            reason = list(reasons)[n % len(reasons)]
            stored[key] = prose(key, reason, "year_2")
            want[key] = {"status": reasons[reason], "reason": reason}
        if n == rounds:
            stored["culture"]["explanation"] = "Words no version of Journeys ever wrote."
            del want["culture"]
        historical_result.objects.create(
            campaign=campaign,
            stage="year_2",
            n_responses=30,
            computed_at=OPENS_AT + dt.timedelta(days=30 * n + 15),
            landmarks=stored,
        )
        expected[campaign.pk] = want

    MigrationExecutor(connection).migrate(AFTER)

    for campaign_id, want in expected.items():
        assert CampaignResult.objects.get(pk=campaign_id).landmarks == want
    # The landmark it could not read is left out, and its campaign rescored by the sweep.
    dirty = set(Campaign.objects.filter(scores_dirty=True).values_list("pk", flat=True))
    assert dirty == {max(expected)}

    MigrationExecutor(connection).migrate(BEFORE)

    for campaign_id, want in expected.items():
        words = historical_result.objects.get(pk=campaign_id).landmarks
        assert words == {key: prose(key, found["reason"], "year_2") for key, found in want.items()}
