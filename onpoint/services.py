"""The Onpoint engine's writes: group scores, benchmark versions, ranks, landmarks, alignment.

The maths is the pure modules' (`onpoint.method.scoring`, `suppression`, `benchmarks`, `landmarks`,
`alignment`); this module feeds them from the database and stores what they return. Three
entry points do the work, for the worker and `manage.py recompute` alike:

- `campaign_recompute(campaign_id=...)`: the worker's task. Claims the campaign's dirty flag
  and rescores it in the same transaction, so a worker killed halfway leaves the flag set and
  the work is redone, never lost.
- `campaign_rescore(campaign=...)`: one SQL aggregate query per breakdown (whole, by school, by
  role), suppression by the pure functions, then the rows are upserted. Idempotent.
- `benchmarks_rebuild()`: a new `BenchmarkVersion` when the cohorts changed, then every
  campaign's ranks and landmarks refreshed against the current version.

Enqueuing goes through `campaign_scores_request` (after each stored response),
`campaign_refresh_request` (a campaign created or changed) and `benchmarks_rebuild_request`.
None of them raises into the caller's request: a broker that is down is logged, and the
minute sweep (`campaigns_sweep`) catches up from the dirty flags. They find the tasks by name
(onpoint.queueing): tasks.py imports this module, never the other way round.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial, reduce
from typing import Any

from celery import Task
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Avg, Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Cast, Round
from django.utils import timezone

from onpoint.method.alignment import Alignment, alignment_of
from onpoint.method.benchmarks import (
    Benchmark,
    CampaignFacts,
    RankingCohort,
    benchmarks_by_stage,
    campaign_rank,
    cohorts,
    eligible,
    growth_shares,
)
from onpoint.method.landmarks import Landmark, landmarks_of, previous_campaign
from onpoint.method.scoring import Aggregate, ItemSpec, Score, group_scores
from onpoint.method.structure import CATEGORIES, SCORE_KEYS, STAGES
from onpoint.method.suppression import across_breakdowns, breakdown_scores
from onpoint.models import (
    Benchmark as BenchmarkRow,
)
from onpoint.models import (
    BenchmarkState,
    BenchmarkVersion,
    CampaignResult,
    GroupScore,
)
from onpoint.queueing import REBUILD_BENCHMARKS, RECOMPUTE_CAMPAIGN, task_named, tasks_run_eagerly
from surveys.comments import comments_release_shuffle
from surveys.models import SCORE_COLUMNS, Campaign, Response
from surveys.selectors import item_specs

logger = logging.getLogger(__name__)

# Method section 4: 'Responses with no school form the group "Unspecified"'.
UNSPECIFIED_SCHOOL = "Unspecified"
# A real school that happens to carry that name keeps its own group, under this label.
SCHOOL_NAMED_UNSPECIFIED = "Unspecified (school)"

# Log lines; none of them ever carries an answer. Each RESCORED line has its own run id, so the
# worker test counts runs even where a line is printed by two handlers.
RESCORED = "campaign %s rescored: %s responses (run %s)"
RESCORE_SKIPPED = "campaign %s: nothing to recompute (another run claimed it)"
ENQUEUE_FAILED = "could not enqueue %s for %s (broker down?); the sweep will catch up"
MEAN_OFF_GRID = (
    "campaign %s: %s scores are not on the instrument's grid; using the database's AVG instead"
)
REBUILT_NEW = "benchmarks rebuilt: new version %s from %s eligible campaigns"
REBUILT_SAME = "benchmarks rebuilt: unchanged, version %s stays current (%s eligible campaigns)"

# Coalescing: the first response of a quiet campaign enqueues a recompute and holds a cache key
# for this many seconds; responses that find the key ride along with that run. The run starts
# half a second after the key expires, so it claims the dirty flag after every such response
# committed and reads them all. A staff meeting's 200 responses in a minute cause at most 12
# runs (one per window), and the dashboard is at most ~6 seconds behind.
RECOMPUTE_DEBOUNCE_SECONDS = 5
RECOMPUTE_DELAY_SECONDS = RECOMPUTE_DEBOUNCE_SECONDS + 0.5
# Benchmark rebuilds read every campaign: coalesced over a longer window.
REBUILD_DEBOUNCE_SECONDS = 10
RECOMPUTE_KEY = "onpoint:recompute:{campaign_id}"
# A release is scheduled (a task due at closes_at) for campaigns closing within this many
# seconds: the sweep's period, with a margin.
RELEASE_LOOKAHEAD_SECONDS = 90
RELEASE_KEY = "onpoint:release:{campaign_id}:{closes_at}"
REBUILD_KEY = "onpoint:rebuild-benchmarks"

# Campaigns whose ranks and landmarks are refreshed in one transaction by a rebuild: their rows
# are locked meanwhile, so a submission to one of them waits at most for one batch.
REFRESH_BATCH_SIZE = 200


# --- SQL aggregation -----------------------------------------------------------------------------


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


# --- scores of a campaign ------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignScoreSet:
    """Every stored score of one campaign after suppression. Breakdowns in code point order."""

    n_responses: int
    whole: dict[str, Score]
    by_school: dict[str, dict[str, Score]]
    by_role: dict[str, dict[str, Score]]


def campaign_score_set(aggregates: CampaignAggregates) -> CampaignScoreSet:
    """Suppression by the pure functions: group_scores for the whole, breakdown_scores within
    each breakdown, then across_breakdowns (method 1.1, section 4)."""
    whole = group_scores(aggregates.whole.aggregates, aggregates.whole.n_responses)
    by_school = breakdown_scores(
        {name: group.aggregates for name, group in aggregates.by_school.items()},
        {name: group.n_responses for name, group in aggregates.by_school.items()},
    )
    n_by_role = {name: group.n_responses for name, group in aggregates.by_role.items()}
    by_role = breakdown_scores(
        {name: group.aggregates for name, group in aggregates.by_role.items()}, n_by_role
    )
    across_breakdowns(whole, by_school, by_role, aggregates.cells, n_by_role)
    return CampaignScoreSet(
        n_responses=aggregates.whole.n_responses,
        whole=whole,
        by_school=by_school,
        by_role=by_role,
    )


RowKey = tuple[str, str, str]  # (breakdown, group, score key)
RowFields = tuple[int, float | None, int, bool, str]  # (position, value, n, reported, reason)


def _score_rows(score_set: CampaignScoreSet) -> dict[RowKey, RowFields]:
    rows: dict[RowKey, RowFields] = {}
    groups: list[tuple[str, str, int, Mapping[str, Score]]] = [
        (GroupScore.Breakdown.WHOLE, "", 0, score_set.whole)
    ]
    breakdowns: list[tuple[str, dict[str, dict[str, Score]]]] = [
        (GroupScore.Breakdown.SCHOOL, score_set.by_school),
        (GroupScore.Breakdown.ROLE, score_set.by_role),
    ]
    for breakdown, named in breakdowns:
        groups.extend(
            (breakdown, name, position, scores)
            for position, (name, scores) in enumerate(sorted(named.items()))
        )
    for breakdown, group, position, scores in groups:
        for key in SCORE_KEYS:
            score = scores[key]
            rows[(breakdown, group, key)] = (
                position,
                score.value,
                score.n,
                score.reported,
                score.reason or "",
            )
    return rows


GROUP_SCORE_FIELDS = ("position", "value", "n", "reported", "reason")


def group_score_row(
    campaign_id: int, key: RowKey, fields: RowFields, *, pk: int | None = None
) -> GroupScore:
    """One GroupScore from its key (breakdown, group, score key) and its stored fields."""
    breakdown, group, score_key = key
    return GroupScore(
        pk=pk,
        campaign_id=campaign_id,
        breakdown=breakdown,
        group=group,
        key=score_key,
        **dict(zip(GROUP_SCORE_FIELDS, fields, strict=True)),
    )


def _group_scores_store(campaign: Campaign, score_set: CampaignScoreSet) -> bool:
    """Upsert the campaign's GroupScore rows, writing only what changed (so ids stay, and a run
    that changes nothing writes nothing). Returns whether the whole-campaign scores changed.
    """
    wanted = _score_rows(score_set)
    existing: dict[RowKey, tuple[int, RowFields]] = {
        (breakdown, group, key): (pk, (position, value, n, reported, reason))
        for pk, breakdown, group, key, position, value, n, reported, reason in (
            GroupScore.objects.filter(campaign=campaign).values_list(
                "pk", "breakdown", "group", "key", "position", "value", "n", "reported", "reason"
            )
        )
    }
    stale = [pk for key, (pk, _) in existing.items() if key not in wanted]
    to_create: list[GroupScore] = []
    to_update: list[GroupScore] = []
    whole_changed = False
    for key, fields in wanted.items():
        found = existing.get(key)
        if found is not None and found[1] == fields:
            continue
        row = group_score_row(campaign.pk, key, fields, pk=found[0] if found is not None else None)
        (to_create if found is None else to_update).append(row)
        whole_changed = whole_changed or key[0] == GroupScore.Breakdown.WHOLE
    if stale:
        GroupScore.objects.filter(pk__in=stale).delete()
    if to_update:
        GroupScore.objects.bulk_update(to_update, list(GROUP_SCORE_FIELDS))
    if to_create:
        GroupScore.objects.bulk_create(to_create)
    return whole_changed


def score_of_row(row: GroupScore) -> Score:
    """A stored row as the pure modules' Score."""
    return Score(value=row.value, n=row.n, reported=row.reported, reason=row.reason or None)


