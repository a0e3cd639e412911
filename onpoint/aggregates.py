"""A campaign's group aggregates, read by SQL: each group's number of responses and each
score's mean and n, for the whole campaign, its schools, its roles and the school x role cells.

One set-based aggregate query per breakdown, written by the ORM once per process; the means are
computed exactly on the instrument's score grid (`score_grid`). Reads only.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial, reduce
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, F, IntegerField, Sum
from django.db.models.functions import Cast, Round

from onpoint.method.scoring import Aggregate, ItemSpec
from onpoint.method.structure import CATEGORIES
from surveys.models import SCORE_COLUMNS, Campaign, Response
from surveys.selectors import item_specs

logger = logging.getLogger(__name__)

# Method section 4: 'Responses with no school form the group "Unspecified"'.
UNSPECIFIED_SCHOOL = "Unspecified"
# A real school that happens to carry that name keeps its own group, under this label.
SCHOOL_NAMED_UNSPECIFIED = "Unspecified (school)"

MEAN_OFF_GRID = (
    "campaign %s: %s scores are not on the instrument's grid; using the database's AVG instead"
)


@dataclass(frozen=True)
class GroupAggregates:
    """What one group's SQL aggregate gives: its number of responses and each score's mean and n."""

    n_responses: int
    aggregates: dict[str, Aggregate]


@dataclass(frozen=True)
class CampaignAggregates:
    """Every group of one campaign, before suppression. Breakdown groups are keyed by name."""

    whole: GroupAggregates
    by_school: dict[str, GroupAggregates]
    by_role: dict[str, GroupAggregates]
    # (school group, role) -> {score key: n}: the graph of suppression across breakdowns.
    cells: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)


def _lcm_up_to(n: int) -> int:
    return reduce(math.lcm, range(1, n + 1), 1)


def score_grid(items: Sequence[ItemSpec]) -> int:
    """The number G such that every stored dimension and category score times G is a whole number.

    Item scores are whole numbers (multiples of 25); a dimension score is the mean of at most
    `max items per dimension` of them, and a category score the mean of at most `max dimensions
    per category` dimension scores. For instrument v1 (3 and 3) G is 6 * 6 = 36.
    """
    per_dimension = Counter(item.dimension for item in items)
    most_items = max(per_dimension.values(), default=1)
    most_dimensions = max(len(dimensions) for dimensions in CATEGORIES.values())
    return _lcm_up_to(most_items) * _lcm_up_to(most_dimensions)


def _aggregate_expressions(grid: int) -> dict[str, Any]:
    """AVG and COUNT of each score column, COUNT(*), and the exact sum of each column on the grid.

    COUNT(column) and AVG(column) skip NULLs, which is the method's "over the group's responses
    in which that score is present". The grid sum (each value times `grid`, rounded to the whole
    number it is, then summed as integers) lets the mean be computed exactly in Python: float
    sums in SQL drift by a few units in the last place, which can move a mean that is exactly
    x.x5 to the wrong side of its one-decimal rounding.
    """
    expressions: dict[str, Any] = {"n_responses": Count("pk")}
    if grid == CELL_COUNTS_ONLY:
        # A school x role cell needs only each score's n (method 1.1, across breakdowns).
        expressions.update({f"{column}__n": Count(column) for column in SCORE_COLUMNS})
        return expressions
    for column in SCORE_COLUMNS:
        expressions[f"{column}__avg"] = Avg(column)
        expressions[f"{column}__n"] = Count(column)
        expressions[f"{column}__grid"] = Sum(
            Cast(Round(F(column) * grid), output_field=IntegerField())
        )
    return expressions


def _mean(
    *, avg: float | None, n: int, grid_sum: int | None, grid: int, context: tuple[int, str]
) -> float | None:
    """The exact mean, correctly rounded to a float; AVG's value if the data is off the grid."""
    if n == 0 or avg is None:
        return None
    # int / int is correctly rounded in Python, as float(Fraction(a, b)) is, and many times faster
    # (a national recompute takes millions of means).
    exact = int(grid_sum or 0) / (grid * n)
    # Scores that are not on the grid (not made by method section 3) would be distorted by the
    # rounding to the grid; the database's own mean is then the better number.
    if not math.isclose(exact, avg, rel_tol=1e-9, abs_tol=1e-9):
        logger.error(MEAN_OFF_GRID, *context)
        return float(avg)
    return exact


_NO_RESPONSES = GroupAggregates(
    n_responses=0, aggregates={column: Aggregate(mean=None, n=0) for column in SCORE_COLUMNS}
)


