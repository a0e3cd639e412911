"""National benchmarks, percentile ranks and growth (method section 5)."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from statistics import fmean

from onpoint.method.scoring import Score, round_for_display
from onpoint.method.structure import (
    CATEGORY_KEYS,
    MIN_PUBLISHED_DISTRICTS,
    ONPOINT,
    RANK_COMPARISON_DECIMALS,
    SCORE_KEYS,
    STAGES,
)

EMPTY_VALUES = "a percentile of no values does not exist"
UNSORTED_VALUES = "percentile takes values sorted in ascending order"
PERCENTILE_OUT_OF_RANGE = "q is a percentage from 0 to 100"
EMPTY_COHORT = "a percentile rank in an empty cohort does not exist"
COHORT_MISMATCH = "the cohort has {n_values} values, the benchmark counts {n_districts} districts"
UNKNOWN_STAGE = "unknown stage {stage!r}"
INCOMPLETE_BENCHMARK = (
    "a published benchmark has every figure and at least 5 districts; an unpublished one has none"
)

BENCHMARK_PERCENTILES = (10, 25, 50, 75, 90)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-th percentile (q from 0 to 100) of ascending `sorted_values`.

    Linear interpolation between closest ranks, as NumPy's default `percentile` and
    PostgreSQL's `percentile_cont(q / 100)`, down to NumPy's arithmetic: the position is
    `(n - 1) * (q / 100)`, and past the midpoint of two ranks it interpolates back from the
    upper one, which keeps the result inside [lower, upper] in floating point.
    """
    if not sorted_values:
        raise ValueError(EMPTY_VALUES)
    if not 0 <= q <= 100:
        raise ValueError(PERCENTILE_OUT_OF_RANGE)
    if any(a > b for a, b in pairwise(sorted_values)):
        raise ValueError(UNSORTED_VALUES)
    position = (len(sorted_values) - 1) * (q / 100)
    lower_rank = math.floor(position)
    upper_rank = min(lower_rank + 1, len(sorted_values) - 1)
    fraction = position - lower_rank
    lower, upper = sorted_values[lower_rank], sorted_values[upper_rank]
    if fraction >= 0.5:
        return upper - (upper - lower) * (1 - fraction)
    return lower + (upper - lower) * fraction


@dataclass(frozen=True)
class Benchmark:
    """One score's benchmark at one stage. An unpublished benchmark keeps no figures."""

    n_districts: int
    published: bool
    mean: float | None = None
    p10: float | None = None
    p25: float | None = None
    p50: float | None = None
    p75: float | None = None
    p90: float | None = None

    def __post_init__(self) -> None:
        figures = (self.mean, self.p10, self.p25, self.p50, self.p75, self.p90)
        if self.published:
            complete = all(f is not None for f in figures)
            if not complete or self.n_districts < MIN_PUBLISHED_DISTRICTS:
                raise ValueError(INCOMPLETE_BENCHMARK)
        elif any(f is not None for f in figures):
            raise ValueError(INCOMPLETE_BENCHMARK)

    def as_dict(self, decimals: int = 1) -> dict[str, object]:
        """The API's benchmark object (api-v1.md), rounded for display only."""
        if not self.published:
            return {"n_districts": self.n_districts, "published": False}
        figures = {
            "mean": self.mean,
            "p10": self.p10,
            "p25": self.p25,
            "p50": self.p50,
            "p75": self.p75,
            "p90": self.p90,
        }
        return {
            "n_districts": self.n_districts,
            "published": True,
            **{
                name: None if f is None else round_for_display(f, decimals)
                for name, f in figures.items()
            },
        }


def benchmark_of(values: Iterable[float]) -> Benchmark:
    """The benchmark of one cohort's values for one score; published when n_districts >= 5."""
    ordered = sorted(values)
    # Method section 5: "A benchmark is published only when n_districts >= 5".
    if len(ordered) < MIN_PUBLISHED_DISTRICTS:
        return Benchmark(n_districts=len(ordered), published=False)
    p10, p25, p50, p75, p90 = (percentile(ordered, q) for q in BENCHMARK_PERCENTILES)
    return Benchmark(
        n_districts=len(ordered),
        published=True,
        # fmean can land one ulp outside [min, max] (five equal values); the true mean cannot.
        mean=min(max(fmean(ordered), ordered[0]), ordered[-1]),
        p10=p10,
        p25=p25,
        p50=p50,
        p75=p75,
        p90=p90,
    )


@dataclass(frozen=True)
class CampaignFacts:
    """What the benchmarks and landmarks need to know of one campaign.

    `created_order` breaks ties of `opens_at`: the creation time or an increasing id, the same
    kind for every campaign passed together. `scores` are the campaign's whole-group scores.
    """

    campaign_id: int
    district_id: int
    stage: str
    opens_at: datetime
    created_order: int | datetime
    closed: bool
    excluded: bool
    scores: Mapping[str, Score]

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(UNKNOWN_STAGE.format(stage=self.stage))

    @property
    def onpoint_reported(self) -> bool:
        score = self.scores.get(ONPOINT)
        return score is not None and score.reported


def chronological(campaign: CampaignFacts) -> tuple[datetime, int | datetime, int]:
    """Sort key: by `opens_at`, then by creation (method sections 5 and 9), then by id."""
    return (campaign.opens_at, campaign.created_order, campaign.campaign_id)


