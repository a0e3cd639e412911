"""The campaign dashboard's stakeholder alignment (method section 7, "the elephant"): how each
role sees the four categories, and where the roles are divided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from onpoint.charts.base import (
    GRID,
    OKABE_ITO,
    SCORE_AXIS,
    SERIES_COLOURS,
    SERIES_SYMBOLS,
    Chart,
    DataTable,
    NamedScores,
    figure_layout,
    joined,
    plotted,
    reported_value,
    score_text,
    sentence,
    whole,
    whole_text,
)
from onpoint.method.structure import (
    CATEGORY_KEYS,
    CATEGORY_LABELS,
    DIVIDED_GAP,
    ROLE_LABELS,
)


@dataclass(frozen=True)
class RoleGap:
    """One category's perception gap as stored (method section 7); all None without a gap."""

    gap: float | None
    high_role: str | None
    low_role: str | None
    divided: bool


def stakeholder_alignment(
    *, key: str, by_role: Sequence[NamedScores], gaps: Mapping[str, RoleGap]
) -> Chart:
    """Where roles see the initiative differently (method section 7, "the elephant"): each
    category's reported role scores as dots on one line, the gap drawn between the highest and
    the lowest, divided categories (gap of 15 points or more) flagged in their label."""
    category_labels = {
        category: CATEGORY_LABELS[category]
        + (" (divided)" if gaps.get(category, _NO_GAP).divided else "")
        for category in CATEGORY_KEYS
    }
    traces: list[dict[str, Any]] = []
    divided = _divided_gaps_trace(by_role, gaps, category_labels)
    if divided is not None:
        traces.append(divided)
    for index, group in enumerate(by_role):
        trace = _role_trace(index, group, category_labels)
        if trace is not None:
            traces.append(trace)
    return Chart(
        key=key,
        title="Stakeholder alignment: how each role sees the four categories",
        summary=_alignment_summary(by_role, gaps),
        figure={
            "data": traces,
            "layout": figure_layout(
                height=300,
                xaxis=SCORE_AXIS,
                yaxis={
                    "type": "category",
                    "categoryorder": "array",
                    # Strategy first, at the top.
                    "categoryarray": [category_labels[c] for c in reversed(CATEGORY_KEYS)],
                    "gridcolor": GRID,
                },
                margin={"l": 16, "r": 16, "t": 12, "b": 48},
            ),
        },
        table=_alignment_table(by_role, gaps),
    )


_NO_GAP: Final = RoleGap(gap=None, high_role=None, low_role=None, divided=False)


def _divided_gaps_trace(
    by_role: Sequence[NamedScores],
    gaps: Mapping[str, RoleGap],
    category_labels: Mapping[str, str],
) -> dict[str, Any] | None:
    """One broad line per divided category, from the lower role's score to the higher's; a
    category is left out when either end is not reported (a gap never implies a hidden value)."""
    gap_x: list[float | None] = []
    gap_y: list[str | None] = []
    for category in CATEGORY_KEYS:
        gap = gaps.get(category, _NO_GAP)
        if gap.divided and gap.high_role and gap.low_role:
            high = _role_value(by_role, gap.high_role, category)
            low = _role_value(by_role, gap.low_role, category)
            if high is not None and low is not None:
                gap_x += [plotted(low), plotted(high), None]
                gap_y += [category_labels[category], category_labels[category], None]
    if not gap_x:
        return None
    return {
        "type": "scatter",
        "mode": "lines",
        "x": gap_x,
        "y": gap_y,
        "line": {"color": OKABE_ITO["vermillion"], "width": 6},
        "opacity": 0.35,
        "name": f"Divided: a gap of {DIVIDED_GAP} points or more",
        "hoverinfo": "skip",
    }


def _role_trace(
    index: int, group: NamedScores, category_labels: Mapping[str, str]
) -> dict[str, Any] | None:
    """One role's reported category scores as markers; None when it has none to show."""
    role_label = ROLE_LABELS.get(group.name, group.name)
    shown = [
        (category, value)
        for category in CATEGORY_KEYS
        if (value := reported_value(group.scores.get(category))) is not None
    ]
    if not shown:
        return None
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [plotted(value) for _, value in shown],
        "y": [category_labels[category] for category, _ in shown],
        "marker": {
            "color": SERIES_COLOURS[index % len(SERIES_COLOURS)],
            "symbol": SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)],
            "size": 12,
            "line": {"color": "#ffffff", "width": 1},
        },
        "name": role_label,
        "customdata": [
            f"{role_label}, {CATEGORY_LABELS[category]}: {whole(value)}"
            for category, value in shown
        ],
        "hovertemplate": "%{customdata}<extra></extra>",
    }


def _alignment_summary(by_role: Sequence[NamedScores], gaps: Mapping[str, RoleGap]) -> str:
    """The category the roles see most differently, then which categories are divided."""
    known = [(c, g) for c in CATEGORY_KEYS if (g := gaps.get(c, _NO_GAP)).gap is not None]
    if not known:
        return sentence(
            "fewer than two roles have a reported score in any category, so the roles' "
            "views cannot be compared yet"
        )
    category, widest = max(known, key=lambda pair: pair[1].gap or 0.0)
    assert widest.gap is not None
    assert widest.high_role
    assert widest.low_role
    high = _role_value(by_role, widest.high_role, category)
    low = _role_value(by_role, widest.low_role, category)
    divided = [CATEGORY_LABELS[c] for c, g in known if g.divided]
    return sentence(
        f"roles see {CATEGORY_LABELS[category]} most differently: "
        f"{_role_plural(widest.high_role)} score it {whole_text(high)} and "
        f"{_role_plural(widest.low_role)} {whole_text(low)}, a gap of {whole(widest.gap)} "
        "points",
        (
            f"{joined(divided)} {'is' if len(divided) == 1 else 'are'} divided (a gap of "
            f"{DIVIDED_GAP} points or more)"
            if divided
            else f"no category is divided (a gap of {DIVIDED_GAP} points or more)"
        ),
    )


def _alignment_table(by_role: Sequence[NamedScores], gaps: Mapping[str, RoleGap]) -> DataTable:
    """One row a category: each role's score, the gap between the extremes, divided or not."""
    rows = []
    for category in CATEGORY_KEYS:
        gap = gaps.get(category, _NO_GAP)
        gap_text = (
            f"{whole(gap.gap)} ({ROLE_LABELS.get(gap.high_role or '', gap.high_role)} vs "
            f"{ROLE_LABELS.get(gap.low_role or '', gap.low_role)})"
            if gap.gap is not None
            else "fewer than two roles reported"
        )
        rows.append(
            (
                CATEGORY_LABELS[category],
                *(score_text(g.scores.get(category)) for g in by_role),
                gap_text,
                "yes" if gap.divided else "no",
            )
        )
    return DataTable(
        caption="Category scores by role, with each category's perception gap",
        columns=(
            "Category",
            *(ROLE_LABELS.get(g.name, g.name) for g in by_role),
            "Gap",
            "Divided",
        ),
        rows=tuple(rows),
    )


def _role_value(by_role: Sequence[NamedScores], role: str, category: str) -> float | None:
    for group in by_role:
        if group.name == role:
            return reported_value(group.scores.get(category))
    return None


def _role_plural(role: str) -> str:
    label = ROLE_LABELS.get(role, role)
    return label[:1].lower() + label[1:] + ("" if label.endswith("staff") else "s")
