"""The campaign's aggregate numbers as CSV rows: the same numbers as the dashboard, at one decimal
(as the API), so a board packet or a spreadsheet can take them away.

A suppressed score has an empty value and its reason; a count under 5 is left empty too (it is
the size of a hidden group). Text cells that a spreadsheet would run as a formula are prefixed
with an apostrophe (school names are typed by people).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from districts.selectors import User
from onpoint import selectors
from onpoint.charts.base import SUPPRESSED_COMPLEMENTARY, SUPPRESSED_FEW
from onpoint.method.benchmarks import Benchmark
from onpoint.method.scoring import Score, round_for_display
from onpoint.method.structure import (
    CATEGORY_KEYS,
    MIN_REPORTED_N,
    REASON_COMPLEMENTARY,
    ROLE_LABELS,
    SCORE_KEYS,
    SCORE_LABELS,
    STAGE_LABELS,
)
from onpoint.page_selectors import dashboard_of
from onpoint.selectors import CampaignScores
from surveys.models import Campaign
from surveys.participation import Participation

CSV_COLUMNS = (
    "section",
    "group",
    "score",
    "label",
    "value",
    "n",
    "reported",
    "reason",
    "percentile_rank",
    "stage",
    "benchmark_districts",
    "benchmark_p25",
    "benchmark_median",
    "benchmark_p75",
    "high_role",
    "low_role",
    "divided",
)
# OWASP's list of characters that start a formula in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _number(value: float | None) -> str:
    return "" if value is None else f"{round_for_display(value, 1):.1f}"


def _reason(score: Score) -> str:
    if score.reported:
        return ""
    return SUPPRESSED_COMPLEMENTARY if score.reason == REASON_COMPLEMENTARY else SUPPRESSED_FEW


def _score_row(
    section: str,
    group: str,
    key: str,
    score: Score,
    *,
    stage: str,
    percentile_rank: float | None = None,
    benchmark: Benchmark | None = None,
) -> list[str]:
    published = benchmark if benchmark is not None and benchmark.published else None
    return [
        section,
        safe_text(group),
        key,
        SCORE_LABELS[key],
        _number(score.value if score.reported else None),
        str(score.n) if score.n >= MIN_REPORTED_N else "",
        "yes" if score.reported else "no",
        _reason(score),
        _number(percentile_rank if score.reported else None),
        STAGE_LABELS[stage],
        str(benchmark.n_districts) if benchmark is not None else "",
        _number(published.p25 if published else None),
        _number(published.p50 if published else None),
        _number(published.p75 if published else None),
        "",
        "",
        "",
    ]


def _response_rows(scores: CampaignScores) -> Iterator[list[str]]:
    expected = scores.campaign.expected_responses
    blank = [""] * (len(CSV_COLUMNS) - 5)
    yield ["campaign", "", "responses", "Responses received", str(scores.n_responses), *blank]
    if expected:
        yield ["campaign", "", "expected_responses", "Responses expected", str(expected), *blank]
        rate = 100 * scores.n_responses / expected
        yield ["campaign", "", "response_rate", "Response rate (%)", _number(rate), *blank]


def campaign_csv_rows(
    scores: CampaignScores, benchmarks: Mapping[str, Benchmark]
) -> Iterator[list[str]]:
    """The header, then every score of the whole campaign (with its percentile rank and the
    stage's benchmark), of each school and of each role, then each category's perception gap.

    `benchmarks` are those of the campaign's stage, by score key, from the version its ranks
    were computed against.
    """
    yield list(CSV_COLUMNS)
    stage = scores.stage
    for key in SCORE_KEYS:
        yield _score_row(
            "campaign",
            "",
            key,
            scores.scores[key],
            stage=stage,
            percentile_rank=scores.percentile_ranks.get(key),
            benchmark=benchmarks.get(key),
        )
    yield from _response_rows(scores)
    for section, groups in (("school", scores.by_school), ("role", scores.by_role)):
        for group in groups:
            name = ROLE_LABELS.get(group.name, group.name) if section == "role" else group.name
            for key in SCORE_KEYS:
                yield _score_row(section, name, key, group.scores[key], stage=stage)
    for category in CATEGORY_KEYS:
        gap = scores.alignment.categories[category]
        yield [
            "alignment",
            "",
            category,
            f"Perception gap, {SCORE_LABELS[category]}",
            _number(gap.gap),
            "",
            "yes" if gap.gap is not None else "no",
            "" if gap.gap is not None else "fewer than two roles reported",
            "",
            STAGE_LABELS[stage],
            "",
            "",
            "",
            "",
            ROLE_LABELS.get(gap.high_role, gap.high_role) if gap.high_role else "",
            ROLE_LABELS.get(gap.low_role, gap.low_role) if gap.low_role else "",
            "yes" if gap.divided else "no",
        ]


PARTICIPATION_COLUMNS = ("school", "responses", "expected_responses", "response_rate_percent")
NO_SCHOOL_NAMED = "(no school named)"
ALL_SCHOOLS = "(whole campaign)"


def participation_csv_rows(participation: Participation) -> Iterator[list[str]]:
    """A campaign whose results are not released: its counts only, overall then by school."""
    yield list(PARTICIPATION_COLUMNS)

    def rate(value: float | None) -> str:
        return _number(None if value is None else 100 * value)

    yield [
        ALL_SCHOOLS,
        str(participation.n_responses),
        str(participation.expected_responses or ""),
        rate(participation.response_rate),
    ]
    for school in participation.by_school:
        yield [
            safe_text(school.school) if school.school is not None else NO_SCHOOL_NAMED,
            str(school.n_responses),
            str(school.expected_responses or ""),
            rate(school.response_rate),
        ]


@dataclass(frozen=True)
class CampaignCsv:
    """A campaign's CSV download: its file's name and its rows, the header first."""

    filename: str
    rows: list[list[str]]


def campaign_csv(*, campaign: Campaign, user: User) -> CampaignCsv:
    """The scores of a released campaign (campaign_csv_rows, against the benchmarks its ranks
    were computed with), else its counts alone (participation_csv_rows), as `user` may see them
    (campaign_scores_for: a principal gets their own school only). The scores (2 queries) and
    the user's memberships (1), then dashboard_of's four for a released campaign;
    `campaign.district` must be loaded."""
    scores = selectors.campaign_scores_for(user=user, campaign=campaign)
    stem = f"{campaign.district.slug}-campaign-{campaign.pk}"
    if not scores.results_ready:
        assert scores.participation is not None
        return CampaignCsv(
            filename=f"{stem}-responses.csv",
            rows=list(participation_csv_rows(scores.participation)),
        )
    dashboard = dashboard_of(campaign=campaign, scores=scores)
    return CampaignCsv(
        filename=f"{stem}-scores.csv",
        rows=list(campaign_csv_rows(scores, dashboard.benchmarks.stages[scores.stage])),
    )
