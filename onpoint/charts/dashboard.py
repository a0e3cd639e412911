"""The campaign dashboard's charts: the Onpoint score among districts at its stage, Instructional
Design by role in learning, and the scores by school. (Its growth curves are
onpoint.charts.journey's; its stakeholder alignment is onpoint.charts.alignment.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from onpoint.charts.base import (
    FEW_COUNT,
    MEDIAN_COLOUR,
    NOT_PUBLISHED,
    OKABE_ITO,
    SCORE_AXIS,
    SERIES_COLOURS,
    Chart,
    DataTable,
    NamedScores,
    count_text,
    figure_layout,
    percentile_text,
    plotted,
    published_benchmark,
    reported_value,
    score_text,
    sentence,
    whole,
    whole_text,
)
from onpoint.charts.stages import (
    StagePoint,
    points_at,
    points_trace,
    stage_axis,
)
from onpoint.method.benchmarks import Benchmark
from onpoint.method.scoring import Score
from onpoint.method.structure import (
    CATEGORY_KEYS,
    CATEGORY_LABELS,
    ONPOINT,
    SCORE_LABELS,
    STAGE_LABELS,
    STAGES,
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
    shown = published_benchmark(benchmark)
    value = reported_value(score)
    traces = _distribution_traces(shown, stage_label) if shown is not None else []
    if value is not None:
        traces.append(_campaign_marker(value, stage_label))
    return Chart(
        key=key,
        title=f"Onpoint score among districts at {stage_label}",
        summary=_standing_summary(score, value, percentile_rank, shown, stage_label),
        figure={
            "data": traces,
            "layout": figure_layout(
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
            rows=_standing_rows(score, value, percentile_rank, shown, benchmark),
        ),
    )


def _distribution_traces(shown: Benchmark, stage_label: str) -> list[dict[str, Any]]:
    """A published benchmark as two overlaid bars (10th-90th, 25th-75th) and the median's tick."""
    assert shown.p10 is not None
    assert shown.p90 is not None
    assert shown.p25 is not None
    assert shown.p75 is not None
    assert shown.p50 is not None
    traces: list[dict[str, Any]] = []
    for low, high, colour, name in (
        (shown.p10, shown.p90, "rgba(0, 114, 178, 0.15)", "10th to 90th percentile"),
        (shown.p25, shown.p75, "rgba(0, 114, 178, 0.40)", "25th to 75th percentile"),
    ):
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [stage_label],
                "x": [plotted(high - low)],
                "base": [plotted(low)],
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
            "x": [plotted(shown.p50)],
            "marker": {"symbol": "line-ns-open", "size": 26, "color": MEDIAN_COLOUR},
            "name": "National median",
            "customdata": [f"National median: {whole(shown.p50)}"],
            "hovertemplate": "%{customdata}<extra></extra>",
        }
    )
    return traces


