"""What surveys asks of the scoring side, by task name, once the caller's transaction commits.

surveys sits below onpoint (docs/architecture.md) and never imports it: onpoint's tasks are
named here as onpoint/tasks.py declares them and taken from Celery's registry, as
onpoint/queueing.py does (`send_task` would ignore the embedded mode, where the task runs in
this process). Asking never fails the caller's request: the campaign is marked dirty in the
caller's own transaction, so when the broker is down (logged) onpoint's minute sweep and nightly
rebuild catch up.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import current_app
from django.db import transaction

from surveys.models import Campaign

logger = logging.getLogger(__name__)

# As declared in onpoint/tasks.py (`@shared_task(name=...)`).
CAMPAIGN_RECOMPUTE_TASK = "onpoint.tasks.recompute_campaign"
CAMPAIGN_REFRESH_TASK = "onpoint.tasks.refresh_campaign"

# The words of onpoint.queueing.ENQUEUE_FAILED, so that an operator (and tests/trust/test_faults.py)
# reads one sentence for a broker that is down, whichever layer met it.
NOT_SENT = "could not enqueue %s for campaign %s (broker down?); the sweep will catch up"


def _task_send(name: str, campaign_id: int) -> None:
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()  # Celery's autodiscovery, as a worker's start
    try:
        # No publish retries: a leader's request must not wait for a broker that is down.
        app.tasks[name].apply_async((campaign_id,), retry=False)
    except Exception:
        logger.warning(NOT_SENT, name, campaign_id, exc_info=True)


def campaign_scores_request(campaign_id: int) -> None:
    """Responses were imported into a closed campaign, which the caller marked dirty: after the
    commit, ask for its rescore."""
    transaction.on_commit(partial(_task_send, CAMPAIGN_RECOMPUTE_TASK, campaign_id), robust=True)


def campaign_refresh_request(campaign_id: int) -> None:
    """A campaign was created, or its dates or its exclusion from the benchmarks changed: mark it
    dirty now, and after the commit ask onpoint to rescore it, schedule its release and rebuild
    the benchmarks (`onpoint.tasks.refresh_campaign`)."""
    Campaign.objects.filter(pk=campaign_id).update(scores_dirty=True)
    transaction.on_commit(partial(_task_send, CAMPAIGN_REFRESH_TASK, campaign_id), robust=True)
