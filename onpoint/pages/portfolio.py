"""The portfolio (issue 16): the landing page of a person with several districts. Each one's
stage, latest released Onpoint score and percentile, the change since the campaign before,
landmark chips, an open campaign's response rate, and a flag when its latest results are over
18 months old."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from districts.models import District
from districts.selectors import User
from onpoint.compare_selectors import (
    STALE_AFTER_MONTHS,
    CompareRow,
    OpenCampaign,
    compare_queryset,
    compare_rows,
    open_campaigns_of,
)
from onpoint.pages.base import PageModel
from onpoint.pages.compare import COMPARE_PAGE_SIZE, districts_compared_by


@dataclass(frozen=True)
class PortfolioCard:
    """A district's card: its compare row and its campaign open now, if any."""

    row: CompareRow
    open: OpenCampaign | None


@dataclass(frozen=True)
class PortfolioPage(PageModel):
    cards: list[PortfolioCard]
    page: Page[District]
    stale_months: int
    stale_count: int
    open_count: int


def portfolio_page(
    *, user: User, page_number: str | int, now: dt.datetime, today: dt.date
) -> PortfolioPage:
    """Page `page_number` of the districts `user` compares (districts_compared_by), by name.
    A fixed number of queries, whatever the districts."""
    queryset = compare_queryset(districts=districts_compared_by(user), now=now, today=today)
    page = Paginator(queryset, COMPARE_PAGE_SIZE).get_page(page_number)
    districts = list(page.object_list)
    rows = compare_rows(districts=districts, today=today)
    open_now = open_campaigns_of(districts=districts, now=now)
    return PortfolioPage(
        cards=[PortfolioCard(row=row, open=open_now.get(row.district.pk)) for row in rows],
        page=page,
        stale_months=STALE_AFTER_MONTHS,
        stale_count=sum(1 for row in rows if row.stale),
        open_count=len(open_now),
    )
