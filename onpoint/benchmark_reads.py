"""Stored benchmark versions as the ranks and landmarks need them: each stage's benchmarks and
cohorts of one version (read once per process and kept), and the latest version. Reads only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from onpoint.method.benchmarks import Benchmark, RankingCohort
from onpoint.method.structure import SCORE_KEYS, STAGES
from onpoint.models import Benchmark as BenchmarkRow
from onpoint.models import BenchmarkVersion


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


@lru_cache(maxsize=32)
def version_benchmark_rows(version_id: int, fingerprint: str) -> dict[str, dict[str, Benchmark]]:
    """Every stage's benchmark of every score key of one version, without the cohorts (the
    pages' benchmark sets, onpoint.selectors): read once per process (one query), kept. Do not
    change what it returns: it is shared. A version never changes once written; the fingerprint
    is part of the key because a test database reuses ids after a rollback."""
    stages = {stage: dict.fromkeys(SCORE_KEYS, NO_BENCHMARK) for stage in STAGES}
    for row in BenchmarkRow.objects.filter(version_id=version_id).defer("cohort"):
        stages[row.stage][row.key] = benchmark_of_row(row)
    return stages


def benchmark_rows_forget() -> None:
    """Forget every version's rows this process keeps (for tests, whose rolled-back databases
    reuse ids)."""
    version_benchmark_rows.cache_clear()


def benchmark_version_latest() -> BenchmarkVersion | None:
    return BenchmarkVersion.objects.order_by("-id").first()
