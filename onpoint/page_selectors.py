"""Reads the dashboards need beyond onpoint.selectors, on the stored rows only.

Nothing here recomputes a score: values come from GroupScore, CampaignResult and the benchmark
versions that onpoint.rescore and onpoint.benchmark_rebuild write. Every function makes a fixed
number of queries, named in its docstring, whatever the number of rows. The caller has already
restricted the districts to what the user may see (districts.selectors); the national reads
(`national_*`) show only counts and the names of districts that chose to be listed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Abs, Cast, NullIf, RowNumber
from django.utils import timezone

from districts.models import District, LearningOffer, Milestone, PathPlace
from onpoint import selectors
from onpoint.method.stages import SCHOOL_YEAR_FIRST_MONTH, school_year, stage_of
from onpoint.method.structure import ONPOINT, STAGES
from onpoint.models import BenchmarkVersion, CampaignResult, GroupScore
from onpoint.selectors import BenchmarkSet, CampaignScores, CampaignSummary
from surveys.models import Campaign
from surveys.participation import response_rate

# --- stages in SQL ---------------------------------------------------------------------------


def stage_bounds(stage: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The launch dates (inclusive low, exclusive high; None is open) that put a district at
    `stage` on `today` (method section 2). A district with no launch date is `planning` too.

    The school year of `today` starts on July 1 of `school_year(today)`: launched since then
    (and not after today) is Year 1, in the school year before is Year 2, earlier is Year 3+.
    """
    this_year = dt.date(school_year(today), SCHOOL_YEAR_FIRST_MONTH, 1)
    last_year = this_year.replace(year=this_year.year - 1)
    tomorrow = today + dt.timedelta(days=1)
    bounds: dict[str, tuple[dt.date | None, dt.date | None]] = {
        "planning": (tomorrow, None),
        "year_1": (this_year, tomorrow),
        "year_2": (last_year, this_year),
        "year_3_plus": (None, last_year),
    }
    return bounds[stage]


def stage_q(stage: str, today: dt.date, field: str = "launch_date") -> Q:
    """Districts at `stage` on `today`, as a filter on their launch date."""
    low, high = stage_bounds(stage, today)
    condition = Q()
    if low is not None:
        condition &= Q(**{f"{field}__gte": low})
    if high is not None:
        condition &= Q(**{f"{field}__lt": high})
    if stage == "planning":
        condition |= Q(**{f"{field}__isnull": True})
    return condition


def stage_index_expression(today: dt.date) -> Case:
    """The district's stage on `today` as its index in STAGES, for sorting in SQL."""
    return Case(
        *(When(stage_q(stage, today), then=Value(index)) for index, stage in enumerate(STAGES)),
        output_field=IntegerField(),
    )


# --- the district's journey map --------------------------------------------------------------


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
    """Seven queries at most: the district's campaigns with their results and whole scores (2),
    the benchmark versions they were ranked against (1), the benchmarks the landmark campaign
    was computed against (2, one when no version exists), the milestones (1) and the
    professional-learning offers (1)."""
    campaigns = selectors.district_campaign_history(district=district)
    released = [summary for summary in campaigns if summary.results_ready]
    reported = [summary for summary in released if summary.scores[ONPOINT].reported]
    candidates = reported or released
    landmark_campaign = candidates[-1] if candidates else None
    version_ids = {s.benchmark_version_id for s in campaigns if s.benchmark_version_id}
    versions = {v.pk: v for v in BenchmarkVersion.objects.filter(pk__in=version_ids)}
    benchmarks = _benchmarks_for(
        landmark_campaign.benchmark_version_id if landmark_campaign else None
    )
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


def _benchmarks_for(version_id: int | None) -> BenchmarkSet:
    """The benchmarks of this version (so a chart matches the ranks beside it), else the current
    ones. Two queries (one when no version exists at all)."""
    if version_id is not None:
        found = selectors.benchmarks_of_version(version_id=version_id)
        if found is not None:
            return found
    return selectors.benchmarks_current()


# --- co-travelers: districts a stage or two ahead (issue 16) --------------------------------------


