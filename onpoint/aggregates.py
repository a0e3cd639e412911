"""Campaigns' group aggregates, read by SQL: each group's number of responses and each score's
n and exact mean, for each campaign as a whole, its schools, its roles and the school x role
cells.

One scan for a whole batch of campaigns (issue 13): GROUP BY GROUPING SETS on PostgreSQL, the
equal UNION ALL of GROUP BYs on SQLite. Stored scores are whole numbers of 1/36 point
(onpoint.method.grid), so each sum is an exact integer and each mean is computed exactly from
it, with no cast or rounding in SQL. Reads only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import connection

from districts.models import School
from onpoint.method.grid import grid_mean
from onpoint.method.scoring import Aggregate
from surveys.models import SCORE_COLUMNS, Campaign, Response

# Method section 4: 'Responses with no school form the group "Unspecified"'.
UNSPECIFIED_SCHOOL = "Unspecified"
# A real school that happens to carry that name keeps its own group, under this label.
SCHOOL_NAMED_UNSPECIFIED = "Unspecified (school)"


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


# The breakdowns of one scan, by the bits of GROUPING(school_id, role): a bit is 1 where that
# column is rolled up. The whole campaign rolls both up; a cell rolls up neither.
LEVEL_WHOLE, LEVEL_SCHOOL, LEVEL_ROLE, LEVEL_CELL = 3, 1, 2, 0
_SETS = {
    LEVEL_WHOLE: ("r.campaign_id",),
    LEVEL_SCHOOL: ("r.campaign_id", "r.school_id", "s.name"),
    LEVEL_ROLE: ("r.campaign_id", "r.role"),
    LEVEL_CELL: ("r.campaign_id", "r.school_id", "s.name", "r.role"),
}
_NAMES = (
    "campaign_id",
    "school_id",
    "school_name",
    "role",
    "level",
    "n_responses",
    *(f"{column}__{what}" for column in SCORE_COLUMNS for what in ("n", "sum")),
)


def _aggregate_list() -> str:
    """COUNT(*), then each score's COUNT and SUM: integers in grid units, exact in any database.

    COUNT(column) skips NULLs, which is the method's "over the group's responses in which that
    score is present"; the mean is SUM / (36 n), computed exactly in Python (grid_mean)."""
    parts = ["COUNT(*)"]
    for column in SCORE_COLUMNS:
        parts += [f"COUNT(r.{column})", f"SUM(r.{column})"]
    return ", ".join(parts)


def _from_where(n_ids: int) -> str:
    response = connection.ops.quote_name(Response._meta.db_table)
    school = connection.ops.quote_name(School._meta.db_table)
    placeholders = ", ".join(["%s"] * n_ids)
    return (
        f"FROM {response} r LEFT JOIN {school} s ON s.id = r.school_id "
        f"WHERE r.campaign_id IN ({placeholders})"
    )


def _grouping_sets_sql(n_ids: int) -> str:
    """PostgreSQL: one scan of the batch's responses for every breakdown and every cell."""
    sets = ", ".join(f"({', '.join(columns)})" for columns in _SETS.values())
    return (
        "SELECT r.campaign_id, r.school_id, s.name, r.role, GROUPING(r.school_id, r.role), "
        f"{_aggregate_list()} {_from_where(n_ids)} GROUP BY GROUPING SETS ({sets})"
    )


def _union_all_sql(n_ids: int) -> str:
    """SQLite (no GROUPING SETS): the same rows as a UNION ALL of one GROUP BY per set."""
    selects = []
    for level, columns in _SETS.items():
        school = "r.school_id, s.name" if "r.school_id" in columns else "NULL, NULL"
        role = "r.role" if "r.role" in columns else "NULL"
        selects.append(
            f"SELECT r.campaign_id, {school}, {role}, {level}, {_aggregate_list()} "
            f"{_from_where(n_ids)} GROUP BY {', '.join(columns)}"
        )
    return " UNION ALL ".join(selects)


