"""Refreshing stored ranks and landmarks: scored campaigns' CampaignResult rows recomputed
against the current benchmark version and their districts' other campaigns, by batches, without
rescoring them (after a rescore changes a district's P, and after every benchmark rebuild).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.db import transaction
from django.utils import timezone

from onpoint.benchmark_reads import benchmark_version_latest, version_benchmarks
from onpoint.models import CampaignResult
from onpoint.score_store import results_replace
from onpoint.standing import (
    _result_differs,
    _result_fields,
    campaign_standing,
    district_campaign_facts,
)
from surveys.models import Campaign

# Campaigns whose ranks and landmarks are refreshed in one transaction by a rebuild: their rows
# are locked meanwhile, so a submission to one of them waits at most for one batch.
REFRESH_BATCH_SIZE = 200


def id_batches(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _results_changed(campaigns: list[Campaign], *, now: dt.datetime) -> list[CampaignResult]:
    """The campaigns' stored results whose ranks or landmarks differ from what the current
    benchmark version and their districts' campaigns give now, with the new values set."""
    version = benchmark_version_latest()
    facts_by_district = district_campaign_facts({c.district_id for c in campaigns}, now=now)
    facts_by_id = {
        facts.campaign_id: facts
        for district_facts in facts_by_district.values()
        for facts in district_facts
    }
    benchmarks = version_benchmarks(version, {facts.stage for facts in facts_by_id.values()})
    results = {
        r.campaign_id: r
        for r in CampaignResult.objects.filter(campaign_id__in=[c.pk for c in campaigns])
    }
    changed = []
    for campaign in campaigns:
        facts = facts_by_id.get(campaign.pk)
        result = results.get(campaign.pk)
        if facts is None or result is None:
            continue
        standing = campaign_standing(
            facts, facts_by_district[campaign.district_id], benchmarks[facts.stage]
        )
        fields = _result_fields(standing, version)
        if _result_differs(result, fields):
            for name, value in fields.items():
                setattr(result, name, value)
            result.computed_at = timezone.now()
            changed.append(result)
    return changed


def campaign_results_refresh(
    *,
    campaign_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Recompute the ranks and landmarks of scored campaigns (all of them when `campaign_ids` is
    None) against the current benchmark version and their districts' other campaigns. Their
    scores are not recomputed. Returns how many results changed.

    Works by batches; each batch locks its campaigns' rows (the lock a rescore takes), so a
    refresh never writes ranks computed from scores that a concurrent rescore just replaced.
    """
    now = now or timezone.now()
    scored = CampaignResult.objects.order_by("campaign_id")
    if campaign_ids is not None:
        scored = scored.filter(campaign_id__in=list(campaign_ids))
    ids = list(scored.values_list("campaign_id", flat=True))
    changed = 0
    for batch in id_batches(ids, REFRESH_BATCH_SIZE):
        with transaction.atomic():
            campaigns = list(
                Campaign.objects.select_for_update(of=("self",))
                .select_related("district")
                .filter(pk__in=batch)
                .order_by("pk")
            )
            to_update = _results_changed(campaigns, now=now)
            # Delete and insert in this transaction: bulk_update's CASE WHEN over a national
            # refresh cost seconds to build (issue 13).
            results_replace(to_update)
            changed += len(to_update)
        if progress is not None:
            progress(len(batch))
    return changed
