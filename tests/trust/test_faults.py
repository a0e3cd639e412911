"""Faults: a broker outage, a killed worker, a task delivered twice and a database restart lose
nothing a teacher submitted (issue 8).

Real processes (tests/trust/stack.py): gunicorn with production settings on the test's
PostgreSQL database, a Celery worker, a private redis-server the test kills and restarts, and a
TCP proxy between the app and PostgreSQL that the test cuts and restores.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from districts.models import District, School
from onpoint import tasks
from onpoint.method.scoring import Score
from onpoint.method.structure import SCORE_KEYS
from onpoint.models import CampaignResult, GroupScore
from onpoint.score_rows import GROUP_SCORE_FIELDS
from surveys.models import Campaign, Response
from tests.onpoint.builders import (
    campaign_of,
    closed_campaign_of,
    district_named,
    random_answers,
    school_of,
    store,
    uniform,
)
from tests.onpoint.test_worker import VISIBILITY_TIMEOUT, Broker, Worker, database_url
from tests.surveys.browser import choice
from tests.trust.stack import (
    TRACE_MARKERS,
    PrivateRedis,
    TcpProxy,
    Web,
    celery_sending_to,
    gunicorn,
    private_redis,
    production_environment,
    sheets,
    submit_all,
    tcp_proxy,
    wait_until,
)

pytestmark = pytest.mark.redis

SCORED_WITHIN_SECONDS = 30
# A teacher's submit while the broker is down must not wait on it (it fails fast, see
# CELERY_BROKER_TRANSPORT_OPTIONS): well under a browser's patience.
SLOWEST_SUBMIT_SECONDS = 5


def onpoint_of(campaign: Campaign) -> Score | None:
    row = GroupScore.objects.filter(campaign=campaign, breakdown="whole").first()
    return None if row is None else row.score("onpoint")


def scored_with(campaign: Campaign, n: int) -> bool:
    onpoint = onpoint_of(campaign)
    dirty = Campaign.objects.filter(pk=campaign.pk, scores_dirty=True).exists()
    return onpoint is not None and onpoint.n == n and not dirty


def beat_sends_the_sweep() -> None:
    """Send the sweep exactly as beat's schedule entry does (same task name and options)."""
    from journeys.celery import app

    entry: dict[str, Any] = settings.CELERY_BEAT_SCHEDULE["onpoint-sweep-dirty-campaigns"]
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


def test_with_redis_down_every_submission_is_stored_and_the_sweep_releases_the_scores(
    redis_stack: RedisStack, staff_user: Any
) -> None:
    web, worker, server = redis_stack.web, redis_stack.worker, redis_stack.redis
    campaign = campaign_of(district_named("Broker outage district"))
    url = f"{web.url}/s/{campaign.token}/"
    before = sheets(10, uniform(4))
    assert Counter(reply.status for reply in submit_all(url, before)) == {303: 10}

    server.stop()
    during = sheets(40, uniform(2))
    replies = submit_all(url, during, concurrency=20)
    slowest = max(reply.seconds for reply in replies)

    assert Counter(reply.status for reply in replies) == {303: 40}, replies[:3]
    assert slowest < SLOWEST_SUBMIT_SECONDS
    assert Response.objects.filter(campaign=campaign).count() == 50
    # The leader closes the campaign while the broker is still down: the close is stored, the
    # release cannot be enqueued, and nothing is shown until it is computed.
    token = Token.objects.create(user=staff_user)
    closed = requests.patch(
        f"{web.url}/api/v1/campaigns/{campaign.pk}/",
        json={"closes_at": timezone.now().isoformat()},
        headers={"Authorization": f"Token {token.key}"},
        timeout=SLOWEST_SUBMIT_SECONDS,
    )
    assert closed.status_code == 200, closed.text
    assert onpoint_of(campaign) is None
    assert "the sweep will catch up" in web.text()

    server.start()
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
        f"{dict(Counter(reply.status for reply in replies))}); closed while down; scores n=50 "
        f"{caught_up:.1f} s after the sweep"
    )


