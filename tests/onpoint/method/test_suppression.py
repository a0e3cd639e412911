"""Method sections 4 and 9: primary and complementary suppression within one breakdown."""

from __future__ import annotations

import pytest

from onpoint.method.scoring import Aggregate, Score
from onpoint.method.structure import (
    CATEGORY_KEYS,
    DIMENSIONS,
    REASON_COMPLEMENTARY,
    REASON_FEW_RESPONSES,
    SCORE_KEYS,
)
from onpoint.method.suppression import GROUPS_MISMATCH, breakdown_scores

SHOWN = "shown"
FEW = REASON_FEW_RESPONSES
PARTNER = REASON_COMPLEMENTARY


def _aggregates(n: int, **n_by_key: int) -> dict[str, Aggregate]:
    """Every dimension and category with n responses and a mean of 50, unless overridden."""
    aggregates = {}
    for key in (*CATEGORY_KEYS, *DIMENSIONS):
        key_n = n_by_key.get(key, n)
        aggregates[key] = Aggregate(mean=50.0 if key_n else None, n=key_n)
    return aggregates


def _uniform(sizes: dict[str, int]) -> dict[str, dict[str, Score]]:
    """A breakdown whose groups have every score present in every response."""
    return breakdown_scores({name: _aggregates(n) for name, n in sizes.items()}, sizes)


def _status(scores: dict[str, dict[str, Score]], key: str) -> dict[str, str]:
    return {name: group[key].reason or SHOWN for name, group in scores.items()}


def _assert_every_score_key(scores: dict[str, dict[str, Score]], expected: dict[str, str]) -> None:
    for key in SCORE_KEYS:
        assert _status(scores, key) == expected, key


def test_one_suppressed_school_takes_exactly_one_partner() -> None:
    scores = _uniform({"Adams": 3, "Baker": 10, "Clark": 20})
    _assert_every_score_key(scores, {"Adams": FEW, "Baker": PARTNER, "Clark": SHOWN})


def test_suppressed_schools_of_one_and_two_responses_take_one_more() -> None:
    scores = _uniform({"A": 1, "B": 2, "C": 6, "D": 7})
    _assert_every_score_key(scores, {"A": FEW, "B": FEW, "C": PARTNER, "D": SHOWN})


def test_suppressed_schools_holding_five_responses_together_need_no_partner() -> None:
    scores = _uniform({"A": 4, "B": 4, "C": 30})
    _assert_every_score_key(scores, {"A": FEW, "B": FEW, "C": SHOWN})


def test_two_suppressed_roles_of_three_and_two_need_no_partner() -> None:
    scores = _uniform(
        {"teacher": 40, "coach": 3, "school_leader": 6, "technology": 2, "district_staff": 9}
    )
    _assert_every_score_key(
        scores,
        {
            "coach": FEW,
            "district_staff": SHOWN,
            "school_leader": SHOWN,
            "teacher": SHOWN,
            "technology": FEW,
        },
    )


def test_a_tie_for_partner_goes_to_the_name_first_in_code_point_order() -> None:
    # "O" (U+004F) sorts before "m" (U+006D), although "maple" comes first in a dictionary.
    scores = _uniform({"Adams": 2, "maple": 8, "Oak": 8, "Pine": 9})
    _assert_every_score_key(scores, {"Adams": FEW, "Oak": PARTNER, "Pine": SHOWN, "maple": SHOWN})


def test_unspecified_is_suppressed_like_any_school() -> None:
    scores = _uniform({"Unspecified": 2, "Lincoln": 12, "Washington": 40})
    _assert_every_score_key(scores, {"Lincoln": PARTNER, "Unspecified": FEW, "Washington": SHOWN})


def test_unspecified_can_be_the_partner_like_any_school() -> None:
    scores = _uniform({"Lincoln": 3, "Unspecified": 6, "Washington": 40})
    _assert_every_score_key(scores, {"Lincoln": FEW, "Unspecified": PARTNER, "Washington": SHOWN})


