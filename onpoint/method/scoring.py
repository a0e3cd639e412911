"""Scores of one response and of one group of responses (method sections 3 and 4).

Plain data in, plain data out. A suppressed `Score` carries no value at all, so no later step
(an export, a chart, a benchmark) can leak a number the method hides.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean

from onpoint.method.structure import (
    ANSWER_MAX,
    ANSWER_MIN,
    CATEGORIES,
    CATEGORY_KEYS,
    DIMENSIONS,
    MIN_REPORTED_N,
    ONPOINT,
    REASON_COMPLEMENTARY,
    REASON_FEW_RESPONSES,
    SCORE_KEYS,
)

ANSWER_OUT_OF_RANGE = "an answer must be a whole number from 1 to 5, or None for no answer"
UNKNOWN_DIMENSION = "unknown dimension {dimension!r} for item {code!r}"
DUPLICATE_ITEM = "item {code!r} appears more than once in the instrument"
UNKNOWN_ITEM = "answer to unknown item {code!r}"
NEGATIVE_N = "n must not be negative"
MEAN_WITHOUT_N = "a mean is present exactly when n > 0"
REPORTED_WITHOUT_VALUE = "a reported score has a value, at least 5 responses and no reason"
SUPPRESSED_WITH_VALUE = "a suppressed score has no value and one of the documented reasons"
UNKNOWN_SCORE_KEY = "unknown score key {key!r}"
N_ABOVE_RESPONSES = "{key!r} has n={n}, more than the group's {n_responses} responses"

SUPPRESSION_REASONS = (REASON_FEW_RESPONSES, REASON_COMPLEMENTARY)

# Method section 3: an answer a scores (a - 1) * 25, so 1..5 maps onto 0..100.
POINTS_PER_STEP = 25


def round_for_display(value: float, decimals: int = 1) -> float:
    """`value` rounded for display, halves away from zero, as the number reads in decimal.

    Method section 4 keeps scores at full precision and rounds "only for display" without
    naming a rule; this one is a spreadsheet's ROUND and Django's `floatformat`, so a consultant
    reproducing a mean of 56.25 gets the 56.3 the page and the API show (Python's `round`
    would give 56.2). Means of 25-point steps land on such halves often.
    """
    exponent = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(exponent, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ItemSpec:
    code: str
    dimension: str
    reverse_coded: bool

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSIONS:
            raise ValueError(UNKNOWN_DIMENSION.format(dimension=self.dimension, code=self.code))


def item_score(answer: int | None, reverse_coded: bool) -> float | None:
    """The 0-100 score of one answer; None for no answer ("Don't know / not applicable").

    Raises ValueError for an answer outside 1..5.
    """
    if answer is None:
        return None
    if isinstance(answer, bool) or answer not in range(ANSWER_MIN, ANSWER_MAX + 1):
        raise ValueError(ANSWER_OUT_OF_RANGE)
    if reverse_coded:
        return float((ANSWER_MAX - answer) * POINTS_PER_STEP)
    return float((answer - ANSWER_MIN) * POINTS_PER_STEP)


@dataclass(frozen=True)
class ResponseScores:
    """The scores of one response. Every dimension and category key is present; None = absent."""

    item_scores: dict[str, float | None]
    dimensions: dict[str, float | None]
    categories: dict[str, float | None]


def score_response(answers: Mapping[str, int | None], items: Sequence[ItemSpec]) -> ResponseScores:
    """Score one response against an instrument's items (method section 3).

    An item missing from `answers` counts as no answer. An answer to a code that is not one of
    `items` raises ValueError: it means the response and the instrument do not belong together.
    """
    codes: set[str] = set()
    for item in items:
        if item.code in codes:
            raise ValueError(DUPLICATE_ITEM.format(code=item.code))
        codes.add(item.code)
    for code in answers:
        if code not in codes:
            raise ValueError(UNKNOWN_ITEM.format(code=code))

    item_scores = {
        item.code: item_score(answers.get(item.code), item.reverse_coded) for item in items
    }

    dimensions: dict[str, float | None] = {}
    for dimension in DIMENSIONS:
        scores = [item_scores[item.code] for item in items if item.dimension == dimension]
        answered = [score for score in scores if score is not None]
        # Method section 3.2: "present only when at least half of its items, rounded up, are
        # answered". A dimension without items in this instrument has nothing to average.
        if answered and len(answered) >= math.ceil(len(scores) / 2):
            dimensions[dimension] = fmean(answered)
        else:
            dimensions[dimension] = None

    categories: dict[str, float | None] = {}
    for category, category_dimensions in CATEGORIES.items():
        present = [dimensions[d] for d in category_dimensions if dimensions[d] is not None]
        categories[category] = fmean(s for s in present if s is not None) if present else None

    return ResponseScores(item_scores=item_scores, dimensions=dimensions, categories=categories)


@dataclass(frozen=True)
class Aggregate:
    """What SQL's AVG and COUNT give for one score over a group's responses where it is present.

    `mean` is None exactly when `n` is 0, as AVG over no rows is NULL.
    """

    mean: float | None
    n: int

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError(NEGATIVE_N)
        if (self.mean is None) != (self.n == 0):
            raise ValueError(MEAN_WITHOUT_N)


def aggregate_responses(responses: Iterable[ResponseScores]) -> dict[str, Aggregate]:
    """The mean and n of every dimension and category over `responses` (method section 4).

    The pure twin of the SQL aggregate, kept to prove the SQL right.
    """
    present: dict[str, list[float]] = {key: [] for key in (*CATEGORY_KEYS, *DIMENSIONS)}
    for response in responses:
        for key, value in (*response.categories.items(), *response.dimensions.items()):
            if value is not None:
                present[key].append(value)
    return {
        key: Aggregate(mean=fmean(values) if values else None, n=len(values))
        for key, values in present.items()
    }


@dataclass(frozen=True)
class Score:
    """One score of one group as the method lets it be shown.

    Reported: `value` is the full-precision mean and `reason` is None. Suppressed: `value` is
    None and `reason` is one of the two documented reasons. `n` is shown either way.
    """

    value: float | None
    n: int
    reported: bool
    reason: str | None

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError(NEGATIVE_N)
        if self.reported:
            if self.value is None or self.reason is not None or self.n < MIN_REPORTED_N:
                raise ValueError(REPORTED_WITHOUT_VALUE)
        elif self.value is not None or self.reason not in SUPPRESSION_REASONS:
            raise ValueError(SUPPRESSED_WITH_VALUE)

    @classmethod
    def shown(cls, value: float, n: int) -> Score:
        return cls(value=value, n=n, reported=True, reason=None)

    @classmethod
    def suppressed(cls, n: int, reason: str) -> Score:
        return cls(value=None, n=n, reported=False, reason=reason)

    def as_dict(self, decimals: int = 1) -> dict[str, object]:
        """The API's score object (api-v1.md), rounded for display only."""
        if self.value is not None:
            return {
                "value": round_for_display(self.value, decimals),
                "n": self.n,
                "reported": True,
            }
        return {"value": None, "n": self.n, "reported": False, "reason": self.reason}


