"""The journey map's growth curve (method section 5), which the campaign dashboard (one per score)
and the benchmarks page draw too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from onpoint.charts.base import (
    NOT_PUBLISHED,
    OKABE_ITO,
    SCORE_AXIS,
    Chart,
    DataTable,
    figure_layout,
    published_benchmark,
    sentence,
    whole,
    whole_text,
)
from onpoint.charts.stages import (
    StagePoint,
    against_median,
    band_traces,
    latest_reported,
    median_sentence,
    points_at,
    points_trace,
    score_of,
    stage_axis,
)
from onpoint.method.benchmarks import Benchmark
from onpoint.method.structure import (
    SCORE_LABELS,
    STAGE_LABELS,
    STAGES,
)


def growth_curve(
    *,
    key: str,
    score_key: str,
    benchmarks: Mapping[str, Benchmark],
    points: Sequence[StagePoint] = (),
    subject: str = "This district",
    height: int = 300,
) -> Chart:
    """A growth curve (method section 5): the national median of `score_key` at each stage with
    its 25th-75th percentile band, and `points` (the district's campaigns) at their stages.

    `benchmarks` maps each stage to the benchmark of `score_key` there; `points` are in
    chronological order (the last reported one is "latest" in the summary).
    """
    label = SCORE_LABELS[score_key]
    traces, published = band_traces(benchmarks, "")
    point_trace = points_trace(
        points, name=subject, colour=OKABE_ITO["vermillion"], symbol="diamond"
    )
    if point_trace is not None:
        traces.append(point_trace)
    return Chart(
        key=key,
        title=label,
        summary=_growth_summary(label, published, benchmarks, points, subject),
        figure={
            "data": traces,
            "layout": figure_layout(height=height, xaxis=stage_axis(), yaxis=SCORE_AXIS),
        },
        table=_growth_table(label, benchmarks, points, subject),
    )


def _growth_summary(
    label: str,
    published: Sequence[tuple[str, Benchmark]],
    benchmarks: Mapping[str, Benchmark],
    points: Sequence[StagePoint],
    subject: str,
) -> str:
    """The national median's course, then where the latest reported campaign stands."""
    clauses = [median_sentence(label, published)]
    if points:
        latest = latest_reported(points)
        if latest is None or latest.score.value is None:
            clauses.append(f"{subject.lower()} has no reported {score_of(label)} yet")
        else:
            there = published_benchmark(benchmarks.get(latest.stage))
            clauses.append(
                f"{subject.lower()} scored {whole(latest.score.value)} in {latest.label} "
                f"({STAGE_LABELS[latest.stage]}){against_median(latest.score.value, there)}"
            )
    return sentence(*clauses)


def _growth_table(
    label: str,
    benchmarks: Mapping[str, Benchmark],
    points: Sequence[StagePoint],
    subject: str,
) -> DataTable:
    """One row a stage: its benchmark, and the subject's campaigns there when there are any."""
    columns = ["Stage", "Districts", "25th percentile", "National median", "75th percentile"]
    if points:
        columns.append(subject)
    rows = []
    for stage in STAGES:
        benchmark = benchmarks.get(stage)
        shown = published_benchmark(benchmark)
        row = [
            STAGE_LABELS[stage],
            str(benchmark.n_districts if benchmark is not None else 0),
            whole_text(shown.p25 if shown else None, NOT_PUBLISHED),
            whole_text(shown.p50 if shown else None, NOT_PUBLISHED),
            whole_text(shown.p75 if shown else None, NOT_PUBLISHED),
        ]
        if points:
            row.append(points_at(points, stage))
        rows.append(tuple(row))
    return DataTable(
        caption=f"{label}: national benchmarks by stage" + (f" and {subject}" if points else ""),
        columns=tuple(columns),
        rows=tuple(rows),
    )