# --- a killed worker, a task delivered twice: the same rows as an undisturbed run ---------------


@pytest.fixture
def broker(
    requires_postgres: None, redis_url: str, transactional_db: None, tmp_path: Path
) -> Iterator[Broker]:
    queue = f"faults-{uuid.uuid4().hex[:12]}"
    try:
        with celery_sending_to(redis_url, queue):
            yield Broker(url=redis_url, queue=queue, tmp=tmp_path)
    finally:
        import redis

        redis.Redis.from_url(redis_url).delete(queue)


def campaign_with_breakdowns(name: str) -> Campaign:
    """A closed campaign whose responses fill every breakdown: schools, roles, a group under 5.

    Every call stores the same sheets (a fixed seed) under the same school names, so two such
    campaigns must end with the same score rows.
    """
    district: District = district_named(name)
    north: School = school_of(district, "North Elementary")
    south: School = school_of(district, "South Middle")
    rng = random.Random(8)
    plan = [("teacher", north, 8), ("coach", south, 6), ("school_leader", None, 5)]
    plan.append(("technology", north, 3))  # a group of 3: suppressed everywhere
    campaign = closed_campaign_of(district)
    store(
        campaign,
        [(random_answers(rng), role, school) for role, school, count in plan for _ in range(count)],
    )
    return campaign


def score_rows(campaign: Campaign) -> list[tuple[object, ...]]:
    """Everything the rescore wrote for the campaign, without ids, dates and the campaign."""
    groups = GroupScore.objects.filter(campaign=campaign).values_list(
        "breakdown", "group", *GROUP_SCORE_FIELDS
    )
    result = CampaignResult.objects.filter(campaign=campaign).values_list(
        "stage", "n_responses", "ranks", "landmarks", "alignment"
    )
    return [*sorted(groups, key=repr), *result]


# One stored row per group of campaign_with_breakdowns (issue 13), every score in each row.
EVERY_GROUP = {
    ("whole", ""),
    ("school", "North Elementary"),
    ("school", "South Middle"),
    ("school", "Unspecified"),
    ("role", "teacher"),
    ("role", "coach"),
    ("role", "school_leader"),
    ("role", "technology"),
}


def groups_of(rows: list[tuple[object, ...]]) -> set[tuple[object, ...]]:
    """The (breakdown, group) of each stored group score among `score_rows`; the result row,
    last, has no group."""
    *groups, _result = rows
    return {row[:2] for row in groups}


def scored(campaign: Campaign) -> bool:
    return CampaignResult.objects.filter(campaign=campaign).exists() and not (
        Campaign.objects.filter(pk=campaign.pk, scores_dirty=True).exists()
    )


