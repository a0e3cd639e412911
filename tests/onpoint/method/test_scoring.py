"""Method sections 3, 4 and 8: scores of one response and of one group."""

from __future__ import annotations

import pytest

from onpoint.method.scoring import (
    ANSWER_OUT_OF_RANGE,
    Aggregate,
    ItemSpec,
    ResponseScores,
    Score,
    aggregate_responses,
    group_scores,
    item_score,
    onpoint_score,
    round_for_display,
    score_response,
)
from onpoint.method.structure import (
    CATEGORIES,
    CATEGORY_KEYS,
    DIMENSIONS,
    REASON_COMPLEMENTARY,
    REASON_FEW_RESPONSES,
    SCORE_KEYS,
)

# Version 1's shape, with buy_in_3 ("just another district initiative") reverse-coded.
VERSION_1 = tuple(
    ItemSpec(
        code=f"{dimension}_{i}", dimension=dimension, reverse_coded=f"{dimension}_{i}" == "buy_in_3"
    )
    for dimension in DIMENSIONS
    for i in (1, 2, 3)
)


def test_version_1_has_27_items_in_nine_dimensions() -> None:
    assert len(VERSION_1) == 27
    assert sum(item.reverse_coded for item in VERSION_1) == 1


# Section 3.1: item scores.


@pytest.mark.parametrize(("answer", "expected"), [(1, 0), (2, 25), (3, 50), (4, 75), (5, 100)])
def test_an_answer_scores_25_points_per_step_of_agreement(answer: int, expected: float) -> None:
    assert item_score(answer, reverse_coded=False) == expected


@pytest.mark.parametrize(("answer", "expected"), [(1, 100), (2, 75), (3, 50), (4, 25), (5, 0)])
def test_a_reverse_coded_answer_scores_25_points_per_step_of_disagreement(
    answer: int, expected: float
) -> None:
    assert item_score(answer, reverse_coded=True) == expected


def test_no_answer_gives_no_item_score() -> None:
    assert item_score(None, reverse_coded=False) is None
    assert item_score(None, reverse_coded=True) is None


@pytest.mark.parametrize("answer", [0, 6, -1, True])
def test_rejects_an_answer_outside_1_to_5(answer: int) -> None:
    with pytest.raises(ValueError, match=ANSWER_OUT_OF_RANGE):
        item_score(answer, reverse_coded=False)


# Sections 3.2 and 3.3: dimension and category scores of one response.


def test_a_dimension_with_two_of_three_items_answered_is_their_mean() -> None:
    scores = score_response({"vision_1": 2, "vision_3": 3}, VERSION_1)
    assert scores.dimensions["vision"] == 37.5


def test_a_dimension_with_one_of_three_items_answered_is_absent() -> None:
    scores = score_response({"vision_1": 5, "vision_2": None}, VERSION_1)
    assert scores.dimensions["vision"] is None
    assert scores.item_scores["vision_1"] == 100


@pytest.mark.parametrize(
    ("n_items", "n_answered", "present"),
    [(4, 1, False), (4, 2, True), (5, 2, False), (5, 3, True), (1, 1, True), (2, 1, True)],
)
def test_a_dimension_needs_half_of_its_items_rounded_up(
    n_items: int, n_answered: int, present: bool
) -> None:
    items = [ItemSpec(f"plan_{i}", "plan", reverse_coded=False) for i in range(n_items)]
    answers = {f"plan_{i}": 4 for i in range(n_answered)}
    assert (score_response(answers, items).dimensions["plan"] == 75) is present


def test_a_dimension_without_items_in_the_instrument_is_absent() -> None:
    scores = score_response({"plan_1": 4}, [ItemSpec("plan_1", "plan", reverse_coded=False)])
    assert scores.dimensions["vision"] is None
    assert scores.categories["strategy"] == 75


def test_a_reverse_coded_item_counts_inverted_in_its_dimension() -> None:
    scores = score_response({"buy_in_1": 4, "buy_in_2": 4, "buy_in_3": 4}, VERSION_1)
    assert scores.dimensions["buy_in"] == pytest.approx((75 + 75 + 25) / 3)


def test_a_category_is_the_mean_of_its_present_dimensions_only() -> None:
    answers = {
        "buy_in_1": 5,
        "buy_in_2": 5,
        "risk_taking_1": 2,
        "risk_taking_2": 3,
        "risk_taking_3": 4,
        "supportive_1": 1,
    }
    scores = score_response(answers, VERSION_1)
    assert scores.dimensions == {**dict.fromkeys(DIMENSIONS), "buy_in": 100, "risk_taking": 50}
    assert scores.categories["culture"] == 75


def test_a_category_is_absent_when_none_of_its_dimensions_is_present() -> None:
    scores = score_response({"devices_tools_1": 3}, VERSION_1)
    assert scores.categories == dict.fromkeys(CATEGORY_KEYS)


def test_rejects_an_answer_to_an_item_the_instrument_does_not_have() -> None:
    with pytest.raises(ValueError, match="unknown item 'vision_4'"):
        score_response({"vision_4": 3}, VERSION_1)


