"""The benchmarks page's chart of the share of growth in the first year (its growth curves are
onpoint.charts.journey's).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from onpoint.charts.base import (
    GRID,
    SERIES_COLOURS,
    Chart,
    DataTable,
    figure_layout,
    joined,
    sentence,
    share_text,
    whole,
)
from onpoint.method.structure import (
    CATEGORY_KEYS,
    CATEGORY_LABELS,
)


def growth_shares(*, key: str, shares: Mapping[str, float | None]) -> Chart:
    """The share of each category's growth that happens in the first year (method section 5),
    as computed from the benchmarks: never a figure written in."""
    known = [(c, share) for c in CATEGORY_KEYS if (share := shares.get(c)) is not None]
    values = [whole(share * 100) for _, share in known]
    low = min([0, *values])
    high = max([100, *values])
    return Chart(
        key=key,
        title="Share of each category's growth that happens in the first year",
        summary=_shares_summary(known),
        figure={
            "data": [_shares_bars(known)] if known else [],
            "layout": figure_layout(
                height=240,
                xaxis={
                    "range": [low, high + 10],
                    "title": {"text": "Share of growth in Year 1"},
                    "gridcolor": GRID,
                    "ticksuffix": "%",
                },
                yaxis={
                    "type": "category",
                    "categoryorder": "array",
                    "categoryarray": [CATEGORY_LABELS[c] for c in reversed(CATEGORY_KEYS)],
                },
                showlegend=False,
                margin={"l": 16, "r": 24, "t": 8, "b": 48},
            ),
        },
        table=DataTable(
            caption="Share of each category's growth that happens between Planning and Year 1",
            columns=("Category", "Share in the first year"),
            rows=tuple((CATEGORY_LABELS[c], share_text(shares.get(c))) for c in CATEGORY_KEYS),
        ),
    )


def _shares_bars(known: Sequence[tuple[str, float]]) -> dict[str, Any]:
    """The known shares as horizontal bars, each labelled with its percentage."""
    return {
        "type": "bar",
        "orientation": "h",
        "y": [CATEGORY_LABELS[c] for c, _ in known],
        "x": [whole(share * 100) for _, share in known],
        "text": [share_text(share) for _, share in known],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": SERIES_COLOURS[0]},
        "name": "Share of growth in Year 1",
        "customdata": [f"{CATEGORY_LABELS[c]}: {share_text(s)}" for c, s in known],
        "hovertemplate": "%{customdata}<extra></extra>",
    }


def _shares_summary(known: Sequence[tuple[str, float]]) -> str:
    if not known:
        return sentence(
            "the share of growth in the first year needs published benchmarks at Planning, "
            "Year 1 and Year 3+, which do not exist yet"
        )
    return sentence(
        "of each category's growth from Planning to Year 3+, the share that happens in the "
        "first year is " + joined([f"{share_text(s)} for {CATEGORY_LABELS[c]}" for c, s in known])
    )
