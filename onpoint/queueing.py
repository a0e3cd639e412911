"""Enqueuing onpoint's work: a campaign's rescore after its responses (coalesced), its refresh
when it changed, its release at closes_at, a benchmark rebuild (coalesced).

None of them raises into the caller's request: a broker that is down is logged, and the minute
sweep (onpoint.release.campaigns_sweep) catches up from the dirty flags.

onpoint's tasks are found by their declared names: the work modules enqueue through here, never
by importing tasks.py (which imports them: style.md, "tasks.py imports services").

The task object comes from Celery's registry rather than `app.send_task(name)`: `send_task`
ignores CELERY_TASK_ALWAYS_EAGER and would look for a broker in the embedded mode, where the
registered task runs in this process instead. A process that has not discovered the tasks yet
(a web process) runs Celery's autodiscovery on the first lookup, as a worker does when it starts.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from celery import Task, current_app
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from surveys.models import Campaign

# As declared in onpoint/tasks.py (`@shared_task(name=...)`) and named by the beat schedule.
RECOMPUTE_CAMPAIGN = "onpoint.tasks.recompute_campaign"
REBUILD_BENCHMARKS = "onpoint.tasks.rebuild_benchmarks"

logger = logging.getLogger(__name__)

ENQUEUE_FAILED = "could not enqueue %s for %s (broker down?); the sweep will catch up"

# Coalescing: the first response of a quiet campaign enqueues a recompute and holds a cache key
# for this many seconds; responses that find the key ride along with that run. The run starts
# half a second after the key expires, so it claims the dirty flag after every such response
# committed and reads them all. A staff meeting's 200 responses in a minute cause at most 12
# runs (one per window), and the dashboard is at most ~6 seconds behind.
RECOMPUTE_DEBOUNCE_SECONDS = 5
RECOMPUTE_DELAY_SECONDS = RECOMPUTE_DEBOUNCE_SECONDS + 0.5
# Benchmark rebuilds read every campaign: coalesced over a longer window.
REBUILD_DEBOUNCE_SECONDS = 10
RECOMPUTE_KEY = "onpoint:recompute:{campaign_id}"
# A release is scheduled (a task due at closes_at) for campaigns closing within this many
# seconds: the sweep's period, with a margin.
RELEASE_LOOKAHEAD_SECONDS = 90
RELEASE_KEY = "onpoint:release:{campaign_id}:{closes_at}"
REBUILD_KEY = "onpoint:rebuild-benchmarks"

UNKNOWN_TASK = "no task named {name!r} is registered (is onpoint in INSTALLED_APPS?)"


def task_named(name: str) -> Task[Any, Any]:
    """The registered task called `name`; LookupError naming it when there is none."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()
    try:
        return app.tasks[name]
    except KeyError as missing:
        raise LookupError(UNKNOWN_TASK.format(name=name)) from missing


def tasks_run_eagerly() -> bool:
    """The embedded mode: no broker, tasks run in the calling process (settings.py)."""
    return bool(current_app.conf.task_always_eager)


def _send(task: Task[Any, Any], args: tuple[Any, ...], *, countdown: float) -> bool:
    """Enqueue without ever raising: False (and a log line) when the broker cannot be reached."""
    try:
        # No publish retries: a teacher's request must not wait for a broker that is down.
        task.apply_async(args, countdown=countdown, retry=False)
    except Exception:
        logger.warning(ENQUEUE_FAILED, task.name, args, exc_info=True)
        return False
    return True