def test_rejects_an_instrument_with_the_same_item_twice() -> None:
    with pytest.raises(ValueError, match="'plan_1' appears more than once"):
        score_response({}, [*VERSION_1, ItemSpec("plan_1", "plan", reverse_coded=False)])


def test_rejects_an_item_of_an_unknown_dimension() -> None:
    with pytest.raises(ValueError, match="unknown dimension 'grit'"):
        ItemSpec("grit_1", "grit", reverse_coded=False)


# Section 8: the worked example, row by row and as a group.

WORKED_EXAMPLE = {
    "r1": {"vision_1": 4, "vision_2": 4, "vision_3": 5, "plan_1": 3, "plan_2": 3, "plan_3": 3},
    "r2": {"vision_1": 2, "vision_3": 3, "plan_1": 4, "plan_2": 4},
    "r3": {"vision_1": 5, "plan_1": 5, "plan_2": 5, "plan_3": 5},
    "r4": {"vision_1": 3, "vision_2": 3, "vision_3": 3, "plan_3": 2},
    "r5": {"vision_1": 1, "vision_2": 1, "vision_3": 1, "plan_1": 1, "plan_2": 1, "plan_3": 1},
    "r6": {},
}


@pytest.mark.parametrize(
    ("response", "vision", "plan", "strategy"),
    [
        ("r1", 250 / 3, 50, (250 / 3 + 50) / 2),
        ("r2", 37.5, 75, 56.25),
        ("r3", None, 100, 100),
        ("r4", 50, None, 50),
        ("r5", 0, 0, 0),
        ("r6", None, None, None),
    ],
)
def test_worked_example_scores_each_response_as_the_method_table(
    response: str, vision: float | None, plan: float | None, strategy: float | None
) -> None:
    scores = score_response(WORKED_EXAMPLE[response], VERSION_1)
    assert scores.dimensions["vision"] == pytest.approx(vision)
    assert scores.dimensions["plan"] == pytest.approx(plan)
    assert scores.categories["strategy"] == pytest.approx(strategy)
    assert all(scores.categories[c] is None for c in ("operations", "design", "culture"))


def _worked_example_group() -> dict[str, Score]:
    responses = [score_response(answers, VERSION_1) for answers in WORKED_EXAMPLE.values()]
    return group_scores(aggregate_responses(responses), n_responses=len(responses))


def test_worked_example_suppresses_vision_and_plan_with_four_responses_each() -> None:
    scores = _worked_example_group()
    assert scores["vision"] == Score(value=None, n=4, reported=False, reason=REASON_FEW_RESPONSES)
    assert scores["plan"] == Score(value=None, n=4, reported=False, reason=REASON_FEW_RESPONSES)


def test_worked_example_reports_strategy_from_five_responses() -> None:
    strategy = _worked_example_group()["strategy"]
    assert strategy.reported
    assert strategy.n == 5
    assert strategy.value == pytest.approx(54.583, abs=0.001)
    assert strategy.as_dict() == {"value": 54.6, "n": 5, "reported": True}


def test_worked_example_does_not_report_the_onpoint_score() -> None:
    scores = _worked_example_group()
    assert scores["onpoint"] == Score(value=None, n=6, reported=False, reason=REASON_FEW_RESPONSES)
    assert [scores[c].n for c in ("operations", "design", "culture")] == [0, 0, 0]


def test_worked_example_aggregates_only_responses_where_the_score_is_present() -> None:
    responses = [score_response(answers, VERSION_1) for answers in WORKED_EXAMPLE.values()]
    aggregates = aggregate_responses(responses)
    assert aggregates["vision"].n == 4
    assert aggregates["vision"].mean == pytest.approx((250 / 3 + 37.5 + 50 + 0) / 4)
    assert aggregates["vision"].mean == pytest.approx(42.708, abs=0.001)
    assert aggregates["plan"] == Aggregate(mean=56.25, n=4)
    assert aggregates["culture"] == Aggregate(mean=None, n=0)
    assert set(aggregates) == set(CATEGORY_KEYS) | set(DIMENSIONS)


# Section 4: scores of a group.


def _aggregates(n: int, **means: float) -> dict[str, Aggregate]:
    return {key: Aggregate(mean=means.get(key, 50.0), n=n) for key in (*CATEGORIES, *DIMENSIONS)}


def test_suppresses_a_school_with_four_responses() -> None:
    scores = group_scores(_aggregates(4), n_responses=4)
    assert all(score.reason == REASON_FEW_RESPONSES for score in scores.values())
    assert all(score.value is None and score.n == 4 for score in scores.values())


def test_reports_a_group_with_five_responses() -> None:
    scores = group_scores(_aggregates(5), n_responses=5)
    assert all(score.reported and score.value == 50 for score in scores.values())
    assert list(scores) == list(SCORE_KEYS)


def test_onpoint_is_the_mean_of_the_four_category_scores() -> None:
    aggregates = _aggregates(20, strategy=60, operations=40, design=70, culture=55)
    onpoint = group_scores(aggregates, n_responses=20)["onpoint"]
    assert onpoint == Score(value=56.25, n=20, reported=True, reason=None)