def _campaign_marker(value: float, stage_label: str) -> dict[str, Any]:
    """This campaign's reported Onpoint score as a diamond over the distribution."""
    return {
        "type": "scatter",
        "mode": "markers",
        "y": [stage_label],
        "x": [plotted(value)],
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


def _standing_summary(
    score: Score,
    value: float | None,
    percentile_rank: float | None,
    shown: Benchmark | None,
    stage_label: str,
) -> str:
    """The score (or why it is hidden) with its rank, then the stage's national distribution."""
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
    return sentence(first, second)


def _standing_rows(
    score: Score,
    value: float | None,
    percentile_rank: float | None,
    shown: Benchmark | None,
    benchmark: Benchmark | None,
) -> tuple[tuple[str, ...], ...]:
    """The campaign's score and rank (the rank only beside a shown score), then the benchmark."""
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
    return tuple(rows)


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
    series = (
        ("teacher_role", teacher_benchmarks, teacher_points, SERIES_COLOURS[0], "circle", "solid"),
        ("student_role", student_benchmarks, student_points, SERIES_COLOURS[1], "diamond", "dash"),
    )
    traces: list[dict[str, Any]] = []
    for dimension, benchmarks, points, colour, symbol, dash in series:
        label = SCORE_LABELS[dimension]
        median = _role_median_trace(benchmarks, label, colour=colour, dash=dash)
        if median is not None:
            traces.append(median)
        trace = points_trace(
            points, name=f"{subject}, {label.lower()}", colour=colour, symbol=symbol
        )
        if trace is not None:
            traces.append(trace)
    return Chart(
        key=key,
        title="Instructional Design: the teacher's role and the student's role",
        summary=_role_split_summary(teacher_points, student_points),
        figure={
            "data": traces,
            "layout": figure_layout(height=320, xaxis=stage_axis(), yaxis=SCORE_AXIS),
        },
        table=_role_split_table(
            teacher_benchmarks, student_benchmarks, teacher_points, student_points, subject
        ),
    )


def _role_median_trace(
    benchmarks: Mapping[str, Benchmark], label: str, *, colour: str, dash: str
) -> dict[str, Any] | None:
    """One dimension's national median over the stages where it is published, as a line."""
    published = [
        (stage, b)
        for stage in STAGES
        if (b := published_benchmark(benchmarks.get(stage))) is not None and b.p50 is not None
    ]
    if not published:
        return None
    return {
        "type": "scatter",
        "x": [STAGES.index(stage) for stage, _ in published],
        "y": [plotted(b.p50) for _, b in published if b.p50 is not None],
        "mode": "lines",
        "line": {"color": colour, "width": 2, "dash": dash},
        "name": f"National median, {label.lower()}",
        "customdata": [
            f"{STAGE_LABELS[stage]}: national median of the {label.lower()} {whole_text(b.p50)}"
            for stage, b in published
        ],
        "hovertemplate": "%{customdata}<extra></extra>",
    }


def _role_split_summary(
    teacher_points: Sequence[StagePoint], student_points: Sequence[StagePoint]
) -> str:
    """The latest campaign where both roles are reported, and how far apart they are."""
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
        return sentence(
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
    if teacher_points:
        return sentence(
            "the teacher's role and the student's role do not both have a reported score yet"
        )
    return sentence(
        "the chart shows the national medians of the teacher's role and the student's role by stage"
    )


def _role_split_table(
    teacher_benchmarks: Mapping[str, Benchmark],
    student_benchmarks: Mapping[str, Benchmark],
    teacher_points: Sequence[StagePoint],
    student_points: Sequence[StagePoint],
    subject: str,
) -> DataTable:
    rows = []
    for stage in STAGES:
        tb, sb = (
            published_benchmark(teacher_benchmarks.get(stage)),
            published_benchmark(student_benchmarks.get(stage)),
        )
        rows.append(
            (
                STAGE_LABELS[stage],
                whole_text(tb.p50 if tb else None, NOT_PUBLISHED),
                whole_text(sb.p50 if sb else None, NOT_PUBLISHED),
                points_at(teacher_points, stage),
                points_at(student_points, stage),
            )
        )
    return DataTable(
        caption="Instructional Design by role in learning: national medians and " + subject.lower(),
        columns=(
            "Stage",
            "National median, teacher's role",
            "National median, student's role",
            f"{subject}, teacher's role",
            f"{subject}, student's role",
        ),
        rows=tuple(rows),
    )


def schools(*, key: str, by_school: Sequence[NamedScores]) -> Chart:
    """The Onpoint score of each school; a hidden school shows why, never a number."""
    names = [group.name for group in by_school]
    shown = [
        (group.name, value)
        for group in by_school
        if (value := reported_value(group.scores.get(ONPOINT))) is not None
    ]
    hidden = [group for group in by_school if reported_value(group.scores.get(ONPOINT)) is None]
    return Chart(
        key=key,
        title="Scores by school",
        summary=_schools_summary(by_school, shown, hidden),
        figure={
            "data": _schools_traces(shown, hidden),
            "layout": figure_layout(
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
            rows=tuple(
                (
                    group.name,
                    score_text(group.scores.get(ONPOINT)),
                    *(score_text(group.scores.get(category)) for category in CATEGORY_KEYS),
                    count_text(onpoint.n) if (onpoint := group.scores.get(ONPOINT)) else FEW_COUNT,
                )
                for group in by_school
            ),
        ),
    )


def _schools_traces(
    shown: Sequence[tuple[str, float]], hidden: Sequence[NamedScores]
) -> list[dict[str, Any]]:
    """A bar for each shown school; for each hidden one, the reason where its bar would be."""
    traces: list[dict[str, Any]] = []
    if shown:
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [name for name, _ in shown],
                "x": [plotted(value) for _, value in shown],
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
    return traces


def _schools_summary(
    by_school: Sequence[NamedScores],
    shown: Sequence[tuple[str, float]],
    hidden: Sequence[NamedScores],
) -> str:
    """How many schools are shown and their range; how many are hidden, never which value."""
    if not by_school:
        return sentence("no response named a school")
    if not shown:
        return sentence(
            f"none of the {len(by_school)} schools has an Onpoint score to show, because fewer "
            "than 5 people answered at each or to protect a smaller group"
        )
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
    return sentence(*clauses)