def alignment_json(alignment: Alignment) -> dict[str, Any]:
    """Alignment at full precision, as stored (the API rounds it for display)."""
    return {
        "gap": alignment.gap,
        "categories": {
            key: {
                "gap": gap.gap,
                "high_role": gap.high_role,
                "low_role": gap.low_role,
                "divided": gap.divided,
            }
            for key, gap in alignment.categories.items()
        },
    }


def landmark_json(landmark: Landmark) -> dict[str, Any]:
    """What CampaignResult.landmarks keeps of a landmark: keys, never words (the selectors put
    them into words in the reader's language, onpoint.landmark_texts)."""
    return {"status": landmark.status, "reason": landmark.reason}


# --- benchmarks as the ranks and landmarks need them ---------------------------------------------


@dataclass(frozen=True)
class StageBenchmarks:
    """One stage of one benchmark version: each key's benchmark and the cohort it came from."""

    benchmarks: dict[str, Benchmark]
    cohorts: dict[str, Sequence[float]]


NO_BENCHMARK = Benchmark(n_districts=0, published=False)
NO_STAGE_BENCHMARKS = StageBenchmarks(
    benchmarks=dict.fromkeys(SCORE_KEYS, NO_BENCHMARK), cohorts={key: [] for key in SCORE_KEYS}
)


