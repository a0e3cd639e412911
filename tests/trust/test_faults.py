"""Faults: a broker outage, a killed worker, a task delivered twice and a database restart lose
nothing a teacher submitted (issue 8).

Real processes (tests/trust/stack.py): gunicorn with production settings on the test's
PostgreSQL database, a Celery worker, a private redis-server the test kills and restarts, and a
TCP proxy between the app and PostgreSQL that the test cuts and restores.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from onpoint.models import GroupScore
from surveys.models import Campaign, Response
from tests.onpoint.builders import campaign_of, district_named, uniform
from tests.onpoint.test_worker import Broker, Worker, database_url
from tests.trust.stack import (
    PrivateRedis,
    Web,
    celery_sending_to,
    gunicorn,
    private_redis,
    production_environment,
    sheets,
    submit_all,
    wait_until,
)

pytestmark = pytest.mark.redis

SCORED_WITHIN_SECONDS = 30
# A teacher's submit while the broker is down must not wait on it (it fails fast, see
# CELERY_BROKER_TRANSPORT_OPTIONS): well under a browser's patience.
SLOWEST_SUBMIT_SECONDS = 5


def onpoint_of(campaign: Campaign) -> GroupScore | None:
    return GroupScore.objects.filter(campaign=campaign, breakdown="whole", key="onpoint").first()


def scored_with(campaign: Campaign, n: int) -> bool:
    onpoint = onpoint_of(campaign)
    dirty = Campaign.objects.filter(pk=campaign.pk, scores_dirty=True).exists()
    return onpoint is not None and onpoint.n == n and not dirty


def beat_sends_the_sweep() -> None:
    """Send the sweep exactly as beat's schedule entry does (same task name and options)."""
    from journeys.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["onpoint-sweep-dirty-campaigns"]
    app.send_task(entry["task"], **entry.get("options", {}))


# --- Redis down while teachers submit ----------------------------------------------------------


@dataclass
class RedisStack:
    web: Web
    worker: Worker
    redis: PrivateRedis


@pytest.fixture
def redis_stack(
    requires_postgres: None, transactional_db: None, production_static: Path, tmp_path: Path
) -> Iterator[RedisStack]:
    with private_redis(tmp_path) as server:
        queue = f"faults-{uuid.uuid4().hex[:12]}"
        broker = Broker(url=server.url, queue=queue, tmp=tmp_path)
        environment = production_environment(
            database_url=database_url(), broker_url=server.url, queue=queue
        )
        with (
            celery_sending_to(server.url, queue),
            broker.worker("through-outage") as worker,
            gunicorn(
                environment=environment, static_root=production_static, log=tmp_path / "web.log"
            ) as web,
        ):
            yield RedisStack(web=web, worker=worker, redis=server)


def test_with_redis_down_every_submission_is_stored_and_the_sweep_catches_the_scores_up(
    redis_stack: RedisStack,
) -> None:
    web, worker, server = redis_stack.web, redis_stack.worker, redis_stack.redis
    campaign = campaign_of(district_named("Broker outage district"))
    url = f"{web.url}/s/{campaign.token}/"
    before = sheets(10, uniform(4))
    assert Counter(reply.status for reply in submit_all(url, before)) == {303: 10}
    wait_until(lambda: scored_with(campaign, 10), SCORED_WITHIN_SECONDS, "scores of the first 10")

    server.stop()
    during = sheets(40, uniform(2))
    replies = submit_all(url, during, concurrency=20)
    slowest = max(reply.seconds for reply in replies)

    assert Counter(reply.status for reply in replies) == {303: 40}, replies[:3]
    assert slowest < SLOWEST_SUBMIT_SECONDS
    assert Response.objects.filter(campaign=campaign).count() == 50
    # Nothing could tell the worker: the scores are stale, and the campaign is marked dirty.
    assert Campaign.objects.get(pk=campaign.pk).scores_dirty is True
    stale = onpoint_of(campaign)
    assert stale is not None
    assert stale.n == 10
    assert "the sweep will catch up" in web.text()

    server.start()
    assert Campaign.objects.get(pk=campaign.pk).scores_dirty is True
    beat_sends_the_sweep()
    caught_up = wait_until(
        lambda: scored_with(campaign, 50), SCORED_WITHIN_SECONDS, "scores of all 50 after the sweep"
    )
    onpoint = onpoint_of(campaign)
    assert onpoint is not None
    # 10 sheets scoring 75 and 40 scoring 25: the mean of the 50 response scores is 35.
    assert onpoint.value == pytest.approx(35.0)
    assert "onpoint.tasks.sweep_dirty_campaigns" in worker.text()
    # The worker lived through the outage and reconnected by itself (journeys/broker.py).
    assert worker.process.poll() is None
    assert "Unrecoverable error" not in worker.text()
    print(
        f"\nredis down: 40 of 40 stored (slowest reply {slowest:.2f} s, statuses "
        f"{dict(Counter(reply.status for reply in replies))}); scores n=50 {caught_up:.1f} s "
        "after the sweep"
    )
