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
    score_text,
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
            at_stage = [f"{p.label}: {score_text(p.score)}" for p in points if p.stage == stage]
            row.append("; ".join(at_stage) or "none")
        rows.append(tuple(row))

    figure = {
        "data": traces,
        "layout": figure_layout(height=height, xaxis=stage_axis(), yaxis=SCORE_AXIS),
    }
    return Chart(
        key=key,
        title=label,
        summary=sentence(*clauses),
        figure=figure,
        table=DataTable(
            caption=f"{label}: national benchmarks by stage"
            + (f" and {subject}" if points else ""),
            columns=tuple(columns),
            rows=tuple(rows),
        ),
    )
