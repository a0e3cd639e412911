"""The national benchmarks: the current version's percentiles of every score at every stage,
its growth curves and growth shares, and the history of versions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from onpoint import charts, selectors
from onpoint.method.benchmarks import Benchmark
from onpoint.method.structure import (
    CATEGORY_KEYS,
    CATEGORY_LABELS,
    DIMENSIONS,
    SCORE_KEYS,
    SCORE_LABELS,
    STAGE_LABELS,
    STAGES,
)
from onpoint.models import BenchmarkVersion
from onpoint.national_selectors import VersionHistory, benchmark_history
from onpoint.pages.base import PageModel
from onpoint.selectors import BenchmarkSet

# The benchmarks page lists this many versions of its history.
VERSION_HISTORY_LIMIT: Final = 25


@dataclass(frozen=True)
class BenchmarkLine:
    """One score's benchmark at one stage."""

    key: str
    label: str
    is_dimension: bool
    benchmark: Benchmark


@dataclass(frozen=True)
class StageTable:
    stage: str
    label: str
    rows: list[BenchmarkLine]


@dataclass(frozen=True)
class BenchmarksPage(PageModel):
    benchmarks: BenchmarkSet
    version: BenchmarkVersion | None
    history: VersionHistory
    growth: list[charts.Chart]
    shares: charts.Chart
    tables: list[StageTable]
    category_labels: Mapping[str, str]


def benchmarks_page() -> BenchmarksPage:
    """The latest versions (two queries), the first of which is the current one, with its
    benchmarks (read once per process: one more query the first time)."""
    history = benchmark_history(limit=VERSION_HISTORY_LIMIT)
    current = selectors.benchmarks_of(history.versions[0] if history.versions else None)
    return BenchmarksPage(
        benchmarks=current,
        version=current.version,
        history=history,
        growth=[
            charts.growth_curve(
                key=f"growth-{category}",
                score_key=category,
                benchmarks={stage: current.stages[stage][category] for stage in STAGES},
                height=260,
            )
            for category in CATEGORY_KEYS
        ],
        shares=charts.growth_shares(key="growth-shares", shares=current.growth_shares),
        tables=[_stage_table(current, stage) for stage in STAGES],
        category_labels=CATEGORY_LABELS,
    )


def _stage_table(current: BenchmarkSet, stage: str) -> StageTable:
    return StageTable(
        stage=stage,
        label=STAGE_LABELS[stage],
        rows=[
            BenchmarkLine(
                key=key,
                label=SCORE_LABELS[key],
                is_dimension=key in DIMENSIONS,
                benchmark=current.stages[stage][key],
            )
            for key in SCORE_KEYS
        ],
    )