def benchmark_of_row(row: BenchmarkRow) -> Benchmark:
    return Benchmark(
        n_districts=row.n_districts,
        published=row.published,
        mean=row.mean,
        p10=row.p10,
        p25=row.p25,
        p50=row.p50,
        p75=row.p75,
        p90=row.p90,
    )


def version_benchmarks(
    version: BenchmarkVersion | None, stages: Iterable[str] = STAGES
) -> dict[str, StageBenchmarks]:
    """The version's benchmarks of `stages`; unpublished everywhere when None.

    A version never changes once written, so its rows are read once per process (one query)
    and kept: a national cohort holds thousands of values per key, and rescoring campaign after
    campaign must not parse them again each time.
    """
    wanted = set(stages)
    if version is None:
        return {stage: NO_STAGE_BENCHMARKS for stage in wanted}
    # The fingerprint is part of the key: a test database reuses ids after a rollback.
    every_stage = _version_benchmarks_read(version.pk, version.fingerprint)
    return {stage: every_stage.get(stage, NO_STAGE_BENCHMARKS) for stage in wanted}


@lru_cache(maxsize=16)
def _version_benchmarks_read(version_id: int, fingerprint: str) -> dict[str, StageBenchmarks]:
    by_stage: dict[str, StageBenchmarks] = {}
    for row in BenchmarkRow.objects.filter(version_id=version_id):
        found = by_stage.setdefault(row.stage, StageBenchmarks(benchmarks={}, cohorts={}))
        found.benchmarks[row.key] = benchmark_of_row(row)
        found.cohorts[row.key] = RankingCohort(float(value) for value in row.cohort)
    return by_stage


def benchmark_version_latest() -> BenchmarkVersion | None:
    return BenchmarkVersion.objects.order_by("-id").first()


# --- ranks, landmarks and P of one campaign ------------------------------------------------------


def campaign_facts(
    campaign: Campaign, scores: Mapping[str, Score], *, now: dt.datetime
) -> CampaignFacts:
    """What the pure benchmarks and landmarks need of a campaign (its district must be loaded).

    Creation order is the id: increasing with creation and never tied.
    """
    return CampaignFacts(
        campaign_id=campaign.pk,
        district_id=campaign.district_id,
        stage=campaign.stage,
        opens_at=campaign.opens_at,
        created_order=campaign.pk,
        closed=campaign.is_closed(now),
        excluded=campaign.exclude_from_benchmarks,
        scores=scores,
    )


