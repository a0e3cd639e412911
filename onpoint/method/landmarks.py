"""The four landmarks of a campaign (method section 6): each one's status, and why.

Pure: the words a person reads (title, explanation, next steps) are not here. A landmark is its
key, its status and its `reason`, the branch of its rule that applied; `onpoint.landmark_texts`
turns those into words, in the reader's language, when a page or the API shows them. So the
stored results hold keys (CampaignResult.landmarks), and a change of wording or a new language
needs no rescore.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from onpoint.method.benchmarks import Benchmark, CampaignFacts, chronological
from onpoint.method.scoring import Score
from onpoint.method.structure import (
    CULTURE_MIN_GROWTH,
    LANDMARK_CATEGORY,
    NOT_YET,
    ON_TRACK,
    ONPOINT,
    STAGES,
    STUDENT_AGENCY_GAP,
    UNKNOWN,
    WATCH,
)

UNKNOWN_STAGE = "unknown stage {stage!r}"
PREVIOUS_NOT_REPORTED = "the previous campaign must be one whose Onpoint score is reported"

# Method section 6: landmarks 3 and 4 change rule "from year_2 on".
EARLY_STAGES = ("planning", "year_1")

# Why a landmark has its status: the branch of its rule that applied.
# Unknown: an input the branch needs is missing.
SCORE_MISSING: Final = "score_missing"
PREVIOUS_SCORE_MISSING: Final = "previous_score_missing"
BENCHMARK_MISSING: Final = "benchmark_missing"
# Against the stage's median (landmarks 1 and 4) or lower quartile (landmark 2).
BELOW_MEDIAN: Final = "below_median"
AT_OR_ABOVE_MEDIAN: Final = "at_or_above_median"
LOW_AND_DECLINED: Final = "low_and_declined"
LOW: Final = "low"
DECLINED: Final = "declined"
KEEPING_PACE: Final = "keeping_pace"
# Landmark 3.
TOO_EARLY: Final = "too_early"
TEACHER_ROLE_AHEAD: Final = "teacher_role_ahead"
KEEPING_UP: Final = "keeping_up"
# Landmark 4 from year 2 on, against the district's previous campaign.
STALLED: Final = "stalled"
GROWING: Final = "growing"

# Every reason each landmark can give, with the status it goes with.
LANDMARK_REASONS: Final[dict[str, dict[str, str]]] = {
    "shared_understanding": {
        SCORE_MISSING: UNKNOWN,
        BENCHMARK_MISSING: UNKNOWN,
        BELOW_MEDIAN: WATCH,
        AT_OR_ABOVE_MEDIAN: ON_TRACK,
    },
    "operations": {
        SCORE_MISSING: UNKNOWN,
        BENCHMARK_MISSING: UNKNOWN,
        PREVIOUS_SCORE_MISSING: UNKNOWN,
        LOW_AND_DECLINED: WATCH,
        LOW: WATCH,
        DECLINED: WATCH,
        KEEPING_PACE: ON_TRACK,
    },
    "student_agency": {
        TOO_EARLY: NOT_YET,
        SCORE_MISSING: UNKNOWN,
        TEACHER_ROLE_AHEAD: WATCH,
        KEEPING_UP: ON_TRACK,
    },
    "culture": {
        SCORE_MISSING: UNKNOWN,
        BENCHMARK_MISSING: UNKNOWN,
        PREVIOUS_SCORE_MISSING: UNKNOWN,
        BELOW_MEDIAN: WATCH,
        AT_OR_ABOVE_MEDIAN: ON_TRACK,
        STALLED: WATCH,
        GROWING: ON_TRACK,
    },
}


@dataclass(frozen=True)
class Landmark:
    """One landmark's status and the reason for it (a key of LANDMARK_REASONS[key])."""

    key: str
    status: str
    reason: str


def _landmark(key: str, reason: str) -> Landmark:
    return Landmark(key=key, status=LANDMARK_REASONS[key][reason], reason=reason)


def _value(scores: Mapping[str, Score] | None, key: str) -> float | None:
    if scores is None:
        return None
    score = scores.get(key)
    return None if score is None else score.value


def _published(benchmarks: Mapping[str, Benchmark], key: str) -> Benchmark | None:
    benchmark = benchmarks.get(key)
    return benchmark if benchmark is not None and benchmark.published else None


def _shared_understanding(
    current: Mapping[str, Score], benchmarks: Mapping[str, Benchmark]
) -> Landmark:
    key = "shared_understanding"
    category = LANDMARK_CATEGORY[key]
    strategy = _value(current, category)
    if strategy is None:
        return _landmark(key, SCORE_MISSING)
    benchmark = _published(benchmarks, category)
    if benchmark is None or benchmark.p50 is None:
        return _landmark(key, BENCHMARK_MISSING)
    # Method section 6, landmark 1: "watch when strategy < p50_s, else on_track".
    return _landmark(key, BELOW_MEDIAN if strategy < benchmark.p50 else AT_OR_ABOVE_MEDIAN)


