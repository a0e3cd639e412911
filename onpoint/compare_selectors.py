"""Reads of the consultants' compare page and portfolio: the districts a person serves, each
with its latest released campaign and the one before, filtered and sorted in SQL; their rows,
open campaigns, chart points and states.

Nothing here recomputes a score; every function makes a fixed number of queries, named in its
docstring, whatever the number of rows. The caller has already restricted the districts to
what the user may see (districts.selectors).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from districts.models import District
from onpoint import selectors
from onpoint.method.stages import stage_of
from onpoint.method.structure import ONPOINT, STAGES
from onpoint.models import CampaignResult, GroupScore
from onpoint.selectors import CampaignSummary
from onpoint.stage_filters import stage_index_expression, stage_q
from surveys.models import Campaign
from surveys.participation import response_rate

COMPARE_SORTS: Final[dict[str, str]] = {
    "name": "name",
    "state": "state",
    "stage": "stage_index",
    "onpoint": "latest_onpoint",
    "percentile": "latest_percentile",
    "gap": "latest_gap",
    "rate": "latest_rate",
    "last": "latest_opens_at",
    "change": "onpoint_change",
}
# A district's latest released results older than this many months are stale (issue 16): a
# board asks about this year, and the consultant should know the number predates it.
STALE_AFTER_MONTHS: Final = 18


def _latest_campaigns(now: dt.datetime) -> QuerySet[Campaign]:
    """A district's released campaigns (closed, with their scores stored since), latest first
    (by opening, then creation). An open campaign, or one still being scored, changes nothing
    on the compare page (method 1.1, "Release")."""
    return Campaign.objects.filter(
        district=OuterRef("pk"),
        closes_at__lte=now,
        result__computed_at__gte=F("closes_at"),
    ).order_by("-opens_at", "-pk")


def _whole_onpoint(campaign_id: str) -> QuerySet[GroupScore, Any]:
    """The stored whole-campaign Onpoint score of the campaign named by the outer annotation."""
    return GroupScore.objects.filter(
        campaign_id=OuterRef(campaign_id), breakdown=GroupScore.Breakdown.WHOLE
    ).values(ONPOINT)[:1]


def _result_of_latest() -> QuerySet[CampaignResult]:
    return CampaignResult.objects.filter(campaign_id=OuterRef("latest_campaign_id"))


def compare_queryset(
    *,
    districts: QuerySet[District],
    now: dt.datetime,
    today: dt.date,
    stage: str = "",
    state: str = "",
    sort: str = "name",
    descending: bool = False,
) -> QuerySet[District]:
    """The districts, filtered by current stage and state, each annotated with its latest
    released campaign and that campaign's sortable figures, and the one released before it,
    sorted in SQL. One query when evaluated.

    A suppressed Onpoint score is NULL here (the stored row has no value), so it sorts with the
    districts that have no campaign, last. `onpoint_change` is the latest released Onpoint score
    minus the previous released campaign's, NULL unless both are reported (issue 16).
    """
    queryset = _with_latest_figures(districts, now=now, today=today)
    if stage in STAGES:
        queryset = queryset.filter(stage_q(stage, today))
    if state:
        queryset = queryset.filter(state=state)
    column = COMPARE_SORTS.get(sort, "name")
    ordered = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return queryset.order_by(ordered, "name", "pk")


def _with_latest_figures(
    districts: QuerySet[District], *, now: dt.datetime, today: dt.date
) -> QuerySet[District]:
    """The districts annotated with their latest and previous released campaigns, the latest
    one's Onpoint score, percentile, alignment gap and response rate, the change of the Onpoint
    score, and the stage's index: every column the compare page sorts by."""
    latest = _latest_campaigns(now)
    return (
        District.objects.filter(pk__in=districts.values("pk"))
        .annotate(
            latest_campaign_id=Subquery(latest.values("pk")[:1]),
            latest_opens_at=Subquery(latest.values("opens_at")[:1]),
            previous_campaign_id=Subquery(latest.values("pk")[1:2]),
            stage_index=stage_index_expression(today),
        )
        .annotate(
            latest_onpoint=Subquery(_whole_onpoint("latest_campaign_id")),
            previous_onpoint=Subquery(_whole_onpoint("previous_campaign_id")),
            latest_percentile=Subquery(
                _result_of_latest()
                .annotate(rank=Cast(KT("ranks__onpoint"), FloatField()))
                .values("rank")[:1]
            ),
            latest_gap=Subquery(
                _result_of_latest()
                .annotate(gap=Cast(KT("alignment__gap"), FloatField()))
                .values("gap")[:1]
            ),
            latest_rate=Subquery(
                _result_of_latest()
                .annotate(
                    rate=Cast("n_responses", FloatField())
                    / Cast(NullIf("campaign__expected_responses", 0), FloatField())
                )
                .values("rate")[:1]
            ),
        )
        .annotate(
            onpoint_change=ExpressionWrapper(
                F("latest_onpoint") - F("previous_onpoint"), output_field=FloatField()
            )
        )
    )


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter:
    18 months before August 31 is February 28 or 29)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class CompareRow:
    """A district on the compare and portfolio pages: its latest released campaign, the one
    released before it, and the change of the Onpoint score between the two (None unless both
    are reported). `stale`: the latest results closed more than STALE_AFTER_MONTHS ago."""

    district: District
    stage: str
    latest: CampaignSummary | None
    previous: CampaignSummary | None = None
    change: float | None = None
    stale: bool = False

    @property
    def response_rate(self) -> float | None:
        return self.latest.response_rate if self.latest is not None else None


