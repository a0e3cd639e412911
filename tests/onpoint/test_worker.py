"""A real Celery worker on Redis and PostgreSQL: fresh scores in seconds, coalesced, and no work
lost when the worker is killed in the middle of a recompute.

The worker is a subprocess (`celery -A journeys worker`) on the test's own PostgreSQL database
(so these tests use `transactional_db`: the worker only sees committed rows) and on a queue of
its own, so no other worker takes its tasks. In CI these tests must run, never skip.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from onpoint import release, tasks
from onpoint.models import GroupScore
from surveys.models import Campaign
from tests.onpoint.builders import (
    campaign_of,
    closed_campaign_of,
    district_named,
    respond,
    uniform,
)
from tests.trust.stack import children_of

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]
RUN_LINE = re.compile(r"campaign (\d+) rescored: (\d+) responses \(run ([0-9a-f]{32})\)")
# Redelivery of a task whose worker died: short here, so the test does not wait an hour.
VISIBILITY_TIMEOUT = 4


def database_url() -> str:
    """The test database (not the development one): the worker must share the test's rows."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def runs(self, campaign: Campaign) -> set[str]:
        return {
            match.group(3)
            for match in RUN_LINE.finditer(self.text())
            if int(match.group(1)) == campaign.pk
        }

    def wait_for(self, needle: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}):\n{self.text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {needle!r} in the worker's log within {timeout} s:\n{self.text()}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once: no warm shutdown, no ack."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@dataclass
class Broker:
    url: str
    queue: str
    tmp: Path

    @contextmanager
    def worker(self, name: str, *, hold: Path | None = None, **env: str) -> Iterator[Worker]:
        """A worker on this queue; with `hold`, its rescores wait while that file exists
        (tests/held_worker.py)."""
        log = self.tmp / f"{name}.log"
        entry = ["tests.held_worker", str(hold)] if hold is not None else ["celery"]
        environment = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.url,
            "CACHE_URL": self.url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            # The worker reads the same settings module; the test database needs no secrets.
            "DEBUG": os.environ.get("DEBUG", "true"),
            **env,
        }
        environment.pop("TEST_DATABASE_NAME", None)
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", *entry, "-A", "journeys", "worker",
                    "--loglevel", "INFO", "--concurrency", "1", "--pool", "prefork",
                    "-Q", self.queue, "-n", f"{name}-{self.queue}@%h",
                    "--without-gossip", "--without-mingle", "--without-heartbeat",
                ],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so kill() takes the children
            )  # fmt: skip
        worker = Worker(process=process, log=log)
        try:
            worker.wait_for(" ready.")
            yield worker
        finally:
            worker.kill()


@pytest.fixture
def broker(
    requires_postgres: None, redis_url: str, transactional_db: None, tmp_path: Path
) -> Iterator[Broker]:
    """This process sends real tasks to Redis on a queue of its own, as the web app does."""
    from journeys.celery import app

    queue = f"onpoint-test-{uuid.uuid4().hex[:12]}"
    saved = {
        key: app.conf[key]
        for key in ("task_always_eager", "broker_url", "task_default_queue")
    }  # fmt: skip
    app.conf.update(task_always_eager=False, broker_url=redis_url, task_default_queue=queue)
    _reset_producers(app)
    try:
        yield Broker(url=redis_url, queue=queue, tmp=tmp_path)
    finally:
        app.conf.update(saved)
        _reset_producers(app)
        import redis

        redis.Redis.from_url(redis_url).delete(queue)


def _reset_producers(app: Any) -> None:
    # Connections and the queue table are built from the configuration on first use; rebuild
    # them from the configuration just set (kombu keeps one pool per broker URL, left open).
    app._pool = None
    app.__dict__.pop("amqp", None)


