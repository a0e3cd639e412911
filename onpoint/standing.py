"""A campaign's standing: its facts for the pure benchmarks and landmarks, its ranks, landmarks
and P against one benchmark version, and the CampaignResult fields that store them.
Reads only; the writers (onpoint.rescore, onpoint.results_refresh) store what this returns.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from onpoint.benchmark_reads import NO_BENCHMARK, StageBenchmarks
from onpoint.method.benchmarks import CampaignFacts, campaign_rank
from onpoint.method.landmarks import Landmark, landmarks_of, previous_campaign
from onpoint.method.scoring import Score
from onpoint.method.structure import SCORE_KEYS
from onpoint.models import BenchmarkVersion, CampaignResult, GroupScore
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


def _whole_scores(campaign_ids: Iterable[int] | None) -> dict[int, dict[str, Score]]:
    """Stored whole-campaign scores of these campaigns (of all when None), in one query; a
    campaign never scored is absent."""
    rows = GroupScore.objects.filter(breakdown=GroupScore.Breakdown.WHOLE)
    if campaign_ids is not None:
        rows = rows.filter(campaign_id__in=list(campaign_ids))
    scores: dict[int, dict[str, Score]] = defaultdict(dict)
    for campaign_id, key, value, n, reported, reason in rows.values_list(
        "campaign_id", "key", "value", "n", "reported", "reason"
    ):
        scores[campaign_id][key] = Score(value=value, n=n, reported=reported, reason=reason or None)
    return {cid: found for cid, found in scores.items() if len(found) == len(SCORE_KEYS)}


def district_campaign_facts(
    district_ids: Iterable[int], *, now: dt.datetime, override: CampaignFacts | None = None
) -> dict[int, list[CampaignFacts]]:
    """Every scored campaign of these districts as CampaignFacts, by district (two queries).

    `override` stands in for its campaign (scores just computed, not yet read back).
    """
    campaigns = list(
        Campaign.objects.filter(district_id__in=list(district_ids))
        .select_related("district")
        .order_by("pk")
    )
    scores = _whole_scores(c.pk for c in campaigns)
    by_district: dict[int, list[CampaignFacts]] = defaultdict(list)
    for campaign in campaigns:
        if override is not None and campaign.pk == override.campaign_id:
            by_district[campaign.district_id].append(override)
        elif campaign.pk in scores:
            by_district[campaign.district_id].append(
                campaign_facts(campaign, scores[campaign.pk], now=now)
            )
    return by_district


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


def _result_fields_names() -> list[str]:
    return ["stage", "benchmark_version_id", "previous_campaign_id", "ranks", "landmarks"]
