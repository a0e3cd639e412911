"""The stage axis that the growth curves share (the journey map, the dashboard, the benchmarks
and compare pages): points placed at their stage, the national median with its middle half as a
band, and the sentences that set a score against that median.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from onpoint.charts.base import (
    BAND_COLOUR,
    MEDIAN_COLOUR,
    plotted,
    published_benchmark,
    reported_value,
    score_text,
    whole,
    whole_text,
)
from onpoint.method.benchmarks import Benchmark
from onpoint.method.scoring import Score
from onpoint.method.structure import (
    MIN_PUBLISHED_DISTRICTS,
    STAGE_LABELS,
    STAGES,
)

# Points of one stage are spread across this much of the stage's width, so that two campaigns
# (or districts) at one stage do not hide each other.
STAGE_SPREAD: Final = 0.5
STAGE_AXIS_RANGE: Final = (-0.5, len(STAGES) - 0.5)


@dataclass(frozen=True)
class StagePoint:
    """One campaign (or one district's latest campaign) placed at its stage."""

    stage: str
    label: str
    score: Score


def points_at(points: Sequence[StagePoint], stage: str) -> str:
    """The district's campaigns at one stage, for a "Show data" cell."""
    return (
        "; ".join(f"{p.label}: {score_text(p.score)}" for p in points if p.stage == stage) or "none"
    )


def stage_axis() -> dict[str, Any]:
    return {
        "tickmode": "array",
        "tickvals": list(range(len(STAGES))),
        "ticktext": [STAGE_LABELS[stage] for stage in STAGES],
        "range": list(STAGE_AXIS_RANGE),
        "showgrid": False,
        "zeroline": False,
    }


def _offsets(count: int) -> list[float]:
    """Horizontal offsets of `count` points sharing one stage, centred on it."""
    if count <= 1:
        return [0.0] * count
    spread = min(STAGE_SPREAD, 0.12 * (count - 1))
    step = spread / (count - 1)
    return [round(-spread / 2 + i * step, 3) for i in range(count)]


def _stage_positions(points: Sequence[StagePoint]) -> list[float]:
    """Each point's x: its stage's index, spread when several share a stage."""
    by_stage: dict[str, list[int]] = {}
    for index, point in enumerate(points):
        by_stage.setdefault(point.stage, []).append(index)
    positions = [0.0] * len(points)
    for stage, indexes in by_stage.items():
        for index, offset in zip(indexes, _offsets(len(indexes)), strict=True):
            positions[index] = STAGES.index(stage) + offset
    return positions


def band_traces(
    benchmarks: Mapping[str, Benchmark], label: str
) -> tuple[list[dict[str, Any]], list[tuple[str, Benchmark]]]:
    """The national median with its 25th-75th percentile band, over the published stages."""
    published = [
        (stage, benchmark)
        for stage in STAGES
        if (benchmark := published_benchmark(benchmarks.get(stage))) is not None
        and benchmark.p25 is not None
        and benchmark.p50 is not None
        and benchmark.p75 is not None
    ]
    if not published:
        return [], []
    xs = [STAGES.index(stage) for stage, _ in published]
    upper = [plotted(b.p75) for _, b in published if b.p75 is not None]
    lower = [plotted(b.p25) for _, b in published if b.p25 is not None]
    medians = [plotted(b.p50) for _, b in published if b.p50 is not None]
    hover = [
        f"{STAGE_LABELS[stage]}: national median {whole_text(b.p50)}, middle half "
        f"{whole_text(b.p25)} to {whole_text(b.p75)} ({b.n_districts} districts)"
        for stage, b in published
    ]
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "x": xs,
            "y": upper,
            "mode": "lines",
            "line": {"width": 0, "color": BAND_COLOUR},
            "hoverinfo": "skip",
            "showlegend": False,
            "name": "75th percentile",
        },
        {
            "type": "scatter",
            "x": xs,
            "y": lower,
            "mode": "lines",
            "line": {"width": 0, "color": BAND_COLOUR},
            "fill": "tonexty",
            "fillcolor": BAND_COLOUR,
            "hoverinfo": "skip",
            # Short, so the legend fits a phone on one line; the table says "25th to 75th".
            "name": "Middle half of districts",
        },
        {
            "type": "scatter",
            "x": xs,
            "y": medians,
            "mode": "lines+markers",
            "line": {"color": MEDIAN_COLOUR, "width": 2},
            "marker": {"color": MEDIAN_COLOUR, "size": 7},
            "name": f"National median, {label}" if label else "National median",
            "customdata": hover,
            "hovertemplate": "%{customdata}<extra></extra>",
        },
    ]
    return traces, published


def points_trace(
    points: Sequence[StagePoint], *, name: str, colour: str, symbol: str
) -> dict[str, Any] | None:
    """The reported points as markers; a suppressed point is left out entirely."""
    positions = _stage_positions(points)
    shown = [
        (x, point, value)
        for x, point in zip(positions, points, strict=True)
        if (value := reported_value(point.score)) is not None
    ]
    if not shown:
        return None
    return {
        "type": "scatter",
        "x": [x for x, _, _ in shown],
        "y": [plotted(value) for _, _, value in shown],
        "mode": "markers",
        "marker": {
            "color": colour,
            "symbol": symbol,
            "size": 11,
            "line": {"color": "#ffffff", "width": 1},
        },
        "name": name,
        "customdata": [
            f"{point.label} ({STAGE_LABELS[point.stage]}): {whole(value)}"
            for _, point, value in shown
        ],
        "hovertemplate": "%{customdata}<extra></extra>",
    }


def latest_reported(points: Sequence[StagePoint]) -> StagePoint | None:
    reported = [point for point in points if point.score.reported]
    return reported[-1] if reported else None


def score_of(label: str) -> str:
    """ "Operations score", and "Onpoint score" (not "Onpoint score score")."""
    return label if label.lower().endswith("score") else f"{label} score"


def median_sentence(label: str, published: Sequence[tuple[str, Benchmark]]) -> str:
    if not published:
        return (
            f"no national benchmark for {label} is published yet, because each stage needs at "
            f"least {MIN_PUBLISHED_DISTRICTS} districts with a reported score"
        )
    (first_stage, first), (last_stage, last) = published[0], published[-1]
    if first_stage == last_stage:
        return (
            f"nationally, the median {score_of(label)} at {STAGE_LABELS[first_stage]} is "
            f"{whole_text(first.p50)}"
        )
    return (
        f"nationally, the median {score_of(label)} goes from {whole_text(first.p50)} at "
        f"{STAGE_LABELS[first_stage]} to {whole_text(last.p50)} at {STAGE_LABELS[last_stage]}"
    )


def against_median(value: float, benchmark: Benchmark | None) -> str:
    if benchmark is None or benchmark.p50 is None:
        return ""
    shown, median = whole(value), whole(benchmark.p50)
    if shown == median:
        return f", at the national median of {median}"
    side = "above" if shown > median else "below"
    return f", {side} the national median of {median}"


def stage_points(
    entries: Iterable[tuple[str, str, Mapping[str, Score]]], score_key: str
) -> list[StagePoint]:
    """StagePoints of one score key from (stage, label, scores) entries, in their order."""
    return [
        StagePoint(stage=stage, label=label, score=scores[score_key])
        for stage, label, scores in entries
        if score_key in scores
    ]