def test_a_large_school_is_suppressed_when_the_small_ones_hold_four_responses_together() -> None:
    scores = _uniform({"A": 1, "B": 1, "C": 2, "D": 20})
    _assert_every_score_key(scores, {"A": FEW, "B": FEW, "C": FEW, "D": PARTNER})


def test_a_breakdown_of_small_groups_only_shows_nothing_and_takes_no_partner() -> None:
    scores = _uniform({"A": 2, "B": 2})
    _assert_every_score_key(scores, {"A": FEW, "B": FEW})


def test_a_school_with_no_response_is_not_listed_and_takes_no_part() -> None:
    groups = {"A": _aggregates(10), "B": _aggregates(12), "Ghost": _aggregates(0)}
    scores = breakdown_scores(groups, {"A": 10, "B": 12, "Ghost": 0})
    assert list(scores) == ["A", "B"]
    _assert_every_score_key(scores, {"A": SHOWN, "B": SHOWN})


def test_a_group_with_no_answer_for_one_score_draws_a_partner_for_that_score() -> None:
    # The reading documented in breakdown_scores: n = 0 for a score is a suppressed score.
    groups = {"A": _aggregates(8, vision=0), "B": _aggregates(12), "C": _aggregates(20)}
    scores = breakdown_scores(groups, {"A": 8, "B": 12, "C": 20})
    assert _status(scores, "vision") == {"A": FEW, "B": PARTNER, "C": SHOWN}
    assert _status(scores, "plan") == {"A": SHOWN, "B": SHOWN, "C": SHOWN}
    assert scores["A"]["vision"].n == 0


def test_complementary_suppression_chooses_partners_score_by_score() -> None:
    groups = {
        "A": _aggregates(9, vision=3, plan=2),
        "B": _aggregates(20, vision=10, plan=20),
        "C": _aggregates(12, vision=12, plan=7),
    }
    scores = breakdown_scores(groups, {"A": 9, "B": 20, "C": 12})
    assert _status(scores, "vision") == {"A": FEW, "B": PARTNER, "C": SHOWN}
    assert _status(scores, "plan") == {"A": FEW, "B": SHOWN, "C": PARTNER}
    assert _status(scores, "strategy") == {"A": SHOWN, "B": SHOWN, "C": SHOWN}
    assert _status(scores, "onpoint") == {"A": SHOWN, "B": SHOWN, "C": SHOWN}


def test_onpoint_of_each_group_follows_its_categories_after_complementary_suppression() -> None:
    groups = {
        "A": _aggregates(12, design=4),
        "B": _aggregates(20, design=15),
        "C": _aggregates(30, design=30),
    }
    scores = breakdown_scores(groups, {"A": 12, "B": 20, "C": 30})
    assert _status(scores, "design") == {"A": FEW, "B": PARTNER, "C": SHOWN}
    assert scores["A"]["onpoint"] == Score(value=None, n=12, reported=False, reason=FEW)
    assert scores["B"]["onpoint"] == Score(value=None, n=20, reported=False, reason=PARTNER)
    assert scores["C"]["onpoint"] == Score(value=50.0, n=30, reported=True, reason=None)


def test_a_partner_keeps_its_n_and_loses_its_value() -> None:
    scores = _uniform({"Adams": 3, "Baker": 10, "Clark": 20})
    assert scores["Baker"]["culture"].as_dict() == {
        "value": None,
        "n": 10,
        "reported": False,
        "reason": "complementary suppression",
    }


def test_groups_are_listed_in_code_point_order() -> None:
    scores = _uniform({"maple": 6, "Élan": 6, "Unspecified": 6, "Oak": 6})
    assert list(scores) == ["Oak", "Unspecified", "maple", "Élan"]


def test_every_group_has_every_score_key() -> None:
    scores = _uniform({"A": 3, "B": 10})
    assert all(list(group) == list(SCORE_KEYS) for group in scores.values())


def test_rejects_counts_for_groups_that_have_no_aggregates() -> None:
    with pytest.raises(ValueError, match=GROUPS_MISMATCH):
        breakdown_scores({"A": _aggregates(6)}, {"A": 6, "B": 7})
