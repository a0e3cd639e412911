"""A district's journey map: its stage and place on the path, its campaigns by stage, the
landmarks of its latest released campaign (with the learning that serves each), its growth
chart, its milestones, and the named co-travelers a stage or two ahead (issue 16)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from districts.models import District, LearningOffer, PathPlace
from districts.selectors import JourneyAccess, User, journey_access
from onpoint import charts
from onpoint.co_travelers import CoTraveler, co_travelers_of, stages_ahead
from onpoint.landmark_texts import TITLES, LandmarkText
from onpoint.method.structure import LANDMARK_KEYS, ONPOINT, STAGE_LABELS, STAGES, UNKNOWN
from onpoint.models import BenchmarkVersion
from onpoint.page_selectors import Journey, journey_of
from onpoint.pages.base import PageModel
from onpoint.selectors import CampaignSummary

# The journey map shows this many co-travelers (issue 16), nearest first.
CO_TRAVELERS_SHOWN = 3
# Before its first survey a landmark has nothing to go on; the stop says what will show there.
LANDMARK_WAITING = (
    "This landmark shows once the district's first survey has closed and its results are released."
)


@dataclass(frozen=True)
class PathStop:
    """A place on the path (districts.models.PathPlace); `current` is the district's."""

    key: str
    label: str
    current: bool


@dataclass(frozen=True)
class StageColumn:
    """One stage of the timeline with the district's campaigns at it, oldest first."""

    key: str
    label: str
    current: bool
    campaigns: list[CampaignSummary]


@dataclass(frozen=True)
class CoTravelerStep:
    """A co-traveler's Onpoint score at one stage; `here` is the viewing district's stage."""

    label: str
    score: float
    here: bool


@dataclass(frozen=True)
class CoTravelerRow:
    traveler: CoTraveler
    stage_label: str
    path: list[CoTravelerStep]


@dataclass(frozen=True)
class JourneyPage(PageModel):
    district: District
    journey: Journey
    access: JourneyAccess
    now: dt.datetime
    stage_label: str
    path: list[PathStop]
    stages: list[StageColumn]
    landmarks: list[LandmarkText]
    # Beside each landmark's next steps, the professional learning that serves it.
    landmark_rows: list[tuple[LandmarkText, list[LearningOffer]]]
    may_keep_learning: bool
    landmark_campaign: CampaignSummary | None
    landmark_version: BenchmarkVersion | None
    chart: charts.Chart
    co_travelers: list[CoTravelerRow]
    stages_ahead: list[str]


def journey_page(
    *, district: District, user: User, now: dt.datetime, today: dt.date
) -> JourneyPage:
    """The journey map of `district` (which the caller got from district_for) as `user` sees it:
    page_selectors.journey_of's three queries (one or two more: the current benchmarks before
    the first released campaign, a version's rows the first time the process reads them), the
    user's access, which says their leadership too (1), and co_travelers_of's three (one when
    no district is ahead)."""
    journey = journey_of(district=district, now=now, today=today)
    landmark_campaign = journey.landmark_campaign
    landmarks = _landmarks_shown(landmark_campaign)
    travelers = co_travelers_of(
        district=district, stage=journey.stage, now=now, today=today, limit=CO_TRAVELERS_SHOWN
    )
    access = journey_access(user=user, district=district)
    return JourneyPage(
        district=district,
        journey=journey,
        access=access,
        now=now,
        stage_label=STAGE_LABELS[journey.stage],
        path=[
            PathStop(key=key, label=label, current=key == district.path_place)
            for key, label in PathPlace.choices
        ],
        stages=_stage_columns(journey),
        landmarks=landmarks,
        landmark_rows=[
            (landmark, journey.learning_offers.get(landmark.key, [])) for landmark in landmarks
        ],
        # Who sets the place on the path is who leads the district (staff too): is_leader_of,
        # without asking again.
        may_keep_learning=access.may_set_place,
        landmark_campaign=landmark_campaign,
        landmark_version=journey.versions.get(landmark_campaign.benchmark_version_id or 0)
        if landmark_campaign
        else None,
        chart=_growth_chart(journey),
        co_travelers=[_co_traveler_row(traveler, journey.stage) for traveler in travelers],
        stages_ahead=[STAGE_LABELS[s] for s in stages_ahead(journey.stage)],
    )


def _landmarks_shown(landmark_campaign: CampaignSummary | None) -> list[LandmarkText]:
    """The stops on the path: the landmark campaign's, or each waiting for the first results."""
    if landmark_campaign is not None:
        return [
            landmark_campaign.landmarks[key]
            for key in LANDMARK_KEYS
            if key in landmark_campaign.landmarks
        ]
    return [
        LandmarkText(
            key=key,
            status=UNKNOWN,
            title=str(TITLES[key]),
            explanation=LANDMARK_WAITING,
            next_steps=(),
        )
        for key in LANDMARK_KEYS
    ]


def _growth_chart(journey: Journey) -> charts.Chart:
    # Only released results are drawn: an open campaign shows its count alone (method 1.1).
    released = [s for s in journey.campaigns if s.results_ready]
    return charts.growth_curve(
        key="onpoint-journey",
        score_key=ONPOINT,
        benchmarks={stage: journey.benchmarks.stages[stage][ONPOINT] for stage in STAGES},
        points=[
            charts.StagePoint(stage=s.stage, label=s.campaign.name, score=s.scores[ONPOINT])
            for s in released
        ],
    )


def _stage_columns(journey: Journey) -> list[StageColumn]:
    return [
        StageColumn(
            key=stage,
            label=STAGE_LABELS[stage],
            current=stage == journey.stage,
            campaigns=[s for s in journey.campaigns if s.stage == stage],
        )
        for stage in STAGES
    ]


def _co_traveler_row(traveler: CoTraveler, stage: str) -> CoTravelerRow:
    return CoTravelerRow(
        traveler=traveler,
        stage_label=STAGE_LABELS[traveler.stage],
        path=[
            CoTravelerStep(label=STAGE_LABELS[s], score=score, here=s == stage)
            for s, score in traveler.path
        ],
    )