@dataclass(frozen=True)
class CoTraveler:
    """A district one or two stages ahead that chose to be named (`named_as_co_traveler`).

    `milestones`: theirs from when they were at the stage the viewing district is in now,
    oldest first. `path`: their Onpoint score at each stage, from the latest released campaign
    at that stage whose score is reported ("when they were where you are"), in stage order.
    """

    district: District
    stage: str
    milestones: list[Milestone]
    path: list[tuple[str, float]]

    def onpoint_at(self, stage: str) -> float | None:
        return dict(self.path).get(stage)


def stages_ahead(stage: str, *, most: int = 2) -> tuple[str, ...]:
    """The next one or two stages after `stage` (none after Year 3+)."""
    index = STAGES.index(stage)
    return tuple(STAGES[index + 1 : index + 1 + most])


def co_travelers_of(
    *, district: District, stage: str, now: dt.datetime, today: dt.date, limit: int
) -> list[CoTraveler]:
    """Up to `limit` named districts one or two stages ahead of `district` (at `stage` on
    `today`), nearest first: the same state first, then the closest enrollment, then the
    nearer stage, then the name. Only released campaigns count (method 1.1), and only a
    reported Onpoint score. Three queries (none at Year 3+): the districts, their milestones,
    their released Onpoint scores.
    """
    ahead = stages_ahead(stage)
    if not ahead:
        return []
    at_stage_ahead = Q()
    for later in ahead:
        at_stage_ahead |= stage_q(later, today)
    size_gap: Any = (
        Abs(F("enrollment") - Value(district.enrollment))
        if district.enrollment is not None
        else Value(None, output_field=IntegerField())
    )
    found = list(
        District.objects.filter(at_stage_ahead, named_as_co_traveler=True)
        .exclude(pk=district.pk)
        .annotate(
            other_state=Case(When(state=district.state, then=Value(0)), default=Value(1)),
            size_gap=size_gap,
            stage_index=stage_index_expression(today),
        )
        .order_by("other_state", F("size_gap").asc(nulls_last=True), "stage_index", "name", "pk")[
            :limit
        ]
    )
    if not found:
        return []
    by_id = {d.pk: d for d in found}
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.filter(district__in=found).order_by("happened_on", "pk"):
        traveler = by_id[milestone.district_id]
        if stage_of(traveler.launch_date, milestone.happened_on) == stage:
            milestones[traveler.pk].append(milestone)
    paths: dict[int, dict[str, float]] = defaultdict(dict)
    released = (
        GroupScore.objects.filter(
            campaign__district__in=found,
            breakdown=GroupScore.Breakdown.WHOLE,
            onpoint__isnull=False,
            campaign__closes_at__lte=now,
            campaign__result__computed_at__gte=F("campaign__closes_at"),
        )
        .order_by("campaign__opens_at", "campaign__pk")
        .values_list("campaign__district_id", "campaign__opens_at", ONPOINT)
    )
    for district_id, opens_at, value in released:
        if value is None:  # filtered out above; for the type checker
            continue
        # Later campaigns at a stage replace earlier ones: the latest released, as the cohorts.
        campaign_stage = stage_of(by_id[district_id].launch_date, timezone.localdate(opens_at))
        paths[district_id][campaign_stage] = value
    return [
        CoTraveler(
            district=traveler,
            stage=stage_of(traveler.launch_date, today),
            milestones=milestones[traveler.pk],
            path=[(s, paths[traveler.pk][s]) for s in STAGES if s in paths[traveler.pk]],
        )
        for traveler in found
    ]


# --- a campaign's dashboard --------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    scores: CampaignScores
    history: list[CampaignSummary]
    benchmarks: BenchmarkSet


def dashboard_of(*, campaign: Campaign, scores: CampaignScores | None = None) -> Dashboard:
    """Six queries: the campaign's result and group scores (2, none when `scores` is given),
    the district's campaigns with their results and whole scores (2), and the benchmarks the
    ranks were computed against (2; one when no version exists). `campaign.district` must be
    loaded."""
    scores = scores or selectors.campaign_scores(campaign=campaign)
    history = selectors.district_campaign_history(district=campaign.district)
    version_id = scores.benchmark_version.pk if scores.benchmark_version else None
    return Dashboard(scores=scores, history=history, benchmarks=_benchmarks_for(version_id))


