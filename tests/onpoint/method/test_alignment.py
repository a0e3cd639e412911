"""Method sections 7 and 9: stakeholder alignment between roles."""

from __future__ import annotations

import pytest

from onpoint.method.alignment import UNKNOWN_ROLE, Alignment, CategoryGap, alignment_of
from onpoint.method.scoring import Aggregate, Score
from onpoint.method.structure import (
    CATEGORY_KEYS,
    DIMENSIONS,
    REASON_COMPLEMENTARY,
    REASON_FEW_RESPONSES,
    SCORE_KEYS,
)
from onpoint.method.suppression import breakdown_scores


def _role(**categories: float | None) -> dict[str, Score]:
    """A role's scores: 50 from 20 responses unless given; None = suppressed."""
    scores = {}
    for key in SCORE_KEYS:
        value = categories.get(key, 50.0)
        scores[key] = (
            Score.shown(value, 20)
            if value is not None
            else Score.suppressed(3, REASON_FEW_RESPONSES)
        )
    return scores


def test_the_perception_gap_is_the_highest_role_score_minus_the_lowest() -> None:
    alignment = alignment_of(
        {
            "teacher": _role(strategy=48.0),
            "district_staff": _role(strategy=66.0),
            "coach": _role(strategy=55.0),
        }
    )
    assert alignment.categories["strategy"] == CategoryGap(
        gap=18.0, high_role="district_staff", low_role="teacher", divided=True
    )


def test_a_category_is_divided_at_a_gap_of_exactly_15() -> None:
    alignment = alignment_of({"teacher": _role(culture=50.0), "coach": _role(culture=65.0)})
    assert alignment.categories["culture"].divided


def test_divided_is_decided_at_full_precision_not_on_the_rounded_gap() -> None:
    alignment = alignment_of({"teacher": _role(culture=50.0), "coach": _role(culture=64.96)})
    culture = alignment.categories["culture"]
    assert not culture.divided
    assert culture.as_dict() == {
        "gap": 15.0,
        "high_role": "coach",
        "low_role": "teacher",
        "divided": False,
    }


def test_a_category_with_one_reported_role_has_no_gap() -> None:
    alignment = alignment_of({"teacher": _role(design=40.0), "coach": _role(design=None)})
    assert alignment.categories["design"] == CategoryGap(None, None, None, divided=False)
    assert alignment.categories["design"].as_dict() == {
        "gap": None,
        "high_role": None,
        "low_role": None,
        "divided": False,
    }


def test_a_role_hidden_by_complementary_suppression_takes_no_part() -> None:
    partner = {**_role(operations=90.0), "operations": Score.suppressed(9, REASON_COMPLEMENTARY)}
    alignment = alignment_of(
        {"teacher": _role(operations=40.0), "coach": _role(operations=45.0), "technology": partner}
    )
    assert alignment.categories["operations"] == CategoryGap(
        gap=5.0, high_role="coach", low_role="teacher", divided=False
    )


def test_alignment_uses_the_by_role_scores_after_complementary_suppression() -> None:
    def aggregates(n: int, strategy: float) -> dict[str, Aggregate]:
        means = {key: 50.0 for key in (*CATEGORY_KEYS, *DIMENSIONS)} | {"strategy": strategy}
        return {key: Aggregate(mean=mean, n=n) for key, mean in means.items()}

    sizes = {"teacher": 30, "coach": 6, "technology": 2}
    by_role = breakdown_scores(
        {
            "teacher": aggregates(30, strategy=50.0),
            "coach": aggregates(6, strategy=80.0),
            "technology": aggregates(2, strategy=10.0),
        },
        sizes,
    )
    # technology (2) is suppressed and takes coach (6) as its partner: only teacher is left.
    assert alignment_of(by_role).categories["strategy"].gap is None


def test_the_campaign_gap_is_the_largest_category_gap() -> None:
    alignment = alignment_of(
        {
            "teacher": _role(strategy=40.0, operations=50.0, design=60.0, culture=70.0),
            "school_leader": _role(strategy=52.5, operations=49.0, design=60.0, culture=73.0),
        }
    )
    assert alignment.gap == 12.5
    assert [alignment.categories[c].gap for c in CATEGORY_KEYS] == [12.5, 1.0, 0.0, 3.0]


def test_the_campaign_gap_is_absent_when_no_category_has_two_roles() -> None:
    alignment = alignment_of({"teacher": _role()})
    assert alignment == Alignment(
        gap=None, categories=dict.fromkeys(CATEGORY_KEYS, CategoryGap(None, None, None, False))
    )


def test_a_tie_for_highest_goes_to_the_role_key_first_in_code_point_order() -> None:
    alignment = alignment_of(
        {
            "teacher": _role(strategy=70.0),
            "coach": _role(strategy=70.0),
            "technology": _role(strategy=40.0),
        }
    )
    assert alignment.categories["strategy"].high_role == "coach"


def test_a_tie_for_lowest_goes_to_the_role_key_first_in_code_point_order() -> None:
    alignment = alignment_of(
        {
            "teacher": _role(strategy=40.0),
            "coach": _role(strategy=40.0),
            "technology": _role(strategy=70.0),
        }
    )
    assert alignment.categories["strategy"].low_role == "coach"
    assert alignment.categories["strategy"].high_role == "technology"


def test_equal_roles_have_a_gap_of_0_named_after_the_first_role() -> None:
    alignment = alignment_of({"teacher": _role(), "coach": _role(), "district_staff": _role()})
    assert alignment.categories["culture"] == CategoryGap(
        gap=0.0, high_role="coach", low_role="coach", divided=False
    )


def test_alignment_as_dict_is_the_api_shape() -> None:
    alignment = alignment_of(
        {"teacher": _role(strategy=48.0), "district_staff": _role(strategy=66.1)}
    )
    shown = alignment.as_dict()
    assert shown["gap"] == 18.1
    assert isinstance(shown["categories"], dict)
    assert shown["categories"]["strategy"] == {
        "gap": 18.1,
        "high_role": "district_staff",
        "low_role": "teacher",
        "divided": True,
    }
    assert list(shown["categories"]) == list(CATEGORY_KEYS)


def test_rejects_a_group_that_is_not_a_role() -> None:
    with pytest.raises(ValueError, match=UNKNOWN_ROLE.format(role="Lincoln Elementary")):
        alignment_of({"Lincoln Elementary": _role()})
