"""A campaign's page: its dashboard once its results are released, else the waiting page with
the counts alone (method 1.1, "Release")."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from districts.selectors import User, campaign_reader_of
from onpoint import page_selectors, selectors
from onpoint.campaign_results import CampaignResults, campaign_results_from
from onpoint.method.structure import STAGE_LABELS
from onpoint.page_selectors import Dashboard
from onpoint.pages.base import PageModel
from onpoint.selectors import CampaignScores
from surveys.models import Campaign
from surveys.participation import Participation


@dataclass(frozen=True)
class CampaignWaitingPage(PageModel):
    """An open campaign, or one closed moments ago and still being scored: counts only."""

    campaign: Campaign
    scores: CampaignScores
    participation: Participation | None
    stage_label: str
    now: dt.datetime
    # Whether the reader runs the campaign (a principal reads it, issue 15): the links to manage
    # and close it.
    runs_campaign: bool


@dataclass(frozen=True)
class CampaignDashboardPage(PageModel):
    """A released campaign: its stored rows (`dashboard`: the scores as this reader may see
    them, the district's campaigns, the benchmarks), the rows and figures its board report
    shares (`results`, built from them when first asked for), and whether this reader may read
    the staff's comments (its district's leaders)."""

    campaign: Campaign
    dashboard: Dashboard
    reads_staff_voice: bool
    now: dt.datetime
    runs_campaign: bool

    @cached_property
    def results(self) -> CampaignResults:
        return campaign_results_from(campaign=self.campaign, dashboard=self.dashboard)

    @property
    def scores(self) -> CampaignScores:
        return self.dashboard.scores

    def header_context(self) -> dict[str, Any]:
        """What the page shows above its results (onpoint.page_fragments renders the rest)."""
        return {
            "campaign": self.campaign,
            "scores": self.scores,
            "stage_label": STAGE_LABELS[self.scores.stage],
            "now": self.now,
            "reads_staff_voice": self.reads_staff_voice,
            "runs_campaign": self.runs_campaign,
        }

    def context(self) -> dict[str, Any]:
        return {**self.results.context(), **self.header_context()}

    @property
    def content_key(self) -> str:
        """A digest of everything the results show, and nothing else: the same for two readers
        exactly when they would see the same results (a principal's scores hold their school
        alone, so theirs differ from a leader's), and new as soon as a stored row it comes from
        changes (onpoint.page_fragments keys its rendered results on it)."""
        return hashlib.sha256(
            repr(_content_facts(self.campaign, self.dashboard)).encode()
        ).hexdigest()


def _campaign_facts(campaign: Campaign) -> tuple[Any, ...]:
    return (
        campaign.pk,
        campaign.name,
        campaign.opens_at,
        campaign.closes_at,
        campaign.expected_responses,
    )


def _content_facts(campaign: Campaign, dashboard: Dashboard) -> tuple[Any, ...]:
    """What CampaignResults is built from (campaign_results_from), as plain values."""
    scores = dashboard.scores
    version = dashboard.benchmarks.version
    return (
        _campaign_facts(campaign),
        (version.pk, version.fingerprint) if version is not None else None,
        (
            scores.stage,
            scores.n_responses,
            scores.computed_at,
            scores.benchmark_version.pk if scores.benchmark_version else None,
            scores.scores,
            scores.percentile_ranks,
            scores.by_school,
            scores.by_role,
            scores.landmarks,
            scores.alignment,
            scores.only_school,
        ),
        [
            (_campaign_facts(s.campaign), s.stage, s.computed_at, s.released, s.scores)
            for s in dashboard.history
        ],
    )


def campaign_page(
    *, campaign: Campaign, user: User, now: dt.datetime
) -> CampaignWaitingPage | CampaignDashboardPage:
    """The page of `campaign` (from campaign_for; its district loaded) as `user` sees it. The
    user's memberships (1: a principal sees their own school only, and whether they lead the
    district, campaign_reader_of) and the scores (2 queries), then the waiting page, or the
    district's campaigns (1, page_selectors.dashboard_of; one more the first time the process
    reads the version's benchmarks)."""
    reader = campaign_reader_of(user=user, district=campaign.district)
    scores = selectors.campaign_scores_read_by(reader=reader, campaign=campaign)
    runs_campaign = scores.only_school is None
    if not scores.results_ready:
        return CampaignWaitingPage(
            campaign=campaign,
            scores=scores,
            participation=scores.participation,
            stage_label=STAGE_LABELS[scores.stage],
            now=now,
            runs_campaign=runs_campaign,
        )
    return CampaignDashboardPage(
        campaign=campaign,
        dashboard=page_selectors.dashboard_of(campaign=campaign, scores=scores),
        reads_staff_voice=campaign.asks_comments and reader.leads,
        now=now,
        runs_campaign=runs_campaign,
    )
