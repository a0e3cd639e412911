"""What every chart of the dashboards shares: the palette and font, the layout and the score
axis, the accessible "Show data" table, and the texts that stand in for a value the method does
not report.

Pure: plain data in (the method's `Score` and `Benchmark`, labels, counts), plain data out. No
Django, no database. A page embeds `Chart.figure` as JSON and static/js/charts.js draws it with
plotly.js; `Chart.summary` is the one sentence a screen reader hears and `Chart.table` the data
behind the picture.

Privacy: a suppressed score has no value (onpoint.method.scoring.Score), so nothing here can
plot it, put it in a hover text or a table. Every number that leaves the charts is rounded for
display (whole numbers, as on the page); the figure's JSON never carries full precision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from onpoint.method.benchmarks import Benchmark
from onpoint.method.scoring import Score, round_for_display
from onpoint.method.structure import (
    MIN_REPORTED_N,
    REASON_COMPLEMENTARY,
)

# The Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008): distinguishable with
# every common colour-vision deficiency. Series also differ by marker symbol or bar pattern, so
# no chart relies on colour alone.
OKABE_ITO: Final[dict[str, str]] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
# Series colours in order of use: the first five have at least 3:1 contrast on white (WCAG
# 1.4.11, graphical objects); orange comes last, for the sixth district of a side-by-side.
SERIES_COLOURS: Final[tuple[str, ...]] = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["black"],
    OKABE_ITO["orange"],
)
SERIES_SYMBOLS: Final[tuple[str, ...]] = (
    "circle",
    "diamond",
    "square",
    "triangle-up",
    "x",
    "star",
)
SERIES_PATTERNS: Final[tuple[str, ...]] = ("", "/", ".", "x", "\\", "+")
INK: Final = "#1b2430"
GRID: Final = "#d5dbe3"
# The national median and its middle half: black line on a blue band (the band at 18% opacity
# keeps every series drawn over it readable).
MEDIAN_COLOUR: Final = OKABE_ITO["black"]
BAND_COLOUR: Final = "rgba(0, 114, 178, 0.18)"
FONT: Final[dict[str, Any]] = {
    "family": 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
    "size": 13,
    "color": INK,
}

# What the page says instead of a number the method does not report (method section 4).
SUPPRESSED_FEW: Final = "fewer than 5 responses"
SUPPRESSED_COMPLEMENTARY: Final = "hidden to protect a smaller group"
NOT_PUBLISHED: Final = "not published (fewer than 5 districts)"
NOT_AVAILABLE: Final = "not available"
NO_SCORE_YET: Final = "no score yet"
# A count under 5 (of responses to a score) is never shown as a number either: it is the size
# of a group the method hides.
FEW_COUNT: Final = "fewer than 5"


@dataclass(frozen=True)
class DataTable:
    """The numbers behind a chart, as display strings. The first cell of a row is its header."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """One figure of a page: `key` is unique on the page (letters, digits, hyphens)."""

    key: str
    title: str
    summary: str
    figure: dict[str, Any]
    table: DataTable

    @property
    def figure_id(self) -> str:
        """The id of the element holding the figure's JSON (read by static/js/charts.js)."""
        return f"chart-{self.key}-figure"

    @property
    def dom_id(self) -> str:
        return f"chart-{self.key}"


@dataclass(frozen=True)
class NamedScores:
    """A group of a breakdown (a school, a role, a district) and its scores by score key."""

    name: str
    scores: Mapping[str, Score]


# --- display text ------------------------------------------------------------------------------


def whole(value: float) -> int:
    """A score as the page shows it: a whole number, halves away from zero (method.scoring)."""
    return int(round_for_display(value, 0))


def whole_text(value: float | None, missing: str = NOT_AVAILABLE) -> str:
    return missing if value is None else str(whole(value))


def score_text(score: Score | None) -> str:
    """A score as the page shows it, or why it is not shown. Never a suppressed value."""
    if score is None:
        return NO_SCORE_YET
    if score.reported and score.value is not None:
        return str(whole(score.value))
    if score.reason == REASON_COMPLEMENTARY:
        return SUPPRESSED_COMPLEMENTARY
    return SUPPRESSED_FEW


def count_text(n: int) -> str:
    """A number of responses, unless it is under 5 (the size of a hidden group)."""
    return str(n) if n >= MIN_REPORTED_N else FEW_COUNT


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def percentile_text(rank: float | None) -> str:
    """A percentile rank (0-100) as "54th percentile"; "not available" when absent."""
    if rank is None:
        return NOT_AVAILABLE
    return f"{ordinal(whole(rank))} percentile"


def change_text(change: float | None) -> str:
    """A change of score between two campaigns, signed and whole ("+4", "0", and a true minus
    sign, U+2212, before a fall), rounded once from the exact difference; "not available" when
    absent."""
    if change is None:
        return NOT_AVAILABLE
    points = whole(change)
    if points > 0:
        return f"+{points}"
    return f"\u2212{-points}" if points < 0 else "0"


def share_text(share: float | None) -> str:
    """A share of growth (0.70 is 70%) as a whole percentage."""
    return NOT_AVAILABLE if share is None else f"{whole(share * 100)}%"


def reported_value(score: Score | None) -> float | None:
    """The value to plot: None for a missing or suppressed score (it has no value anyway)."""
    if score is None or not score.reported:
        return None
    return score.value


def plotted(value: float) -> float:
    """The number a figure carries: one decimal, enough to place a point, never more."""
    return round_for_display(value, 1)


def published_benchmark(benchmark: Benchmark | None) -> Benchmark | None:
    return benchmark if benchmark is not None and benchmark.published else None


def median_text(benchmark: Benchmark | None) -> str:
    shown = published_benchmark(benchmark)
    return whole_text(shown.p50 if shown else None, NOT_PUBLISHED)


def joined(parts: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


# --- layout ------------------------------------------------------------------------------------


LEGEND_ON_TOP: Final[dict[str, Any]] = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "y": 1.02,
    "yanchor": "bottom",
}


def patterned_marker(index: int) -> dict[str, Any]:
    """The marker of the `index`th bar series: its colour with its own fill pattern, so that
    series differ without colour too."""
    return {
        "color": SERIES_COLOURS[index % len(SERIES_COLOURS)],
        "pattern": {
            "shape": SERIES_PATTERNS[index % len(SERIES_PATTERNS)],
            "fgcolor": "#ffffff",
            # Over the series colour: "replace" would draw white on nothing.
            "fillmode": "overlay",
            "solidity": 0.25,
        },
    }


def figure_layout(
    *, height: int, xaxis: dict[str, Any], yaxis: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "height": height,
        "autosize": True,
        "margin": {"l": 56, "r": 16, "t": 12, "b": 48},
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "hoverlabel": {"font": FONT, "bgcolor": "#ffffff", "bordercolor": INK},
        # No zoom or pan: on a phone a drag must scroll the page, not the chart.
        "dragmode": False,
        "showlegend": True,
        # The legend above the plot: below, it collides with the axis title on short charts.
        "legend": LEGEND_ON_TOP,
        "xaxis": {"fixedrange": True, "automargin": True, **xaxis},
        "yaxis": {"fixedrange": True, "automargin": True, **yaxis},
    }
    layout.update(extra)
    return layout


SCORE_AXIS: Final[dict[str, Any]] = {
    "range": [0, 100],
    "title": {"text": "Score (0 to 100)"},
    "gridcolor": GRID,
    "zeroline": False,
}


def sentence(*clauses: str) -> str:
    text = "; ".join(clause for clause in clauses if clause)
    return text[:1].upper() + text[1:] + "."
