"""Plotly figures of the dashboards, as plain dicts, with their "Show data" tables and summaries.

Pure: plain data in (the method's `Score` and `Benchmark`, labels, counts), plain data out. No
Django, no database. A page embeds `Chart.figure` as JSON and static/js/charts.js draws it with
plotly.js; `Chart.summary` is the one sentence a screen reader hears and `Chart.table` the data
behind the picture.

Privacy: a suppressed score has no value (onpoint.method.scoring.Score), so nothing here can
plot it, put it in a hover text or a table. Every number that leaves this module is rounded for
display (whole numbers, as on the page); the figure's JSON never carries full precision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from onpoint.method.benchmarks import Benchmark
from onpoint.method.scoring import Score, round_for_display
from onpoint.method.structure import (
    CATEGORY_KEYS,
    CATEGORY_LABELS,
    DIVIDED_GAP,
    MIN_PUBLISHED_DISTRICTS,
    MIN_REPORTED_N,
    ONPOINT,
    REASON_COMPLEMENTARY,
    ROLE_LABELS,
    SCORE_LABELS,
    STAGE_LABELS,
    STAGES,
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

# Points of one stage are spread across this much of the stage's width, so that two campaigns
# (or districts) at one stage do not hide each other.
STAGE_SPREAD: Final = 0.5
STAGE_AXIS_RANGE: Final = (-0.5, len(STAGES) - 0.5)


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
class StagePoint:
    """One campaign (or one district's latest campaign) placed at its stage."""

    stage: str
    label: str
    score: Score


@dataclass(frozen=True)
class NamedScores:
    """A group of a breakdown (a school, a role, a district) and its scores by score key."""

    name: str
    scores: Mapping[str, Score]


@dataclass(frozen=True)
class RoleGap:
    """One category's perception gap as stored (method section 7); all None without a gap."""

    gap: float | None
    high_role: str | None
    low_role: str | None
    divided: bool


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


def _value(score: Score | None) -> float | None:
    """The value to plot: None for a missing or suppressed score (it has no value anyway)."""
    if score is None or not score.reported:
        return None
    return score.value


def _plotted(value: float) -> float:
    """The number a figure carries: one decimal, enough to place a point, never more."""
    return round_for_display(value, 1)


def _published(benchmark: Benchmark | None) -> Benchmark | None:
    return benchmark if benchmark is not None and benchmark.published else None


def _median_text(benchmark: Benchmark | None) -> str:
    shown = _published(benchmark)
    return whole_text(shown.p50 if shown else None, NOT_PUBLISHED)


def _points_at(points: Sequence[StagePoint], stage: str) -> str:
    """The district's campaigns at one stage, for a "Show data" cell."""
    return (
        "; ".join(f"{p.label}: {score_text(p.score)}" for p in points if p.stage == stage) or "none"
    )


def _join(parts: Sequence[str]) -> str:
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


def _layout(
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


def _stage_axis() -> dict[str, Any]:
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


def _band_traces(
    benchmarks: Mapping[str, Benchmark], label: str
) -> tuple[list[dict[str, Any]], list[tuple[str, Benchmark]]]:
    """The national median with its 25th-75th percentile band, over the published stages."""
    published = [
        (stage, benchmark)
        for stage in STAGES
        if (benchmark := _published(benchmarks.get(stage))) is not None
        and benchmark.p25 is not None
        and benchmark.p50 is not None
        and benchmark.p75 is not None
    ]
    if not published:
        return [], []
    xs = [STAGES.index(stage) for stage, _ in published]
    upper = [_plotted(b.p75) for _, b in published if b.p75 is not None]
    lower = [_plotted(b.p25) for _, b in published if b.p25 is not None]
    medians = [_plotted(b.p50) for _, b in published if b.p50 is not None]
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


def _points_trace(
    points: Sequence[StagePoint], *, name: str, colour: str, symbol: str
) -> dict[str, Any] | None:
    """The reported points as markers; a suppressed point is left out entirely."""
    positions = _stage_positions(points)
    shown = [
        (x, point, value)
        for x, point in zip(positions, points, strict=True)
        if (value := _value(point.score)) is not None
    ]
    if not shown:
        return None
    return {
        "type": "scatter",
        "x": [x for x, _, _ in shown],
        "y": [_plotted(value) for _, _, value in shown],
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


def _latest_reported(points: Sequence[StagePoint]) -> StagePoint | None:
    reported = [point for point in points if point.score.reported]
    return reported[-1] if reported else None


def _score_of(label: str) -> str:
    """ "Operations score", and "Onpoint score" (not "Onpoint score score")."""
    return label if label.lower().endswith("score") else f"{label} score"


def _median_sentence(label: str, published: Sequence[tuple[str, Benchmark]]) -> str:
    if not published:
        return (
            f"no national benchmark for {label} is published yet, because each stage needs at "
            f"least {MIN_PUBLISHED_DISTRICTS} districts with a reported score"
        )
    (first_stage, first), (last_stage, last) = published[0], published[-1]
    if first_stage == last_stage:
        return (
            f"nationally, the median {_score_of(label)} at {STAGE_LABELS[first_stage]} is "
            f"{whole_text(first.p50)}"
        )
    return (
        f"nationally, the median {_score_of(label)} goes from {whole_text(first.p50)} at "
        f"{STAGE_LABELS[first_stage]} to {whole_text(last.p50)} at {STAGE_LABELS[last_stage]}"
    )


def _against_median(value: float, benchmark: Benchmark | None) -> str:
    if benchmark is None or benchmark.p50 is None:
        return ""
    shown, median = whole(value), whole(benchmark.p50)
    if shown == median:
        return f", at the national median of {median}"
    side = "above" if shown > median else "below"
    return f", {side} the national median of {median}"


def _sentence(*clauses: str) -> str:
    text = "; ".join(clause for clause in clauses if clause)
    return text[:1].upper() + text[1:] + "."


# --- charts ------------------------------------------------------------------------------------


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
    traces, published = _band_traces(benchmarks, "")
    point_trace = _points_trace(
        points, name=subject, colour=OKABE_ITO["vermillion"], symbol="diamond"
    )
    if point_trace is not None:
        traces.append(point_trace)

    clauses = [_median_sentence(label, published)]
    if points:
        latest = _latest_reported(points)
        if latest is None or latest.score.value is None:
            clauses.append(f"{subject.lower()} has no reported {_score_of(label)} yet")
        else:
            clauses.append(
                f"{subject.lower()} scored {whole(latest.score.value)} in {latest.label} "
                f"({STAGE_LABELS[latest.stage]})"
                f"{_against_median(latest.score.value, _published(benchmarks.get(latest.stage)))}"
            )

    columns = ["Stage", "Districts", "25th percentile", "National median", "75th percentile"]
    if points:
        columns.append(subject)
    rows = []
    for stage in STAGES:
        benchmark = benchmarks.get(stage)
        shown = _published(benchmark)
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
        "layout": _layout(height=height, xaxis=_stage_axis(), yaxis=SCORE_AXIS),
    }
    return Chart(
        key=key,
        title=label,
        summary=_sentence(*clauses),
        figure=figure,
        table=DataTable(
            caption=f"{label}: national benchmarks by stage"
            + (f" and {subject}" if points else ""),
            columns=tuple(columns),
            rows=tuple(rows),
        ),
    )


def role_split(
    *,
    key: str,
    teacher_benchmarks: Mapping[str, Benchmark],
    student_benchmarks: Mapping[str, Benchmark],
    teacher_points: Sequence[StagePoint],
    student_points: Sequence[StagePoint],
    subject: str = "This district",
) -> Chart:
    """Instructional Design split into the teacher's role and the student's role (landmark 3):
    the national medians of both dimensions by stage, and the district's campaigns."""
    traces: list[dict[str, Any]] = []
    series = (
        ("teacher_role", teacher_benchmarks, teacher_points, SERIES_COLOURS[0], "circle", "solid"),
        ("student_role", student_benchmarks, student_points, SERIES_COLOURS[1], "diamond", "dash"),
    )
    for dimension, benchmarks, points, colour, symbol, dash in series:
        label = SCORE_LABELS[dimension]
        published = [
            (stage, b)
            for stage in STAGES
            if (b := _published(benchmarks.get(stage))) is not None and b.p50 is not None
        ]
        if published:
            traces.append(
                {
                    "type": "scatter",
                    "x": [STAGES.index(stage) for stage, _ in published],
                    "y": [_plotted(b.p50) for _, b in published if b.p50 is not None],
                    "mode": "lines",
                    "line": {"color": colour, "width": 2, "dash": dash},
                    "name": f"National median, {label.lower()}",
                    "customdata": [
                        f"{STAGE_LABELS[stage]}: national median of the {label.lower()} "
                        f"{whole_text(b.p50)}"
                        for stage, b in published
                    ],
                    "hovertemplate": "%{customdata}<extra></extra>",
                }
            )
        trace = _points_trace(
            points, name=f"{subject}, {label.lower()}", colour=colour, symbol=symbol
        )
        if trace is not None:
            traces.append(trace)

    both = [
        (teacher, student)
        for teacher, student in zip(teacher_points, student_points, strict=True)
        if teacher.score.value is not None and student.score.value is not None
    ]
    if both:
        teacher, student = both[-1]
        assert teacher.score.value is not None
        assert student.score.value is not None
        gap = whole(teacher.score.value) - whole(student.score.value)
        summary = _sentence(
            f"in {teacher.label} ({STAGE_LABELS[teacher.stage]}), the teacher's role scored "
            f"{whole(teacher.score.value)} and the student's role {whole(student.score.value)}, "
            + (
                f"{gap} points apart"
                if gap > 0
                else f"the student's role ahead by {-gap} points"
                if gap < 0
                else "level with each other"
            )
        )
    elif teacher_points:
        summary = _sentence(
            "the teacher's role and the student's role do not both have a reported score yet"
        )
    else:
        summary = _sentence(
            "the chart shows the national medians of the teacher's role and the student's role "
            "by stage"
        )

    rows = []
    for stage in STAGES:
        tb, sb = (
            _published(teacher_benchmarks.get(stage)),
            _published(student_benchmarks.get(stage)),
        )
        rows.append(
            (
                STAGE_LABELS[stage],
                whole_text(tb.p50 if tb else None, NOT_PUBLISHED),
                whole_text(sb.p50 if sb else None, NOT_PUBLISHED),
                _points_at(teacher_points, stage),
                _points_at(student_points, stage),
            )
        )
    return Chart(
        key=key,
        title="Instructional Design: the teacher's role and the student's role",
        summary=summary,
        figure={
            "data": traces,
            "layout": _layout(height=320, xaxis=_stage_axis(), yaxis=SCORE_AXIS),
        },
        table=DataTable(
            caption="Instructional Design by role in learning: national medians and "
            + subject.lower(),
            columns=(
                "Stage",
                "National median, teacher's role",
                "National median, student's role",
                f"{subject}, teacher's role",
                f"{subject}, student's role",
            ),
            rows=tuple(rows),
        ),
    )


def onpoint_standing(
    *,
    key: str,
    score: Score,
    percentile_rank: float | None,
    benchmark: Benchmark | None,
    stage: str,
) -> Chart:
    """The Onpoint score against its stage's national distribution (10th-90th and 25th-75th
    percentile bars, the median), with its percentile rank."""
    stage_label = STAGE_LABELS[stage]
    shown = _published(benchmark)
    traces: list[dict[str, Any]] = []
    if shown is not None:
        assert shown.p10 is not None
        assert shown.p90 is not None
        assert shown.p25 is not None
        assert shown.p75 is not None
        assert shown.p50 is not None
        for low, high, colour, name in (
            (shown.p10, shown.p90, "rgba(0, 114, 178, 0.15)", "10th to 90th percentile"),
            (shown.p25, shown.p75, "rgba(0, 114, 178, 0.40)", "25th to 75th percentile"),
        ):
            traces.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "y": [stage_label],
                    "x": [_plotted(high - low)],
                    "base": [_plotted(low)],
                    "marker": {"color": colour},
                    "width": 0.5,
                    "name": name,
                    "customdata": [f"{name}: {whole(low)} to {whole(high)}"],
                    "hovertemplate": "%{customdata}<extra></extra>",
                }
            )
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "y": [stage_label],
                "x": [_plotted(shown.p50)],
                "marker": {"symbol": "line-ns-open", "size": 26, "color": MEDIAN_COLOUR},
                "name": "National median",
                "customdata": [f"National median: {whole(shown.p50)}"],
                "hovertemplate": "%{customdata}<extra></extra>",
            }
        )
    value = _value(score)
    if value is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "y": [stage_label],
                "x": [_plotted(value)],
                "marker": {
                    "symbol": "diamond",
                    "size": 16,
                    "color": OKABE_ITO["vermillion"],
                    "line": {"color": "#ffffff", "width": 1},
                },
                "name": "This campaign",
                "customdata": [f"This campaign: {whole(value)}"],
                "hovertemplate": "%{customdata}<extra></extra>",
            }
        )

    if value is None:
        first = f"the Onpoint score is not shown ({score_text(score)})"
    elif percentile_rank is not None and shown is not None:
        first = (
            f"the Onpoint score is {whole(value)}, at the {percentile_text(percentile_rank)} "
            f"of the {shown.n_districts} districts at {stage_label}"
        )
    else:
        first = f"the Onpoint score is {whole(value)}"
    if shown is None:
        second = f"no national benchmark is published yet for {stage_label}"
    else:
        second = (
            f"the national median at {stage_label} is {whole_text(shown.p50)} and the middle "
            f"half of districts score {whole_text(shown.p25)} to {whole_text(shown.p75)}"
        )

    rows = [("This campaign", score_text(score))]
    if percentile_rank is not None and value is not None:
        rows.append(("Percentile rank", percentile_text(percentile_rank)))
    for name, number in (
        ("10th percentile", shown.p10 if shown else None),
        ("25th percentile", shown.p25 if shown else None),
        ("National median", shown.p50 if shown else None),
        ("75th percentile", shown.p75 if shown else None),
        ("90th percentile", shown.p90 if shown else None),
    ):
        rows.append((name, whole_text(number, NOT_PUBLISHED)))
    rows.append(("Districts in the benchmark", str(benchmark.n_districts if benchmark else 0)))
    return Chart(
        key=key,
        title=f"Onpoint score among districts at {stage_label}",
        summary=_sentence(first, second),
        figure={
            "data": traces,
            "layout": _layout(
                height=170,
                xaxis={**SCORE_AXIS, "title": {"text": "Onpoint score (0 to 100)"}},
                yaxis={"showticklabels": False},
                barmode="overlay",
                margin={"l": 16, "r": 16, "t": 8, "b": 40},
            ),
        },
        table=DataTable(
            caption=f"Onpoint score and the national benchmark at {stage_label}",
            columns=("Measure", "Value"),
            rows=tuple(rows),
        ),
    )


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
    gap_x: list[float | None] = []
    gap_y: list[str | None] = []
    for category in CATEGORY_KEYS:
        gap = gaps.get(category, _NO_GAP)
        if gap.divided and gap.high_role and gap.low_role:
            high = _role_value(by_role, gap.high_role, category)
            low = _role_value(by_role, gap.low_role, category)
            if high is not None and low is not None:
                gap_x += [_plotted(low), _plotted(high), None]
                gap_y += [category_labels[category], category_labels[category], None]
    if gap_x:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": gap_x,
                "y": gap_y,
                "line": {"color": OKABE_ITO["vermillion"], "width": 6},
                "opacity": 0.35,
                "name": f"Divided: a gap of {DIVIDED_GAP} points or more",
                "hoverinfo": "skip",
            }
        )
    for index, group in enumerate(by_role):
        role_label = ROLE_LABELS.get(group.name, group.name)
        shown = [
            (category, value)
            for category in CATEGORY_KEYS
            if (value := _value(group.scores.get(category))) is not None
        ]
        if not shown:
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [_plotted(value) for _, value in shown],
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
        )

    known = [(c, g) for c in CATEGORY_KEYS if (g := gaps.get(c, _NO_GAP)).gap is not None]
    if not known:
        summary = _sentence(
            "fewer than two roles have a reported score in any category, so the roles' "
            "views cannot be compared yet"
        )
    else:
        category, widest = max(known, key=lambda pair: pair[1].gap or 0.0)
        assert widest.gap is not None
        assert widest.high_role
        assert widest.low_role
        high = _role_value(by_role, widest.high_role, category)
        low = _role_value(by_role, widest.low_role, category)
        divided = [CATEGORY_LABELS[c] for c, g in known if g.divided]
        summary = _sentence(
            f"roles see {CATEGORY_LABELS[category]} most differently: "
            f"{_role_plural(widest.high_role)} score it {whole_text(high)} and "
            f"{_role_plural(widest.low_role)} {whole_text(low)}, a gap of {whole(widest.gap)} "
            "points",
            (
                f"{_join(divided)} {'is' if len(divided) == 1 else 'are'} divided (a gap of "
                f"{DIVIDED_GAP} points or more)"
                if divided
                else f"no category is divided (a gap of {DIVIDED_GAP} points or more)"
            ),
        )

    columns = ["Category", *(ROLE_LABELS.get(g.name, g.name) for g in by_role), "Gap", "Divided"]
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
    height = 300
    return Chart(
        key=key,
        title="Stakeholder alignment: how each role sees the four categories",
        summary=summary,
        figure={
            "data": traces,
            "layout": _layout(
                height=height,
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
        table=DataTable(
            caption="Category scores by role, with each category's perception gap",
            columns=tuple(columns),
            rows=tuple(rows),
        ),
    )


_NO_GAP: Final = RoleGap(gap=None, high_role=None, low_role=None, divided=False)


def _role_value(by_role: Sequence[NamedScores], role: str, category: str) -> float | None:
    for group in by_role:
        if group.name == role:
            return _value(group.scores.get(category))
    return None


def _role_plural(role: str) -> str:
    label = ROLE_LABELS.get(role, role)
    return label[:1].lower() + label[1:] + ("" if label.endswith("staff") else "s")


def schools(*, key: str, by_school: Sequence[NamedScores]) -> Chart:
    """The Onpoint score of each school; a hidden school shows why, never a number."""
    names = [group.name for group in by_school]
    shown = [
        (group.name, value)
        for group in by_school
        if (value := _value(group.scores.get(ONPOINT))) is not None
    ]
    hidden = [group for group in by_school if _value(group.scores.get(ONPOINT)) is None]
    traces: list[dict[str, Any]] = []
    if shown:
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [name for name, _ in shown],
                "x": [_plotted(value) for _, value in shown],
                "text": [str(whole(value)) for _, value in shown],
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {"color": SERIES_COLOURS[0]},
                "name": "Onpoint score",
                "customdata": [f"{name}: {whole(value)}" for name, value in shown],
                "hovertemplate": "%{customdata}<extra></extra>",
            }
        )
    if hidden:
        # The reason sits where the bar would start: no bar, no number, nothing to hover.
        traces.append(
            {
                "type": "scatter",
                "mode": "text",
                "y": [group.name for group in hidden],
                "x": [1 for _ in hidden],
                "text": [score_text(group.scores.get(ONPOINT)) for group in hidden],
                "textposition": "middle right",
                "textfont": {"color": "#4a5565", "size": 12},
                "hoverinfo": "skip",
                "showlegend": False,
                "name": "Not shown",
            }
        )

    if not by_school:
        summary = _sentence("no response named a school")
    elif not shown:
        summary = _sentence(
            f"none of the {len(by_school)} schools has an Onpoint score to show, because fewer "
            "than 5 people answered at each or to protect a smaller group"
        )
    else:
        low_name, low = min(shown, key=lambda pair: pair[1])
        high_name, high = max(shown, key=lambda pair: pair[1])
        clauses = [
            f"{len(shown)} of {len(by_school)} schools have an Onpoint score to show"
            + (
                f", from {whole(low)} at {low_name} to {whole(high)} at {high_name}"
                if len(shown) > 1
                else f": {whole(high)} at {high_name}"
            )
        ]
        if hidden:
            clauses.append(
                f"{len(hidden)} {'is' if len(hidden) == 1 else 'are'} hidden because fewer than 5 "
                "people answered or to protect a smaller group"
            )
        summary = _sentence(*clauses)

    rows = tuple(
        (
            group.name,
            score_text(group.scores.get(ONPOINT)),
            *(score_text(group.scores.get(category)) for category in CATEGORY_KEYS),
            count_text(onpoint.n) if (onpoint := group.scores.get(ONPOINT)) else FEW_COUNT,
        )
        for group in by_school
    )
    return Chart(
        key=key,
        title="Scores by school",
        summary=summary,
        figure={
            "data": traces,
            "layout": _layout(
                height=max(160, 70 + 34 * len(names)),
                xaxis=SCORE_AXIS,
                yaxis={
                    "type": "category",
                    "categoryorder": "array",
                    "categoryarray": list(reversed(names)),
                },
                showlegend=False,
                margin={"l": 16, "r": 24, "t": 8, "b": 48},
            ),
        },
        table=DataTable(
            caption="Onpoint and category scores by school",
            columns=(
                "School",
                SCORE_LABELS[ONPOINT],
                *(CATEGORY_LABELS[c] for c in CATEGORY_KEYS),
                "Responses",
            ),
            rows=rows,
        ),
    )


