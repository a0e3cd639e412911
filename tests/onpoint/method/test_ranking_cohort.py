"""RankingCohort: ranks by bisection, exactly the ranks of the plain pass over the cohort."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from onpoint.method.benchmarks import RankingCohort, percentile_rank

# Scores on the method's grid and off it, with near-ties at the fourth decimal.
SCORES = st.one_of(
    st.floats(min_value=0, max_value=100, allow_nan=False),
    st.integers(min_value=0, max_value=3600).map(lambda n: n / 36),
    st.integers(min_value=0, max_value=200).map(lambda n: 50 + n / 100_000),
)


@given(SCORES, st.lists(SCORES, min_size=1, max_size=60))
def test_a_ranking_cohort_ranks_exactly_as_the_plain_cohort(
    score: float, cohort: list[float]
) -> None:
    assert percentile_rank(score, RankingCohort(cohort)) == percentile_rank(score, cohort)


def test_a_ranking_cohort_counts_half_of_the_values_equal_at_four_decimals() -> None:
    cohort = RankingCohort([40.0, 10.0, 20.00001, 20.0, 30.0])  # any order
    assert percentile_rank(20.00004, cohort) == 100 * (1 + 0.5 * 2) / 5
    assert percentile_rank(5.0, cohort) == 0.0
    assert percentile_rank(99.0, cohort) == 100.0
    assert len(cohort) == 5
