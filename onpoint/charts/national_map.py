"""The national map's chart: how many districts are at each stage and each place on the path."""

from __future__ import annotations

from collections.abc import Mapping

from onpoint.charts.base import (
    GRID,
    SERIES_COLOURS,
    SERIES_PATTERNS,
    Chart,
    DataTable,
    figure_layout,
    joined,
    sentence,
)
from onpoint.method.structure import (
    STAGE_LABELS,
    STAGES,
)


def journey_places(
    *,
    key: str,
    counts: Mapping[str, Mapping[str, int]],
    place_labels: Mapping[str, str],
) -> Chart:
    """How many districts are at each stage and at each place on the path (stacked bars).

    `counts[stage][place]` is a number of districts; `place_labels` gives the path's places in
    order with their labels.
    """
    stage_labels = [STAGE_LABELS[s] for s in STAGES]
    traces = []
    for index, (place, label) in enumerate(place_labels.items()):
        traces.append(
            {
                "type": "bar",
                "x": stage_labels,
                "y": [counts.get(stage, {}).get(place, 0) for stage in STAGES],
                "name": label,
                "marker": {
                    "color": SERIES_COLOURS[index % len(SERIES_COLOURS)],
                    "pattern": {
                        "shape": SERIES_PATTERNS[index % len(SERIES_PATTERNS)],
                        "fgcolor": "#ffffff",
                        # Over the series colour: "replace" would draw white on nothing.
                        "fillmode": "overlay",
                        "solidity": 0.25,
                    },
                },
                "customdata": [
                    f"{STAGE_LABELS[stage]}, {label}: {counts.get(stage, {}).get(place, 0)} "
                    "districts"
                    for stage in STAGES
                ],
                "hovertemplate": "%{customdata}<extra></extra>",
            }
        )
    by_stage = {stage: sum(counts.get(stage, {}).values()) for stage in STAGES}
    by_place = {
        place: sum(counts.get(s, {}).get(place, 0) for s in STAGES) for place in place_labels
    }
    total = sum(by_stage.values())
    if total == 0:
        summary = sentence("no district is on the journey yet")
    else:
        common = max(place_labels, key=lambda place: by_place[place])
        summary = sentence(
            f"of {total} districts, "
            + joined([f"{by_stage[s]} {_stage_phrase(s)}" for s in STAGES]),
            f"the most common place on the path is “{place_labels[common]}” "
            f"({by_place[common]} districts)",
        )
    rows = tuple(
        (
            STAGE_LABELS[stage],
            *(str(counts.get(stage, {}).get(place, 0)) for place in place_labels),
            str(by_stage[stage]),
        )
        for stage in STAGES
    )
    return Chart(
        key=key,
        title="Districts by stage and by place on the path",
        summary=summary,
        figure={
            "data": traces,
            "layout": figure_layout(
                height=340,
                xaxis={"type": "category"},
                yaxis={"title": {"text": "Districts"}, "gridcolor": GRID, "rangemode": "tozero"},
                barmode="stack",
            ),
        },
        table=DataTable(
            caption="Number of districts at each stage and place on the path",
            columns=("Stage", *place_labels.values(), "All places"),
            rows=(
                *rows,
                ("All stages", *(str(by_place[p]) for p in place_labels), str(total)),
            ),
        ),
    )


def _stage_phrase(stage: str) -> str:
    return "are planning" if stage == "planning" else f"in {STAGE_LABELS[stage]}"
