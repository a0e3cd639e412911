"""Writing a batch of campaigns' derived rows: their group scores and their CampaignResult.

Shared by every rescore, one campaign (the worker's task) or all of them (`manage.py
recompute`): the same function for a batch of 1 or of 500. No bulk_update: its CASE WHEN over
thousands of rows cost more than the work itself (issue 13). A campaign whose rows changed has
them deleted and written again in the batch's transaction; one whose rows are the same is not
touched (so a second run writes nothing but the results' `computed_at`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from onpoint.benchmark_reads import benchmark_version_latest, version_benchmarks
from onpoint.method.alignment import alignment_of
from onpoint.models import CampaignResult, GroupScore
from onpoint.score_rows import (
    GROUP_SCORE_FIELDS,
    CampaignScoreSet,
    RowFields,
    RowKey,
    _score_rows,
    alignment_json,
    group_score_row,
)
from onpoint.standing import (
    STANDING_FIELDS,
    _result_differs,
    _result_fields,
    campaign_facts,
    campaign_standing,
    district_campaign_facts,
)
from surveys.models import Campaign

CampaignRows = dict[RowKey, RowFields]


def _stored_rows(campaign_ids: Sequence[int]) -> dict[int, CampaignRows]:
    stored: dict[int, CampaignRows] = defaultdict(dict)
    for campaign_id, breakdown, group, *fields in GroupScore.objects.filter(
        campaign_id__in=list(campaign_ids)
    ).values_list("campaign_id", "breakdown", "group", *GROUP_SCORE_FIELDS):
        stored[campaign_id][(breakdown, group)] = tuple(fields)
    return stored


def _copy_group_scores(rows: Iterable[tuple[int, RowKey, RowFields]]) -> None:
    """New GroupScore rows by COPY (PostgreSQL): no model object per row."""
    table = connection.ops.quote_name(GroupScore._meta.db_table)
    names = ["campaign_id", "breakdown", "group", *GROUP_SCORE_FIELDS]
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for campaign_id, (breakdown, group), fields in rows:
            copy.write_row((campaign_id, breakdown, group, *fields))


def _insert_group_scores(rows: list[tuple[int, RowKey, RowFields]]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy_group_scores(rows)
        return
    GroupScore.objects.bulk_create(
        (group_score_row(campaign_id, key, fields) for campaign_id, key, fields in rows),
        batch_size=1000,
    )


def _whole(rows: CampaignRows) -> dict[RowKey, RowFields]:
    return {key: fields for key, fields in rows.items() if key[0] == GroupScore.Breakdown.WHOLE}


def group_scores_store(score_sets: dict[int, CampaignScoreSet]) -> set[int]:
    """Store each campaign's group scores; returns the campaigns whose whole-campaign scores
    changed (their district's landmarks and the benchmarks depend on them)."""
    stored = _stored_rows(list(score_sets))
    changed: list[int] = []
    whole_changed: set[int] = set()
    to_insert: list[tuple[int, RowKey, RowFields]] = []
    for campaign_id, score_set in score_sets.items():
        wanted = _score_rows(score_set)
        existing = stored.get(campaign_id, {})
        if wanted == existing:
            continue
        changed.append(campaign_id)
        if _whole(wanted) != _whole(existing):
            whole_changed.add(campaign_id)
        to_insert.extend((campaign_id, key, fields) for key, fields in wanted.items())
    if changed:
        GroupScore.objects.filter(campaign_id__in=changed).delete()
    _insert_group_scores(to_insert)
    return whole_changed


def results_replace(results: Sequence[CampaignResult]) -> None:
    """Write these CampaignResult rows over the stored ones: delete, then insert, in the
    caller's transaction (one statement each, where bulk_update wrote a CASE WHEN per column)."""
    if not results:
        return
    CampaignResult.objects.filter(campaign_id__in=[r.campaign_id for r in results]).delete()
    if connection.vendor == "postgresql":
        _copy_results(results)
        return
    CampaignResult.objects.bulk_create(results, batch_size=500)


def _copy_results(results: Sequence[CampaignResult]) -> None:
    """CampaignResult rows by COPY (PostgreSQL): bulk_create's INSERT of 500 rows with JSON
    columns cost more to build and send than the rows themselves (issue 13). Each value is
    prepared by its field, as bulk_create would prepare it."""
    fields = list(CampaignResult._meta.concrete_fields)
    table = connection.ops.quote_name(CampaignResult._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for result in results:
            copy.write_row(
                [
                    field.get_db_prep_save(getattr(result, field.attname), connection)
                    for field in fields
                ]
            )


def _standings(
    campaigns: Sequence[Campaign], score_sets: dict[int, CampaignScoreSet], now: dt.datetime
) -> dict[int, dict[str, Any]]:
    """Each campaign's ranks, landmarks and P against the current version and the district's
    stored scores (this batch's included, just written), as CampaignResult fields."""
    version = benchmark_version_latest()
    facts_by_district = district_campaign_facts({c.district_id for c in campaigns}, now=now)
    standings = {}
    for campaign in campaigns:
        facts = campaign_facts(campaign, score_sets[campaign.pk].whole, now=now)
        benchmarks = version_benchmarks(version, [facts.stage])[facts.stage]
        standing = campaign_standing(
            facts, facts_by_district.get(campaign.district_id, [facts]), benchmarks
        )
        standings[campaign.pk] = _result_fields(standing, version)
    return standings


def _standings_deferred(
    campaigns: Sequence[Campaign],
    score_sets: dict[int, CampaignScoreSet],
    existing: dict[int, CampaignResult],
    now: dt.datetime,
) -> dict[int, dict[str, Any]]:
    """The standing fields of a rescore whose ranks and landmarks are computed after, once, by
    the benchmark rebuild's refresh (the full recompute): a stored result keeps the ones it has
    (computed against the version it names); a new one has those of a world with no benchmark
    version and no earlier campaign: no rank, landmarks from the campaign's own scores."""
    standings = {}
    for campaign in campaigns:
        stored = existing.get(campaign.pk)
        if stored is not None:
            standings[campaign.pk] = {name: getattr(stored, name) for name in STANDING_FIELDS}
            continue
        facts = campaign_facts(campaign, score_sets[campaign.pk].whole, now=now)
        standing = campaign_standing(
            facts, [facts], version_benchmarks(None, [facts.stage])[facts.stage]
        )
        standings[campaign.pk] = _result_fields(standing, None)
    return standings


def results_store(
    campaigns: Sequence[Campaign],
    score_sets: dict[int, CampaignScoreSet],
    now: dt.datetime,
    *,
    with_standing: bool = True,
) -> None:
    """Each campaign's CampaignResult: ranks and landmarks (`_standings`, or kept for the
    refresh that follows when not `with_standing`), alignment, count and time."""
    if not campaigns:
        return
    existing = {
        r.campaign_id: r
        for r in CampaignResult.objects.filter(campaign_id__in=[c.pk for c in campaigns])
    }
    if with_standing:
        standings = _standings(campaigns, score_sets, now)
    else:
        standings = _standings_deferred(campaigns, score_sets, existing, now)
    computed_at = timezone.now()
    wanted = {
        campaign.pk: {
            **standings[campaign.pk],
            "n_responses": score_sets[campaign.pk].n_responses,
            "alignment": alignment_json(alignment_of(score_sets[campaign.pk].by_role)),
        }
        for campaign in campaigns
    }
    results_replace(
        [
            CampaignResult(campaign_id=campaign_id, computed_at=computed_at, **fields)
            for campaign_id, fields in wanted.items()
            if campaign_id not in existing or _result_differs(existing[campaign_id], fields)
        ]
    )
    # Every result was computed now, changed or not.
    CampaignResult.objects.filter(campaign_id__in=list(existing)).update(computed_at=computed_at)