def compare_rows(*, districts: Sequence[District], today: dt.date) -> list[CompareRow]:
    """Rows for districts from `compare_queryset`, in their order, each with its latest and
    previous released campaigns' summaries. One query (the campaigns with their results and
    whole scores, selectors.campaign_summaries)."""
    ids = [
        getattr(d, name, None)
        for d in districts
        for name in ("latest_campaign_id", "previous_campaign_id")
    ]
    summaries = {
        s.campaign.pk: s
        for s in selectors.campaign_summaries(
            campaigns=Campaign.objects.filter(pk__in=[i for i in ids if i])
        )
    }
    stale_before = months_before(today, STALE_AFTER_MONTHS)
    rows = []
    for district in districts:
        latest = summaries.get(getattr(district, "latest_campaign_id", None) or 0)
        previous = summaries.get(getattr(district, "previous_campaign_id", None) or 0)
        change = None
        if latest is not None and previous is not None:
            now_value = latest.scores[ONPOINT].value
            then_value = previous.scores[ONPOINT].value
            if now_value is not None and then_value is not None:
                change = now_value - then_value
        rows.append(
            CompareRow(
                district=district,
                stage=stage_of(district.launch_date, today),
                latest=latest,
                previous=previous,
                change=change,
                stale=latest is not None
                and timezone.localdate(latest.campaign.closes_at) < stale_before,
            )
        )
    return rows


@dataclass(frozen=True)
class OpenCampaign:
    """A campaign open now: its responses so far and the response rate (counts only: method
    1.1 releases nothing else of it)."""

    campaign: Campaign
    n_responses: int

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.n_responses, self.campaign.expected_responses)


def open_campaigns_of(
    *, districts: Sequence[District], now: dt.datetime
) -> dict[int, OpenCampaign]:
    """Each district's open campaign (the latest opened, when several are), by district id. One
    query: the open campaigns with their number of responses."""
    found: dict[int, OpenCampaign] = {}
    rows = (
        Campaign.objects.filter(
            district__in=[d.pk for d in districts], opens_at__lte=now, closes_at__gt=now
        )
        .annotate(n_responses=Count("responses"))
        .order_by("district_id", "-opens_at", "-pk")
    )
    for campaign in rows:
        found.setdefault(
            campaign.district_id,
            OpenCampaign(campaign=campaign, n_responses=campaign.n_responses),
        )
    return found


@dataclass(frozen=True)
class ComparePoint:
    name: str
    stage: str
    onpoint: float | None
    reported: bool


def compare_points(*, queryset: QuerySet[District], limit: int) -> list[ComparePoint] | None:
    """Each district's latest Onpoint score at its latest campaign's stage, for the chart; None
    when more than `limit` districts match (the chart would be unreadable). One query."""
    rows = list(
        queryset.values(  # type: ignore[misc]  # annotated by compare_queryset
            "name", "launch_date", "latest_opens_at", "latest_onpoint"
        )[: limit + 1]
    )
    if len(rows) > limit:
        return None
    return points_of(rows)


def points_of(rows: Iterable[Mapping[str, Any]]) -> list[ComparePoint]:
    """The chart's points of districts from compare_queryset, as its `values()` rows (name,
    launch_date, latest_opens_at, latest_onpoint), in their order. No query."""
    points = []
    for row in rows:
        if row["latest_opens_at"] is None:
            continue
        # The campaign's opening date as Campaign.opens_on reads it (the project's time zone).
        opened = timezone.localdate(row["latest_opens_at"], timezone.get_default_timezone())
        points.append(
            ComparePoint(
                name=row["name"],
                stage=stage_of(row["launch_date"], opened),
                onpoint=row["latest_onpoint"],
                reported=row["latest_onpoint"] is not None,
            )
        )
    return points


@dataclass(frozen=True)
class CompareCounts:
    """The states of the districts a person compares (for the filter), and how many of those
    districts match the page's stage and state filters."""

    states: list[str]
    matching: int


def compare_counts(
    *, districts: QuerySet[District], today: dt.date, stage: str = "", state: str = ""
) -> CompareCounts:
    """The districts' states and the number that compare_queryset keeps for `stage` and
    `state` (the same filters). One query: the districts counted by state."""
    matches = Q()
    if stage in STAGES:
        matches &= stage_q(stage, today)
    if state:
        matches &= Q(state=state)
    counted = (
        District.objects.filter(pk__in=districts.values("pk"))
        .values("state")
        .annotate(n=Count("pk", filter=matches or None))
        .order_by()
    )
    rows = [(row["state"], row["n"]) for row in counted]
    return CompareCounts(
        states=sorted({code for code, _ in rows}), matching=sum(n for _, n in rows)
    )
