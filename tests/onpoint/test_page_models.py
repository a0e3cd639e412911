"""The pages as models (onpoint.pages), called without HTTP: what each page function returns
for a scored world, as a leader and as a consultant, and how many queries it makes.

The world is test_pages.py's: Maple (a campaign with a school of 3) and Oak in Year 1, four peer
districts, the national benchmarks built from them; the clock pinned so stages hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from districts.models import District, Milestone, PathPlace
from onpoint import benchmark_rebuild, selectors
from onpoint.exports import ALL_SCHOOLS, CSV_COLUMNS, PARTICIPATION_COLUMNS, campaign_csv
from onpoint.method.scoring import round_for_display
from onpoint.method.structure import (
    LANDMARK_KEYS,
    ONPOINT,
    SCORE_KEYS,
    STAGE_LABELS,
    STAGES,
    UNKNOWN,
)
from onpoint.models import BenchmarkVersion, GroupScore
from onpoint.pages.benchmarks import benchmarks_page
from onpoint.pages.campaign import CampaignDashboardPage, CampaignWaitingPage, campaign_page
from onpoint.pages.compare import PICK_TOO_FEW, PICK_TOO_MANY, compare_page
from onpoint.pages.journey import LANDMARK_WAITING, journey_page
from onpoint.pages.national_map import national_map_page
from onpoint.pages.portfolio import portfolio_page
from surveys.models import Campaign
from tests.factories import UserFactory
from tests.onpoint.builders import campaign_of, store, uniform
from tests.onpoint.pages_world import (
    campaigns_for,
    closed_campaign,
    district_at,
    launched_for,
    maple_campaign_with_a_school_of_three,
    peer_districts,
    scored,
)

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@dataclass
class World:
    maple: District
    oak: District
    campaign: Campaign
    oak_campaign: Campaign
    peers: list[District]


@pytest.fixture
def world(maple: District, oak: District) -> World:
    for district in (maple, oak):
        district.launch_date = launched_for("year_1")
        district.save(update_fields=["launch_date"])
    campaign = maple_campaign_with_a_school_of_three(maple)
    oak_campaign = scored(
        closed_campaign(oak, name="Oak survey", expected_responses=10),
        [(uniform(3), "teacher", None)] * 6,
    )
    peers = peer_districts(4)
    benchmark_rebuild.benchmarks_rebuild()
    # The process has served a page since the version was built: its rows are kept
    # (onpoint.selectors reads a version's rows once per process). The counts below are a
    # page's from then on.
    selectors.benchmarks_current()
    return World(maple=maple, oak=oak, campaign=campaign, oak_campaign=oak_campaign, peers=peers)


def counted(call: Any) -> tuple[Any, int]:
    """What `call()` returns and how many queries it made."""
    with CaptureQueriesContext(connection) as captured:
        found = call()
    return found, len(captured.captured_queries)


def clock() -> dict[str, Any]:
    return {"now": timezone.now(), "today": timezone.localdate()}


# --- the journey map -----------------------------------------------------------------------------


def test_the_journey_page_of_a_scored_district_as_its_leader(
    world: World, leader_of_maple: Any
) -> None:
    Milestone.objects.create(
        district=world.maple, happened_on=world.campaign.opens_on, text="Kickoff"
    )
    world.maple.path_place = PathPlace.values[1]
    world.maple.save(update_fields=["path_place"])

    # journey_of: the campaigns with their results, versions and whole scores (1; the landmark
    # campaign's benchmarks come with its version, their rows kept), the milestones (1), the
    # learning offers (1); the access, which says the leadership too (1); co-travelers: the
    # districts ahead (1, none found in Year 1's world).
    page, n_queries = counted(
        lambda: journey_page(district=world.maple, user=leader_of_maple, **clock())
    )

    assert n_queries == 5
    assert page.stage_label == STAGE_LABELS["year_1"]
    assert [stop.key for stop in page.path] == list(PathPlace.values)
    assert [stop.key for stop in page.path if stop.current] == [PathPlace.values[1]]
    assert [column.key for column in page.stages] == list(STAGES)
    year_1 = next(column for column in page.stages if column.current)
    assert year_1.key == "year_1"
    assert [s.campaign.pk for s in year_1.campaigns] == [world.campaign.pk]
    assert page.landmark_campaign is not None
    assert page.landmark_campaign.campaign.pk == world.campaign.pk
    assert [landmark.key for landmark in page.landmarks] == [
        key for key in LANDMARK_KEYS if key in page.landmark_campaign.landmarks
    ]
    assert [landmark for landmark, _ in page.landmark_rows] == page.landmarks
    assert page.landmark_version == BenchmarkVersion.objects.latest("id")
    assert page.may_keep_learning
    assert page.access.may_set_place
    assert [m.text for m in page.journey.milestones] == ["Kickoff"]
    # The growth chart draws the released campaign's Onpoint score.
    stored = GroupScore.objects.get(campaign=world.campaign, breakdown="whole").onpoint
    assert stored is not None
    assert page.chart.key == "onpoint-journey"
    # Its data table names the campaign at Year 1; its points are plotted to one decimal.
    year_1_row = next(row for row in page.chart.table.rows if row[0] == STAGE_LABELS["year_1"])
    assert year_1_row[-1].startswith(world.campaign.name)
    assert any(
        isinstance(y, float) and abs(y - stored) <= 0.05
        for trace in page.chart.figure["data"]
        for y in trace.get("y") or ()
    )
    assert page.co_travelers == []
    assert page.stages_ahead == [
        STAGE_LABELS["year_2"],
        STAGE_LABELS["year_3_plus"],
    ]
    assert set(page.context()) >= {"district", "journey", "path", "stages", "chart", "now"}


def test_a_consultant_keeps_milestones_but_neither_sets_the_place_nor_keeps_learning(
    world: World, consultant_for_maple_and_oak: Any
) -> None:
    page = journey_page(district=world.maple, user=consultant_for_maple_and_oak, **clock())
    assert page.access.may_edit_milestones
    assert not page.access.may_set_place
    assert not page.may_keep_learning


def test_before_its_first_results_every_landmark_waits(
    db: None, leader_of_maple: Any, maple: District
) -> None:
    store(campaign_of(maple), [(uniform(3), "teacher", None)] * 5)  # open: counts only
    page = journey_page(district=maple, user=leader_of_maple, **clock())
    assert page.landmark_campaign is None
    assert page.landmark_version is None
    assert [landmark.key for landmark in page.landmarks] == list(LANDMARK_KEYS)
    assert {landmark.status for landmark in page.landmarks} == {UNKNOWN}
    assert {landmark.explanation for landmark in page.landmarks} == {LANDMARK_WAITING}


def test_co_travelers_ahead_show_their_path_with_the_viewers_stage_marked(
    world: World, leader_of_maple: Any
) -> None:
    ahead = district_at("year_2", name="Cedar Unified", state="OR", named_as_co_traveler=True)
    # Last January Cedar was in Year 1, where Maple is now; this autumn it is in Year 2.
    last_year = closed_campaign(ahead, days_ago=310, name="Cedar, Year 1")
    scored(last_year, [(uniform(2), "teacher", None)] * 5)
    scored(closed_campaign(ahead, name="Cedar, Year 2"), [(uniform(4), "teacher", None)] * 5)
    page = journey_page(district=world.maple, user=leader_of_maple, **clock())
    [row] = page.co_travelers
    assert row.traveler.district == ahead
    assert row.stage_label == STAGE_LABELS["year_2"]
    assert [(step.label, step.score, step.here) for step in row.path] == [
        (STAGE_LABELS["year_1"], pytest.approx(25.0), True),
        (STAGE_LABELS["year_2"], pytest.approx(75.0), False),
    ]


# --- a campaign's page ----------------------------------------------------------------------------


def test_a_released_campaign_gets_its_dashboard_with_the_stored_scores(
    world: World, leader_of_maple: Any
) -> None:
    campaign = Campaign.objects.select_related("district", "instrument").get(pk=world.campaign.pk)

    # The reader's memberships (the school a principal is kept to, issue 15, and their
    # leadership, since the campaign asks for comments) (1); the scores: the result with its
    # version and the group scores (2); campaign_results_of: the district's campaigns with
    # their results and whole scores (1; the version's benchmarks are kept).
    page, n_queries = counted(
        lambda: campaign_page(campaign=campaign, user=leader_of_maple, now=timezone.now())
    )

    assert n_queries == 4
    assert page.runs_campaign
    assert isinstance(page, CampaignDashboardPage)
    stored = GroupScore.objects.get(campaign=campaign, breakdown="whole").onpoint
    assert page.results.onpoint.value == stored
    assert page.results.response_rate == pytest.approx(21 / 30)
    assert [row.key for row in page.results.score_rows] == list(SCORE_KEYS)
    assert page.reads_staff_voice is campaign.asks_comments
    context = page.context()
    assert context["onpoint"] == page.results.onpoint
    assert context["reads_staff_voice"] is page.reads_staff_voice


def test_an_open_campaign_gets_the_waiting_page_with_counts_only(
    maple: District, leader_of_maple: Any
) -> None:
    campaign = campaign_of(maple, expected_responses=12)
    store(campaign, [(uniform(3), "teacher", None)] * 4)
    page = campaign_page(campaign=campaign, user=leader_of_maple, now=timezone.now())
    assert isinstance(page, CampaignWaitingPage)
    assert page.participation is not None
    assert page.participation.n_responses == 4
    assert not page.scores.results_ready
    assert "results" not in page.context()


def test_the_csv_of_a_released_campaign_has_its_scores_and_an_open_ones_its_counts(
    world: World, maple: District, leader_of_maple: Any
) -> None:
    released = campaign_csv(campaign=world.campaign, user=leader_of_maple)
    assert released.filename == f"maple-valley-campaign-{world.campaign.pk}-scores.csv"
    assert released.rows[0] == list(CSV_COLUMNS)
    stored = GroupScore.objects.get(campaign=world.campaign, breakdown="whole").onpoint
    assert stored is not None
    whole_onpoint = next(row for row in released.rows if row[:3] == ["campaign", "", ONPOINT])
    assert whole_onpoint[4] == f"{round_for_display(stored):.1f}"

    open_now = campaign_of(maple, expected_responses=8)
    store(open_now, [(uniform(3), "teacher", None)] * 2)
    counts = campaign_csv(
        campaign=Campaign.objects.select_related("district").get(pk=open_now.pk),
        user=leader_of_maple,
    )
    assert counts.filename == f"maple-valley-campaign-{open_now.pk}-responses.csv"
    assert counts.rows[0] == list(PARTICIPATION_COLUMNS)
    assert counts.rows[1][:3] == [ALL_SCHOOLS, "2", "8"]
    assert all(ONPOINT not in row for row in counts.rows)


# --- the compare page and the portfolio -----------------------------------------------------------


def test_compare_sorts_filters_and_links_each_column_to_its_other_order(
    world: World, consultant_for_maple_and_oak: Any
) -> None:
    # The consultant (1), the states and the count (1), the page's rows (1), their campaigns
    # with whole scores (1), the current version (1; its benchmarks are kept); the chart's
    # points are the page's rows (every match is on the page).
    page, n_queries = counted(
        lambda: compare_page(
            user=consultant_for_maple_and_oak,
            query=QueryDict("sort=onpoint&order=desc&page=1"),
            **clock(),
        )
    )

    assert n_queries == 5
    # Maple's Onpoint score is about 67.9 (its 21 responses), Oak's 50.
    assert [row.district for row in page.rows] == [world.maple, world.oak]
    assert page.sort == "onpoint"
    assert page.order == "desc"
    onpoint = next(column for column in page.columns if column.key == "onpoint")
    assert onpoint.aria_sort == "descending"
    assert QueryDict(onpoint.href.lstrip("?"))["order"] == "asc"
    name = next(column for column in page.columns if column.key == "name")
    assert name.aria_sort is None
    assert QueryDict(name.href.lstrip("?"))["order"] == "asc"
    assert "page" not in QueryDict(page.page_query)
    assert page.states == sorted({world.maple.state, world.oak.state})
    assert page.chart is not None
    assert page.chart_too_many == ""
    assert page.side_by_side is None
    assert page.pick_error == ""

    oregon = compare_page(user=consultant_for_maple_and_oak, query=QueryDict("state=or"), **clock())
    assert [row.district for row in oregon.rows] == [world.maple]


def test_compare_puts_two_to_six_picks_side_by_side(
    world: World, consultant_for_maple_and_oak: Any
) -> None:
    user = consultant_for_maple_and_oak
    both = compare_page(user=user, query=QueryDict("pick=maple-valley&pick=oak-ridge"), **clock())
    assert both.pick_error == ""
    assert both.side_by_side is not None
    assert both.picks == {"maple-valley", "oak-ridge"}

    one = compare_page(user=user, query=QueryDict("pick=maple-valley"), **clock())
    assert one.pick_error == PICK_TOO_FEW
    assert one.side_by_side is None

    many = "&".join(f"pick=d{index}" for index in range(7))
    seven = compare_page(user=user, query=QueryDict(many), **clock())
    assert seven.pick_error == PICK_TOO_MANY
    assert seven.side_by_side is None

    # A slug the consultant does not serve does not count.
    foreign = compare_page(user=user, query=QueryDict("pick=maple-valley&pick=peer-00"), **clock())
    assert foreign.pick_error == PICK_TOO_FEW


def test_the_portfolio_shows_each_district_its_open_campaign_and_stale_results(
    world: World, consultant_for_maple_and_oak: Any
) -> None:
    open_now = campaign_of(world.oak, expected_responses=20)
    store(open_now, [(uniform(3), "teacher", None)] * 5)

    # The consultant (1), the page's count and rows (2), their campaigns with whole scores (1),
    # the open campaigns with their responses (1).
    page, n_queries = counted(
        lambda: portfolio_page(user=consultant_for_maple_and_oak, page_number=1, **clock())
    )

    assert n_queries == 5
    assert [card.row.district for card in page.cards] == [world.maple, world.oak]
    maple_card, oak_card = page.cards
    assert maple_card.open is None
    assert oak_card.open is not None
    assert oak_card.open.campaign == open_now
    assert oak_card.open.response_rate == pytest.approx(5 / 20)
    assert page.open_count == 1
    assert page.stale_count == 0


def test_results_older_than_eighteen_months_are_flagged_stale(
    maple: District, leader_of_maple: Any
) -> None:
    maple.launch_date = launched_for("year_3_plus")
    maple.save(update_fields=["launch_date"])
    scored(closed_campaign(maple, days_ago=600), [(uniform(3), "teacher", None)] * 5)
    page = portfolio_page(user=leader_of_maple, page_number=1, **clock())
    [card] = page.cards
    assert card.row.stale
    assert page.stale_count == 1


# --- the national pages ---------------------------------------------------------------------------


def test_the_benchmarks_page_has_every_score_at_every_stage_and_the_versions(world: World) -> None:
    # The latest versions and their number (2): the first is the current one, whose benchmarks
    # are kept.
    page, n_queries = counted(benchmarks_page)

    assert n_queries == 2
    assert page.version == BenchmarkVersion.objects.latest("id")
    assert [table.stage for table in page.tables] == list(STAGES)
    for table in page.tables:
        assert [line.key for line in table.rows] == list(SCORE_KEYS)
    year_1 = page.tables[STAGES.index("year_1")]
    onpoint = next(line for line in year_1.rows if line.key == ONPOINT)
    assert onpoint.benchmark.published
    assert onpoint.benchmark.n_districts == 6
    assert page.history.total == BenchmarkVersion.objects.count()
    assert page.history.versions[0] == page.version
    assert len(page.growth) == 4
    assert page.shares is not None


def test_the_national_map_counts_every_district_and_names_only_the_listed(world: World) -> None:
    world.oak.listed_on_national_map = True
    world.oak.save(update_fields=["listed_on_national_map"])
    Milestone.objects.create(
        district=world.maple, happened_on=dt.date(2026, 10, 1), text="Maple's milestone"
    )

    # The counts by stage and place (1), the milestones (1), the listed districts and their
    # number (2).
    page, n_queries = counted(lambda: national_map_page(today=timezone.localdate()))

    assert n_queries == 4
    assert page.total == District.objects.count() == 6
    assert dict(page.stage_counts)[STAGE_LABELS["year_1"]] == 6
    assert [row.district for row in page.listed] == [world.oak]
    assert page.listed_total == 1
    assert page.listed[0].stage == STAGE_LABELS["year_1"]
    milestones = [m for place in page.places for m in place.milestones]
    maples = [m for m in milestones if m.text == "Maple's milestone"]
    assert maples  # Maple chose not to be named
    assert maples[0].district_name is None
    assert sum(place.count for place in page.places) == page.total


def test_page_query_counts_do_not_grow_with_districts(db: None) -> None:
    consultant: Any = UserFactory(username="counting.consultant")
    peer_districts(3, consultant=consultant)
    benchmark_rebuild.benchmarks_rebuild()

    def all_counts() -> list[int]:
        query = QueryDict("sort=onpoint&pick=peer-00&pick=peer-01")
        return [
            counted(lambda: compare_page(user=consultant, query=query, **clock()))[1],
            counted(lambda: portfolio_page(user=consultant, page_number=1, **clock()))[1],
            counted(benchmarks_page)[1],
            counted(lambda: national_map_page(today=timezone.localdate()))[1],
        ]

    with_three = all_counts()
    peer_districts(12, consultant=consultant, start=3)
    campaigns_for(District.objects.get(slug="peer-00"), 5)
    benchmark_rebuild.benchmarks_rebuild()
    assert all_counts() == with_three
