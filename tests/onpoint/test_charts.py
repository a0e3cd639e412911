"""The chart parts that the split of onpoint/charts/ named: the shared bar marker, the divided
gaps of the stakeholder alignment, the schools' hidden rows, the compare page's leaders and the
national map's summary. Pure functions: no database."""

from __future__ import annotations

import json

from onpoint.charts import NamedScores, RoleGap, journey_places, schools, side_by_side
from onpoint.charts.alignment import stakeholder_alignment
from onpoint.charts.base import (
    SERIES_COLOURS,
    SERIES_PATTERNS,
    SUPPRESSED_COMPLEMENTARY,
    SUPPRESSED_FEW,
    patterned_marker,
)
from onpoint.method.scoring import Score
from onpoint.method.structure import ONPOINT, REASON_COMPLEMENTARY, REASON_FEW_RESPONSES

DIVIDED_LINE = "Divided: a gap of 15 points or more"


def shown(value: float) -> Score:
    return Score.shown(value, n=12)


def test_each_bar_series_differs_by_pattern_as_well_as_colour() -> None:
    markers = [patterned_marker(index) for index in range(len(SERIES_COLOURS))]

    assert len({m["color"] for m in markers}) == len(markers)
    assert len({m["pattern"]["shape"] for m in markers}) == len(markers)
    # A seventh series starts the palette again rather than failing.
    assert patterned_marker(len(SERIES_COLOURS)) == markers[0]
    assert len(SERIES_PATTERNS) == len(SERIES_COLOURS)


def test_a_divided_category_is_drawn_from_the_lower_role_to_the_higher() -> None:
    chart = stakeholder_alignment(
        key="alignment",
        by_role=[
            NamedScores(name="teacher", scores={"strategy": shown(52.26)}),
            NamedScores(name="school_leader", scores={"strategy": shown(81.04)}),
        ],
        gaps={
            "strategy": RoleGap(
                gap=28.78, high_role="school_leader", low_role="teacher", divided=True
            )
        },
    )

    [line] = [t for t in chart.figure["data"] if t["name"] == DIVIDED_LINE]
    assert line["x"] == [52.3, 81.0, None]
    assert line["y"] == ["Strategy Communication (divided)"] * 2 + [None]
    assert "Strategy Communication is divided" in chart.summary


def test_a_divided_category_draws_no_gap_when_one_end_is_hidden() -> None:
    """A gap line ending where a hidden role would sit would place its value on the chart."""
    chart = stakeholder_alignment(
        key="alignment",
        by_role=[
            NamedScores(name="teacher", scores={"strategy": shown(52.26)}),
            NamedScores(
                name="school_leader",
                scores={"strategy": Score.suppressed(3, REASON_FEW_RESPONSES)},
            ),
        ],
        gaps={
            "strategy": RoleGap(
                gap=28.78, high_role="school_leader", low_role="teacher", divided=True
            )
        },
    )

    assert DIVIDED_LINE not in [t["name"] for t in chart.figure["data"]]
    assert [t["name"] for t in chart.figure["data"]] == ["Teacher"]


def test_a_hidden_school_shows_its_reason_where_its_bar_would_be_and_no_number() -> None:
    chart = schools(
        key="schools",
        by_school=[
            NamedScores(name="Maple Elementary", scores={ONPOINT: shown(64.6)}),
            NamedScores(
                name="Tiny School", scores={ONPOINT: Score.suppressed(3, REASON_FEW_RESPONSES)}
            ),
            NamedScores(
                name="Partner School",
                scores={ONPOINT: Score.suppressed(9, REASON_COMPLEMENTARY)},
            ),
        ],
    )

    bars, reasons = chart.figure["data"]
    assert bars["y"] == ["Maple Elementary"]
    assert bars["text"] == ["65"]
    assert reasons["y"] == ["Tiny School", "Partner School"]
    assert reasons["text"] == [SUPPRESSED_FEW, SUPPRESSED_COMPLEMENTARY]
    assert reasons["hoverinfo"] == "skip"
    assert chart.summary == (
        "1 of 3 schools have an Onpoint score to show: 65 at Maple Elementary; 2 are hidden "
        "because fewer than 5 people answered or to protect a smaller group."
    )
    # The tiny school's count of 3 is the size of a hidden group: never shown as a number.
    assert [row[-1] for row in chart.table.rows] == ["12", "fewer than 5", "9"]


def test_the_leader_of_a_category_tied_on_the_shown_score_is_the_higher_exact_score() -> None:
    chart = side_by_side(
        key="side-by-side",
        districts=[
            NamedScores(name="Oak", scores={"strategy": shown(70.2), "culture": shown(58.0)}),
            NamedScores(name="Maple", scores={"strategy": shown(70.4), "culture": shown(61.0)}),
        ],
    )

    assert chart.summary == (
        "Highest by category: Maple in Strategy Communication (70) and Culture of Innovation (61)."
    )
    assert [trace["marker"] for trace in chart.figure["data"]] == [
        patterned_marker(0),
        patterned_marker(1),
    ]


def test_the_national_map_counts_districts_by_stage_and_names_the_most_common_place() -> None:
    chart = journey_places(
        key="places",
        counts={"planning": {"launch": 2}, "year_1": {"launch": 1, "scale": 4}},
        place_labels={"launch": "Launching", "scale": "Scaling up"},
    )

    assert chart.summary == (
        "Of 7 districts, 2 are planning, 5 in Year 1, 0 in Year 2 and 0 in Year 3+; the most "
        "common place on the path is “Scaling up” (4 districts)."
    )
    launch, scale = chart.figure["data"]
    assert launch["y"] == [2, 1, 0, 0]
    assert scale["y"] == [0, 4, 0, 0]
    assert chart.table.rows[-1] == ("All stages", "3", "4", "7")
    json.dumps(chart.figure)  # the page embeds it as JSON
