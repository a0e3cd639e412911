"""Background work of the Onpoint engine: fetch by id, call a service, nothing else.

Every task is idempotent (the services recompute from source and upsert), acknowledged late and
requeued when the worker running it dies (acks_late + reject_on_worker_lost), so a task is
never lost halfway; database errors that pass (a failover, a dropped connection) are retried
with exponential backoff. In the embedded mode (no broker) the same tasks run eagerly.
"""

from __future__ import annotations

from celery import shared_task

from districts.task_options import RELIABLE
from onpoint import benchmark_rebuild, queueing, release, rescore


@shared_task(
    name="onpoint.tasks.recompute_campaign", soft_time_limit=240, time_limit=300, **RELIABLE
)
def recompute_campaign(campaign_id: int) -> bool:
    """Rescore one campaign if it is dirty (or never scored); False when there was nothing to do."""
    return rescore.campaign_recompute(campaign_id=campaign_id)


@shared_task(name="onpoint.tasks.refresh_campaign", soft_time_limit=50, time_limit=60, **RELIABLE)
def refresh_campaign(campaign_id: int) -> None:
    """A campaign was created or its dates or benchmark exclusion changed (surveys sends this by
    name): rescore it, schedule its release, rebuild the benchmarks soon."""
    queueing.campaign_refresh(campaign_id=campaign_id)


@shared_task(
    name="onpoint.tasks.rebuild_benchmarks", soft_time_limit=1500, time_limit=1800, **RELIABLE
)
def rebuild_benchmarks() -> int:
    """Rebuild the national benchmarks and refresh every rank and landmark; the version's id."""
    return benchmark_rebuild.benchmarks_rebuild().version.pk


@shared_task(
    name="onpoint.tasks.sweep_dirty_campaigns", soft_time_limit=50, time_limit=60, **RELIABLE
)
def sweep_dirty_campaigns() -> int:
    """Beat, every minute: enqueue what the coalescing or a lost message left behind."""
    return len(release.campaigns_sweep().campaign_ids)