def _recompute_enqueue(campaign_id: int, *, debounce: bool) -> None:
    recompute_campaign_task = task_named(RECOMPUTE_CAMPAIGN)
    if tasks_run_eagerly():
        # Embedded mode: no worker, no sweep. Run now, and never fail the caller's request.
        try:
            recompute_campaign_task.apply(args=(campaign_id,), throw=True)
        except Exception:
            logger.exception("recompute of campaign %s failed; it stays dirty", campaign_id)
        return
    key = RECOMPUTE_KEY.format(campaign_id=campaign_id)
    if debounce and not cache.add(key, 1, timeout=RECOMPUTE_DEBOUNCE_SECONDS):
        return  # a run is already due after this response commits: it will read it
    countdown = RECOMPUTE_DELAY_SECONDS if debounce else 0
    if not _send(recompute_campaign_task, (campaign_id,), countdown=countdown) and debounce:
        cache.delete(key)  # let the next response try again


def campaign_scores_request(campaign_id: int) -> None:
    """Responses to the campaign were stored: recompute its scores soon, coalesced.

    When called inside a transaction it waits for the commit itself. Never raises into the
    caller's request. (surveys, below this app, sends the recompute task by name instead:
    surveys/queueing.py.)
    """
    transaction.on_commit(partial(_recompute_enqueue, campaign_id, debounce=True), robust=True)


def campaign_release_schedule(campaign_id: int, closes_at: dt.datetime) -> None:
    """Enqueue the campaign's rescore due at `closes_at`, once per closing time.

    Only for closings before the next sweep (the sweep calls this each minute): a message held
    for weeks by the broker would be delivered again at every visibility timeout. Nothing to do
    in the embedded mode, where tasks run at once (the embedded sweep releases it instead).
    """
    if tasks_run_eagerly():
        return
    recompute_campaign_task = task_named(RECOMPUTE_CAMPAIGN)
    key = RELEASE_KEY.format(campaign_id=campaign_id, closes_at=closes_at.timestamp())
    if not cache.add(key, 1, timeout=RELEASE_LOOKAHEAD_SECONDS * 3):
        return
    Campaign.objects.filter(pk=campaign_id).update(scores_dirty=True)
    try:
        recompute_campaign_task.apply_async((campaign_id,), eta=closes_at, retry=False)
    except Exception:
        logger.warning(ENQUEUE_FAILED, recompute_campaign_task.name, campaign_id, exc_info=True)
        cache.delete(key)


def campaign_refresh(*, campaign_id: int) -> None:
    """A campaign was created or changed (dates, exclusion from benchmarks): rescore it (which
    refreshes its district's landmarks), schedule its release if it closes before the next
    sweep, and rebuild the benchmarks soon. The task `onpoint.tasks.refresh_campaign` runs it
    when surveys asks (surveys/queueing.py)."""
    Campaign.objects.filter(pk=campaign_id).update(scores_dirty=True)
    _recompute_enqueue(campaign_id, debounce=False)
    closes_at = Campaign.objects.filter(pk=campaign_id).values_list("closes_at", flat=True).first()
    now = timezone.now()
    if closes_at is not None and now < closes_at <= now + dt.timedelta(
        seconds=RELEASE_LOOKAHEAD_SECONDS
    ):
        campaign_release_schedule(campaign_id, closes_at)
    benchmarks_rebuild_request()


def campaign_refresh_request(campaign_id: int) -> None:
    """`campaign_refresh` after the commit, in this process (for callers in this layer or above;
    surveys, below, sends the task by name instead)."""
    transaction.on_commit(partial(campaign_refresh, campaign_id=campaign_id), robust=True)


def benchmarks_rebuild_request() -> None:
    """Rebuild the benchmarks soon, coalescing the requests of the next few seconds."""
    rebuild_benchmarks_task = task_named(REBUILD_BENCHMARKS)
    if tasks_run_eagerly():
        try:
            rebuild_benchmarks_task.apply(throw=True)
        except Exception:
            logger.exception("benchmark rebuild failed")
        return
    if not cache.add(REBUILD_KEY, 1, timeout=REBUILD_DEBOUNCE_SECONDS):
        return
    if not _send(rebuild_benchmarks_task, (), countdown=REBUILD_DEBOUNCE_SECONDS + 0.5):
        cache.delete(REBUILD_KEY)
