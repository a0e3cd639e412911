"""Rescoring campaigns: their group scores, alignment, ranks and landmarks recomputed and
stored, and what depends on them refreshed after. One path (`campaigns_rescore_locked`, batch
shaped) for one campaign and for all of them.

- `campaign_recompute(campaign_id=...)`: the worker's task. Claims the campaign's dirty flag
  and rescores it in the same transaction, so a worker killed halfway leaves the flag set and
  the work is redone, never lost.
- `campaign_rescore(campaign=...)`: one scan of its responses for every group (onpoint.aggregates),
  suppression by the pure functions (onpoint.score_rows), then the rows written where they
  changed (onpoint.score_store). Idempotent.
- `campaigns_rescore_all()`: the same, for every campaign in batches of BATCH_SIZE
  (`manage.py recompute`).
- `campaign_rescore_followup`: the district's other campaigns' landmarks
  (onpoint.results_refresh), and the benchmarks (onpoint.benchmark_rebuild) when they change.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from onpoint.aggregates import batch_aggregates
from onpoint.benchmark_rebuild import benchmarks_rebuild
from onpoint.models import CampaignResult, GroupScore
from onpoint.queueing import benchmarks_rebuild_request
from onpoint.results_refresh import campaign_results_refresh, id_batches
from onpoint.score_rows import campaign_score_set
from onpoint.score_store import group_scores_store, results_store
from surveys.comments import comments_release_shuffle
from surveys.models import Campaign

logger = logging.getLogger(__name__)

# Log lines; none of them ever carries an answer. Each RESCORED line has its own run id, so the
# worker test counts runs even where a line is printed by two handlers.
RESCORED = "campaign %s rescored: %s responses (run %s)"
RESCORE_SKIPPED = "campaign %s: nothing to recompute (another run claimed it)"

# Campaigns rescored in one transaction by `manage.py recompute`: one scan of their responses.
BATCH_SIZE = 500

# Looked up at call time, so a test's worker can wrap it (tests/held_worker.py).
_group_scores_store = group_scores_store


@dataclass(frozen=True)
class RescoreOutcome:
    """What a rescore changed, so the caller knows what else to refresh."""

    campaign_id: int
    district_id: int
    n_responses: int
    whole_changed: bool
    # The campaign is in (or may enter or leave) a benchmark cohort: closed and not excluded.
    affects_benchmarks: bool


def campaigns_rescore_locked(
    campaigns: Sequence[Campaign], *, now: dt.datetime, with_standing: bool = True
) -> list[RescoreOutcome]:
    """Rescore a batch of campaigns: the one rescore path, for one campaign (the worker) and for
    every campaign in batches (`manage.py recompute`). The caller holds the campaigns' row locks
    inside a transaction.

    An unreleased campaign keeps no scores at all (method 1.1, section 4, "Release"): a leader
    who looked before and after one colleague submitted would learn their answers. The released
    ones: one scan of their responses (onpoint.aggregates), suppression by the pure functions,
    their group scores and results written (onpoint.score_store); their staff comments lose the
    order in which they were written (issue 16).

    Without `with_standing` (the full recompute, followed by a benchmark rebuild that refreshes
    every rank and landmark), ranks and landmarks are not computed here (score_store).
    """
    unreleased = [c.pk for c in campaigns if not c.is_closed(now)]
    released = [c for c in campaigns if c.is_closed(now)]
    cleared = set(
        GroupScore.objects.filter(campaign_id__in=unreleased)
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    GroupScore.objects.filter(campaign_id__in=unreleased).delete()
    CampaignResult.objects.filter(campaign_id__in=unreleased).delete()
    comments_release_shuffle(campaign_ids=[c.pk for c in released])
    score_sets = {
        pk: campaign_score_set(aggregates)
        for pk, aggregates in batch_aggregates([c.pk for c in released]).items()
    }
    whole_changed = _group_scores_store(score_sets)
    results_store(released, score_sets, now, with_standing=with_standing)
    return [
        RescoreOutcome(
            campaign_id=campaign.pk,
            district_id=campaign.district_id,
            n_responses=score_sets[campaign.pk].n_responses if campaign.pk in score_sets else 0,
            whole_changed=campaign.pk in whole_changed or campaign.pk in cleared,
            # In (or may enter or leave) a benchmark cohort: closed and not excluded.
            affects_benchmarks=campaign.pk in score_sets and not campaign.exclude_from_benchmarks,
        )
        for campaign in campaigns
    ]


def _rescore_locked(campaign: Campaign, *, now: dt.datetime) -> RescoreOutcome:
    """The rescore of one campaign: the batch path for a batch of one."""
    return campaigns_rescore_locked([campaign], now=now)[0]


def _campaigns_for_rescore(ids: Sequence[int]) -> list[Campaign]:
    return list(Campaign.objects.filter(pk__in=list(ids)).select_related("district").order_by("pk"))


def campaigns_rescore_all(
    *,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Rescore every campaign, batch by batch (consecutive ids): what `campaign_rescore` does to
    one, by the same function. Returns how many campaigns were rescored. Ranks and landmarks
    are computed once, after, by `benchmark_rebuild.benchmarks_rebuild` (which the caller runs
    next): computed in each batch too, against the version the rebuild replaces, they were
    computed and written twice (issue 13). Until then a stored result keeps its ranks and a
    new one has none.

    Each batch is one transaction that first clears its campaigns' dirty flags, which locks their
    rows (the lock a single rescore takes), so a concurrent worker never interleaves with it.
    """
    now = now or timezone.now()
    ids = list(Campaign.objects.order_by("pk").values_list("pk", flat=True))
    for batch in id_batches(ids, batch_size):
        with transaction.atomic():
            Campaign.objects.filter(pk__in=batch).update(scores_dirty=False)
            campaigns_rescore_locked(_campaigns_for_rescore(batch), now=now, with_standing=False)
        if progress is not None:
            progress(len(batch))
    return len(ids)


