"""The national map's chart: how many districts are at each stage and each place on the path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from onpoint.charts.base import (
    GRID,
    Chart,
    DataTable,
    figure_layout,
    joined,
    patterned_marker,
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
    by_stage = {stage: sum(counts.get(stage, {}).values()) for stage in STAGES}
    by_place = {
        place: sum(counts.get(s, {}).get(place, 0) for s in STAGES) for place in place_labels
    }
    total = sum(by_stage.values())
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
        summary=_places_summary(place_labels, by_stage, by_place),
        figure={
            "data": [
                _place_bars(index, place, label, counts)
                for index, (place, label) in enumerate(place_labels.items())
            ],
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


def _place_bars(
    index: int, place: str, label: str, counts: Mapping[str, Mapping[str, int]]
) -> dict[str, Any]:
    """One place on the path: its number of districts at each stage, one stacked bar a stage."""
    return {
        "type": "bar",
        "x": [STAGE_LABELS[s] for s in STAGES],
        "y": [counts.get(stage, {}).get(place, 0) for stage in STAGES],
        "name": label,
        "marker": patterned_marker(index),
        "customdata": [
            f"{STAGE_LABELS[stage]}, {label}: {counts.get(stage, {}).get(place, 0)} districts"
            for stage in STAGES
        ],
        "hovertemplate": "%{customdata}<extra></extra>",
    }


def _places_summary(
    place_labels: Mapping[str, str], by_stage: Mapping[str, int], by_place: Mapping[str, int]
) -> str:
    """How many districts are at each stage, and the most common place on the path."""
    total = sum(by_stage.values())
    if total == 0:
        return sentence("no district is on the journey yet")
    common = max(place_labels, key=lambda place: by_place[place])
    return sentence(
        f"of {total} districts, " + joined([f"{by_stage[s]} {_stage_phrase(s)}" for s in STAGES]),
        f"the most common place on the path is “{place_labels[common]}” "
        f"({by_place[common]} districts)",
    )


def _stage_phrase(stage: str) -> str:
    return "are planning" if stage == "planning" else f"in {STAGE_LABELS[stage]}"
