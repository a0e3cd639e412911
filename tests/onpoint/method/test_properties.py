"""Properties the method promises for every input, checked with hypothesis."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from onpoint.method.benchmarks import benchmark_of, percentile, percentile_rank
from onpoint.method.scoring import (
    Aggregate,
    ItemSpec,
    aggregate_responses,
    group_scores,
    item_score,
    score_response,
)
from onpoint.method.structure import (
    CATEGORY_KEYS,
    DIMENSIONS,
    MIN_REPORTED_N,
    ONPOINT,
    REASON_COMPLEMENTARY,
    SCORE_KEYS,
)
from onpoint.method.suppression import breakdown_scores

VERSION_1 = tuple(
    ItemSpec(f"{dimension}_{i}", dimension, reverse_coded=f"{dimension}_{i}" == "buy_in_3")
    for dimension in DIMENSIONS
    for i in (1, 2, 3)
)
ANSWERS = st.fixed_dictionaries(
    {item.code: st.one_of(st.none(), st.integers(1, 5)) for item in VERSION_1}
)
SCORES = st.floats(min_value=0, max_value=100)
GROUP_NAMES = ["Adams", "Baker", "Oak", "Unspecified", "maple", "Élan", "teacher", "coach"]

Breakdown = tuple[dict[str, dict[str, Aggregate]], dict[str, int]]


@st.composite
def breakdowns(draw: st.DrawFn) -> Breakdown:
    """Groups of 0 to 12 responses whose scores are each present in 0 to all of them."""
    names = draw(st.lists(st.sampled_from(GROUP_NAMES), min_size=1, max_size=6, unique=True))
    groups: dict[str, dict[str, Aggregate]] = {}
    sizes: dict[str, int] = {}
    for name in names:
        sizes[name] = draw(st.integers(0, 12))
        groups[name] = {}
        for key in (*CATEGORY_KEYS, *DIMENSIONS):
            n = draw(st.integers(0, sizes[name]))
            groups[name][key] = Aggregate(mean=draw(SCORES) if n else None, n=n)
    return groups, sizes


@given(st.integers(1, 5))
def test_reverse_coding_is_symmetric(answer: int) -> None:
    assert item_score(answer, reverse_coded=True) == item_score(6 - answer, reverse_coded=False)


@given(st.lists(ANSWERS, max_size=12))
def test_every_score_of_a_response_and_of_a_group_is_between_0_and_100(
    responses: list[dict[str, int | None]],
) -> None:
    scored = [score_response(answers, VERSION_1) for answers in responses]
    for response in scored:
        values = [
            *response.item_scores.values(),
            *response.dimensions.values(),
            *response.categories.values(),
        ]
        assert all(0 <= value <= 100 for value in values if value is not None)
    for score in group_scores(aggregate_responses(scored), len(scored)).values():
        assert score.value is None or 0 <= score.value <= 100
        assert score.reported == (score.value is not None)


@given(breakdowns())
def test_no_breakdown_shows_a_group_while_the_hidden_ones_hold_fewer_than_5(
    breakdown: Breakdown,
) -> None:
    scores = breakdown_scores(*breakdown)
    for key in SCORE_KEYS:
        shown = [group[key] for group in scores.values() if group[key].reported]
        hidden = [group[key] for group in scores.values() if not group[key].reported]
        assert all(score.n >= MIN_REPORTED_N for score in shown)
        if shown and hidden:
            assert sum(score.n for score in hidden) >= MIN_REPORTED_N, key


@given(breakdowns())
def test_complementary_suppression_takes_no_partner_it_does_not_need(
    breakdown: Breakdown,
) -> None:
    scores = breakdown_scores(*breakdown)
    for key in (*CATEGORY_KEYS, *DIMENSIONS):
        hidden = [group[key] for group in scores.values() if not group[key].reported]
        partners = [score for score in hidden if score.reason == REASON_COMPLEMENTARY]
        if partners:
            largest_partner = max(score.n for score in partners)
            assert sum(score.n for score in hidden) - largest_partner < MIN_REPORTED_N, key


@given(breakdowns())
def test_a_groups_onpoint_is_reported_exactly_when_its_four_categories_are(
    breakdown: Breakdown,
) -> None:
    groups, sizes = breakdown
    for name, scores in breakdown_scores(groups, sizes).items():
        categories_reported = all(scores[key].reported for key in CATEGORY_KEYS)
        assert scores[ONPOINT].reported == categories_reported
        assert scores[ONPOINT].n == sizes[name]


@given(st.lists(SCORES, min_size=1, max_size=40))
def test_percentiles_never_decrease_from_p10_to_p90_and_stay_within_the_values(
    values: list[float],
) -> None:
    ordered = sorted(values)
    figures = [percentile(ordered, q) for q in (0, 10, 25, 50, 75, 90, 100)]
    assert figures == sorted(figures)
    assert figures[0] == ordered[0]
    assert figures[-1] == ordered[-1]


@given(st.lists(SCORES, min_size=5, max_size=40))
def test_a_benchmarks_mean_stays_between_the_lowest_and_highest_value(
    values: list[float],
) -> None:
    benchmark = benchmark_of(values)
    assert benchmark.published
    assert benchmark.mean is not None
    assert min(values) <= benchmark.mean <= max(values)


@given(SCORES, st.lists(SCORES, min_size=1, max_size=40))
def test_a_percentile_rank_is_between_0_and_100(score: float, cohort: list[float]) -> None:
    assert 0 <= percentile_rank(score, cohort) <= 100


@given(SCORES, SCORES, st.lists(SCORES, min_size=1, max_size=40))
def test_a_higher_score_never_ranks_lower(a: float, b: float, cohort: list[float]) -> None:
    low, high = sorted((a, b))
    assert percentile_rank(low, cohort) <= percentile_rank(high, cohort)
