"""Rescoring one campaign: its group scores, alignment, ranks and landmarks recomputed and
stored, and what depends on them refreshed after.

- `campaign_recompute(campaign_id=...)`: the worker's task. Claims the campaign's dirty flag
  and rescores it in the same transaction, so a worker killed halfway leaves the flag set and
  the work is redone, never lost.
- `campaign_rescore(campaign=...)`: one SQL aggregate query per breakdown (whole, by school, by
  role, onpoint.aggregates), suppression by the pure functions (onpoint.score_rows), then the
  rows are upserted. Idempotent.
- `campaign_rescore_followup`: the district's other campaigns' landmarks
  (onpoint.results_refresh), and the benchmarks (onpoint.benchmark_rebuild) when they change.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from onpoint.aggregates import campaign_aggregates
from onpoint.benchmark_reads import benchmark_version_latest, version_benchmarks
from onpoint.benchmark_rebuild import benchmarks_rebuild
from onpoint.method.alignment import alignment_of
from onpoint.models import CampaignResult, GroupScore
from onpoint.queueing import benchmarks_rebuild_request
from onpoint.results_refresh import campaign_results_refresh
from onpoint.score_rows import (
    GROUP_SCORE_FIELDS,
    CampaignScoreSet,
    RowFields,
    RowKey,
    _score_rows,
    alignment_json,
    campaign_score_set,
    group_score_row,
)
from onpoint.standing import (
    _result_fields,
    campaign_facts,
    campaign_standing,
    district_campaign_facts,
)
from surveys.comments import comments_release_shuffle
from surveys.models import Campaign

logger = logging.getLogger(__name__)

# Log lines; none of them ever carries an answer. Each RESCORED line has its own run id, so the
# worker test counts runs even where a line is printed by two handlers.
RESCORED = "campaign %s rescored: %s responses (run %s)"
RESCORE_SKIPPED = "campaign %s: nothing to recompute (another run claimed it)"


def _group_scores_store(campaign: Campaign, score_set: CampaignScoreSet) -> bool:
    """Upsert the campaign's GroupScore rows, writing only what changed (so ids stay, and a run
    that changes nothing writes nothing). Returns whether the whole-campaign scores changed.
    """
    wanted = _score_rows(score_set)
    existing: dict[RowKey, tuple[int, RowFields]] = {
        (breakdown, group, key): (pk, (position, value, n, reported, reason))
        for pk, breakdown, group, key, position, value, n, reported, reason in (
            GroupScore.objects.filter(campaign=campaign).values_list(
                "pk", "breakdown", "group", "key", "position", "value", "n", "reported", "reason"
            )
        )
    }
    stale = [pk for key, (pk, _) in existing.items() if key not in wanted]
    to_create: list[GroupScore] = []
    to_update: list[GroupScore] = []
    whole_changed = False
    for key, fields in wanted.items():
        found = existing.get(key)
        if found is not None and found[1] == fields:
            continue
        row = group_score_row(campaign.pk, key, fields, pk=found[0] if found is not None else None)
        (to_create if found is None else to_update).append(row)
        whole_changed = whole_changed or key[0] == GroupScore.Breakdown.WHOLE
    if stale:
        GroupScore.objects.filter(pk__in=stale).delete()
    if to_update:
        GroupScore.objects.bulk_update(to_update, list(GROUP_SCORE_FIELDS))
    if to_create:
        GroupScore.objects.bulk_create(to_create)
    return whole_changed


@dataclass(frozen=True)
class RescoreOutcome:
    """What a rescore changed, so the caller knows what else to refresh."""

    campaign_id: int
    district_id: int
    n_responses: int
    whole_changed: bool
    # The campaign is in (or may enter or leave) a benchmark cohort: closed and not excluded.
    affects_benchmarks: bool


def _unreleased_clear(campaign: Campaign) -> RescoreOutcome:
    """An unreleased campaign keeps no scores at all (method 1.1, section 4, "Release"): a
    leader who looked before and after one colleague submitted would learn their answers."""
    deleted, _ = GroupScore.objects.filter(campaign=campaign).delete()
    CampaignResult.objects.filter(campaign=campaign).delete()
    return RescoreOutcome(
        campaign_id=campaign.pk,
        district_id=campaign.district_id,
        n_responses=0,
        whole_changed=deleted > 0,
        affects_benchmarks=False,
    )


def _rescore_locked(campaign: Campaign, *, now: dt.datetime) -> RescoreOutcome:
    """The rescore proper. The caller holds the campaign row's lock inside a transaction."""
    if not campaign.is_closed(now):
        return _unreleased_clear(campaign)
    # Released: the staff comments lose the order in which they were written (issue 16).
    comments_release_shuffle(campaign=campaign)
    aggregates = campaign_aggregates(campaign=campaign)
    score_set = campaign_score_set(aggregates)
    whole_changed = _group_scores_store(campaign, score_set)

    facts = campaign_facts(campaign, score_set.whole, now=now)
    district = district_campaign_facts([campaign.district_id], now=now, override=facts)
    version = benchmark_version_latest()
    benchmarks = version_benchmarks(version, [facts.stage])[facts.stage]
    standing = campaign_standing(facts, district.get(campaign.district_id, [facts]), benchmarks)
    CampaignResult.objects.update_or_create(
        campaign=campaign,
        defaults={
            **_result_fields(standing, version),
            "n_responses": score_set.n_responses,
            "computed_at": timezone.now(),
            "alignment": alignment_json(alignment_of(score_set.by_role)),
        },
    )
    return RescoreOutcome(
        campaign_id=campaign.pk,
        district_id=campaign.district_id,
        n_responses=score_set.n_responses,
        whole_changed=whole_changed,
        affects_benchmarks=facts.closed and not facts.excluded,
    )


def _campaign_for_rescore(campaign_id: int) -> Campaign:
    return Campaign.objects.select_related("district", "instrument").get(pk=campaign_id)


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