def _group_aggregates(row: Mapping[str, Any], *, grid: int, campaign_id: int) -> GroupAggregates:
    aggregates = {}
    for column in SCORE_COLUMNS:
        n = int(row[f"{column}__n"] or 0)
        mean = _mean(
            avg=row[f"{column}__avg"],
            n=n,
            grid_sum=row[f"{column}__grid"],
            grid=grid,
            context=(campaign_id, column),
        )
        aggregates[column] = Aggregate(mean=mean, n=n)
    return GroupAggregates(n_responses=int(row["n_responses"] or 0), aggregates=aggregates)


# Passed as the grid, asks `_aggregate_expressions` for the counts alone.
CELL_COUNTS_ONLY = 0

# Each breakdown's GROUP BY columns. The whole campaign is grouped by the campaign itself: one
# row, or none when it has no responses.
BREAKDOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "whole": ("campaign_id",),
    "school": ("school_id", "school__name"),
    "role": ("role",),
    "cell": ("school_id", "school__name", "role"),
}
# Stands in for the campaign's id while the ORM writes the SQL once (see _aggregate_sql).
_CAMPAIGN_PLACEHOLDER = -7_351_982_046


@lru_cache(maxsize=64)
def _aggregate_sql(
    alias: str, vendor: str, grid: int, breakdown: str
) -> tuple[str, tuple[Any, ...], tuple[str, ...]]:
    """The SQL of one breakdown's aggregate, written by the ORM for this database, and the
    names of its columns in order.

    Written once per process and kept: building and compiling forty aggregate expressions
    costs more than running the query on a campaign of a few hundred responses, and a full
    `recompute` runs it for every campaign.
    """
    columns = BREAKDOWN_COLUMNS[breakdown]
    expressions = _aggregate_expressions(grid)
    queryset = (
        Response.objects.using(alias)
        .filter(campaign_id=_CAMPAIGN_PLACEHOLDER)
        .values(*columns)
        .annotate(**expressions)
        .order_by()
    )
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params), (*columns, *expressions)


def _aggregate_rows(campaign_id: int, grid: int, breakdown: str) -> list[dict[str, Any]]:
    sql, template, names = _aggregate_sql(connection.alias, connection.vendor, grid, breakdown)
    params = [campaign_id if value == _CAMPAIGN_PLACEHOLDER else value for value in template]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.description is not None
        if len(cursor.description) != len(names):
            raise RuntimeError(f"aggregate columns {cursor.description} are not {names}")
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def campaign_aggregates(*, campaign: Campaign) -> CampaignAggregates:
    """The campaign's group aggregates: three queries, one per breakdown, written by the ORM
    and the same on SQLite and PostgreSQL. A school or role with no response is no group
    (method section 9).
    """
    grid = score_grid(item_specs(campaign.instrument))
    return aggregates_of_rows(
        campaign.pk,
        grid,
        whole_rows=_aggregate_rows(campaign.pk, grid, "whole"),
        school_rows=_aggregate_rows(campaign.pk, grid, "school"),
        role_rows=_aggregate_rows(campaign.pk, grid, "role"),
        cell_rows=_aggregate_rows(campaign.pk, CELL_COUNTS_ONLY, "cell"),
    )


def _school_group_name(row: Mapping[str, Any]) -> str:
    if row["school_id"] is None:
        return UNSPECIFIED_SCHOOL
    if row["school__name"] == UNSPECIFIED_SCHOOL:
        return SCHOOL_NAMED_UNSPECIFIED
    return str(row["school__name"])


def aggregates_of_rows(
    campaign_id: int,
    grid: int,
    *,
    whole_rows: Sequence[Mapping[str, Any]],
    school_rows: Sequence[Mapping[str, Any]],
    role_rows: Sequence[Mapping[str, Any]],
    cell_rows: Sequence[Mapping[str, Any]],
) -> CampaignAggregates:
    """One campaign's aggregates from its rows of the three breakdowns' GROUP BYs (shared by
    `campaign_aggregates` and the batched full recompute, `onpoint.rescore_all`)."""
    to_group = partial(_group_aggregates, grid=grid, campaign_id=campaign_id)
    whole = to_group(whole_rows[0]) if whole_rows else _NO_RESPONSES

    by_school = {_school_group_name(row): to_group(row) for row in school_rows}
    # School names are unique in a district whatever their case, so no two groups share one.
    assert len(by_school) == len(school_rows), "two schools' groups have the same name"

    by_role = {row["role"]: to_group(row) for row in role_rows}
    cells = {
        (_school_group_name(row), row["role"]): {
            column: int(row[f"{column}__n"] or 0) for column in SCORE_COLUMNS
        }
        for row in cell_rows
    }
    return CampaignAggregates(whole=whole, by_school=by_school, by_role=by_role, cells=cells)
