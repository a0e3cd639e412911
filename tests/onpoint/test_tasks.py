"""The Celery tasks: thin, reliable (late acks, requeue on a lost worker, time limits, retries of
database errors) and eager in the embedded mode. The real worker is in test_worker.py."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any
from unittest import mock

import pytest
from celery.schedules import crontab
from django.apps import apps as django_apps
from django.conf import settings
from django.db import InterfaceError, OperationalError

from districts.models import District
from onpoint import rescore, tasks
from onpoint.models import BenchmarkVersion, GroupScore
from tests.onpoint.builders import closed_campaign_of, respond, uniform

ALL_TASKS = [
    tasks.recompute_campaign,
    tasks.refresh_campaign,
    tasks.rebuild_benchmarks,
    tasks.sweep_dirty_campaigns,
]


@pytest.mark.parametrize("task", ALL_TASKS, ids=lambda task: task.name)
def test_every_task_acknowledges_late_and_is_requeued_when_its_worker_dies(task: Any) -> None:
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.soft_time_limit < task.time_limit
    assert task.autoretry_for == (OperationalError, InterfaceError)
    assert task.retry_backoff
    # A task still running when the broker's visibility timeout passes would be delivered twice.
    assert task.time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_beat_sweeps_every_minute_and_rebuilds_the_benchmarks_nightly() -> None:
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["onpoint.tasks.sweep_dirty_campaigns"] == 60.0
    nightly = schedule["onpoint.tasks.rebuild_benchmarks"]
    assert isinstance(nightly, crontab)
    assert nightly.hour == {3}  # type: ignore[attr-defined]  # celery-types omits it


def test_the_tasks_are_registered_under_the_names_beat_uses() -> None:
    from journeys.celery import app

    # As a worker's autodiscovery does at start: every app's tasks module (surveys.tasks too, with
    # issue 15's sweep), whichever tests ran before.
    for config in django_apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.tasks") is not None:
            importlib.import_module(f"{config.name}.tasks")
    for name in settings.CELERY_BEAT_SCHEDULE.values():
        assert name["task"] in app.tasks
    for task in ALL_TASKS:
        assert task.name in app.tasks


def test_the_names_the_services_send_are_the_declared_tasks() -> None:
    from onpoint import queueing

    assert tasks.recompute_campaign.name == queueing.RECOMPUTE_CAMPAIGN
    assert tasks.rebuild_benchmarks.name == queueing.REBUILD_BENCHMARKS


@pytest.mark.django_db
def test_the_recompute_task_runs_eagerly_in_the_embedded_mode_and_twice_gives_the_same_rows(
    maple: District,
) -> None:
    campaign = closed_campaign_of(maple)
    respond(campaign, uniform(4), times=5)

    assert tasks.recompute_campaign.delay(campaign.pk).get() is True
    rows = list(GroupScore.objects.order_by("pk").values())
    assert tasks.recompute_campaign.delay(campaign.pk).get() is False
    assert list(GroupScore.objects.order_by("pk").values()) == rows
    assert GroupScore.objects.get(campaign=campaign, breakdown="whole").onpoint == 75


@pytest.mark.django_db
def test_a_database_error_is_retried_and_the_work_then_done(maple: District) -> None:
    campaign = closed_campaign_of(maple)
    respond(campaign, uniform(4), times=5)
    real = rescore.campaign_recompute
    calls = []

    def flaky(*, campaign_id: int) -> bool:
        calls.append(campaign_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(campaign_id=campaign_id)

    with mock.patch.object(rescore, "campaign_recompute", side_effect=flaky):
        # throw=False: an eager apply() then follows the retry in-process, as a worker would
        # after the backoff.
        result = tasks.recompute_campaign.apply(args=(campaign.pk,), throw=False)

    assert result.get() is True
    assert calls == [campaign.pk, campaign.pk]
    assert GroupScore.objects.filter(campaign=campaign).exists()


@pytest.mark.django_db
def test_the_rebuild_and_sweep_tasks_call_their_services(maple: District) -> None:
    closed_campaign_of(maple)
    version_id = tasks.rebuild_benchmarks.delay().get()
    assert BenchmarkVersion.objects.filter(pk=version_id).exists()
    # Eager: the sweep's recomputes ran in-process, so nothing is left to sweep.
    assert tasks.sweep_dirty_campaigns.delay().get() == 1
    assert tasks.sweep_dirty_campaigns.delay().get() == 0
