"""The embedded mode's stand-in for beat releases a campaign whose closing time has passed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from journeys.embedded_beat import embedded_beat_start, embedded_sweep
from onpoint.models import CampaignResult
from tests.onpoint.builders import campaign_of, district_named, respond, uniform

pytestmark = pytest.mark.django_db


def test_a_campaign_past_its_closing_time_is_released_by_the_embedded_sweep(
    django_capture_on_commit_callbacks: Any,
) -> None:
    campaign = campaign_of(
        district_named("Embedded district"),
        opens_at=timezone.now() - dt.timedelta(days=10),
        closes_at=timezone.now() - dt.timedelta(minutes=1),
    )
    respond(campaign, uniform(4), times=5)
    assert not CampaignResult.objects.filter(campaign=campaign).exists()

    with django_capture_on_commit_callbacks(execute=True):
        embedded_sweep()

    result = CampaignResult.objects.get(campaign=campaign)
    assert result.n_responses == 5
    assert result.computed_at >= campaign.closes_at


def test_with_a_broker_there_is_no_embedded_beat(settings: Any) -> None:
    from journeys.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        assert embedded_beat_start() is None
    finally:
        app.conf.task_always_eager = saved
