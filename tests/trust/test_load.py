"""Load: a staff meeting of 200 teachers submitting at once loses nothing (issue 8).

Real processes: gunicorn with production settings (2 workers x 4 threads) on the test's
PostgreSQL database, a real Celery worker on Redis. 200 teachers post the survey's final form
from 50 threads on loopback; then the same 200 posts again (a flaky network, the back button,
a retry) with the same submission ids.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from onpoint.method.scoring import Score
from onpoint.models import GroupScore
from surveys import campaigns
from surveys.models import Campaign, Response
from tests.onpoint.builders import campaign_of, district_named, uniform
from tests.onpoint.test_worker import Broker, database_url
from tests.trust.stack import (
    Web,
    celery_sending_to,
    gunicorn,
    production_environment,
    sheets,
    submit_all,
    wait_until,
)

pytestmark = pytest.mark.redis

TEACHERS = 200
# Generous bounds: the point is "nothing lost, no error", the figures go to the README.
BURST_SECONDS = 30
SCORED_WITHIN_SECONDS = 30


@pytest.fixture
def stack(
    requires_postgres: None,
    redis_url: str,
    transactional_db: None,
    production_static: Path,
    tmp_path: Path,
) -> Iterator[tuple[Web, Broker]]:
    queue = f"load-test-{uuid.uuid4().hex[:12]}"
    broker = Broker(url=redis_url, queue=queue, tmp=tmp_path)
    environment = production_environment(
        database_url=database_url(), broker_url=redis_url, queue=queue
    )
    try:
        with (
            celery_sending_to(redis_url, queue),
            broker.worker("load"),
            gunicorn(
                environment=environment, static_root=production_static, log=tmp_path / "web.log"
            ) as web,
        ):
            yield web, broker
    finally:
        import redis

        redis.Redis.from_url(redis_url).delete(queue)


def onpoint_of(campaign: Campaign) -> Score | None:
    row = GroupScore.objects.filter(campaign=campaign, breakdown="whole").first()
    return None if row is None else row.score("onpoint")


def test_200_teachers_at_once_are_200_responses_and_replaying_them_adds_none(
    stack: tuple[Web, Broker],
) -> None:
    web, _ = stack
    campaign = campaign_of(district_named("Load district"))
    url = f"{web.url}/s/{campaign.token}/"
    batch = sheets(TEACHERS, uniform(4))

    started = time.monotonic()
    first = submit_all(url, batch)
    burst_ended = time.monotonic()
    burst = burst_ended - started
    stored = set(Response.objects.filter(campaign=campaign).values_list("submission_id", flat=True))

    started = time.monotonic()
    replay = submit_all(url, batch)
    replay_seconds = time.monotonic() - started
    after_replay = Response.objects.filter(campaign=campaign).count()

    # Method 1.1: nothing is scored while the campaign is open; closing it releases the scores.
    assert onpoint_of(campaign) is None
    closing = time.monotonic()
    campaigns.campaign_close(campaign=campaign)

    def scored() -> bool:
        onpoint = onpoint_of(campaign)
        return onpoint is not None and onpoint.n == TEACHERS

    wait_until(scored, SCORED_WITHIN_SECONDS, "scores reflecting 200 responses")
    scored_after = time.monotonic() - closing
    slowest = max(reply.seconds for reply in first)
    print(
        f"\nload: {len(stored)} of {TEACHERS} stored in {burst:.1f} s (slowest {slowest:.2f} s), "
        f"statuses {dict(Counter(reply.status for reply in first))}; replay in "
        f"{replay_seconds:.1f} s, statuses {dict(Counter(reply.status for reply in replay))}, "
        f"rows after replay {after_replay}; scored n={TEACHERS} {scored_after:.1f} s after "
        "the close"
    )

    # Every teacher is taken to the thank-you page (303), the first time and on replay.
    assert Counter(reply.status for reply in first) == {303: TEACHERS}, first[:3]
    assert burst < BURST_SECONDS
    assert stored == {uuid.UUID(sheet.submission_id) for sheet in batch}
    assert Counter(reply.status for reply in replay) == {303: TEACHERS}, replay[:3]
    assert after_replay == TEACHERS
    # The scores come from the method: 200 uniform sheets of 4 score 75 each.
    onpoint = onpoint_of(campaign)
    assert onpoint is not None
    assert (onpoint.value, onpoint.n, onpoint.reported) == (75.0, TEACHERS, True)
    wait_until(
        lambda: not Campaign.objects.filter(pk=campaign.pk, scores_dirty=True).exists(),
        SCORED_WITHIN_SECONDS,
        "the campaign's scores marked up to date",
    )
    assert "Traceback" not in web.text(), web.text()[-3000:]