def _score_of(aggregate: Aggregate) -> Score:
    # Method section 4: "A score is reported only when its n >= 5".
    if aggregate.mean is not None and aggregate.n >= MIN_REPORTED_N:
        return Score.shown(aggregate.mean, aggregate.n)
    return Score.suppressed(aggregate.n, REASON_FEW_RESPONSES)


def onpoint_score(category_scores: Mapping[str, Score], n_responses: int) -> Score:
    """The group's Onpoint score from its category scores as shown (method section 4).

    Call it again after complementary suppression: method section 9, "The Onpoint score has no
    complementary suppression of its own: it is reported when its four category scores are
    reported after theirs". Its n is the number of responses in the group (section 9). When not
    reported, its reason is that of the first unreported category in method order, or "fewer
    than 5 responses" when the whole group has fewer than 5 responses.
    """
    values = [
        score.value
        for key in CATEGORY_KEYS
        if (score := category_scores[key]).reported and score.value is not None
    ]
    if len(values) == len(CATEGORY_KEYS):
        return Score.shown(fmean(values), n_responses)
    if n_responses < MIN_REPORTED_N:
        return Score.suppressed(n_responses, REASON_FEW_RESPONSES)
    first_unreported = next(
        category_scores[key] for key in CATEGORY_KEYS if not category_scores[key].reported
    )
    assert first_unreported.reason is not None, "Score's invariant: suppressed has a reason"
    return Score.suppressed(n_responses, first_unreported.reason)


def group_scores(aggregates: Mapping[str, Aggregate], n_responses: int) -> dict[str, Score]:
    """Every score of one group, before any complementary suppression (method section 4).

    `aggregates` holds the dimension and category keys; a key left out is a score no response
    of the group has (n = 0). `n_responses` counts every response of the group, including those
    with no score present at all. The result has exactly the keys of SCORE_KEYS, in that order.
    """
    for key, aggregate in aggregates.items():
        if key not in SCORE_KEYS or key == ONPOINT:
            raise ValueError(UNKNOWN_SCORE_KEY.format(key=key))
        if aggregate.n > n_responses:
            raise ValueError(
                N_ABOVE_RESPONSES.format(key=key, n=aggregate.n, n_responses=n_responses)
            )
    no_response = Aggregate(mean=None, n=0)
    scores = {
        key: _score_of(aggregates.get(key, no_response)) for key in (*CATEGORY_KEYS, *DIMENSIONS)
    }
    return {ONPOINT: onpoint_score(scores, n_responses), **scores}