def _campaign_for_rescore(campaign_id: int) -> Campaign:
    return Campaign.objects.select_related("district").get(pk=campaign_id)


def campaign_rescore(*, campaign: Campaign, now: dt.datetime | None = None) -> RescoreOutcome:
    """Recompute and store every score of the campaign, its alignment, ranks and landmarks.

    Unconditional and idempotent: run twice, it leaves the same rows (and writes none the second
    time but `computed_at`). Clears the dirty flag: the flag's UPDATE also locks the campaign's
    row, so two rescores of one campaign never interleave, and the aggregates read after it see
    every response committed before.
    """
    now = now or timezone.now()
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(scores_dirty=False)
        outcome = _rescore_locked(_campaign_for_rescore(campaign.pk), now=now)
    logger.debug(RESCORED, campaign.pk, outcome.n_responses, uuid.uuid4().hex)
    return outcome


def campaign_recompute(*, campaign_id: int) -> bool:
    """The worker's recompute: claim the dirty flag, rescore, then refresh what depends on it.

    The claim (UPDATE ... WHERE scores_dirty) and the rescore are one transaction: a worker that
    dies in between rolls the claim back with everything else, and the requeued task (or the
    sweep) finds the flag still set. A campaign never scored yet is scored without a flag.
    Returns False when there was nothing to do: an earlier run of a coalesced burst already
    claimed the flag and read these responses.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = Campaign.objects.filter(pk=campaign_id, scores_dirty=True).update(
            scores_dirty=False
        )
        if not claimed:
            locked = list(
                Campaign.objects.select_for_update().filter(pk=campaign_id).values_list("pk")
            )
            if not locked or CampaignResult.objects.filter(campaign_id=campaign_id).exists():
                logger.info(RESCORE_SKIPPED, campaign_id)
                return False
        outcome = _rescore_locked(_campaign_for_rescore(campaign_id), now=now)
    logger.info(RESCORED, campaign_id, outcome.n_responses, uuid.uuid4().hex)
    campaign_rescore_followup(outcome=outcome, now=now)
    return True


def campaign_rescore_followup(
    *, outcome: RescoreOutcome, now: dt.datetime | None = None, rebuild_now: bool = False
) -> None:
    """After a rescore: the district's other campaigns may take it as their P (their landmarks
    change), and a closed campaign's new scores change its stage's cohort (the benchmarks).

    `rebuild_now` rebuilds the benchmarks in this process (the management command); otherwise
    the rebuild is requested from the worker.
    """
    if not outcome.whole_changed:
        return
    others = Campaign.objects.filter(district_id=outcome.district_id).exclude(
        pk=outcome.campaign_id
    )
    campaign_results_refresh(campaign_ids=list(others.values_list("pk", flat=True)), now=now)
    if outcome.affects_benchmarks:
        if rebuild_now:
            benchmarks_rebuild(now=now)
        else:
            benchmarks_rebuild_request()