def _scan(campaign_ids: Sequence[int], grouping_sets: bool) -> list[tuple[Any, ...]]:
    """The scan's rows as tuples, columns as _NAMES: no dict per row (a national recompute
    reads hundreds of thousands of them)."""
    ids = list(campaign_ids)
    if grouping_sets:
        sql, params = _grouping_sets_sql(len(ids)), ids
    else:
        sql, params = _union_all_sql(len(ids)), ids * len(_SETS)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cast(list[tuple[Any, ...]], cursor.fetchall())


# Positions in a scan row (_NAMES): the group's columns, then each score's (n, sum) pair.
_CAMPAIGN, _SCHOOL_ID, _SCHOOL_NAME, _ROLE, _LEVEL, _N_RESPONSES = range(6)
_SCORE_AT = tuple((column, 6 + 2 * index) for index, column in enumerate(SCORE_COLUMNS))


def _group_aggregates(row: Sequence[Any]) -> GroupAggregates:
    aggregates = {}
    for column, at in _SCORE_AT:
        n = int(row[at] or 0)
        aggregates[column] = Aggregate(mean=grid_mean(int(row[at + 1] or 0), n), n=n)
    return GroupAggregates(n_responses=int(row[_N_RESPONSES]), aggregates=aggregates)


_NO_RESPONSES = GroupAggregates(
    n_responses=0, aggregates={column: Aggregate(mean=None, n=0) for column in SCORE_COLUMNS}
)


def _school_group_name(row: Sequence[Any]) -> str:
    if row[_SCHOOL_ID] is None:
        return UNSPECIFIED_SCHOOL
    if row[_SCHOOL_NAME] == UNSPECIFIED_SCHOOL:
        return SCHOOL_NAMED_UNSPECIFIED
    return str(row[_SCHOOL_NAME])


def aggregates_of_rows(rows: Sequence[Sequence[Any]]) -> CampaignAggregates:
    """One campaign's aggregates from its rows of the scan (every level, columns as _NAMES). A
    school or role with no response is no group (method section 9)."""
    whole = _NO_RESPONSES
    by_school: dict[str, GroupAggregates] = {}
    by_role: dict[str, GroupAggregates] = {}
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows:
        level = row[_LEVEL]
        if level == LEVEL_WHOLE:
            whole = _group_aggregates(row)
        elif level == LEVEL_SCHOOL:
            name = _school_group_name(row)
            # School names are unique in a district whatever their case: no two share a group.
            assert name not in by_school, "two schools' groups have the same name"
            by_school[name] = _group_aggregates(row)
        elif level == LEVEL_ROLE:
            by_role[row[_ROLE]] = _group_aggregates(row)
        else:
            cells[(_school_group_name(row), row[_ROLE])] = {
                column: int(row[at] or 0) for column, at in _SCORE_AT
            }
    return CampaignAggregates(
        whole=whole,
        by_school=dict(sorted(by_school.items())),
        by_role=dict(sorted(by_role.items())),
        cells=cells,
    )


def batch_aggregates(
    campaign_ids: Sequence[int], *, grouping_sets: bool | None = None
) -> dict[int, CampaignAggregates]:
    """Every group of every campaign of the batch, from one scan of their responses: the whole
    campaign, each school, each role and each school x role cell (the graph of method 1.1's
    suppression across breakdowns). GROUPING SETS on PostgreSQL; the equal UNION ALL elsewhere
    (`grouping_sets=False` asks for it on PostgreSQL too, for the test that they agree).

    Every campaign asked for has an entry; one with no response has no groups.
    """
    if grouping_sets is None:
        grouping_sets = connection.vendor == "postgresql"
    rows_by_campaign: dict[int, list[tuple[Any, ...]]] = {pk: [] for pk in campaign_ids}
    if campaign_ids:
        for row in _scan(campaign_ids, grouping_sets):
            rows_by_campaign[row[_CAMPAIGN]].append(row)
    return {pk: aggregates_of_rows(rows) for pk, rows in rows_by_campaign.items()}


def campaign_aggregates(*, campaign: Campaign) -> CampaignAggregates:
    """One campaign's group aggregates: the batch scan for a batch of one."""
    return batch_aggregates([campaign.pk])[campaign.pk]
