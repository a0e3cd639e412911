"""Releasing closed campaigns: which ones have released scores missing or stale, and the
minute sweep (beat) that enqueues their rescores, the releases due before the next sweep and a
benchmark rebuild when one is due. The safety net behind every enqueue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from onpoint.benchmark_rebuild import benchmarks_stale
from onpoint.queueing import (
    RELEASE_LOOKAHEAD_SECONDS,
    _recompute_enqueue,
    benchmarks_rebuild_request,
    campaign_release_schedule,
)
from surveys.models import Campaign


@dataclass(frozen=True)
class SweepOutcome:
    campaign_ids: list[int]
    rebuild_requested: bool


def campaigns_to_release(now: dt.datetime) -> QuerySet[Campaign]:
    """Closed campaigns whose released scores are missing or stale: never computed since they
    closed, or marked dirty (an import into a closed campaign)."""
    return Campaign.objects.filter(closes_at__lte=now).filter(
        Q(scores_dirty=True) | Q(result__isnull=True) | Q(result__computed_at__lt=F("closes_at"))
    )


def campaigns_sweep(*, now: dt.datetime | None = None) -> SweepOutcome:
    """Every minute (beat): enqueue a rescore of every closed campaign whose released scores
    are missing or stale, a release due at `closes_at` for each campaign closing before the
    next sweep, and a benchmark rebuild when a campaign opened or closed since the last one.

    This is the safety net: whatever a lost message or a broker outage left behind is caught
    up within a minute.
    """
    now = now or timezone.now()
    ids = sorted(campaigns_to_release(now).values_list("pk", flat=True))
    for campaign_id in ids:
        _recompute_enqueue(campaign_id, debounce=False)
    closing_soon = Campaign.objects.filter(
        closes_at__gt=now, closes_at__lte=now + dt.timedelta(seconds=RELEASE_LOOKAHEAD_SECONDS)
    ).values_list("pk", "closes_at")
    for campaign_id, closes_at in closing_soon:
        campaign_release_schedule(campaign_id, closes_at)
    stale = benchmarks_stale(now=now)
    if stale:
        benchmarks_rebuild_request()
    return SweepOutcome(campaign_ids=ids, rebuild_requested=stale)
