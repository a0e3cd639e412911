"""A Celery worker whose rescores wait while a file exists, so that a test can kill it in the
middle of a recompute (tests/onpoint/test_worker.py, tests/trust/test_faults.py).

    python -m tests.held_worker HOLD_FILE -A journeys worker ...

The hold is installed here, in the test's own entry point, not in the product: the worker's
code is the production code, with one function wrapped before the pool forks. It waits after
the campaign's row was locked and its dirty flag claimed, before anything is written.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

HELD = "campaign %s: rescore held"
MAX_SECONDS = 60


def hold_install(path: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeys.settings")
    django.setup()
    from onpoint import rescore

    store = rescore._group_scores_store
    logger = logging.getLogger("onpoint.rescore")

    def held(campaign: Any, score_set: Any) -> bool:
        if os.path.exists(path):
            logger.warning(HELD, campaign.pk)
            deadline = time.monotonic() + MAX_SECONDS
            while os.path.exists(path) and time.monotonic() < deadline:
                time.sleep(0.05)
        return store(campaign, score_set)

    rescore._group_scores_store = held  # type: ignore[assignment]


if __name__ == "__main__":
    hold_install(sys.argv[1])
    from celery.__main__ import main

    sys.argv = ["celery", *sys.argv[2:]]
    main()
