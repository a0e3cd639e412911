"""What a released campaign shows: its dashboard and its board report draw the same rows and the
same Plotly figures, from here.

Stored rows in (onpoint.selectors, onpoint.page_selectors), the page's rows and figures out; no
HTTP, no recomputing. A campaign whose results are not released never gets here (its pages show
counts only, method 1.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from onpoint import charts, page_selectors
from onpoint.landmark_texts import LandmarkText
from onpoint.method.benchmarks import Benchmark
from onpoint.method.scoring import Score
from onpoint.method.structure import (
    CATEGORY_KEYS,
    DIMENSIONS,
    LANDMARK_KEYS,
    ONPOINT,
    SCORE_KEYS,
    SCORE_LABELS,
    STAGE_LABELS,
    STAGES,
    UNKNOWN,
)
from onpoint.selectors import BenchmarkSet, CampaignScores, CampaignSummary
from surveys.models import Campaign
from surveys.participation import response_rate


@dataclass(frozen=True)
class ScoreRow:
    """One row of the table of every score: a suppressed score has no value (method.scoring)."""

    key: str
    label: str
    is_dimension: bool
    score: Score
    percentile: float | None
    benchmark: Benchmark | None


@dataclass(frozen=True)
class CampaignResults:
    """A released campaign's results as its dashboard and its board report show them.

    `enough_answers` is False when fewer than 5 people answered the whole campaign (its Onpoint
    score, whose n is the number of responses, is not reported): then no score of it can be
    shown, the pages say "not enough answers" once, and `judged_landmarks` keeps the landmarks
    that do not wait for answers (landmark 3 before Year 2).
    """

    campaign: Campaign
    scores: CampaignScores
    benchmarks: BenchmarkSet
    stage_label: str
    onpoint: Score
    onpoint_percentile: float | None
    onpoint_benchmark: Benchmark
    response_rate: float | None
    landmarks: list[LandmarkText]
    score_rows: list[ScoreRow]
    standing: charts.Chart
    growth: list[charts.Chart]
    design: charts.Chart
    alignment: charts.Chart
    schools: charts.Chart

    @property
    def enough_answers(self) -> bool:
        return self.onpoint.reported

    @property
    def judged_landmarks(self) -> list[LandmarkText]:
        return [landmark for landmark in self.landmarks if landmark.status != UNKNOWN]

    @property
    def not_enough_steps(self) -> list[str]:
        """The next steps of the landmarks that wait for answers (each says the same), once."""
        steps: list[str] = []
        for landmark in self.landmarks:
            if landmark.status == UNKNOWN:
                steps += [step for step in landmark.next_steps if step not in steps]
        return steps

    @property
    def all_charts(self) -> list[charts.Chart]:
        """Every figure, in the order the page draws them."""
        return [self.standing, *self.growth, self.design, self.alignment, self.schools]

    def context(self) -> dict[str, Any]:
        """The template variables of the dashboard (and of the report, which adds its own)."""
        return {
            "campaign": self.campaign,
            "scores": self.scores,
            "stage_label": self.stage_label,
            "onpoint": self.onpoint,
            "onpoint_percentile": self.onpoint_percentile,
            "onpoint_benchmark": self.onpoint_benchmark,
            "version": self.scores.benchmark_version,
            "response_rate": self.response_rate,
            "landmarks": self.landmarks,
            "judged_landmarks": self.judged_landmarks,
            "enough_answers": self.enough_answers,
            "not_enough_steps": self.not_enough_steps,
            "score_rows": self.score_rows,
            "standing": self.standing,
            "growth": self.growth,
            "design": self.design,
            "alignment": self.alignment,
            "schools": self.schools,
        }


def _stage_benchmarks(benchmarks: BenchmarkSet, score_key: str) -> dict[str, Benchmark]:
    """One score key's benchmark at each stage."""
    return {stage: benchmarks.stages[stage][score_key] for stage in STAGES}


def _campaign_points(history: Sequence[CampaignSummary], score_key: str) -> list[charts.StagePoint]:
    return [
        charts.StagePoint(stage=s.stage, label=s.campaign.name, score=s.scores[score_key])
        for s in history
    ]


