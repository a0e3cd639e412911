"""The delivery every app's background task asks of Celery, in one place.

Acknowledged late and requeued when the worker running it dies (acks_late +
reject_on_worker_lost), so a task is never lost halfway; database errors that pass (a failover,
a dropped connection) are retried with exponential backoff. Tasks are written to be idempotent
for that reason.
"""

from __future__ import annotations

from typing import Any

from django.db import InterfaceError, OperationalError

RELIABLE: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 8,
}
