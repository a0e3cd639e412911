"""The compare page's charts: a consultant's districts on the national curve, and two to six
districts side by side on the four categories.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from onpoint.charts.base import (
    OKABE_ITO,
    SCORE_AXIS,
    Chart,
    DataTable,
    NamedScores,
    figure_layout,
    joined,
    median_text,
    patterned_marker,
    plotted,
    published_benchmark,
    reported_value,
    score_text,
    sentence,
    whole,
)
from onpoint.charts.stages import (
    StagePoint,
    band_traces,
    median_sentence,
    points_trace,
    stage_axis,
)
from onpoint.method.benchmarks import Benchmark
from onpoint.method.structure import (
    CATEGORY_KEYS,
    CATEGORY_LABELS,
    ONPOINT,
    SCORE_LABELS,
    STAGE_LABELS,
)


def districts_on_the_curve(
    *, key: str, benchmarks: Mapping[str, Benchmark], points: Sequence[StagePoint]
) -> Chart:
    """A consultant's districts (each at its latest campaign's stage) against the national
    median and middle half of the Onpoint score."""
    traces, published = band_traces(benchmarks, "")
    trace = points_trace(
        points, name="Your districts", colour=OKABE_ITO["vermillion"], symbol="diamond"
    )
    if trace is not None:
        traces.append(trace)
    reported = [p for p in points if p.score.value is not None]
    above = sum(
        1
        for p in reported
        if p.score.value is not None
        and (b := published_benchmark(benchmarks.get(p.stage))) is not None
        and b.p50 is not None
        and whole(p.score.value) > whole(b.p50)
    )
    compared = sum(1 for p in reported if published_benchmark(benchmarks.get(p.stage)) is not None)
    if not reported:
        summary = sentence(
            median_sentence("Onpoint", published),
            "none of these districts has a reported Onpoint score yet",
        )
    else:
        summary = sentence(
            f"{len(reported)} of {len(points)} districts have a reported Onpoint score",
            f"{above} of the {compared} that have a national benchmark at their stage score above "
            "its median",
        )
    rows = tuple(
        (
            point.label,
            STAGE_LABELS[point.stage],
            score_text(point.score),
            median_text(benchmarks.get(point.stage)),
        )
        for point in points
    )
    return Chart(
        key=key,
        title="Your districts against the national benchmarks",
        summary=summary,
        figure={
            "data": traces,
            "layout": figure_layout(height=340, xaxis=stage_axis(), yaxis=SCORE_AXIS),
        },
        table=DataTable(
            caption="Latest Onpoint score of each district and the national median at its stage",
            columns=(
                "District",
                "Stage of the latest campaign",
                "Onpoint score",
                "National median",
            ),
            rows=rows,
        ),
    )


def side_by_side(*, key: str, districts: Sequence[NamedScores]) -> Chart:
    """Two to six districts side by side on the four categories (grouped bars)."""
    labels = [CATEGORY_LABELS[c] for c in CATEGORY_KEYS]
    return Chart(
        key=key,
        title="Side by side on the four categories",
        summary=_leaders_summary(districts),
        figure={
            "data": [_category_bars(index, group) for index, group in enumerate(districts)],
            "layout": figure_layout(
                height=360,
                xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels},
                yaxis=SCORE_AXIS,
                barmode="group",
            ),
        },
        table=DataTable(
            caption="Latest category scores of the chosen districts",
            columns=("District", *labels, SCORE_LABELS[ONPOINT]),
            rows=tuple(
                (
                    group.name,
                    *(score_text(group.scores.get(c)) for c in CATEGORY_KEYS),
                    score_text(group.scores.get(ONPOINT)),
                )
                for group in districts
            ),
        ),
    )


def _category_bars(index: int, group: NamedScores) -> dict[str, Any]:
    """One district's reported category scores as bars in its series' colour and pattern; a
    hidden category has no bar."""
    shown = [
        (CATEGORY_LABELS[c], value)
        for c in CATEGORY_KEYS
        if (value := reported_value(group.scores.get(c))) is not None
    ]
    return {
        "type": "bar",
        "x": [label for label, _ in shown],
        "y": [plotted(value) for _, value in shown],
        "name": group.name,
        "marker": patterned_marker(index),
        "customdata": [f"{group.name}, {label}: {whole(value)}" for label, value in shown],
        "hovertemplate": "%{customdata}<extra></extra>",
    }


def _leaders_summary(districts: Sequence[NamedScores]) -> str:
    """Which district is highest in each category, grouped by district ("A in X and Y; B in
    Z"); a tie on the shown whole number goes to the higher exact score."""
    leaders: dict[str, list[str]] = {}
    for category in CATEGORY_KEYS:
        candidates = [
            (value, group.name)
            for group in districts
            if (value := reported_value(group.scores.get(category))) is not None
        ]
        if candidates:
            value, name = max(candidates, key=lambda pair: (whole(pair[0]), pair[0]))
            leaders.setdefault(name, []).append(f"{CATEGORY_LABELS[category]} ({whole(value)})")
    if not leaders:
        return sentence("none of the chosen districts has a reported category score yet")
    return sentence(
        "highest by category: "
        + "; ".join(f"{name} in {joined(cats)}" for name, cats in leaders.items())
    )
