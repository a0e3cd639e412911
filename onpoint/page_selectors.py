"""Reads the journey map and the campaign dashboard need beyond onpoint.selectors, on the stored
rows only.

Nothing here recomputes a score: values come from GroupScore, CampaignResult and the benchmark
versions that onpoint.rescore and onpoint.benchmark_rebuild write. Every function makes a fixed
number of queries, named in its docstring, whatever the number of rows. The caller has already
restricted the districts to what the user may see (districts.selectors). The compare and
portfolio reads are in onpoint.compare_selectors, the national ones in
onpoint.national_selectors, the co-travelers in onpoint.co_travelers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from districts.models import District, LearningOffer, Milestone
from onpoint import selectors
from onpoint.method.stages import stage_of
from onpoint.method.structure import ONPOINT
from onpoint.models import BenchmarkVersion
from onpoint.selectors import BenchmarkSet, CampaignScores, CampaignSummary
from surveys.models import Campaign


@dataclass(frozen=True)
class Journey:
    """What a district's journey map shows.

    `campaigns` are oldest first. `landmark_campaign` is the campaign whose landmarks are the
    stops on the path: the latest released campaign whose Onpoint score is reported, or else the
    latest released campaign (None before the first campaign's results are released: an open
    campaign shows counts only, method 1.1).
    """

    district: District
    stage: str
    campaigns: list[CampaignSummary]
    landmark_campaign: CampaignSummary | None
    benchmarks: BenchmarkSet
    versions: dict[int, BenchmarkVersion]
    milestones: list[Milestone]
    # The district's professional-learning offers by landmark key (issue 16).
    learning_offers: dict[str, list[LearningOffer]] = field(default_factory=dict)


def journey_of(*, district: District, now: dt.datetime, today: dt.date) -> Journey:
    """Three queries: the district's campaigns with their results, the benchmark versions they
    were ranked against and their whole scores (1), the milestones (1) and the
    professional-learning offers (1). The benchmarks the landmark campaign was computed against
    come with its result (their rows are read once per process: one more query the first time);
    before any released campaign, the current ones (one more query)."""
    campaigns = selectors.district_campaign_history(district=district)
    released = [summary for summary in campaigns if summary.results_ready]
    reported = [summary for summary in released if summary.scores[ONPOINT].reported]
    candidates = reported or released
    landmark_campaign = candidates[-1] if candidates else None
    versions = {
        s.benchmark_version.pk: s.benchmark_version for s in campaigns if s.benchmark_version
    }
    benchmarks = _benchmarks_for(landmark_campaign.benchmark_version if landmark_campaign else None)
    return Journey(
        district=district,
        stage=stage_of(district.launch_date, today),
        campaigns=campaigns,
        landmark_campaign=landmark_campaign,
        benchmarks=benchmarks,
        versions=versions,
        milestones=list(district.milestones.order_by("-happened_on", "-id")),
        learning_offers=_offers_by_landmark(district),
    )


def _offers_by_landmark(district: District) -> dict[str, list[LearningOffer]]:
    by_landmark: dict[str, list[LearningOffer]] = defaultdict(list)
    for offer in district.learning_offers.order_by("name", "pk"):
        by_landmark[offer.landmark].append(offer)
    return dict(by_landmark)


def _benchmarks_for(version: BenchmarkVersion | None) -> BenchmarkSet:
    """The benchmarks of this version (so a chart matches the ranks beside it), else the current
    ones. No query for a version whose rows this process has read; the current ones, one (two
    the first time)."""
    if version is not None:
        return selectors.benchmarks_of(version)
    return selectors.benchmarks_current()


@dataclass(frozen=True)
class Dashboard:
    scores: CampaignScores
    history: list[CampaignSummary]
    benchmarks: BenchmarkSet


def dashboard_of(*, campaign: Campaign, scores: CampaignScores | None = None) -> Dashboard:
    """Three queries: the campaign's result and group scores (2, none when `scores` is given)
    and the district's campaigns with their results and whole scores (1). The benchmarks the
    ranks were computed against come with the result (their rows read once per process: one
    more query the first time); with no version at all, one query. `campaign.district` must be
    loaded."""
    scores = scores or selectors.campaign_scores(campaign=campaign)
    history = selectors.district_campaign_history(district=campaign.district)
    return Dashboard(
        scores=scores, history=history, benchmarks=_benchmarks_for(scores.benchmark_version)
    )
