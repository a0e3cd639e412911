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
    STANDING_FIELDS,
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


# A stored result read as a plain tuple: the standing fields (compared), then the rest (kept).
_RESULT_COLUMNS = ("campaign_id", *STANDING_FIELDS, "n_responses", "alignment")


def _results_changed(campaigns: list[tuple[int, int]], *, now: dt.datetime) -> list[CampaignResult]:
    """The stored results of `campaigns` ((id, district id) pairs) whose ranks or landmarks
    differ from what the current benchmark version and their districts' campaigns give now, as
    new rows. One pass over plain tuples: a model object only for a row that changed."""
    version = benchmark_version_latest()
    facts_by_district = district_campaign_facts({d for _, d in campaigns}, now=now)
    facts_by_id = {
        facts.campaign_id: facts
        for district_facts in facts_by_district.values()
        for facts in district_facts
    }
    benchmarks = version_benchmarks(version, {facts.stage for facts in facts_by_id.values()})
    stored = CampaignResult.objects.filter(campaign_id__in=[pk for pk, _ in campaigns])
    computed_at = timezone.now()
    changed = []
    for campaign_id, *standing_columns, n_responses, alignment in stored.values_list(
        *_RESULT_COLUMNS
    ):
        facts = facts_by_id.get(campaign_id)
        if facts is None:
            continue
        standing = campaign_standing(
            facts, facts_by_district[facts.district_id], benchmarks[facts.stage]
        )
        fields = _result_fields(standing, version)
        if [fields[name] for name in STANDING_FIELDS] != standing_columns:
            changed.append(
                CampaignResult(
                    campaign_id=campaign_id,
                    n_responses=n_responses,
                    alignment=alignment,
                    computed_at=computed_at,
                    **fields,
                )
            )
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
                Campaign.objects.select_for_update()
                .filter(pk__in=batch)
                .order_by("pk")
                .values_list("pk", "district_id")
            )
            to_update = _results_changed(campaigns, now=now)
            # Delete and insert in this transaction: bulk_update's CASE WHEN over a national
            # refresh cost seconds to build (issue 13).
            results_replace(to_update)
            changed += len(to_update)
        if progress is not None:
            progress(len(batch))
    return changed