# --- the consultants' compare page -------------------------------------------------------------

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
    latest = _latest_campaigns(now)
    queryset = (
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
    if stage in STAGES:
        queryset = queryset.filter(stage_q(stage, today))
    if state:
        queryset = queryset.filter(state=state)
    column = COMPARE_SORTS.get(sort, "name")
    ordered = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return queryset.order_by(ordered, "name", "pk")


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
    previous released campaigns' summaries. Two queries (campaigns with results, their whole
    scores)."""
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


def compare_states(*, districts: QuerySet[District]) -> list[str]:
    """The states of these districts, for the filter. One query."""
    return sorted(
        set(District.objects.filter(pk__in=districts.values("pk")).values_list("state", flat=True))
    )


# --- the national benchmarks -------------------------------------------------------------------


@dataclass(frozen=True)
class VersionHistory:
    versions: list[BenchmarkVersion]
    total: int


def benchmark_history(*, limit: int) -> VersionHistory:
    """The latest `limit` benchmark versions, newest first, and how many exist. Two queries."""
    return VersionHistory(
        versions=list(BenchmarkVersion.objects.order_by("-id")[:limit]),
        total=BenchmarkVersion.objects.count(),
    )


# --- the national journey map ------------------------------------------------------------------


def national_stage_place_counts(*, today: dt.date) -> dict[str, dict[str, int]]:
    """How many districts are at each stage (on `today`) and each place on the path. One query:
    a count per place of each stage's districts."""
    aggregates: dict[str, Any] = {
        f"{stage}__{place}": Count("pk", filter=stage_q(stage, today) & Q(path_place=place))
        for stage in STAGES
        for place in PathPlace.values
    }
    totals = District.objects.aggregate(**aggregates)
    return {
        stage: {place: int(totals[f"{stage}__{place}"] or 0) for place in PathPlace.values}
        for stage in STAGES
    }


@dataclass(frozen=True)
class NationalMilestone:
    """A milestone on the national map: the district is named only if it chose to be."""

    text: str
    happened_on: dt.date
    place: str
    stage: str
    district_name: str | None
    district_state: str | None


def national_milestones(*, per_place: int) -> dict[str, list[NationalMilestone]]:
    """The latest `per_place` milestones of the districts at each place on the path, by place in
    the path's order. One query (a row number per place, in SQL)."""
    ranked = Milestone.objects.annotate(
        place=F("district__path_place"),
        rank=Window(
            RowNumber(),
            partition_by=[F("district__path_place")],
            order_by=[F("happened_on").desc(), F("pk").desc()],
        ),
    )
    rows = (
        ranked.filter(rank__lte=per_place)
        .select_related("district")
        .only(
            "text",
            "happened_on",
            "district__path_place",
            "district__launch_date",
            "district__listed_on_national_map",
            "district__name",
            "district__state",
        )
        .order_by("district__path_place", "-happened_on", "-pk")
    )
    by_place: dict[str, list[NationalMilestone]] = defaultdict(list)
    for milestone in rows:
        district = milestone.district
        listed = district.listed_on_national_map
        by_place[district.path_place].append(
            NationalMilestone(
                text=milestone.text,
                happened_on=milestone.happened_on,
                place=district.path_place,
                stage=stage_of(district.launch_date, milestone.happened_on),
                district_name=district.name if listed else None,
                district_state=district.state_name if listed else None,
            )
        )
    return {place: by_place.get(place, []) for place in PathPlace.values}


@dataclass(frozen=True)
class ListedDistricts:
    districts: list[District]
    total: int


def national_listed_districts(*, limit: int) -> ListedDistricts:
    """Districts that chose to be named on the national map, by name, and how many. Two
    queries."""
    listed = District.objects.filter(listed_on_national_map=True)
    return ListedDistricts(
        districts=list(
            listed.only("name", "state", "launch_date", "path_place").order_by("name")[:limit]
        ),
        total=listed.count(),
    )