def wait_until(condition: Callable[[], bool], timeout: float) -> float:
    """Seconds it took for `condition` to hold; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"not within {timeout} s")
        time.sleep(0.1)
    return time.monotonic() - started


def test_fifty_answers_wait_for_the_close_and_are_released_within_2_seconds_of_it(
    broker: Broker, client: Client, staff_user: Any
) -> None:
    """Method 1.1, "Release": submissions are one INSERT each and start no task; closing the
    campaign (PATCH closes_at to now) enqueues its rescore at once."""
    district = district_named("Worker district")
    campaign = campaign_of(district)
    with broker.worker("fast") as worker:
        for n in range(50):
            response = client.post(
                f"/api/v1/surveys/{campaign.token}/responses/",
                {"role": "teacher" if n % 2 else "coach", "school": None, "answers": uniform(4)},
                content_type="application/json",
            )
            assert response.status_code == 201, response.content
        client.force_login(staff_user)
        scores_url = f"/api/v1/campaigns/{campaign.pk}/scores/"
        assert client.get(scores_url).json()["released"] is False
        time.sleep(1)
        assert worker.runs(campaign) == set()

        closed = client.patch(
            f"/api/v1/campaigns/{campaign.pk}/",
            {"closes_at": timezone.now().isoformat()},
            content_type="application/json",
        )
        assert closed.status_code == 200, closed.content

        def released() -> bool:
            return client.get(scores_url).json()["scores"] is not None

        wait_until(released, timeout=2)
        runs = worker.runs(campaign)

    assert len(runs) == 1, worker.text()
    body = client.get(scores_url).json()
    assert body["scores"]["onpoint"] == {
        "value": 75.0,
        "n": 50,
        "reported": True,
        "percentile_rank": None,
    }
    assert [group["role"] for group in body["by_role"]] == ["coach", "teacher"]


def test_the_sweep_schedules_a_release_due_at_closes_at_that_a_worker_runs_on_time(
    broker: Broker,
) -> None:
    closes_at = timezone.now() + dt.timedelta(seconds=3)
    campaign = campaign_of(
        district_named("Due district"),
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=closes_at,
    )
    respond(campaign, uniform(3), times=5)
    with broker.worker("due"):
        release.campaigns_sweep()
        assert stored_onpoint(campaign) is None
        wait_until(lambda: stored_onpoint(campaign) is not None, timeout=8)
        late = (timezone.now() - closes_at).total_seconds()

    assert late < 2.5
    onpoint = stored_onpoint(campaign)
    assert onpoint is not None
    assert (onpoint.value, onpoint.n) == (50.0, 5)


def stored_onpoint(campaign: Campaign) -> GroupScore | None:
    return GroupScore.objects.filter(campaign=campaign, breakdown="whole", key="onpoint").first()


def test_a_worker_killed_in_the_middle_of_a_recompute_finishes_the_work_after_a_restart(
    broker: Broker, tmp_path: Path
) -> None:
    campaign = closed_campaign_of(district_named("Killed worker district"))
    respond(campaign, uniform(2), times=7)
    hold = tmp_path / "hold"
    hold.touch()

    with broker.worker("doomed", hold=hold) as doomed:
        tasks.recompute_campaign.delay(campaign.pk)
        doomed.wait_for(f"campaign {campaign.pk}: rescore held")
        delivered = time.monotonic()
        doomed.kill()
    # Its transaction died with it: the claim is rolled back and nothing was written.
    campaign.refresh_from_db()
    assert campaign.scores_dirty is True
    assert stored_onpoint(campaign) is None
    assert not doomed.runs(campaign)
    hold.unlink()

    # The unacknowledged task becomes visible again after the visibility timeout; a worker
    # that starts after it takes it back.
    time.sleep(max(0.0, delivered + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
    with broker.worker("restarted") as restarted:
        wait_until(lambda: stored_onpoint(campaign) is not None, timeout=30)
        runs = restarted.runs(campaign)

    campaign.refresh_from_db()
    assert campaign.scores_dirty is False
    assert len(runs) == 1
    onpoint = stored_onpoint(campaign)
    assert onpoint is not None
    assert (onpoint.value, onpoint.n) == (25.0, 7)


def test_a_pool_process_killed_mid_recompute_is_replaced_and_the_task_requeued(
    broker: Broker, tmp_path: Path
) -> None:
    """reject_on_worker_lost: the worker sees its child die and puts the task back at once."""
    campaign = closed_campaign_of(district_named("Lost child district"))
    respond(campaign, uniform(5), times=6)
    hold = tmp_path / "hold"
    hold.touch()

    with broker.worker("parent", hold=hold) as worker:
        tasks.recompute_campaign.delay(campaign.pk)
        worker.wait_for(f"campaign {campaign.pk}: rescore held")
        children = children_of(worker.process.pid)
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        # The requeued task runs again in the new child, and waits at the same place.
        wait_until(lambda: worker.text().count(f"campaign {campaign.pk}: rescore held") == 2, 30)
        assert stored_onpoint(campaign) is None
        hold.unlink()
        wait_until(lambda: stored_onpoint(campaign) is not None, timeout=30)
        runs = worker.runs(campaign)

    assert "WorkerLostError" in worker.text()
    assert len(runs) == 1
    onpoint = stored_onpoint(campaign)
    assert onpoint is not None
    assert (onpoint.value, onpoint.n) == (100.0, 6)
