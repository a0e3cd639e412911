"""Sending a task of this app, or of one above it, by its declared name once the caller's
transaction commits: services never import tasks.py (which imports them), and no import points
up (docs/architecture.md).

The task object comes from Celery's registry rather than `app.send_task(name)`, which ignores
the embedded mode's eager setting (there the task runs in this process, after the commit).
Sending never fails the caller's request: a broker that is down costs a log line, and the
page shows what was not done (a mail not sent can be sent again).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

# Never the task's arguments in the line: they may name a campaign's addresses' rows.
NOT_SENT = "could not run or enqueue %s (broker down?)"


def task_run(name: str, *args: Any) -> None:
    """Send the task now (or run it, in the embedded mode); a failure is logged, not raised."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()  # Celery's autodiscovery, as a worker's start
    try:
        # No publish retries: a person's request must not wait for a broker that is down.
        app.tasks[name].apply_async(args, retry=False)
    except Exception:
        logger.warning(NOT_SENT, name, exc_info=True)


def task_after_commit(name: str, *args: Any) -> None:
    """Send the task by name once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(task_run, name, *args), robust=True)
