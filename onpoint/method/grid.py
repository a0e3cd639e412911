"""The score grid: every per-response score is a whole number of 1/36 points (method section 3).

An item scores a multiple of 25 points; a dimension score is the mean of at most three item
scores, and a category score the mean of at most three dimension scores. So every dimension and
category score of one response, times lcm(1..3) * lcm(1..3) = 36, is a whole number from 0 to
3,600. Stored that way (a small integer per score), a group's sum is an exact integer in any
database, and its mean is that sum over 36 n: no float drift, no cast in the aggregate.

Plain data in, plain data out, like the rest of the method.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import reduce
from typing import Final

from onpoint.method.scoring import ItemSpec
from onpoint.method.structure import CATEGORIES

# Grid units per point. Instrument v1 needs 36; a later instrument whose grid does not divide
# this one is refused (`grid_check`) until the stored unit is changed by a migration.
SCORE_GRID: Final = 36
# The largest stored score, 100 points: fits a 16-bit integer column.
GRID_MAX: Final = 100 * SCORE_GRID

OFF_GRID = "score {value!r} is not a whole number of 1/{grid} points"
GRID_TOO_COARSE = (
    "the instrument's scores need a grid of 1/{needed} points, which 1/{grid} does not hold"
)


def _lcm_up_to(n: int) -> int:
    return reduce(math.lcm, range(1, n + 1), 1)


def instrument_grid(items: Sequence[ItemSpec]) -> int:
    """The smallest G such that every dimension and category score of the instrument, times G,
    is a whole number: lcm(1..most items per dimension) * lcm(1..most dimensions per category)."""
    per_dimension = Counter(item.dimension for item in items)
    most_items = max(per_dimension.values(), default=1)
    most_dimensions = max(len(dimensions) for dimensions in CATEGORIES.values())
    return _lcm_up_to(most_items) * _lcm_up_to(most_dimensions)


def grid_check(items: Sequence[ItemSpec]) -> None:
    """Raise ValueError when the instrument's scores do not all fall on SCORE_GRID."""
    needed = instrument_grid(items)
    if SCORE_GRID % needed:
        raise ValueError(GRID_TOO_COARSE.format(needed=needed, grid=SCORE_GRID))


def to_grid(value: float | None) -> int | None:
    """A score in grid units; None stays None. Raises ValueError for a score off the grid.

    The float a mean gives (83.333...) is within a few ulps of its grid point (3000 / 36), so
    the nearest whole number is the exact one; anything further off was not made by section 3.
    """
    if value is None:
        return None
    units = round(value * SCORE_GRID)
    if not math.isclose(units, value * SCORE_GRID, rel_tol=0, abs_tol=1e-6):
        raise ValueError(OFF_GRID.format(value=value, grid=SCORE_GRID))
    return units


def from_grid(units: int | None) -> float | None:
    """A stored score in points (correctly rounded: int / int); None stays None."""
    return None if units is None else units / SCORE_GRID


def scores_to_grid(scores: Mapping[str, float | None]) -> dict[str, int | None]:
    return {key: to_grid(value) for key, value in scores.items()}


def grid_mean(total: int, n: int) -> float | None:
    """The exact mean of n stored scores whose sum is `total` grid units, as the nearest float.

    Python's int / int is correctly rounded, so this is the true mean rounded once.
    """
    return None if n == 0 else total / (SCORE_GRID * n)