def test_onpoint_n_counts_every_response_of_the_group() -> None:
    aggregates = {**_aggregates(6), "design": Aggregate(mean=40.0, n=5)}
    onpoint = group_scores(aggregates, n_responses=9)["onpoint"]
    assert onpoint.n == 9
    assert onpoint.value == pytest.approx((50 + 50 + 40 + 50) / 4)


def test_onpoint_is_not_reported_when_one_category_is_suppressed() -> None:
    aggregates = {**_aggregates(12), "design": Aggregate(mean=80.0, n=4)}
    onpoint = group_scores(aggregates, n_responses=12)["onpoint"]
    assert onpoint == Score(value=None, n=12, reported=False, reason=REASON_FEW_RESPONSES)


def test_onpoint_takes_the_reason_of_the_first_unreported_category_in_method_order() -> None:
    categories = {
        "strategy": Score.shown(50.0, 10),
        "operations": Score.suppressed(10, REASON_COMPLEMENTARY),
        "design": Score.suppressed(3, REASON_FEW_RESPONSES),
        "culture": Score.shown(50.0, 10),
    }
    assert onpoint_score(categories, 10).reason == REASON_COMPLEMENTARY


def test_onpoint_of_a_group_under_five_responses_says_fewer_than_5() -> None:
    categories = dict.fromkeys(CATEGORY_KEYS, Score.suppressed(4, REASON_COMPLEMENTARY))
    assert onpoint_score(categories, 4).reason == REASON_FEW_RESPONSES


def test_a_score_missing_from_the_aggregates_has_no_response() -> None:
    scores = group_scores({"strategy": Aggregate(mean=70.0, n=8)}, n_responses=8)
    assert scores["strategy"].value == 70
    assert scores["vision"] == Score(value=None, n=0, reported=False, reason=REASON_FEW_RESPONSES)


def test_rejects_a_score_with_more_responses_than_the_group() -> None:
    with pytest.raises(ValueError, match="more than the group's 5 responses"):
        group_scores({"plan": Aggregate(mean=10.0, n=6)}, n_responses=5)


def test_rejects_an_aggregate_for_the_onpoint_score() -> None:
    with pytest.raises(ValueError, match="unknown score key 'onpoint'"):
        group_scores({"onpoint": Aggregate(mean=10.0, n=6)}, n_responses=6)


def test_an_aggregate_has_a_mean_exactly_when_it_has_responses() -> None:
    with pytest.raises(ValueError, match="mean is present exactly when n > 0"):
        Aggregate(mean=None, n=3)
    with pytest.raises(ValueError, match="mean is present exactly when n > 0"):
        Aggregate(mean=50.0, n=0)


def test_aggregate_of_no_responses_has_no_mean_for_any_score() -> None:
    assert set(aggregate_responses([]).values()) == {Aggregate(mean=None, n=0)}


def test_aggregate_matches_a_hand_computed_average_over_present_scores() -> None:
    def response(plan: float | None) -> ResponseScores:
        return ResponseScores(
            item_scores={},
            dimensions={**dict.fromkeys(DIMENSIONS), "plan": plan},
            categories={**dict.fromkeys(CATEGORY_KEYS), "strategy": plan},
        )

    aggregates = aggregate_responses(response(p) for p in (25.0, None, 100.0, 50.0))
    assert aggregates["plan"] == Aggregate(mean=175 / 3, n=3)
    assert aggregates["strategy"] == Aggregate(mean=175 / 3, n=3)


# Section 4: what a score may show.


def test_a_suppressed_score_shows_the_reason_and_no_number() -> None:
    assert Score.suppressed(3, REASON_FEW_RESPONSES).as_dict() == {
        "value": None,
        "n": 3,
        "reported": False,
        "reason": "fewer than 5 responses",
    }
    assert Score.suppressed(9, REASON_COMPLEMENTARY).as_dict()["reason"] == (
        "complementary suppression"
    )


def test_a_reported_score_rounds_to_one_decimal_for_display_only() -> None:
    score = Score.shown(61.249, 37)
    assert score.as_dict() == {"value": 61.2, "n": 37, "reported": True}
    assert score.as_dict(decimals=0) == {"value": 61.0, "n": 37, "reported": True}
    assert score.value == 61.249


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [(56.25, 1, 56.3), (56.75, 1, 56.8), (42.708333, 1, 42.7), (56.5, 0, 57.0), (2.675, 2, 2.68)],
)
def test_display_rounds_halves_up_as_a_spreadsheet_does(
    value: float, decimals: int, shown: float
) -> None:
    assert round_for_display(value, decimals) == shown


def test_a_suppressed_score_cannot_carry_a_value() -> None:
    with pytest.raises(ValueError, match="suppressed score has no value"):
        Score(value=42.0, n=3, reported=False, reason=REASON_FEW_RESPONSES)


def test_a_suppressed_score_needs_a_documented_reason() -> None:
    with pytest.raises(ValueError, match="suppressed score has no value"):
        Score(value=None, n=3, reported=False, reason="too few")


def test_a_score_cannot_be_reported_with_four_responses() -> None:
    with pytest.raises(ValueError, match="reported score has a value, at least 5"):
        Score.shown(50.0, 4)