@dataclass(frozen=True)
class Standing:
    """A campaign's percentile ranks and landmarks against one benchmark version, and its P."""

    stage: str
    ranks: dict[str, float | None]
    landmarks: dict[str, Landmark]
    previous_campaign_id: int | None


def campaign_standing(
    facts: CampaignFacts,
    district_campaigns: Iterable[CampaignFacts],
    benchmarks: StageBenchmarks,
) -> Standing:
    """Ranks (method section 5) and landmarks (section 6) by the pure functions.

    `district_campaigns` are the district's campaigns with their stored whole scores (P is
    chosen among them); `benchmarks` those of the campaign's stage.
    """
    previous = previous_campaign(district_campaigns, facts)
    ranks = {
        key: campaign_rank(
            facts.scores[key],
            benchmarks.benchmarks.get(key, NO_BENCHMARK),
            benchmarks.cohorts.get(key, []),
        )
        for key in SCORE_KEYS
    }
    landmarks = landmarks_of(
        facts.stage,
        facts.scores,
        previous.scores if previous is not None else None,
        benchmarks.benchmarks,
    )
    return Standing(
        stage=facts.stage,
        ranks=ranks,
        landmarks=landmarks,
        previous_campaign_id=previous.campaign_id if previous is not None else None,
    )


def _whole_scores(campaign_ids: Iterable[int] | None) -> dict[int, dict[str, Score]]:
    """Stored whole-campaign scores of these campaigns (of all when None), in one query; a
    campaign never scored is absent."""
    rows = GroupScore.objects.filter(breakdown=GroupScore.Breakdown.WHOLE)
    if campaign_ids is not None:
        rows = rows.filter(campaign_id__in=list(campaign_ids))
    scores: dict[int, dict[str, Score]] = defaultdict(dict)
    for campaign_id, key, value, n, reported, reason in rows.values_list(
        "campaign_id", "key", "value", "n", "reported", "reason"
    ):
        scores[campaign_id][key] = Score(value=value, n=n, reported=reported, reason=reason or None)
    return {cid: found for cid, found in scores.items() if len(found) == len(SCORE_KEYS)}


def district_campaign_facts(
    district_ids: Iterable[int], *, now: dt.datetime, override: CampaignFacts | None = None
) -> dict[int, list[CampaignFacts]]:
    """Every scored campaign of these districts as CampaignFacts, by district (two queries).

    `override` stands in for its campaign (scores just computed, not yet read back).
    """
    campaigns = list(
        Campaign.objects.filter(district_id__in=list(district_ids))
        .select_related("district")
        .order_by("pk")
    )
    scores = _whole_scores(c.pk for c in campaigns)
    by_district: dict[int, list[CampaignFacts]] = defaultdict(list)
    for campaign in campaigns:
        if override is not None and campaign.pk == override.campaign_id:
            by_district[campaign.district_id].append(override)
        elif campaign.pk in scores:
            by_district[campaign.district_id].append(
                campaign_facts(campaign, scores[campaign.pk], now=now)
            )
    return by_district


def _result_fields(standing: Standing, version: BenchmarkVersion | None) -> dict[str, Any]:
    return {
        "stage": standing.stage,
        "benchmark_version_id": version.pk if version is not None else None,
        "previous_campaign_id": standing.previous_campaign_id,
        "ranks": standing.ranks,
        "landmarks": {key: landmark_json(landmark) for key, landmark in standing.landmarks.items()},
    }


def _result_differs(result: CampaignResult, fields: Mapping[str, Any]) -> bool:
    return any(getattr(result, name) != value for name, value in fields.items())


# --- rescoring one campaign ----------------------------------------------------------------------


@dataclass(frozen=True)
class RescoreOutcome:
    """What a rescore changed, so the caller knows what else to refresh."""

    campaign_id: int
    district_id: int
    n_responses: int
    whole_changed: bool
    # The campaign is in (or may enter or leave) a benchmark cohort: closed and not excluded.
    affects_benchmarks: bool


