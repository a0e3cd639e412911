"""A campaign's page: its dashboard once its results are released, else the waiting page with
the counts alone (method 1.1, "Release")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from districts.selectors import User, campaign_reader_of
from onpoint import selectors
from onpoint.campaign_results import CampaignResults, campaign_results_of
from onpoint.method.structure import STAGE_LABELS
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
    """A released campaign: the rows and figures its board report shares (CampaignResults),
    and whether this reader may read the staff's comments (its district's leaders)."""

    results: CampaignResults
    reads_staff_voice: bool
    now: dt.datetime
    runs_campaign: bool

    def context(self) -> dict[str, Any]:
        return {
            **self.results.context(),
            "now": self.now,
            "reads_staff_voice": self.reads_staff_voice,
            "runs_campaign": self.runs_campaign,
        }


def campaign_page(
    *, campaign: Campaign, user: User, now: dt.datetime
) -> CampaignWaitingPage | CampaignDashboardPage:
    """The page of `campaign` (from campaign_for; its district loaded) as `user` sees it. The
    user's memberships (1: a principal sees their own school only, and whether they lead the
    district, campaign_reader_of) and the scores (2 queries), then the waiting page, or
    campaign_results_of's queries (two once the process has read the version's benchmarks)."""
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
    results = campaign_results_of(campaign=campaign, scores=scores)
    return CampaignDashboardPage(
        results=results,
        reads_staff_voice=campaign.asks_comments and reader.leads,
        now=now,
        runs_campaign=runs_campaign,
    )
