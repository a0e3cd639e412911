"""Rescoring every campaign at once, for `manage.py recompute`: the same scores, ranks and
landmarks as `rescore.campaign_rescore` campaign by campaign, in batches.

Campaign by campaign costs a dozen queries each, about 20,000 campaigns for the whole country:
minutes of round trips. Here a batch of campaigns (consecutive ids) costs three aggregate
queries (one per breakdown, over every response of the batch), one read of its stored rows and
a few bulk writes; new group score rows go in with COPY on PostgreSQL. Each batch is one
transaction that first clears its campaigns' dirty flags (which locks their rows, the lock a
single rescore takes), so a concurrent worker never interleaves with it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from onpoint.aggregates import (
    BREAKDOWN_COLUMNS,
    CELL_COUNTS_ONLY,
    _aggregate_expressions,
    aggregates_of_rows,
    score_grid,
)
from onpoint.benchmark_reads import benchmark_version_latest, version_benchmarks
from onpoint.method.alignment import alignment_of
from onpoint.models import CampaignResult, GroupScore
from onpoint.results_refresh import id_batches
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
    _result_differs,
    _result_fields,
    _result_fields_names,
    campaign_facts,
    campaign_standing,
    district_campaign_facts,
)
from surveys.models import Campaign, Response
from surveys.selectors import item_specs

BATCH_SIZE = 500


def _breakdown_rows(
    batch: Sequence[int], grid: int, breakdown: str
) -> dict[int, list[dict[str, Any]]]:
    """One breakdown's GROUP BY over every response of the batch's campaigns, by campaign."""
    columns = BREAKDOWN_COLUMNS[breakdown]
    grouped = ("campaign_id", *columns) if columns != ("campaign_id",) else columns
    rows = (
        Response.objects.filter(campaign_id__in=batch)
        .values(*grouped)
        .annotate(**_aggregate_expressions(grid))
        .order_by()
    )
    by_campaign: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_campaign[row["campaign_id"]].append(row)
    return by_campaign


def batch_score_sets(campaigns: Sequence[Campaign]) -> dict[int, CampaignScoreSet]:
    """Every campaign's score set: three queries per instrument grid in the batch (one, as a
    rule), then suppression by the pure functions, campaign by campaign."""
    by_grid: dict[int, list[Campaign]] = defaultdict(list)
    for campaign in campaigns:
        by_grid[score_grid(item_specs(campaign.instrument))].append(campaign)
    score_sets = {}
    for grid, members in by_grid.items():
        ids = [c.pk for c in members]
        whole, school, role = (_breakdown_rows(ids, grid, b) for b in ("whole", "school", "role"))
        cell = _breakdown_rows(ids, CELL_COUNTS_ONLY, "cell")
        for campaign_id in ids:
            aggregates = aggregates_of_rows(
                campaign_id,
                grid,
                whole_rows=whole.get(campaign_id, []),
                school_rows=school.get(campaign_id, []),
                role_rows=role.get(campaign_id, []),
                cell_rows=cell.get(campaign_id, []),
            )
            score_sets[campaign_id] = campaign_score_set(aggregates)
    return score_sets


def _copy_group_scores(rows: Sequence[tuple[int, RowKey, RowFields]]) -> None:
    """New GroupScore rows by COPY (PostgreSQL): bulk_create builds a model per row, and a
    national recompute writes millions of rows."""
    table = connection.ops.quote_name(GroupScore._meta.db_table)
    names = ["campaign_id", "breakdown", "group", "key", *GROUP_SCORE_FIELDS]
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for campaign_id, (breakdown, group, key), fields in rows:
            copy.write_row((campaign_id, breakdown, group, key, *fields))


def _group_scores_store(score_sets: dict[int, CampaignScoreSet]) -> None:
    """Each campaign's GroupScore rows, writing only what changed (ids stay), as
    `rescore._group_scores_store` does for one campaign."""
    existing: dict[tuple[int, RowKey], tuple[int, RowFields]] = {
        (campaign_id, (breakdown, group, key)): (pk, (position, value, n, reported, reason))
        for pk, campaign_id, breakdown, group, key, position, value, n, reported, reason in (
            GroupScore.objects.filter(campaign_id__in=list(score_sets)).values_list(
                "pk", "campaign_id", "breakdown", "group", "key", *GROUP_SCORE_FIELDS
            )
        )
    }
    wanted: dict[tuple[int, RowKey], RowFields] = {
        (campaign_id, key): fields
        for campaign_id, score_set in score_sets.items()
        for key, fields in _score_rows(score_set).items()
    }
    stale = [pk for key, (pk, _) in existing.items() if key not in wanted]
    to_create: list[tuple[int, RowKey, RowFields]] = []
    to_update: list[GroupScore] = []
    for (campaign_id, key), fields in wanted.items():
        found = existing.get((campaign_id, key))
        if found is None:
            to_create.append((campaign_id, key, fields))
        elif found[1] != fields:
            to_update.append(group_score_row(campaign_id, key, fields, pk=found[0]))
    if stale:
        GroupScore.objects.filter(pk__in=stale).delete()
    if to_update:
        GroupScore.objects.bulk_update(to_update, list(GROUP_SCORE_FIELDS), batch_size=1000)
    if not to_create:
        return
    if connection.vendor == "postgresql":
        _copy_group_scores(to_create)
        return
    GroupScore.objects.bulk_create(
        (group_score_row(campaign_id, key, fields) for campaign_id, key, fields in to_create),
        batch_size=1000,
    )


def _results_store(
    campaigns: Sequence[Campaign], score_sets: dict[int, CampaignScoreSet], now: dt.datetime
) -> None:
    """Each campaign's CampaignResult, as `rescore._rescore_locked` writes it: ranks and
    landmarks against the current version and the district's stored scores (this batch's
    included, just written), alignment, count and time."""
    version = benchmark_version_latest()
    facts_by_district = district_campaign_facts({c.district_id for c in campaigns}, now=now)
    computed_at = timezone.now()
    wanted = {}
    for campaign in campaigns:
        score_set = score_sets[campaign.pk]
        facts = campaign_facts(campaign, score_set.whole, now=now)
        benchmarks = version_benchmarks(version, [facts.stage])[facts.stage]
        standing = campaign_standing(
            facts, facts_by_district.get(campaign.district_id, [facts]), benchmarks
        )
        wanted[campaign.pk] = {
            **_result_fields(standing, version),
            "n_responses": score_set.n_responses,
            "alignment": alignment_json(alignment_of(score_set.by_role)),
        }
    existing = {r.campaign_id: r for r in CampaignResult.objects.filter(campaign_id__in=wanted)}
    to_create = []
    to_update = []
    for campaign_id, fields in wanted.items():
        result = existing.get(campaign_id)
        if result is None:
            to_create.append(
                CampaignResult(campaign_id=campaign_id, computed_at=computed_at, **fields)
            )
        elif _result_differs(result, fields):
            for name, value in fields.items():
                setattr(result, name, value)
            to_update.append(result)
    if to_update:
        CampaignResult.objects.bulk_update(
            to_update, [*_result_fields_names(), "n_responses", "alignment"], batch_size=500
        )
    # Every result was computed now, changed or not (as a single rescore stamps it).
    CampaignResult.objects.filter(campaign_id__in=list(existing)).update(computed_at=computed_at)
    if to_create:
        CampaignResult.objects.bulk_create(to_create, batch_size=500)


def campaigns_rescore_all(
    *,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Rescore every campaign (what `campaign_rescore` does to one), batch by batch. Returns
    how many campaigns were rescored. Ranks against new benchmarks come after, from
    `benchmark_rebuild.benchmarks_rebuild`."""
    now = now or timezone.now()
    ids = list(Campaign.objects.order_by("pk").values_list("pk", flat=True))
    for batch in id_batches(ids, batch_size):
        with transaction.atomic():
            Campaign.objects.filter(pk__in=batch).update(scores_dirty=False)
            campaigns = list(
                Campaign.objects.filter(pk__in=batch)
                .select_related("district", "instrument")
                .order_by("pk")
            )
            # Method 1.1, "Release": a campaign that has not closed keeps no scores.
            unreleased = [c.pk for c in campaigns if not c.is_closed(now)]
            GroupScore.objects.filter(campaign_id__in=unreleased).delete()
            CampaignResult.objects.filter(campaign_id__in=unreleased).delete()
            campaigns = [c for c in campaigns if c.is_closed(now)]
            score_sets = batch_score_sets(campaigns)
            _group_scores_store(score_sets)
            _results_store(campaigns, score_sets, now)
        if progress is not None:
            progress(len(batch))
    return len(ids)
