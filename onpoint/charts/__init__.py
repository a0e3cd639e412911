"""Plotly figures of the dashboards, as plain dicts, with their "Show data" tables and summaries.

One module per page that draws charts, around a shared base:

    base          palette, font, layout, score axis, the "Show data" table, texts for hidden values
    stages        the stage axis and the national band that every growth curve shares
    journey       the growth curve (journey map; also the dashboard and the benchmarks page)
    dashboard     the campaign dashboard: standing among districts, role split, schools
    alignment     the campaign dashboard's stakeholder alignment
    compare       the compare page: districts on the curve, side by side
    benchmarks    the benchmarks page: the share of growth in the first year
    national_map  the national map: districts by stage and place on the path

Pages and templates use this package's names (`charts.growth_curve`, `charts.score_text`); the
modules say where each is drawn. onpoint.chart_images draws the same figures for the board report.
"""

from __future__ import annotations

from onpoint.charts.alignment import RoleGap, stakeholder_alignment
from onpoint.charts.base import (
    BAND_COLOUR,
    FEW_COUNT,
    FONT,
    GRID,
    INK,
    LEGEND_ON_TOP,
    MEDIAN_COLOUR,
    NO_SCORE_YET,
    NOT_AVAILABLE,
    NOT_PUBLISHED,
    OKABE_ITO,
    SCORE_AXIS,
    SERIES_COLOURS,
    SERIES_PATTERNS,
    SERIES_SYMBOLS,
    SUPPRESSED_COMPLEMENTARY,
    SUPPRESSED_FEW,
    Chart,
    DataTable,
    NamedScores,
    change_text,
    count_text,
    ordinal,
    percentile_text,
    score_text,
    share_text,
    whole,
    whole_text,
)
from onpoint.charts.benchmarks import growth_shares
from onpoint.charts.compare import districts_on_the_curve, side_by_side
from onpoint.charts.dashboard import onpoint_standing, role_split, schools
from onpoint.charts.journey import growth_curve
from onpoint.charts.national_map import journey_places
from onpoint.charts.stages import STAGE_AXIS_RANGE, STAGE_SPREAD, StagePoint, stage_points

__all__ = [
    "BAND_COLOUR",
    "FEW_COUNT",
    "FONT",
    "GRID",
    "INK",
    "LEGEND_ON_TOP",
    "MEDIAN_COLOUR",
    "NOT_AVAILABLE",
    "NOT_PUBLISHED",
    "NO_SCORE_YET",
    "OKABE_ITO",
    "SCORE_AXIS",
    "SERIES_COLOURS",
    "SERIES_PATTERNS",
    "SERIES_SYMBOLS",
    "STAGE_AXIS_RANGE",
    "STAGE_SPREAD",
    "SUPPRESSED_COMPLEMENTARY",
    "SUPPRESSED_FEW",
    "Chart",
    "DataTable",
    "NamedScores",
    "RoleGap",
    "StagePoint",
    "change_text",
    "count_text",
    "districts_on_the_curve",
    "growth_curve",
    "growth_shares",
    "journey_places",
    "onpoint_standing",
    "ordinal",
    "percentile_text",
    "role_split",
    "schools",
    "score_text",
    "share_text",
    "side_by_side",
    "stage_points",
    "stakeholder_alignment",
    "whole",
    "whole_text",
]
