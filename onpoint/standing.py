"""A campaign's standing: its facts for the pure benchmarks and landmarks, its ranks, landmarks
and P against one benchmark version, and the CampaignResult fields that store them.
Reads only; the writers (onpoint.rescore, onpoint.results_refresh) store what this returns.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from onpoint.benchmark_reads import NO_BENCHMARK, StageBenchmarks
from onpoint.method.benchmarks import CampaignFacts, campaign_rank
from onpoint.method.landmarks import Landmark, landmarks_of, previous_campaign
from onpoint.method.scoring import Score
from onpoint.method.stages import stage_of
from onpoint.method.structure import SCORE_KEYS
from onpoint.models import REASON_CODES, REPORTED, BenchmarkVersion, CampaignResult, GroupScore
from onpoint.score_rows import landmark_json
from surveys.models import Campaign


def campaign_facts(
    campaign: Campaign, scores: Mapping[str, Score], *, now: dt.datetime
) -> CampaignFacts:
    """What the pure benchmarks and landmarks need of a campaign (its district must be loaded).

    Creation order is the id: increasing with creation and never tied.
    """
    return CampaignFacts(
        campaign_id=campaign.pk,
        district_id=campaign.district_id,
        stage=campaign.stage,
        opens_at=campaign.opens_at,
        created_order=campaign.pk,
        closed=campaign.is_closed(now),
        excluded=campaign.exclude_from_benchmarks,
        scores=scores,
    )


@dataclass(frozen=True)
class Standing:
    """A campaign's percentile ranks and landmarks against one benchmark version, and its P."""

    stage: str
    ranks: dict[str, float | None]
    landmarks: dict[str, Landmark]
    previous_campaign_id: int | None


def campaign_standing(
    facts: CampaignFacts,
    district_campaigns: Iterable[CampaignFacts],
    benchmarks: StageBenchmarks,
) -> Standing:
    """Ranks (method section 5) and landmarks (section 6) by the pure functions.

    `district_campaigns` are the district's campaigns with their stored whole scores (P is
    chosen among them); `benchmarks` those of the campaign's stage.
    """
    previous = previous_campaign(district_campaigns, facts)
    ranks = {
        key: campaign_rank(
            facts.scores[key],
            benchmarks.benchmarks.get(key, NO_BENCHMARK),
            benchmarks.cohorts.get(key, []),
        )
        for key in SCORE_KEYS
    }
    landmarks = landmarks_of(
        facts.stage,
        facts.scores,
        previous.scores if previous is not None else None,
        benchmarks.benchmarks,
    )
    return Standing(
        stage=facts.stage,
        ranks=ranks,
        landmarks=landmarks,
        previous_campaign_id=previous.campaign_id if previous is not None else None,
    )


# A group's stored score columns, in SCORE_KEYS order: (value, n, reason code) for each key.
_SCORE_COLUMNS = tuple(name for key in SCORE_KEYS for name in (key, f"{key}_n", f"{key}_reason"))

# What CampaignFacts needs of a campaign, read as a plain tuple (no model object per row).
_CAMPAIGN_COLUMNS = (
    "pk",
    "district_id",
    "opens_at",
    "closes_at",
    "exclude_from_benchmarks",
    "district__launch_date",
)


def scores_of_columns(columns: Sequence[Any]) -> dict[str, Score]:
    """A group's scores from its stored columns (`_SCORE_COLUMNS`): GroupScore.scores without
    building a model object."""
    scores = {}
    for index, key in enumerate(SCORE_KEYS):
        value, n, code = columns[3 * index : 3 * index + 3]
        scores[key] = (
            Score.shown(value, n) if code == REPORTED else Score.suppressed(n, REASON_CODES[code])
        )
    return scores


def _whole_scores(campaign_ids: Iterable[int] | None) -> dict[int, dict[str, Score]]:
    """Stored whole-campaign scores of these campaigns (of all when None), in one query; a
    campaign never scored is absent."""
    rows = GroupScore.objects.filter(breakdown=GroupScore.Breakdown.WHOLE)
    if campaign_ids is not None:
        rows = rows.filter(campaign_id__in=list(campaign_ids))
    return {
        row[0]: scores_of_columns(row[1:])
        for row in rows.values_list("campaign_id", *_SCORE_COLUMNS)
    }


def campaign_stage(launch_date: dt.date | None, opens_at: dt.datetime) -> str:
    """Campaign.stage from its columns: the stage rule on the opening date in the project's
    time zone (Campaign.opens_on)."""
    return stage_of(launch_date, timezone.localdate(opens_at, timezone.get_default_timezone()))


def scored_campaign_facts(
    campaigns: QuerySet[Campaign], *, now: dt.datetime, every: bool = False
) -> list[CampaignFacts]:
    """The scored campaigns of `campaigns` as CampaignFacts, by id: two queries of plain tuples.
    `every` says `campaigns` is every campaign (its scores are then read without a filter)."""
    rows = list(campaigns.order_by("pk").values_list(*_CAMPAIGN_COLUMNS))
    scores = _whole_scores(None if every else [row[0] for row in rows])
    return [
        CampaignFacts(
            campaign_id=pk,
            district_id=district_id,
            stage=campaign_stage(launch_date, opens_at),
            opens_at=opens_at,
            created_order=pk,
            closed=closes_at <= now,
            excluded=excluded,
            scores=scores[pk],
        )
        for pk, district_id, opens_at, closes_at, excluded, launch_date in rows
        if pk in scores
    ]


def district_campaign_facts(
    district_ids: Iterable[int], *, now: dt.datetime, override: CampaignFacts | None = None
) -> dict[int, list[CampaignFacts]]:
    """Every scored campaign of these districts as CampaignFacts, by district (two queries).

    `override` stands in for its campaign (scores just computed, not yet read back).
    """
    wanted = set(district_ids)
    campaigns = Campaign.objects.filter(district_id__in=list(wanted))
    by_district: dict[int, list[CampaignFacts]] = defaultdict(list)
    for facts in scored_campaign_facts(campaigns, now=now):
        if override is None or facts.campaign_id != override.campaign_id:
            by_district[facts.district_id].append(facts)
    if override is not None and override.district_id in wanted:
        district = by_district[override.district_id]
        district.append(override)
        district.sort(key=lambda facts: facts.campaign_id)
    return by_district


# The CampaignResult fields a standing gives (`_result_fields`).
STANDING_FIELDS = ("stage", "benchmark_version_id", "previous_campaign_id", "ranks", "landmarks")


def _result_fields(standing: Standing, version: BenchmarkVersion | None) -> dict[str, Any]:
    return {
        "stage": standing.stage,
        "benchmark_version_id": version.pk if version is not None else None,
        "previous_campaign_id": standing.previous_campaign_id,
        "ranks": standing.ranks,
        "landmarks": {key: landmark_json(landmark) for key, landmark in standing.landmarks.items()},
    }


def _result_differs(result: CampaignResult, fields: Mapping[str, Any]) -> bool:
    return any(getattr(result, name) != value for name, value in fields.items())