def _unreleased_clear(campaign: Campaign) -> RescoreOutcome:
    """An unreleased campaign keeps no scores at all (method 1.1, section 4, "Release"): a
    leader who looked before and after one colleague submitted would learn their answers."""
    deleted, _ = GroupScore.objects.filter(campaign=campaign).delete()
    CampaignResult.objects.filter(campaign=campaign).delete()
    return RescoreOutcome(
        campaign_id=campaign.pk,
        district_id=campaign.district_id,
        n_responses=0,
        whole_changed=deleted > 0,
        affects_benchmarks=False,
    )


def _rescore_locked(campaign: Campaign, *, now: dt.datetime) -> RescoreOutcome:
    """The rescore proper. The caller holds the campaign row's lock inside a transaction."""
    if not campaign.is_closed(now):
        return _unreleased_clear(campaign)
    # Released: the staff comments lose the order in which they were written (issue 16).
    comments_release_shuffle(campaign=campaign)
    aggregates = campaign_aggregates(campaign=campaign)
    score_set = campaign_score_set(aggregates)
    whole_changed = _group_scores_store(campaign, score_set)

    facts = campaign_facts(campaign, score_set.whole, now=now)
    district = district_campaign_facts([campaign.district_id], now=now, override=facts)
    version = benchmark_version_latest()
    benchmarks = version_benchmarks(version, [facts.stage])[facts.stage]
    standing = campaign_standing(facts, district.get(campaign.district_id, [facts]), benchmarks)
    CampaignResult.objects.update_or_create(
        campaign=campaign,
        defaults={
            **_result_fields(standing, version),
            "n_responses": score_set.n_responses,
            "computed_at": timezone.now(),
            "alignment": alignment_json(alignment_of(score_set.by_role)),
        },
    )
    return RescoreOutcome(
        campaign_id=campaign.pk,
        district_id=campaign.district_id,
        n_responses=score_set.n_responses,
        whole_changed=whole_changed,
        affects_benchmarks=facts.closed and not facts.excluded,
    )


def _campaign_for_rescore(campaign_id: int) -> Campaign:
    return Campaign.objects.select_related("district", "instrument").get(pk=campaign_id)


def campaign_rescore(*, campaign: Campaign, now: dt.datetime | None = None) -> RescoreOutcome:
    """Recompute and store every score of the campaign, its alignment, ranks and landmarks.

    Unconditional and idempotent: run twice, it leaves the same rows (and writes none the second
    time but `computed_at`). Clears the dirty flag: the flag's UPDATE also locks the campaign's
    row, so two rescores of one campaign never interleave, and the aggregates read after it see
    every response committed before.
    """
    now = now or timezone.now()
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(scores_dirty=False)
        outcome = _rescore_locked(_campaign_for_rescore(campaign.pk), now=now)
    logger.debug(RESCORED, campaign.pk, outcome.n_responses, uuid.uuid4().hex)
    return outcome