def test_a_worker_killed_mid_recompute_ends_with_the_same_rows_as_an_undisturbed_run(
    broker: Broker, tmp_path: Path
) -> None:
    killed = campaign_with_breakdowns("Killed worker district")
    undisturbed = campaign_with_breakdowns("Undisturbed district")
    hold = tmp_path / "hold"
    hold.touch()

    with broker.worker("doomed", hold=hold) as doomed:
        tasks.recompute_campaign.delay(killed.pk)
        doomed.wait_for(f"campaign {killed.pk}: rescore held")
        delivered = time.monotonic()
        doomed.kill()
    assert score_rows(killed) == []
    assert Campaign.objects.get(pk=killed.pk).scores_dirty is True
    hold.unlink()

    # The unacknowledged task comes back after the visibility timeout, to a restarted worker.
    time.sleep(max(0.0, delivered + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
    with broker.worker("restarted") as restarted:
        tasks.recompute_campaign.delay(undisturbed.pk)
        wait_until(lambda: scored(killed) and scored(undisturbed), 30, "both campaigns scored")
        runs = restarted.runs(killed)

    assert len(runs) == 1
    rows = score_rows(killed)
    assert groups_of(rows) == EVERY_GROUP
    assert rows == score_rows(undisturbed)
    # The group of 3 is stored as suppressed: every score of its row without a value.
    (technology,) = [row for row in rows[:-1] if row[:2] == ("role", "technology")]
    values = dict(zip(("breakdown", "group", *GROUP_SCORE_FIELDS), technology, strict=True))
    assert all(values[key] is None for key in SCORE_KEYS)


def test_the_same_task_delivered_twice_at_once_and_again_later_leaves_the_same_rows(
    broker: Broker, tmp_path: Path
) -> None:
    """At-least-once delivery: two workers get the same message (same task id) at the same
    time, and it comes a third time after both finished. One run writes; the others find
    nothing to do; the rows equal those of a campaign scored once."""
    twice = campaign_with_breakdowns("Delivered twice district")
    once = campaign_with_breakdowns("Delivered once district")
    hold = tmp_path / "hold"
    hold.touch()
    task_id = str(uuid.uuid4())

    with (
        broker.worker("first", hold=hold) as first,
        broker.worker("second", hold=hold) as second,
    ):
        tasks.recompute_campaign.apply_async((twice.pk,), task_id=task_id)
        tasks.recompute_campaign.apply_async((twice.pk,), task_id=task_id)
        received = f"recompute_campaign[{task_id}] received"
        wait_until(
            lambda: received in first.text() and received in second.text(), 30, "both got it"
        )
        # One holds the claimed campaign; the other waits on its lock. Then let them go.
        wait_until(
            lambda: f"campaign {twice.pk}: rescore held" in first.text() + second.text(),
            30,
            "one delivery holding the claim",
        )
        hold.unlink()
        succeeded = f"recompute_campaign[{task_id}] succeeded"
        wait_until(
            lambda: (first.text() + second.text()).count(succeeded) == 2, 30, "both deliveries done"
        )
        rows_after_two = score_rows(twice)
        tasks.recompute_campaign.apply_async((twice.pk,), task_id=task_id)
        tasks.recompute_campaign.delay(once.pk)
        wait_until(
            lambda: scored(once) and (first.text() + second.text()).count(succeeded) == 3,
            30,
            "the late redelivery and the single run done",
        )
        logs = first.text() + second.text()

    assert len(first.runs(twice) | second.runs(twice)) == 1, logs
    assert logs.count(f"campaign {twice.pk}: nothing to recompute") == 2, logs
    assert rows_after_two == score_rows(twice) == score_rows(once)
    assert groups_of(rows_after_two) == EVERY_GROUP


# --- PostgreSQL restarted under the running app -----------------------------------------------

TRY_AGAIN = "We could not save your answers just now"
RECOVERED_WITHIN_SECONDS = 15


@dataclass
class DatabaseStack:
    web: Web
    proxy: TcpProxy


@pytest.fixture
def database_stack(
    requires_postgres: None,
    redis_url: str,
    transactional_db: None,
    production_static: Path,
    tmp_path: Path,
) -> Iterator[DatabaseStack]:
    """gunicorn reaching PostgreSQL through a proxy the test cuts: to the app, a restart."""
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)
    with tcp_proxy(host, port) as proxy:
        direct = database_url()
        through_proxy = direct.replace(f"@{host}:{port}/", f"@127.0.0.1:{proxy.port}/")
        assert through_proxy != direct
        queue = f"faults-{uuid.uuid4().hex[:12]}"
        environment = production_environment(
            database_url=through_proxy, broker_url=redis_url, queue=queue
        )
        try:
            with gunicorn(
                environment=environment, static_root=production_static, log=tmp_path / "web.log"
            ) as web:
                yield DatabaseStack(web=web, proxy=proxy)
        finally:
            import redis

            redis.Redis.from_url(redis_url).delete(queue)


def assert_no_trace(text: str) -> None:
    for marker in TRACE_MARKERS:
        assert marker not in text, f"{marker!r} shown to a teacher"


def test_postgres_restarted_under_the_app_answers_try_again_then_recovers_by_itself(
    database_stack: DatabaseStack,
) -> None:
    web, proxy = database_stack.web, database_stack.proxy
    campaign = campaign_of(district_named("Database restart district"))
    url = f"{web.url}/s/{campaign.token}/"
    # Every worker thread holds a persistent connection (CONN_MAX_AGE) before the restart.
    assert Counter(reply.status for reply in submit_all(url, sheets(12, uniform(4)))) == {303: 12}
    processes = (web.process.pid, web.worker_pids())

    proxy.cut()
    during = sheets(6, uniform(4))
    replies = submit_all(url, during, concurrency=6)
    assert Counter(reply.status for reply in replies) == {503: 6}, replies[0].body[:500]
    for reply in replies:
        assert TRY_AGAIN in reply.body
        assert_no_trace(reply.body)
    page = requests.get(url, timeout=10)
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert f'href="/s/{campaign.token}/?lang=en"' in page.text
    api = requests.post(
        f"{web.url}/api/v1/surveys/{campaign.token}/responses/",
        json={"role": "teacher", "school": None, "answers": uniform(4)},
        timeout=10,
    )
    assert (api.status_code, api.headers["Content-Type"]) == (503, "application/json")
    assert "Try again" in api.json()["detail"]
    assert requests.get(f"{web.url}/healthz", timeout=10).json() == {
        "status": "down",
        "down": ["database"],
    }

    proxy.restore()
    recovered = wait_until(lambda: web.healthz() == 200, RECOVERED_WITHIN_SECONDS, "recovery")
    again = submit_all(url, during, concurrency=6)

    assert Counter(reply.status for reply in again) == {303: 6}
    assert Response.objects.filter(campaign=campaign).count() == 12 + 6
    # Recovered without a restart: the same gunicorn master and the same workers.
    assert (web.process.pid, web.worker_pids()) == processes
    assert "Internal Server Error" not in web.text()
    print(
        f"\ndatabase restart: 6 of 6 submits answered 503 try-again; healthy {recovered:.1f} s "
        "after the database returned; 6 of 6 resubmitted, 18 rows, no process restarted"
    )


@pytest.mark.browser
def test_a_teachers_answers_stay_in_the_browser_through_a_database_outage(
    database_stack: DatabaseStack, browser: Any
) -> None:
    web, proxy = database_stack.web, database_stack.proxy
    campaign = campaign_of(district_named("Browser outage district"))
    answers = uniform(4)
    key = f"journeys-survey:{campaign.token}"
    context = browser.new_context(base_url=web.url)
    try:
        page = context.new_page()
        page.goto(f"/s/{campaign.token}/")
        choice(page, "role", "teacher").click()
        for code, value in answers.items():
            choice(page, code, str(value)).click()
        page.get_by_role("button", name="Review my answers").click()
        page.wait_for_selector("#survey-submit")

        proxy.cut()
        page.locator("#survey-submit").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == TRY_AGAIN
        assert_no_trace(page.content())
        kept = json.loads(page.evaluate(f"localStorage.getItem('{key}')") or "null")
        assert kept is not None, "the answers left the browser"
        assert kept["values"]["role"] == "teacher"
        assert {code: int(kept["values"][code]) for code in answers} == answers
        assert Response.objects.filter(campaign=campaign).count() == 0

        proxy.restore()
        wait_until(lambda: web.healthz() == 200, RECOVERED_WITHIN_SECONDS, "recovery")
        page.get_by_role("link", name="Back to the survey").click()
        page.wait_for_selector("#survey-form")
        # The survey page came back with every answer, from this browser's storage.
        assert page.locator("input[name=role][value=teacher]").is_checked()
        for code, value in answers.items():
            assert page.locator(f"input[name='{code}'][value='{value}']").is_checked()
        page.get_by_role("button", name="Review my answers").click()
        page.locator("#survey-submit").click()
        page.wait_for_selector("#survey-done")
        gone = page.evaluate(f"localStorage.getItem('{key}')")
    finally:
        context.close()

    stored = Response.objects.get(campaign=campaign)
    assert str(stored.submission_id) == kept["submission_id"]
    assert gone is None  # the thank-you page cleared the shared device