def _operations(
    current: Mapping[str, Score],
    previous: Mapping[str, Score] | None,
    benchmarks: Mapping[str, Benchmark],
) -> Landmark:
    key = "operations"
    category = LANDMARK_CATEGORY[key]
    operations = _value(current, category)
    if operations is None:
        return _landmark(key, SCORE_MISSING)
    benchmark = _published(benchmarks, category)
    # Method section 9: "Landmark 2 is unknown when p25_s is not published, even when P shows
    # a decline".
    if benchmark is None or benchmark.p25 is None:
        return _landmark(key, BENCHMARK_MISSING)
    previous_operations = _value(previous, category)
    if previous is not None and previous_operations is None:
        return _landmark(key, PREVIOUS_SCORE_MISSING)

    # Method section 6, landmark 2: "watch when operations < p25_s, or when P exists and
    # operations(C) < operations(P)".
    low = operations < benchmark.p25
    declined = previous_operations is not None and operations < previous_operations
    if low and declined:
        return _landmark(key, LOW_AND_DECLINED)
    if low:
        return _landmark(key, LOW)
    if declined:
        return _landmark(key, DECLINED)
    return _landmark(key, KEEPING_PACE)


def _student_agency(stage: str, current: Mapping[str, Score]) -> Landmark:
    key = "student_agency"
    # Method section 6, landmark 3: "not_yet at planning and year_1".
    if stage in EARLY_STAGES:
        return _landmark(key, TOO_EARLY)
    teacher_role = _value(current, "teacher_role")
    student_role = _value(current, "student_role")
    if teacher_role is None or student_role is None:
        return _landmark(key, SCORE_MISSING)
    # Method section 6, landmark 3: "watch when teacher_role - student_role > 10".
    if teacher_role - student_role > STUDENT_AGENCY_GAP:
        return _landmark(key, TEACHER_ROLE_AHEAD)
    return _landmark(key, KEEPING_UP)


def _culture(
    stage: str,
    current: Mapping[str, Score],
    previous: Mapping[str, Score] | None,
    benchmarks: Mapping[str, Benchmark],
) -> Landmark:
    key = "culture"
    category = LANDMARK_CATEGORY[key]
    culture = _value(current, category)
    if culture is None:
        return _landmark(key, SCORE_MISSING)
    if stage in EARLY_STAGES or previous is None:
        benchmark = _published(benchmarks, category)
        if benchmark is None or benchmark.p50 is None:
            return _landmark(key, BENCHMARK_MISSING)
        # Method section 6, landmark 4: "watch when culture < p50_s" at planning and year_1,
        # and from year_2 on "when P does not exist".
        return _landmark(key, BELOW_MEDIAN if culture < benchmark.p50 else AT_OR_ABOVE_MEDIAN)
    previous_culture = _value(previous, category)
    if previous_culture is None:
        return _landmark(key, PREVIOUS_SCORE_MISSING)
    # Method section 6, landmark 4: from year_2 on, "watch when P exists and
    # culture(C) - culture(P) < 1".
    if culture - previous_culture < CULTURE_MIN_GROWTH:
        return _landmark(key, STALLED)
    return _landmark(key, GROWING)


def landmarks_of(
    stage: str,
    current: Mapping[str, Score],
    previous: Mapping[str, Score] | None,
    benchmarks: Mapping[str, Benchmark],
) -> dict[str, Landmark]:
    """The four landmarks of a campaign at `stage`, keyed and ordered as LANDMARK_KEYS.

    `current` and `previous` are whole-campaign scores; `previous` is those of P, the latest
    earlier campaign of the district whose Onpoint score is reported (see `previous_campaign`),
    or None when there is none. `benchmarks` are the published-or-not benchmarks of `stage`,
    by score key. A landmark is unknown when a score or published benchmark it needs is
    missing; which ones it needs depends on the branch of its rule that applies.
    """
    if stage not in STAGES:
        raise ValueError(UNKNOWN_STAGE.format(stage=stage))
    if previous is not None and not _onpoint_reported(previous):
        raise ValueError(PREVIOUS_NOT_REPORTED)
    return {
        "shared_understanding": _shared_understanding(current, benchmarks),
        "operations": _operations(current, previous, benchmarks),
        "student_agency": _student_agency(stage, current),
        "culture": _culture(stage, current, previous, benchmarks),
    }


def _onpoint_reported(scores: Mapping[str, Score]) -> bool:
    score = scores.get(ONPOINT)
    return score is not None and score.reported


def previous_campaign(
    campaigns: Iterable[CampaignFacts], current: CampaignFacts
) -> CampaignFacts | None:
    """P of method section 6: the latest closed campaign of the same district that opened
    strictly earlier than `current` and whose Onpoint score is reported.

    Section 9: excluded campaigns count, and among earlier campaigns with the same `opens_at`
    the one created last is the latest. A campaign opening at the same moment as `current` is
    not earlier, whatever its creation order. An open campaign is never P (method 1.1: its
    scores are not released).
    """
    earlier = [
        campaign
        for campaign in campaigns
        if campaign.district_id == current.district_id
        and campaign.opens_at < current.opens_at
        and campaign.closed
        and campaign.onpoint_reported
    ]
    return max(earlier, key=chronological, default=None)
