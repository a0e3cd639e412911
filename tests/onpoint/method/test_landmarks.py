"""Method sections 6 and 9: the four landmarks of a campaign, and its previous campaign P."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from onpoint.method import landmarks as rules
from onpoint.method.benchmarks import Benchmark, CampaignFacts
from onpoint.method.landmarks import (
    LANDMARK_REASONS,
    PREVIOUS_NOT_REPORTED,
    Landmark,
    landmarks_of,
    previous_campaign,
)
from onpoint.method.scoring import Score
from onpoint.method.structure import (
    LANDMARK_KEYS,
    LANDMARK_LABELS,
    NOT_YET,
    ON_TRACK,
    REASON_COMPLEMENTARY,
    REASON_FEW_RESPONSES,
    SCORE_KEYS,
    UNKNOWN,
    WATCH,
)


def _scores(**values: float | None) -> dict[str, Score]:
    """Whole-campaign scores of 50 from 30 responses, unless given; None = suppressed."""
    scores = {}
    for key in SCORE_KEYS:
        value = values.get(key, 50.0)
        scores[key] = (
            Score.shown(value, 30)
            if value is not None
            else Score.suppressed(4, REASON_FEW_RESPONSES)
        )
    return scores


def _benchmark(p25: float, p50: float) -> Benchmark:
    return Benchmark(
        n_districts=12,
        published=True,
        mean=p50,
        p10=p25 - 5,
        p25=p25,
        p50=p50,
        p75=p50 + 5,
        p90=p50 + 10,
    )


UNPUBLISHED = Benchmark(n_districts=4, published=False)


def _benchmarks(**by_key: Benchmark) -> dict[str, Benchmark]:
    """Every key benchmarked at p25 = 40 and p50 = 50, unless given."""
    return {key: by_key.get(key, _benchmark(p25=40, p50=50)) for key in SCORE_KEYS}


def _landmark(
    key: str,
    stage: str = "year_1",
    current: dict[str, Score] | None = None,
    previous: dict[str, Score] | None = None,
    benchmarks: dict[str, Benchmark] | None = None,
) -> Landmark:
    landmarks = landmarks_of(
        stage,
        current if current is not None else _scores(),
        previous,
        benchmarks if benchmarks is not None else _benchmarks(),
    )
    return landmarks[key]


# Landmark 1: shared understanding.


def test_shared_understanding_is_watch_below_the_stage_median() -> None:
    landmark = _landmark("shared_understanding", current=_scores(strategy=49.99))
    assert landmark.status == WATCH
    assert landmark.reason == rules.BELOW_MEDIAN


def test_shared_understanding_is_on_track_at_exactly_the_stage_median() -> None:
    assert _landmark("shared_understanding", current=_scores(strategy=50.0)).status == ON_TRACK


def test_shared_understanding_compares_with_the_strategy_median_not_the_onpoint_median() -> None:
    benchmarks = _benchmarks(strategy=_benchmark(p25=30, p50=44), onpoint=_benchmark(80, 90))
    landmark = _landmark(
        "shared_understanding", current=_scores(strategy=45), benchmarks=benchmarks
    )
    assert landmark.status == ON_TRACK


def test_shared_understanding_is_unknown_when_strategy_is_not_reported() -> None:
    assert _landmark("shared_understanding", current=_scores(strategy=None)).status == UNKNOWN


def test_shared_understanding_is_unknown_when_the_median_is_not_published() -> None:
    benchmarks = _benchmarks(strategy=UNPUBLISHED)
    landmark = _landmark(
        "shared_understanding", current=_scores(strategy=10), benchmarks=benchmarks
    )
    assert landmark.status == UNKNOWN


# Landmark 2: iterating on operations.


def test_operations_is_watch_below_the_stage_p25() -> None:
    assert _landmark("operations", current=_scores(operations=39.9)).status == WATCH


def test_operations_is_on_track_at_exactly_the_stage_p25_without_a_previous_campaign() -> None:
    assert _landmark("operations", current=_scores(operations=40.0)).status == ON_TRACK


def test_operations_is_watch_when_it_declined_since_the_previous_campaign() -> None:
    landmark = _landmark(
        "operations",
        current=_scores(operations=70.0),
        previous=_scores(operations=70.5),
    )
    assert landmark.status == WATCH
    assert landmark.reason == rules.DECLINED


def test_operations_is_on_track_when_it_held_level_since_the_previous_campaign() -> None:
    landmark = _landmark(
        "operations", current=_scores(operations=70.0), previous=_scores(operations=70.0)
    )
    assert landmark.status == ON_TRACK


def test_operations_low_and_declining_is_watch_with_both_reasons_said() -> None:
    landmark = _landmark(
        "operations", current=_scores(operations=30.0), previous=_scores(operations=35.0)
    )
    assert landmark.status == WATCH
    assert landmark.reason == rules.LOW_AND_DECLINED


def test_operations_is_unknown_without_a_published_p25_even_after_a_decline() -> None:
    landmark = _landmark(
        "operations",
        current=_scores(operations=30.0),
        previous=_scores(operations=80.0),
        benchmarks=_benchmarks(operations=UNPUBLISHED),
    )
    assert landmark.status == UNKNOWN


def test_operations_is_unknown_when_operations_is_not_reported() -> None:
    assert _landmark("operations", current=_scores(operations=None)).status == UNKNOWN


# Landmark 3: student agency.


@pytest.mark.parametrize("stage", ["planning", "year_1"])
def test_student_agency_is_not_yet_before_year_2(stage: str) -> None:
    current = _scores(teacher_role=90.0, student_role=None, design=None)
    assert _landmark("student_agency", stage=stage, current=current).status == NOT_YET


@pytest.mark.parametrize("stage", ["year_2", "year_3_plus"])
def test_student_agency_is_on_track_at_a_gap_of_exactly_10(stage: str) -> None:
    current = _scores(teacher_role=60.0, student_role=50.0)
    assert _landmark("student_agency", stage=stage, current=current).status == ON_TRACK


@pytest.mark.parametrize("stage", ["year_2", "year_3_plus"])
def test_student_agency_is_watch_when_the_teachers_role_leads_by_more_than_10(stage: str) -> None:
    current = _scores(teacher_role=60.5, student_role=50.0)
    assert _landmark("student_agency", stage=stage, current=current).status == WATCH


def test_student_agency_is_on_track_when_the_students_role_leads() -> None:
    current = _scores(teacher_role=40.0, student_role=70.0)
    assert _landmark("student_agency", stage="year_2", current=current).status == ON_TRACK


def test_student_agency_is_unknown_from_year_2_when_a_role_score_is_not_reported() -> None:
    current = _scores(teacher_role=60.0, student_role=None)
    assert _landmark("student_agency", stage="year_2", current=current).status == UNKNOWN


def test_student_agency_needs_no_benchmark() -> None:
    benchmarks = dict.fromkeys(SCORE_KEYS, UNPUBLISHED)
    current = _scores(teacher_role=80.0, student_role=50.0)
    landmark = _landmark("student_agency", "year_2", current=current, benchmarks=benchmarks)
    assert landmark.status == WATCH


# Landmark 4: culture of innovation.


@pytest.mark.parametrize("stage", ["planning", "year_1"])
def test_culture_is_watch_below_the_stage_median_before_year_2(stage: str) -> None:
    assert _landmark("culture", stage=stage, current=_scores(culture=49.0)).status == WATCH


@pytest.mark.parametrize("stage", ["planning", "year_1"])
def test_culture_is_on_track_at_exactly_the_stage_median_before_year_2(stage: str) -> None:
    assert _landmark("culture", stage=stage, current=_scores(culture=50.0)).status == ON_TRACK


def test_culture_before_year_2_ignores_the_previous_campaign() -> None:
    landmark = _landmark(
        "culture", "year_1", current=_scores(culture=60.0), previous=_scores(culture=90.0)
    )
    assert landmark.status == ON_TRACK


def test_culture_from_year_2_is_on_track_after_growing_exactly_1_point() -> None:
    landmark = _landmark(
        "culture", "year_2", current=_scores(culture=61.0), previous=_scores(culture=60.0)
    )
    assert landmark.status == ON_TRACK


def test_culture_from_year_2_is_watch_after_growing_less_than_1_point() -> None:
    landmark = _landmark(
        "culture", "year_3_plus", current=_scores(culture=60.5), previous=_scores(culture=60.0)
    )
    assert landmark.status == WATCH
    assert landmark.reason == rules.STALLED


def test_culture_from_year_2_with_a_previous_campaign_needs_no_benchmark() -> None:
    landmark = _landmark(
        "culture",
        "year_2",
        current=_scores(culture=20.0),
        previous=_scores(culture=10.0),
        benchmarks=_benchmarks(culture=UNPUBLISHED),
    )
    assert landmark.status == ON_TRACK


def test_culture_from_year_2_without_a_previous_campaign_compares_with_the_median() -> None:
    assert _landmark("culture", "year_2", current=_scores(culture=49.0)).status == WATCH
    assert _landmark("culture", "year_2", current=_scores(culture=50.0)).status == ON_TRACK


def test_culture_is_unknown_without_a_previous_campaign_or_a_published_median() -> None:
    landmark = _landmark("culture", "year_2", benchmarks=_benchmarks(culture=UNPUBLISHED))
    assert landmark.status == UNKNOWN


def test_culture_is_unknown_when_culture_is_not_reported() -> None:
    landmark = _landmark("culture", "year_2", current=_scores(culture=None), previous=_scores())
    assert landmark.status == UNKNOWN


# All four together.


def test_landmarks_of_gives_the_four_landmarks_in_method_order() -> None:
    landmarks = landmarks_of("year_1", _scores(), None, _benchmarks())
    assert list(landmarks) == list(LANDMARK_KEYS) == list(LANDMARK_LABELS)
    assert [landmark.key for landmark in landmarks.values()] == list(LANDMARK_KEYS)


def test_landmarks_of_refuses_a_previous_campaign_without_a_reported_onpoint_score() -> None:
    with pytest.raises(ValueError, match=PREVIOUS_NOT_REPORTED):
        landmarks_of("year_2", _scores(), _scores(onpoint=None), _benchmarks())


SCENARIOS = {
    "at the median and growing": ("year_2", _scores(), _scores(culture=45), _benchmarks()),
    "everything behind": (
        "year_2",
        _scores(strategy=10, operations=10, culture=10, teacher_role=90, student_role=10),
        _scores(operations=20, culture=40),
        _benchmarks(),
    ),
    "behind, no previous": ("year_1", _scores(strategy=10, culture=10), None, _benchmarks()),
    "operations declined only": ("year_2", _scores(), _scores(operations=90), _benchmarks()),
    "previous survey without operations or culture": (
        "year_2",
        _scores(),
        _scores(operations=None, culture=None),
        _benchmarks(),
    ),
    "nothing reported": (
        "year_3_plus",
        dict.fromkeys(SCORE_KEYS, Score.suppressed(3, REASON_COMPLEMENTARY)),
        None,
        _benchmarks(),
    ),
    "nothing published": ("planning", _scores(), None, dict.fromkeys(SCORE_KEYS, UNPUBLISHED)),
}


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_every_landmark_gives_a_reason_of_its_own_with_the_status_that_goes_with_it(
    scenario: tuple[str, dict[str, Score], dict[str, Score] | None, dict[str, Benchmark]],
) -> None:
    for landmark in landmarks_of(*scenario).values():
        assert LANDMARK_REASONS[landmark.key][landmark.reason] == landmark.status


def test_the_scenarios_reach_every_status_each_landmark_can_have() -> None:
    reached = {
        (landmark.key, landmark.status)
        for scenario in SCENARIOS.values()
        for landmark in landmarks_of(*scenario).values()
    }
    expected = {(key, status) for key in LANDMARK_KEYS for status in (ON_TRACK, WATCH, UNKNOWN)}
    assert reached == expected | {("student_agency", NOT_YET)}


def test_the_scenarios_give_every_reason_each_landmark_has() -> None:
    reached = {
        (landmark.key, landmark.reason)
        for scenario in SCENARIOS.values()
        for landmark in landmarks_of(*scenario).values()
    }
    # Each landmark's remaining reasons have a test of their own above.
    others = {
        ("operations", rules.LOW),
        ("operations", rules.BENCHMARK_MISSING),
        ("operations", rules.KEEPING_PACE),
        ("culture", rules.BELOW_MEDIAN),
        ("culture", rules.AT_OR_ABOVE_MEDIAN),
        ("student_agency", rules.KEEPING_UP),
        ("student_agency", rules.TOO_EARLY),
        ("shared_understanding", rules.AT_OR_ABOVE_MEDIAN),
    }
    every = {(key, reason) for key, reasons in LANDMARK_REASONS.items() for reason in reasons}
    assert every - reached <= others


def test_an_unknown_landmark_says_which_input_is_missing() -> None:
    no_score = _landmark("culture", current=_scores(culture=None))
    no_benchmark = _landmark("culture", benchmarks=_benchmarks(culture=UNPUBLISHED))
    no_previous = _landmark("culture", "year_2", previous=_scores(culture=None))
    assert no_score.reason == rules.SCORE_MISSING
    assert no_benchmark.reason == rules.BENCHMARK_MISSING
    assert no_previous.reason == rules.PREVIOUS_SCORE_MISSING


# The previous campaign P.


def _campaign(
    campaign_id: int,
    opens_at: datetime,
    *,
    district_id: int = 1,
    created_order: int | None = None,
    excluded: bool = False,
    closed: bool = True,
    onpoint_reported: bool = True,
) -> CampaignFacts:
    return CampaignFacts(
        campaign_id=campaign_id,
        district_id=district_id,
        stage="year_2",
        opens_at=opens_at,
        created_order=campaign_id if created_order is None else created_order,
        closed=closed,
        excluded=excluded,
        scores=_scores(onpoint=60.0 if onpoint_reported else None),
    )


def _at(month: int, day: int = 1) -> datetime:
    return datetime(2025, month, day, 9, tzinfo=UTC)


def test_previous_campaign_is_the_latest_earlier_one_with_a_reported_onpoint_score() -> None:
    current = _campaign(9, _at(10))
    campaigns = [
        _campaign(1, _at(1)),
        _campaign(2, _at(3)),
        _campaign(3, _at(5), onpoint_reported=False),
        current,
        _campaign(4, _at(11)),
    ]
    assert previous_campaign(campaigns, current) == campaigns[1]


def test_previous_campaign_may_be_excluded_from_benchmarks_but_never_still_open() -> None:
    current = _campaign(9, _at(10))
    excluded = _campaign(1, _at(3), excluded=True)
    still_open = _campaign(2, _at(4), closed=False)
    assert previous_campaign([excluded, current], current) == excluded
    # Method 1.1, section 6: P is the latest earlier *closed* campaign.
    assert previous_campaign([excluded, still_open, current], current) == excluded


def test_a_campaign_opening_at_the_same_moment_is_not_earlier_whatever_its_creation() -> None:
    current = _campaign(9, _at(10), created_order=5)
    twin = _campaign(8, _at(10), created_order=1)
    assert previous_campaign([twin, current], current) is None


def test_earlier_campaigns_opening_together_are_ordered_by_creation() -> None:
    current = _campaign(9, _at(10))
    first = _campaign(1, _at(3), created_order=2)
    second = _campaign(2, _at(3), created_order=3)
    assert previous_campaign([second, first, current], current) == second


def test_previous_campaign_ignores_other_districts() -> None:
    current = _campaign(9, _at(10))
    assert previous_campaign([_campaign(1, _at(3), district_id=2), current], current) is None