def districts_on_the_curve(
    *, key: str, benchmarks: Mapping[str, Benchmark], points: Sequence[StagePoint]
) -> Chart:
    """A consultant's districts (each at its latest campaign's stage) against the national
    median and middle half of the Onpoint score."""
    traces, published = _band_traces(benchmarks, "")
    trace = _points_trace(
        points, name="Your districts", colour=OKABE_ITO["vermillion"], symbol="diamond"
    )
    if trace is not None:
        traces.append(trace)
    reported = [p for p in points if p.score.value is not None]
    above = sum(
        1
        for p in reported
        if p.score.value is not None
        and (b := _published(benchmarks.get(p.stage))) is not None
        and b.p50 is not None
        and whole(p.score.value) > whole(b.p50)
    )
    compared = sum(1 for p in reported if _published(benchmarks.get(p.stage)) is not None)
    if not reported:
        summary = _sentence(
            _median_sentence("Onpoint", published),
            "none of these districts has a reported Onpoint score yet",
        )
    else:
        summary = _sentence(
            f"{len(reported)} of {len(points)} districts have a reported Onpoint score",
            f"{above} of the {compared} that have a national benchmark at their stage score above "
            "its median",
        )
    rows = tuple(
        (
            point.label,
            STAGE_LABELS[point.stage],
            score_text(point.score),
            _median_text(benchmarks.get(point.stage)),
        )
        for point in points
    )
    return Chart(
        key=key,
        title="Your districts against the national benchmarks",
        summary=summary,
        figure={
            "data": traces,
            "layout": _layout(height=340, xaxis=_stage_axis(), yaxis=SCORE_AXIS),
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
    traces = []
    for index, group in enumerate(districts):
        shown = [
            (CATEGORY_LABELS[c], value)
            for c in CATEGORY_KEYS
            if (value := _value(group.scores.get(c))) is not None
        ]
        traces.append(
            {
                "type": "bar",
                "x": [label for label, _ in shown],
                "y": [_plotted(value) for _, value in shown],
                "name": group.name,
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
                "customdata": [f"{group.name}, {label}: {whole(value)}" for label, value in shown],
                "hovertemplate": "%{customdata}<extra></extra>",
            }
        )
    leaders: dict[str, list[str]] = {}
    for category in CATEGORY_KEYS:
        candidates = [
            (value, group.name)
            for group in districts
            if (value := _value(group.scores.get(category))) is not None
        ]
        if candidates:
            value, name = max(candidates, key=lambda pair: (whole(pair[0]), pair[0]))
            leaders.setdefault(name, []).append(f"{CATEGORY_LABELS[category]} ({whole(value)})")
    if not leaders:
        summary = _sentence("none of the chosen districts has a reported category score yet")
    else:
        summary = _sentence(
            "highest by category: "
            + "; ".join(f"{name} in {_join(cats)}" for name, cats in leaders.items())
        )
    return Chart(
        key=key,
        title="Side by side on the four categories",
        summary=summary,
        figure={
            "data": traces,
            "layout": _layout(
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


def growth_shares(*, key: str, shares: Mapping[str, float | None]) -> Chart:
    """The share of each category's growth that happens in the first year (method section 5),
    as computed from the benchmarks: never a figure written in."""
    known = [(c, share) for c in CATEGORY_KEYS if (share := shares.get(c)) is not None]
    traces = []
    if known:
        traces.append(
            {
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
        )
    if known:
        summary = _sentence(
            "of each category's growth from Planning to Year 3+, the share that happens in the "
            "first year is "
            + _join([f"{share_text(s)} for {CATEGORY_LABELS[c]}" for c, s in known])
        )
    else:
        summary = _sentence(
            "the share of growth in the first year needs published benchmarks at Planning, "
            "Year 1 and Year 3+, which do not exist yet"
        )
    values = [whole(share * 100) for _, share in known]
    low = min([0, *values])
    high = max([100, *values])
    return Chart(
        key=key,
        title="Share of each category's growth that happens in the first year",
        summary=summary,
        figure={
            "data": traces,
            "layout": _layout(
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
        summary = _sentence("no district is on the journey yet")
    else:
        common = max(place_labels, key=lambda place: by_place[place])
        summary = _sentence(
            f"of {total} districts, "
            + _join([f"{by_stage[s]} {_stage_phrase(s)}" for s in STAGES]),
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
            "layout": _layout(
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


def stage_points(
    entries: Iterable[tuple[str, str, Mapping[str, Score]]], score_key: str
) -> list[StagePoint]:
    """StagePoints of one score key from (stage, label, scores) entries, in their order."""
    return [
        StagePoint(stage=stage, label=label, score=scores[score_key])
        for stage, label, scores in entries
        if score_key in scores
    ]