def campaign_results_of(*, campaign: Campaign, scores: CampaignScores) -> CampaignResults:
    """The results of a campaign whose `scores` are ready (`scores.results_ready`). One query
    (page_selectors.dashboard_of with the scores given; one more the first time the process
    reads the version's benchmarks); `campaign.district` must be loaded."""
    dashboard = page_selectors.dashboard_of(campaign=campaign, scores=scores)
    return campaign_results_from(campaign=campaign, dashboard=dashboard)


def campaign_results_from(
    *, campaign: Campaign, dashboard: page_selectors.Dashboard
) -> CampaignResults:
    """The results of a campaign from its rows already read (page_selectors.dashboard_of). No
    query."""
    scores = dashboard.scores
    stage_benchmarks = dashboard.benchmarks.stages[scores.stage]
    # The district's campaigns up to this one: the growth curves show where it came from.
    history = [
        s
        for s in dashboard.history
        if (s.campaign.opens_at, s.campaign.pk) <= (campaign.opens_at, campaign.pk)
    ]
    onpoint = scores.scores[ONPOINT]
    return CampaignResults(
        campaign=campaign,
        scores=scores,
        benchmarks=dashboard.benchmarks,
        stage_label=STAGE_LABELS[scores.stage],
        onpoint=onpoint,
        onpoint_percentile=scores.percentile_ranks.get(ONPOINT) if onpoint.reported else None,
        onpoint_benchmark=stage_benchmarks[ONPOINT],
        response_rate=response_rate(scores.n_responses, campaign.expected_responses),
        landmarks=[scores.landmarks[key] for key in LANDMARK_KEYS if key in scores.landmarks],
        score_rows=_score_rows(scores, stage_benchmarks),
        standing=charts.onpoint_standing(
            key="onpoint",
            score=onpoint,
            percentile_rank=scores.percentile_ranks.get(ONPOINT),
            benchmark=stage_benchmarks[ONPOINT],
            stage=scores.stage,
        ),
        growth=_growth_charts(dashboard.benchmarks, history),
        design=_design_chart(dashboard.benchmarks, history),
        alignment=_alignment_chart(scores),
        schools=charts.schools(
            key="schools",
            by_school=[charts.NamedScores(name=g.name, scores=g.scores) for g in scores.by_school],
        ),
    )


def _score_rows(scores: CampaignScores, stage_benchmarks: dict[str, Benchmark]) -> list[ScoreRow]:
    """Every score, with its percentile when reported and its benchmark when published."""
    return [
        ScoreRow(
            key=key,
            label=SCORE_LABELS[key],
            is_dimension=key in DIMENSIONS,
            score=scores.scores[key],
            percentile=scores.percentile_ranks.get(key) if scores.scores[key].reported else None,
            benchmark=stage_benchmarks[key] if stage_benchmarks[key].published else None,
        )
        for key in SCORE_KEYS
    ]


def _growth_charts(
    benchmarks: BenchmarkSet, history: Sequence[CampaignSummary]
) -> list[charts.Chart]:
    """Each category's growth curve: the national bands and the district's campaigns."""
    return [
        charts.growth_curve(
            key=f"growth-{category}",
            score_key=category,
            benchmarks=_stage_benchmarks(benchmarks, category),
            points=_campaign_points(history, category),
            height=260,
        )
        for category in CATEGORY_KEYS
    ]


def _design_chart(benchmarks: BenchmarkSet, history: Sequence[CampaignSummary]) -> charts.Chart:
    """The teacher's and the student's role in the design, side by side over the stages."""
    return charts.role_split(
        key="design-roles",
        teacher_benchmarks=_stage_benchmarks(benchmarks, "teacher_role"),
        student_benchmarks=_stage_benchmarks(benchmarks, "student_role"),
        teacher_points=_campaign_points(history, "teacher_role"),
        student_points=_campaign_points(history, "student_role"),
    )


def _alignment_chart(scores: CampaignScores) -> charts.Chart:
    """The roles' scores by category, with each category's gap between the roles."""
    return charts.stakeholder_alignment(
        key="alignment",
        by_role=[charts.NamedScores(name=g.name, scores=g.scores) for g in scores.by_role],
        gaps={
            category: charts.RoleGap(
                gap=gap.gap, high_role=gap.high_role, low_role=gap.low_role, divided=gap.divided
            )
            for category, gap in scores.alignment.categories.items()
        },
    )