def campaign_recompute(*, campaign_id: int) -> bool:
    """The worker's recompute: claim the dirty flag, rescore, then refresh what depends on it.

    The claim (UPDATE ... WHERE scores_dirty) and the rescore are one transaction: a worker that
    dies in between rolls the claim back with everything else, and the requeued task (or the
    sweep) finds the flag still set. A campaign never scored yet is scored without a flag.
    Returns False when there was nothing to do: an earlier run of a coalesced burst already
    claimed the flag and read these responses.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = Campaign.objects.filter(pk=campaign_id, scores_dirty=True).update(
            scores_dirty=False
        )
        if not claimed:
            locked = list(
                Campaign.objects.select_for_update().filter(pk=campaign_id).values_list("pk")
            )
            if not locked or CampaignResult.objects.filter(campaign_id=campaign_id).exists():
                logger.info(RESCORE_SKIPPED, campaign_id)
                return False
        outcome = _rescore_locked(_campaign_for_rescore(campaign_id), now=now)
    logger.info(RESCORED, campaign_id, outcome.n_responses, uuid.uuid4().hex)
    campaign_rescore_followup(outcome=outcome, now=now)
    return True


def campaign_rescore_followup(
    *, outcome: RescoreOutcome, now: dt.datetime | None = None, rebuild_now: bool = False
) -> None:
    """After a rescore: the district's other campaigns may take it as their P (their landmarks
    change), and a closed campaign's new scores change its stage's cohort (the benchmarks).

    `rebuild_now` rebuilds the benchmarks in this process (the management command); otherwise
    the rebuild is requested from the worker.
    """
    if not outcome.whole_changed:
        return
    others = Campaign.objects.filter(district_id=outcome.district_id).exclude(
        pk=outcome.campaign_id
    )
    campaign_results_refresh(campaign_ids=list(others.values_list("pk", flat=True)), now=now)
    if outcome.affects_benchmarks:
        if rebuild_now:
            benchmarks_rebuild(now=now)
        else:
            benchmarks_rebuild_request()


# --- refreshing ranks and landmarks --------------------------------------------------------------


def id_batches(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def campaign_results_refresh(
    *,
    campaign_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Recompute the ranks and landmarks of scored campaigns (all of them when `campaign_ids` is
    None) against the current benchmark version and their districts' other campaigns. Their
    scores are not recomputed. Returns how many results changed.

    Works by batches; each batch locks its campaigns' rows (the lock a rescore takes), so a
    refresh never writes ranks computed from scores that a concurrent rescore just replaced.
    """
    now = now or timezone.now()
    scored = CampaignResult.objects.order_by("campaign_id")
    if campaign_ids is not None:
        scored = scored.filter(campaign_id__in=list(campaign_ids))
    ids = list(scored.values_list("campaign_id", flat=True))
    changed = 0
    for batch in id_batches(ids, REFRESH_BATCH_SIZE):
        with transaction.atomic():
            campaigns = list(
                Campaign.objects.select_for_update(of=("self",))
                .select_related("district")
                .filter(pk__in=batch)
                .order_by("pk")
            )
            version = benchmark_version_latest()
            facts_by_district = district_campaign_facts({c.district_id for c in campaigns}, now=now)
            facts_by_id = {
                facts.campaign_id: facts
                for district_facts in facts_by_district.values()
                for facts in district_facts
            }
            stages = {facts.stage for facts in facts_by_id.values()}
            benchmarks = version_benchmarks(version, stages)
            results = {
                r.campaign_id: r for r in CampaignResult.objects.filter(campaign_id__in=batch)
            }
            to_update = []
            for campaign in campaigns:
                facts = facts_by_id.get(campaign.pk)
                result = results.get(campaign.pk)
                if facts is None or result is None:
                    continue
                standing = campaign_standing(
                    facts, facts_by_district[campaign.district_id], benchmarks[facts.stage]
                )
                fields = _result_fields(standing, version)
                if _result_differs(result, fields):
                    for name, value in fields.items():
                        setattr(result, name, value)
                    result.computed_at = timezone.now()
                    to_update.append(result)
            if to_update:
                CampaignResult.objects.bulk_update(
                    to_update, [*_result_fields_names(), "computed_at"]
                )
            changed += len(to_update)
        if progress is not None:
            progress(len(batch))
    return changed


def _result_fields_names() -> list[str]:
    return ["stage", "benchmark_version_id", "previous_campaign_id", "ranks", "landmarks"]


# --- benchmark versions --------------------------------------------------------------------------


