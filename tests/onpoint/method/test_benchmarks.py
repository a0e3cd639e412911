"""Method section 5: cohorts, benchmarks, percentile ranks and growth."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from onpoint.method.benchmarks import (
    EMPTY_VALUES,
    UNSORTED_VALUES,
    Benchmark,
    CampaignFacts,
    benchmark_of,
    benchmarks_by_stage,
    campaign_rank,
    cohorts,
    eligible,
    growth_share,
    growth_shares,
    percentile,
    percentile_rank,
)
from onpoint.method.scoring import Score
from onpoint.method.structure import REASON_FEW_RESPONSES, SCORE_KEYS, STAGES

# Expected percentiles below are worked by hand as (n - 1) * q / 100 between closest ranks,
# and agree with numpy.percentile(values, q).
FIVE = [10.0, 20.0, 30.0, 40.0, 50.0]
SIX = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
SEVEN = [3.0, 7.5, 12.0, 40.25, 41.0, 99.0, 100.0]


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        (FIVE, 10, 14.0),  # position 0.4: 10 + 0.4 * 10
        (FIVE, 25, 20.0),  # position 1
        (FIVE, 50, 30.0),
        (FIVE, 75, 40.0),
        (FIVE, 90, 46.0),  # position 3.6: 40 + 0.6 * 10
        (SIX, 10, 1.5),  # position 0.5
        (SIX, 25, 2.5),  # position 1.25: 2 + 0.25 * 2
        (SIX, 50, 6.0),  # position 2.5: 4 + 0.5 * 4
        (SIX, 75, 14.0),  # position 3.75: 8 + 0.75 * 8
        (SIX, 90, 24.0),  # position 4.5: 16 + 0.5 * 16
        (SEVEN, 10, 5.7),  # position 0.6: 3 + 0.6 * 4.5
        (SEVEN, 25, 9.75),  # position 1.5: 7.5 + 0.5 * 4.5
        (SEVEN, 50, 40.25),
        (SEVEN, 75, 70.0),  # position 4.5: 41 + 0.5 * 58
        (SEVEN, 90, 99.4),  # position 5.4: 99 + 0.4 * 1
        (SEVEN, 0, 3.0),
        (SEVEN, 100, 100.0),
        ([7.0], 90, 7.0),
    ],
)
def test_percentile_interpolates_linearly_between_closest_ranks(
    values: list[float], q: float, expected: float
) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_of_no_values_is_an_error() -> None:
    with pytest.raises(ValueError, match=EMPTY_VALUES):
        percentile([], 50)


def test_percentile_refuses_unsorted_values() -> None:
    with pytest.raises(ValueError, match=UNSORTED_VALUES):
        percentile([2.0, 1.0], 50)


def test_a_benchmark_of_four_districts_is_not_published() -> None:
    benchmark = benchmark_of([40.0, 50.0, 60.0, 70.0])
    assert benchmark == Benchmark(n_districts=4, published=False)
    assert benchmark.as_dict() == {"n_districts": 4, "published": False}


def test_a_benchmark_of_five_districts_is_published_with_every_figure() -> None:
    benchmark = benchmark_of([50.0, 30.0, 10.0, 40.0, 20.0])
    assert benchmark == Benchmark(
        n_districts=5, published=True, mean=30.0, p10=14.0, p25=20.0, p50=30.0, p75=40.0, p90=46.0
    )


def test_a_published_benchmark_rounds_every_figure_to_one_decimal_halves_up() -> None:
    assert benchmark_of(SEVEN).as_dict() == {
        "n_districts": 7,
        "published": True,
        "mean": 43.3,  # 43.25
        "p10": 5.7,
        "p25": 9.8,  # 9.75
        "p50": 40.3,  # 40.25
        "p75": 70.0,
        "p90": 99.4,
    }


def test_an_unpublished_benchmark_cannot_carry_figures() -> None:
    with pytest.raises(ValueError, match="unpublished one has none"):
        Benchmark(n_districts=3, published=False, p50=40.0)


# Cohorts.


def _campaign(
    campaign_id: int,
    district_id: int,
    *,
    stage: str = "year_1",
    opens_at: datetime = datetime(2024, 10, 1, tzinfo=UTC),
    created_order: int | None = None,
    closed: bool = True,
    excluded: bool = False,
    onpoint: float | None = 60.0,
    **values: float | None,
) -> CampaignFacts:
    """A campaign whose scores are 50 from 20 responses, unless given; None = suppressed."""
    given = {"onpoint": onpoint, **values}
    scores = {}
    for key in SCORE_KEYS:
        value = given.get(key, 50.0)
        scores[key] = (
            Score.shown(value, 20)
            if value is not None
            else Score.suppressed(3, REASON_FEW_RESPONSES)
        )
    return CampaignFacts(
        campaign_id=campaign_id,
        district_id=district_id,
        stage=stage,
        opens_at=opens_at,
        created_order=campaign_id if created_order is None else created_order,
        closed=closed,
        excluded=excluded,
        scores=scores,
    )


def test_a_closed_included_campaign_with_a_reported_onpoint_score_is_eligible() -> None:
    assert eligible(_campaign(1, 1))


@pytest.mark.parametrize(
    "campaign",
    [
        _campaign(1, 1, closed=False),
        _campaign(1, 1, excluded=True),
        _campaign(1, 1, onpoint=None),
    ],
    ids=["open", "excluded", "onpoint not reported"],
)
def test_a_campaign_is_not_eligible_when_open_excluded_or_without_onpoint(
    campaign: CampaignFacts,
) -> None:
    assert not eligible(campaign)
    assert cohorts([campaign])[campaign.stage]["onpoint"] == []


def test_a_cohort_takes_the_latest_eligible_campaign_of_each_district() -> None:
    campaigns = [
        _campaign(1, 1, onpoint=40.0, opens_at=datetime(2024, 9, 1, tzinfo=UTC)),
        _campaign(2, 1, onpoint=45.0, opens_at=datetime(2025, 3, 1, tzinfo=UTC)),
        _campaign(3, 1, onpoint=99.0, opens_at=datetime(2025, 5, 1, tzinfo=UTC), closed=False),
        _campaign(4, 2, onpoint=70.0),
    ]
    assert cohorts(campaigns)["year_1"]["onpoint"] == [45.0, 70.0]


def test_a_cohort_breaks_a_tie_of_opening_time_by_creation() -> None:
    campaigns = [
        _campaign(7, 1, onpoint=41.0, created_order=2),
        _campaign(8, 1, onpoint=42.0, created_order=1),
    ]
    assert cohorts(campaigns)["year_1"]["onpoint"] == [41.0]


def test_a_district_counts_once_in_each_stage_it_has_reached() -> None:
    campaigns = [
        _campaign(1, 1, stage="planning", onpoint=30.0),
        _campaign(2, 1, stage="year_1", onpoint=50.0),
    ]
    by_stage = cohorts(campaigns)
    assert by_stage["planning"]["onpoint"] == [30.0]
    assert by_stage["year_1"]["onpoint"] == [50.0]
    assert by_stage["year_2"]["onpoint"] == []


def test_a_cohort_takes_a_districts_value_for_a_key_only_where_reported() -> None:
    campaigns = [
        _campaign(1, 1, opens_at=datetime(2024, 9, 1, tzinfo=UTC), vision=80.0),
        _campaign(2, 1, opens_at=datetime(2025, 3, 1, tzinfo=UTC), vision=None),
        _campaign(3, 2, vision=30.0),
    ]
    by_key = cohorts(campaigns)["year_1"]
    assert by_key["vision"] == [30.0]
    assert len(by_key["onpoint"]) == 2


def test_benchmarks_cover_every_stage_and_score_key_even_when_empty() -> None:
    benchmarks = benchmarks_by_stage([])
    assert list(benchmarks) == list(STAGES)
    assert all(list(by_key) == list(SCORE_KEYS) for by_key in benchmarks.values())
    assert benchmarks["year_2"]["culture"] == Benchmark(n_districts=0, published=False)


def test_benchmarks_by_stage_publish_a_stage_with_five_districts() -> None:
    campaigns = [_campaign(i, i, onpoint=v) for i, v in enumerate(FIVE, start=1)]
    campaigns.append(_campaign(9, 9, stage="year_2"))
    benchmarks = benchmarks_by_stage(campaigns)
    assert benchmarks["year_1"]["onpoint"].p90 == pytest.approx(46.0)
    assert benchmarks["year_1"]["strategy"].mean == 50.0
    assert benchmarks["year_2"]["onpoint"] == Benchmark(n_districts=1, published=False)


# Percentile rank.


def test_percentile_rank_counts_half_of_the_equal_values() -> None:
    # below = 1 (10), equal = 2 (20, 20): 100 * (1 + 0.5 * 2) / 5
    assert percentile_rank(20.0, [10.0, 20.0, 20.0, 30.0, 40.0]) == 40.0


def test_percentile_rank_of_a_score_above_the_whole_cohort_is_100() -> None:
    assert percentile_rank(90.0, FIVE) == 100.0


def test_percentile_rank_of_a_score_below_the_whole_cohort_is_0() -> None:
    assert percentile_rank(1.0, FIVE) == 0.0


def test_percentile_rank_of_a_score_outside_the_cohort_ranks_against_it_as_it_is() -> None:
    # below = 2 (10, 20), equal = 0
    assert percentile_rank(25.0, FIVE) == 40.0


def test_percentile_rank_compares_values_rounded_to_four_decimals() -> None:
    cohort = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
    # 20.00004 rounds to 20.0: equal to 20, not above it. below = 1, equal = 1
    assert percentile_rank(20.00004, cohort) == pytest.approx(100 * 1.5 / 6)
    # 20.00006 rounds to 20.0001: above 20. below = 2, equal = 0
    assert percentile_rank(20.00006, cohort) == pytest.approx(100 * 2 / 6)


def test_percentile_rank_rounds_an_exact_half_to_even() -> None:
    # 50.03125 = 50 + 1/32 is exact in binary: a true tie at the fourth decimal. Half to even
    # gives 50.0312, equal to the cohort's 50.0312; half up would give 50.0313, above it.
    cohort = [40.0, 50.0312, 60.0, 70.0, 80.0]
    assert percentile_rank(50.03125, cohort) == pytest.approx(100 * (1 + 0.5) / 5)


def test_campaign_rank_is_absent_when_the_benchmark_is_not_published() -> None:
    values = [40.0, 50.0, 60.0, 70.0]
    assert campaign_rank(Score.shown(55.0, 30), benchmark_of(values), values) is None


def test_campaign_rank_is_absent_when_the_score_is_not_reported() -> None:
    score = Score.suppressed(4, REASON_FEW_RESPONSES)
    assert campaign_rank(score, benchmark_of(FIVE), FIVE) is None


def test_campaign_rank_ranks_a_reported_score_against_a_published_cohort() -> None:
    assert campaign_rank(Score.shown(30.0, 30), benchmark_of(FIVE), FIVE) == 50.0


def test_campaign_rank_refuses_a_cohort_that_is_not_the_benchmarks() -> None:
    with pytest.raises(ValueError, match="the cohort has 4 values, the benchmark counts 5"):
        campaign_rank(Score.shown(30.0, 30), benchmark_of(FIVE), FIVE[:4])


# Share of growth in the first year.


def _median(p50: float, n_districts: int = 5) -> Benchmark:
    if n_districts < 5:
        return Benchmark(n_districts=n_districts, published=False)
    return Benchmark(
        n_districts=n_districts,
        published=True,
        mean=p50,
        p10=p50 - 10,
        p25=p50 - 5,
        p50=p50,
        p75=p50 + 5,
        p90=p50 + 10,
    )


def test_growth_share_is_the_first_years_part_of_growth_to_year_3() -> None:
    # (54 - 40) / (60 - 40)
    by_stage = {"planning": _median(40), "year_1": _median(54), "year_3_plus": _median(60)}
    assert growth_share(by_stage) == pytest.approx(0.7)


def test_growth_share_ignores_year_2() -> None:
    by_stage = {
        "planning": _median(40),
        "year_1": _median(54),
        "year_2": _median(3, n_districts=2),
        "year_3_plus": _median(60),
    }
    assert growth_share(by_stage) == pytest.approx(0.7)


@pytest.mark.parametrize("unpublished", ["planning", "year_1", "year_3_plus"])
def test_growth_share_is_absent_when_a_stage_it_needs_is_not_published(unpublished: str) -> None:
    by_stage = {"planning": _median(40), "year_1": _median(54), "year_3_plus": _median(60)}
    by_stage[unpublished] = _median(50, n_districts=4)
    assert growth_share(by_stage) is None


@pytest.mark.parametrize("year_3_plus", [40.0, 35.0])
def test_growth_share_is_absent_unless_year_3_is_above_planning(year_3_plus: float) -> None:
    by_stage = {"planning": _median(40), "year_1": _median(54), "year_3_plus": _median(year_3_plus)}
    assert growth_share(by_stage) is None


def test_growth_shares_cover_every_category() -> None:
    campaigns = [
        _campaign(10 * stage_index + d, d, stage=stage, strategy=base + d)
        for stage_index, (stage, base) in enumerate(
            [("planning", 40.0), ("year_1", 54.0), ("year_3_plus", 60.0)]
        )
        for d in range(1, 6)
    ]
    shares = growth_shares(benchmarks_by_stage(campaigns))
    # Medians 43, 57 and 63: (57 - 43) / (63 - 43)
    assert shares["strategy"] == pytest.approx(0.7)
    assert shares["operations"] is None
    assert list(shares) == ["strategy", "operations", "design", "culture"]
