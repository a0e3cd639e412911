"""Celery beat's job for the embedded mode, where there is no beat: the minute sweep, in a
thread of the web process (gunicorn.conf.py starts it; `make run` serves with gunicorn).

Without it, a campaign whose closing time passed while nobody pressed "Close now" would wait
for its released scores until someone ran `manage.py recompute`. In production (a broker is set)
this does nothing: beat sends the same sweep to the workers.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

# A first sweep soon after the server starts, for the campaigns that closed while it was down;
# then every settings.EMBEDDED_SWEEP_SECONDS (a minute, as beat's schedule).
FIRST_SWEEP_SECONDS = 5.0
SWEEP_FAILED = "embedded sweep failed; it runs again in a minute"
SWEPT = "embedded sweep: %s campaigns closed since the last sweep, their results released"
SWEPT_INVITATIONS = (
    "embedded sweep: %s campaigns had their invited addresses erased or a reminder started"
)


def embedded_beat_start() -> threading.Thread | None:
    """Start the sweep thread when tasks run eagerly (no broker); None otherwise."""
    from journeys.celery import app

    if not app.conf.task_always_eager:
        return None
    thread = threading.Thread(target=_sweep_forever, name="embedded-beat", daemon=True)
    thread.start()
    return thread


def embedded_sweep() -> None:
    """One sweep, as beat's schedule entries would send them, run here and now: the campaigns
    to release, then the invitations to erase and the reminders due."""
    from onpoint.tasks import sweep_dirty_campaigns
    from surveys.tasks import sweep_invitations

    try:
        # The tasks' own functions: a quiet minute prints nothing in `make run`'s terminal.
        released = sweep_dirty_campaigns.run()
    except Exception:
        logger.exception(SWEEP_FAILED)
        released = 0
    if released:
        logger.info(SWEPT, released)
    try:
        # Apart from the release: a mail server that fails must not hold back released scores.
        touched = sweep_invitations.run()
    except Exception:
        logger.exception(SWEEP_FAILED)
        return
    if touched:
        logger.info(SWEPT_INVITATIONS, touched)


def _sweep_forever() -> None:
    time.sleep(FIRST_SWEEP_SECONDS)
    while True:
        embedded_sweep()
        # The thread's own connection, as a request's would be at its end.
        close_old_connections()
        time.sleep(settings.EMBEDDED_SWEEP_SECONDS)