def _fingerprint(cohort_values: Mapping[str, Mapping[str, Sequence[float]]]) -> str:
    # repr of a float round-trips exactly, so equal fingerprints mean equal cohorts.
    canonical = json.dumps(
        {
            stage: {key: [repr(v) for v in values] for key, values in by_key.items()}
            for stage, by_key in cohort_values.items()
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _all_campaign_facts(now: dt.datetime) -> list[CampaignFacts]:
    """Every scored campaign as CampaignFacts (two queries)."""
    campaigns = list(Campaign.objects.select_related("district").order_by("pk"))
    scores = _whole_scores(None)
    return [campaign_facts(c, scores[c.pk], now=now) for c in campaigns if c.pk in scores]


@dataclass(frozen=True)
class RebuildOutcome:
    version: BenchmarkVersion
    created: bool
    n_eligible: int
    results_changed: int = field(default=0)


def benchmarks_rebuild(
    *, now: dt.datetime | None = None, progress: Callable[[int], object] | None = None
) -> RebuildOutcome:
    """Rebuild the national benchmarks from every campaign's stored whole scores (method
    section 5), then refresh every campaign's ranks and landmarks against them.

    A new BenchmarkVersion is written only when some stage's cohort changed: versions are
    never overwritten, and a rebuild that changes nothing leaves the rows as they were.
    Rebuilds are serialized by the BenchmarkState row's lock.
    """
    now = now or timezone.now()
    with transaction.atomic():
        BenchmarkState.objects.get_or_create(pk=1)
        state = BenchmarkState.objects.select_for_update().get(pk=1)
        facts = _all_campaign_facts(now)
        cohort_values = cohorts(facts)
        fingerprint = _fingerprint(cohort_values)
        n_eligible = sum(1 for f in facts if eligible(f))
        latest = benchmark_version_latest()
        if latest is not None and latest.fingerprint == fingerprint:
            version, created = latest, False
        else:
            benchmarks = benchmarks_by_stage(facts)
            version = BenchmarkVersion.objects.create(
                computed_at=timezone.now(),
                fingerprint=fingerprint,
                n_campaigns=n_eligible,
                growth_shares=growth_shares(benchmarks),
            )
            BenchmarkRow.objects.bulk_create(
                BenchmarkRow(
                    version=version,
                    stage=stage,
                    key=key,
                    n_districts=benchmark.n_districts,
                    published=benchmark.published,
                    mean=benchmark.mean,
                    p10=benchmark.p10,
                    p25=benchmark.p25,
                    p50=benchmark.p50,
                    p75=benchmark.p75,
                    p90=benchmark.p90,
                    cohort=list(cohort_values[stage][key]),
                )
                for stage in STAGES
                for key, benchmark in benchmarks[stage].items()
            )
            created = True
        state.checked_at = now
        state.save(update_fields=["checked_at"])
    logger.info(REBUILT_NEW if created else REBUILT_SAME, version.pk, n_eligible)
    changed = campaign_results_refresh(now=now, progress=progress)
    return RebuildOutcome(
        version=version, created=created, n_eligible=n_eligible, results_changed=changed
    )


def benchmarks_stale(*, now: dt.datetime | None = None) -> bool:
    """Whether a campaign opened or closed since the benchmarks were last rebuilt (or they never
    were, while campaigns exist)."""
    now = now or timezone.now()
    state = BenchmarkState.objects.filter(pk=1).first()
    campaigns = Campaign.objects.all()
    if state is None or state.checked_at is None:
        return campaigns.exists()
    since = state.checked_at
    return (
        campaigns.filter(opens_at__gt=since, opens_at__lte=now).exists()
        or campaigns.filter(closes_at__gt=since, closes_at__lte=now).exists()
    )


# --- the sweep -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepOutcome:
    campaign_ids: list[int]
    rebuild_requested: bool


def campaigns_to_release(now: dt.datetime) -> QuerySet[Campaign]:
    """Closed campaigns whose released scores are missing or stale: never computed since they
    closed, or marked dirty (an import into a closed campaign)."""
    return Campaign.objects.filter(closes_at__lte=now).filter(
        Q(scores_dirty=True) | Q(result__isnull=True) | Q(result__computed_at__lt=F("closes_at"))
    )


def campaigns_sweep(*, now: dt.datetime | None = None) -> SweepOutcome:
    """Every minute (beat): enqueue a rescore of every closed campaign whose released scores
    are missing or stale, a release due at `closes_at` for each campaign closing before the
    next sweep, and a benchmark rebuild when a campaign opened or closed since the last one.

    This is the safety net: whatever a lost message or a broker outage left behind is caught
    up within a minute.
    """
    now = now or timezone.now()
    ids = sorted(campaigns_to_release(now).values_list("pk", flat=True))
    for campaign_id in ids:
        _recompute_enqueue(campaign_id, debounce=False)
    closing_soon = Campaign.objects.filter(
        closes_at__gt=now, closes_at__lte=now + dt.timedelta(seconds=RELEASE_LOOKAHEAD_SECONDS)
    ).values_list("pk", "closes_at")
    for campaign_id, closes_at in closing_soon:
        campaign_release_schedule(campaign_id, closes_at)
    stale = benchmarks_stale(now=now)
    if stale:
        benchmarks_rebuild_request()
    return SweepOutcome(campaign_ids=ids, rebuild_requested=stale)


# --- enqueuing -----------------------------------------------------------------------------------


def _send(task: Task[Any, Any], args: tuple[Any, ...], *, countdown: float) -> bool:
    """Enqueue without ever raising: False (and a log line) when the broker cannot be reached."""
    try:
        # No publish retries: a teacher's request must not wait for a broker that is down.
        task.apply_async(args, countdown=countdown, retry=False)
    except Exception:
        logger.warning(ENQUEUE_FAILED, task.name, args, exc_info=True)
        return False
    return True


def _recompute_enqueue(campaign_id: int, *, debounce: bool) -> None:
    recompute_campaign_task = task_named(RECOMPUTE_CAMPAIGN)
    if tasks_run_eagerly():
        # Embedded mode: no worker, no sweep. Run now, and never fail the caller's request.
        try:
            recompute_campaign_task.apply(args=(campaign_id,), throw=True)
        except Exception:
            logger.exception("recompute of campaign %s failed; it stays dirty", campaign_id)
        return
    key = RECOMPUTE_KEY.format(campaign_id=campaign_id)
    if debounce and not cache.add(key, 1, timeout=RECOMPUTE_DEBOUNCE_SECONDS):
        return  # a run is already due after this response commits: it will read it
    countdown = RECOMPUTE_DELAY_SECONDS if debounce else 0
    if not _send(recompute_campaign_task, (campaign_id,), countdown=countdown) and debounce:
        cache.delete(key)  # let the next response try again


def campaign_scores_request(campaign_id: int) -> None:
    """Responses to the campaign were stored: recompute its scores soon, coalesced.

    When called inside a transaction it waits for the commit itself. Never raises into the
    caller's request. (surveys, below this app, sends the recompute task by name instead:
    surveys/queueing.py.)
    """
    transaction.on_commit(partial(_recompute_enqueue, campaign_id, debounce=True), robust=True)


def campaign_release_schedule(campaign_id: int, closes_at: dt.datetime) -> None:
    """Enqueue the campaign's rescore due at `closes_at`, once per closing time.

    Only for closings before the next sweep (the sweep calls this each minute): a message held
    for weeks by the broker would be delivered again at every visibility timeout. Nothing to do
    in the embedded mode, where tasks run at once (the embedded sweep releases it instead).
    """
    if tasks_run_eagerly():
        return
    recompute_campaign_task = task_named(RECOMPUTE_CAMPAIGN)
    key = RELEASE_KEY.format(campaign_id=campaign_id, closes_at=closes_at.timestamp())
    if not cache.add(key, 1, timeout=RELEASE_LOOKAHEAD_SECONDS * 3):
        return
    Campaign.objects.filter(pk=campaign_id).update(scores_dirty=True)
    try:
        recompute_campaign_task.apply_async((campaign_id,), eta=closes_at, retry=False)
    except Exception:
        logger.warning(ENQUEUE_FAILED, recompute_campaign_task.name, campaign_id, exc_info=True)
        cache.delete(key)


def campaign_refresh(*, campaign_id: int) -> None:
    """A campaign was created or changed (dates, exclusion from benchmarks): rescore it (which
    refreshes its district's landmarks), schedule its release if it closes before the next
    sweep, and rebuild the benchmarks soon. The task `onpoint.tasks.refresh_campaign` runs it
    when surveys asks (surveys/queueing.py)."""
    Campaign.objects.filter(pk=campaign_id).update(scores_dirty=True)
    _recompute_enqueue(campaign_id, debounce=False)
    closes_at = Campaign.objects.filter(pk=campaign_id).values_list("closes_at", flat=True).first()
    now = timezone.now()
    if closes_at is not None and now < closes_at <= now + dt.timedelta(
        seconds=RELEASE_LOOKAHEAD_SECONDS
    ):
        campaign_release_schedule(campaign_id, closes_at)
    benchmarks_rebuild_request()


def campaign_refresh_request(campaign_id: int) -> None:
    """`campaign_refresh` after the commit, in this process (for callers in this layer or above;
    surveys, below, sends the task by name instead)."""
    transaction.on_commit(partial(campaign_refresh, campaign_id=campaign_id), robust=True)


def benchmarks_rebuild_request() -> None:
    """Rebuild the benchmarks soon, coalescing the requests of the next few seconds."""
    rebuild_benchmarks_task = task_named(REBUILD_BENCHMARKS)
    if tasks_run_eagerly():
        try:
            rebuild_benchmarks_task.apply(throw=True)
        except Exception:
            logger.exception("benchmark rebuild failed")
        return
    if not cache.add(REBUILD_KEY, 1, timeout=REBUILD_DEBOUNCE_SECONDS):
        return
    if not _send(rebuild_benchmarks_task, (), countdown=REBUILD_DEBOUNCE_SECONDS + 0.5):
        cache.delete(REBUILD_KEY)
