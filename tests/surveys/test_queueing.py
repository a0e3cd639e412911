"""What surveys asks of onpoint, by task name and after the commit (surveys/queueing.py)."""

from __future__ import annotations

import logging
from typing import Any
from unittest import mock

import pytest

from onpoint import tasks
from onpoint.models import GroupScore
from surveys import queueing
from surveys.campaigns import campaign_update
from surveys.models import Campaign
from tests.onpoint.builders import respond, uniform

pytestmark = pytest.mark.django_db


def test_the_names_surveys_sends_are_onpoints_declared_tasks() -> None:
    assert tasks.recompute_campaign.name == queueing.CAMPAIGN_RECOMPUTE_TASK
    assert tasks.refresh_campaign.name == queueing.CAMPAIGN_REFRESH_TASK


def test_a_refresh_marks_the_campaign_dirty_at_once_and_sends_the_task_after_the_commit(
    maple_campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        mock.patch.object(tasks.refresh_campaign, "apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        queueing.campaign_refresh_request(maple_campaign.pk)
        maple_campaign.refresh_from_db()
        assert maple_campaign.scores_dirty
        send.assert_not_called()
    send.assert_called_once_with((maple_campaign.pk,), retry=False)


def test_a_broker_that_is_down_is_logged_and_the_campaign_stays_dirty_for_the_sweep(
    maple_campaign: Campaign, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    failure = ConnectionRefusedError("broker down")
    with (
        caplog.at_level(logging.WARNING, logger="surveys.queueing"),
        mock.patch.object(tasks.refresh_campaign, "apply_async", side_effect=failure),
        django_capture_on_commit_callbacks(execute=True),
    ):
        queueing.campaign_refresh_request(maple_campaign.pk)
    assert queueing.NOT_SENT % (queueing.CAMPAIGN_REFRESH_TASK, maple_campaign.pk) in caplog.text
    maple_campaign.refresh_from_db()
    assert maple_campaign.scores_dirty


def test_in_the_embedded_mode_a_change_to_a_closed_campaign_rescores_it_after_the_commit(
    closed_campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    respond(closed_campaign, uniform(4), times=5)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_update(campaign=closed_campaign, exclude_from_benchmarks=True)
        assert not GroupScore.objects.filter(campaign=closed_campaign).exists()
    whole = GroupScore.objects.get(campaign=closed_campaign, breakdown="whole")
    assert whole.onpoint == 75
    closed_campaign.refresh_from_db()
    assert not closed_campaign.scores_dirty