def eligible(campaign: CampaignFacts) -> bool:
    """Method section 5: closed, not excluded from benchmarks, and its Onpoint score reported."""
    return campaign.closed and not campaign.excluded and campaign.onpoint_reported


def cohorts(campaigns: Iterable[CampaignFacts]) -> dict[str, dict[str, list[float]]]:
    """Each stage's cohort values for each score key, ascending.

    A district contributes its latest eligible campaign in that stage and, for each key, that
    campaign's value only where it is reported (section 9). A key not reported there is left
    out for that district; an earlier campaign does not stand in for it. Every stage and every
    score key is present, with an empty list when no district contributes.
    """
    latest: dict[tuple[str, int], CampaignFacts] = {}
    for campaign in campaigns:
        if not eligible(campaign):
            continue
        slot = (campaign.stage, campaign.district_id)
        if slot not in latest or chronological(campaign) > chronological(latest[slot]):
            latest[slot] = campaign

    by_stage: dict[str, dict[str, list[float]]] = {
        stage: {key: [] for key in SCORE_KEYS} for stage in STAGES
    }
    for (stage, _), campaign in latest.items():
        for key in SCORE_KEYS:
            score = campaign.scores.get(key)
            if score is not None and score.value is not None:
                by_stage[stage][key].append(score.value)
    for values_by_key in by_stage.values():
        for values in values_by_key.values():
            values.sort()
    return by_stage


def benchmarks_by_stage(campaigns: Iterable[CampaignFacts]) -> dict[str, dict[str, Benchmark]]:
    """The benchmark of every score key at every stage, published or not."""
    return {
        stage: {key: benchmark_of(values) for key, values in values_by_key.items()}
        for stage, values_by_key in cohorts(campaigns).items()
    }


class RankingCohort(tuple[float, ...]):
    """A cohort's values with their comparison values (rounded to 4 decimals) kept sorted, so
    that each rank is two bisections instead of a pass over the cohort. Ranking every campaign
    of the country against cohorts of thousands is otherwise quadratic. Same ranks exactly.
    """

    rounded: list[float]

    def __new__(cls, values: Iterable[float]) -> RankingCohort:
        cohort = super().__new__(cls, values)
        cohort.rounded = sorted(round(value, RANK_COMPARISON_DECIMALS) for value in cohort)
        return cohort


def percentile_rank(score: float, cohort_values: Sequence[float]) -> float:
    """Method section 5: `100 * (below + 0.5 * equal) / n`, comparing values at 4 decimals.

    Python's `round` rounds the exact binary value half to even, the reading of section 9.
    """
    if not cohort_values:
        raise ValueError(EMPTY_COHORT)
    target = round(score, RANK_COMPARISON_DECIMALS)
    if isinstance(cohort_values, RankingCohort):
        below = bisect_left(cohort_values.rounded, target)
        equal = bisect_right(cohort_values.rounded, target) - below
        return 100 * (below + 0.5 * equal) / len(cohort_values)
    rounded = [round(value, RANK_COMPARISON_DECIMALS) for value in cohort_values]
    below = sum(1 for value in rounded if value < target)
    equal = sum(1 for value in rounded if value == target)
    return 100 * (below + 0.5 * equal) / len(cohort_values)


def campaign_rank(
    score: Score, benchmark: Benchmark, cohort_values: Sequence[float]
) -> float | None:
    """A campaign's percentile rank for one score against its stage's cohort for that score.

    None when the benchmark is not published or the score is not reported. A campaign outside
    the cohort (still open, say) is ranked against the cohort as it is.
    """
    if not benchmark.published or score.value is None:
        return None
    if len(cohort_values) != benchmark.n_districts:
        raise ValueError(
            COHORT_MISMATCH.format(n_values=len(cohort_values), n_districts=benchmark.n_districts)
        )
    return percentile_rank(score.value, cohort_values)


def growth_share(benchmark_by_stage: Mapping[str, Benchmark]) -> float | None:
    """Share of a category's growth that happens in the first year (method section 5).

    `(p50[year_1] - p50[planning]) / (p50[year_3_plus] - p50[planning])` from the category's
    benchmark at each stage; None unless all three are published and the denominator is
    positive. The fraction is returned as computed, not clamped: a year 1 median below the
    planning median gives a negative share, and one above year 3+ a share above 1.
    """
    medians = []
    for stage in ("planning", "year_1", "year_3_plus"):
        benchmark = benchmark_by_stage.get(stage)
        if benchmark is None or not benchmark.published or benchmark.p50 is None:
            return None
        medians.append(benchmark.p50)
    planning, year_1, year_3_plus = medians
    if year_3_plus - planning <= 0:
        return None
    return (year_1 - planning) / (year_3_plus - planning)


def growth_shares(
    benchmarks: Mapping[str, Mapping[str, Benchmark]],
) -> dict[str, float | None]:
    """`growth_share` of every category, from `benchmarks_by_stage`'s output."""
    return {
        category: growth_share(
            {stage: by_key[category] for stage, by_key in benchmarks.items() if category in by_key}
        )
        for category in CATEGORY_KEYS
    }
