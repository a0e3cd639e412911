"""The engine's services on the database: stored scores, claims, benchmark versions, landmarks."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from districts.models import District
from onpoint import benchmark_rebuild, queueing, release, rescore
from onpoint.method.structure import REASON_COMPLEMENTARY, REASON_FEW_RESPONSES, SCORE_KEYS
from onpoint.models import BenchmarkVersion, CampaignResult, GroupScore
from surveys.models import Campaign
from tests.onpoint.builders import (
    answers_of,
    campaign_of,
    closed_campaign_of,
    district_named,
    respond,
    school_of,
    uniform,
)

pytestmark = pytest.mark.django_db


def stored(campaign: Campaign, breakdown: str = "whole", group: str = "") -> dict[str, Any]:
    return {
        row.key: row
        for row in GroupScore.objects.filter(campaign=campaign, breakdown=breakdown, group=group)
    }


def worked_example_answers() -> list[dict[str, int | None]]:
    """Method section 8: six responses, strategy items only."""
    sheets = [
        ((4, 4, 5), (3, 3, 3)),
        ((2, None, 3), (4, 4, None)),
        ((5, None, None), (5, 5, 5)),
        ((3, 3, 3), (None, None, 2)),
        ((1, 1, 1), (1, 1, 1)),
        ((None, None, None), (None, None, None)),
    ]
    result = []
    for vision, plan in sheets:
        answers = answers_of()
        for index in range(3):
            answers[f"vision_{index + 1}"] = vision[index]
            answers[f"plan_{index + 1}"] = plan[index]
        result.append(answers)
    return result


def test_the_worked_example_of_method_section_8_is_stored_exactly(maple: District) -> None:
    campaign = closed_campaign_of(maple)
    for answers in worked_example_answers():
        respond(campaign, answers)

    rescore.campaign_rescore(campaign=campaign)

    whole = stored(campaign)
    assert set(whole) == set(SCORE_KEYS)
    assert whole["strategy"].reported
    assert whole["strategy"].n == 5
    assert whole["strategy"].value == pytest.approx(54.583333, abs=1e-5)
    for key, n in (("vision", 4), ("plan", 4)):
        assert not whole[key].reported
        assert whole[key].value is None
        assert whole[key].n == n
        assert whole[key].reason == REASON_FEW_RESPONSES
    assert not whole["onpoint"].reported
    assert whole["onpoint"].n == 6
    assert whole["operations"].n == 0
    result = CampaignResult.objects.get(campaign=campaign)
    assert result.n_responses == 6


def test_a_school_of_three_is_suppressed_and_takes_the_smallest_other_school_with_it(
    maple: District,
) -> None:
    campaign = closed_campaign_of(maple)
    small = school_of(maple, "Birchwood")
    mid = school_of(maple, "Cedar")
    big = school_of(maple, "Alder")
    respond(campaign, school=small, times=3)
    respond(campaign, school=mid, times=6)
    respond(campaign, school=big, times=9)
    respond(campaign, school=None, times=7)

    rescore.campaign_rescore(campaign=campaign)

    assert stored(campaign, "school", "Birchwood")["strategy"].reason == REASON_FEW_RESPONSES
    assert stored(campaign, "school", "Cedar")["strategy"].reason == REASON_COMPLEMENTARY
    assert stored(campaign, "school", "Cedar")["strategy"].value is None
    assert stored(campaign, "school", "Alder")["strategy"].reported
    assert stored(campaign, "school", "Unspecified")["strategy"].reported
    positions = dict(
        GroupScore.objects.filter(campaign=campaign, breakdown="school", key="onpoint").values_list(
            "group", "position"
        )
    )
    # Code point order of the names (method section 9).
    assert sorted(positions, key=positions.__getitem__) == [
        "Alder", "Birchwood", "Cedar", "Unspecified",
    ]  # fmt: skip


def test_a_rescore_run_twice_writes_the_same_rows_with_the_same_ids(maple: District) -> None:
    campaign = closed_campaign_of(maple)
    respond(campaign, uniform(4), times=4)
    respond(campaign, uniform(2), role="coach", times=5)
    rescore.campaign_rescore(campaign=campaign)
    first = list(GroupScore.objects.order_by("pk").values())

    rescore.campaign_rescore(campaign=campaign)

    assert list(GroupScore.objects.order_by("pk").values()) == first


def test_a_rescore_reads_responses_that_arrived_since_and_updates_in_place(
    maple: District,
) -> None:
    campaign = closed_campaign_of(maple)
    respond(campaign, uniform(5), times=5)
    rescore.campaign_rescore(campaign=campaign)
    assert stored(campaign)["onpoint"].value == 100
    ids = set(GroupScore.objects.values_list("pk", flat=True))

    respond(campaign, uniform(1), times=5)
    rescore.campaign_rescore(campaign=campaign)

    assert stored(campaign)["onpoint"].value == 50
    assert stored(campaign)["onpoint"].n == 10
    assert set(GroupScore.objects.filter(breakdown="whole").values_list("pk", flat=True)) <= ids


def test_the_recompute_claims_the_dirty_flag_and_skips_when_another_run_claimed_it(
    maple: District,
) -> None:
    campaign = closed_campaign_of(maple)
    respond(campaign, times=5)

    assert rescore.campaign_recompute(campaign_id=campaign.pk) is True
    campaign.refresh_from_db()
    assert campaign.scores_dirty is False
    assert rescore.campaign_recompute(campaign_id=campaign.pk) is False


def test_a_campaign_never_scored_is_scored_without_a_dirty_flag(maple: District) -> None:
    campaign = closed_campaign_of(maple)
    assert rescore.campaign_recompute(campaign_id=campaign.pk) is True
    assert stored(campaign)["onpoint"].n == 0
    assert stored(campaign)["onpoint"].reason == REASON_FEW_RESPONSES


def test_a_recompute_that_fails_halfway_leaves_the_campaign_dirty(maple: District) -> None:
    campaign = closed_campaign_of(maple)
    respond(campaign, times=5)
    with (
        mock.patch.object(rescore, "_group_scores_store", side_effect=RuntimeError("crash")),
        pytest.raises(RuntimeError),
    ):
        rescore.campaign_recompute(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    assert campaign.scores_dirty is True
    assert not GroupScore.objects.filter(campaign=campaign).exists()


def test_the_stored_alignment_names_the_roles_of_the_largest_gap(maple: District) -> None:
    campaign = closed_campaign_of(maple)
    respond(campaign, uniform(2), role="teacher", times=5)
    respond(campaign, uniform(4), role="district_staff", times=5)
    rescore.campaign_rescore(campaign=campaign)
    alignment = CampaignResult.objects.get(campaign=campaign).alignment
    assert alignment["gap"] == 50
    assert alignment["categories"]["strategy"] == {
        "gap": 50.0,
        "high_role": "district_staff",
        "low_role": "teacher",
        "divided": True,
    }


# --- benchmarks ----------------------------------------------------------------------------------


def year_1_district(n: int) -> District:
    """A district that launched the day its campaigns of 40 days ago opened: they are year 1
    (method section 2: the same school year as the launch), whatever today's date."""
    opened = timezone.localdate() - dt.timedelta(days=40)
    return district_named(f"Year one {n}", launch_date=opened)


def closed_year_1_campaigns(values: list[int]) -> list[Campaign]:
    """One district per value, each with a closed campaign of 5 responses all answering it."""
    campaigns = []
    for n, value in enumerate(values):
        campaign = closed_campaign_of(year_1_district(n), days_ago=40)
        respond(campaign, uniform(value), times=5)
        rescore.campaign_rescore(campaign=campaign)
        campaigns.append(campaign)
    return campaigns


def test_a_rebuild_publishes_a_stage_with_five_districts_and_ranks_every_campaign() -> None:
    campaigns = closed_year_1_campaigns([1, 2, 3, 4, 5])

    outcome = benchmark_rebuild.benchmarks_rebuild()

    assert outcome.created
    version = outcome.version
    onpoint = version.benchmarks.get(stage="year_1", key="onpoint")
    assert onpoint.published
    assert onpoint.n_districts == 5
    assert (onpoint.p10, onpoint.p50, onpoint.p90) == pytest.approx((10.0, 50.0, 90.0))
    assert onpoint.cohort == [0.0, 25.0, 50.0, 75.0, 100.0]
    assert not version.benchmarks.get(stage="planning", key="onpoint").published
    ranks = [CampaignResult.objects.get(campaign=c).ranks["onpoint"] for c in campaigns]
    assert ranks == [10.0, 30.0, 50.0, 70.0, 90.0]
    assert {CampaignResult.objects.get(campaign=c).benchmark_version_id for c in campaigns} == {
        version.pk
    }


def test_a_rebuild_that_finds_the_same_cohorts_writes_no_new_version() -> None:
    closed_year_1_campaigns([1, 2, 3, 4, 5])
    first = benchmark_rebuild.benchmarks_rebuild()
    second = benchmark_rebuild.benchmarks_rebuild()
    assert not second.created
    assert second.version.pk == first.version.pk
    assert BenchmarkVersion.objects.count() == 1


def test_a_changed_cohort_writes_a_new_version_and_keeps_the_old_one() -> None:
    campaigns = closed_year_1_campaigns([1, 2, 3, 4, 5])
    first = benchmark_rebuild.benchmarks_rebuild().version
    respond(campaigns[0], uniform(5), times=5)
    rescore.campaign_rescore(campaign=campaigns[0])

    second = benchmark_rebuild.benchmarks_rebuild().version

    assert second.pk != first.pk
    assert BenchmarkVersion.objects.count() == 2
    assert first.benchmarks.get(stage="year_1", key="onpoint").cohort == [
        0.0, 25.0, 50.0, 75.0, 100.0,
    ]  # fmt: skip
    assert second.benchmarks.get(stage="year_1", key="onpoint").cohort == [
        25.0, 50.0, 50.0, 75.0, 100.0,
    ]  # fmt: skip
    assert CampaignResult.objects.get(campaign=campaigns[1]).benchmark_version_id == second.pk


def test_an_open_campaign_is_neither_scored_nor_ranked_nor_part_of_the_cohort() -> None:
    closed_year_1_campaigns([1, 2, 3, 4, 5])
    district = year_1_district(99)
    open_campaign = campaign_of(
        district,
        opens_at=timezone.now() - dt.timedelta(days=40),
        closes_at=timezone.now() + dt.timedelta(days=1),
    )
    respond(open_campaign, uniform(3), times=5)
    rescore.campaign_rescore(campaign=open_campaign)

    version = benchmark_rebuild.benchmarks_rebuild().version

    # Method 1.1, "Release": nothing of an open campaign is stored, so nothing can be shown.
    assert not CampaignResult.objects.filter(campaign=open_campaign).exists()
    assert not GroupScore.objects.filter(campaign=open_campaign).exists()
    assert version.benchmarks.get(stage="year_1", key="onpoint").n_districts == 5


def test_an_excluded_campaign_is_ranked_but_stays_out_of_the_cohort() -> None:
    campaigns = closed_year_1_campaigns([1, 2, 3, 4, 5])
    Campaign.objects.filter(pk=campaigns[0].pk).update(exclude_from_benchmarks=True)
    version = benchmark_rebuild.benchmarks_rebuild().version
    onpoint = version.benchmarks.get(stage="year_1", key="onpoint")
    assert onpoint.n_districts == 4
    assert not onpoint.published
    assert CampaignResult.objects.get(campaign=campaigns[0]).ranks["onpoint"] is None


def test_a_landmark_compares_with_the_districts_previous_campaign(maple: District) -> None:
    # Operations fell from the previous campaign to this one: landmark 2 is "watch" once the
    # benchmark is published (and "unknown" before, method section 9).
    maple.launch_date = timezone.localdate() - dt.timedelta(days=800)
    maple.save()
    earlier = closed_campaign_of(maple, days_ago=300)
    respond(earlier, uniform(4), times=5)
    rescore.campaign_rescore(campaign=earlier)
    later = closed_campaign_of(maple, days_ago=40)
    respond(later, uniform(3), times=5)
    rescore.campaign_rescore(campaign=later)

    result = CampaignResult.objects.get(campaign=later)
    assert result.previous_campaign_id == earlier.pk
    assert result.landmarks["operations"]["status"] == "unknown"


def test_rescoring_an_earlier_campaign_refreshes_the_landmarks_of_the_later_ones(
    maple: District,
) -> None:
    earlier = closed_campaign_of(maple, days_ago=300)
    later = closed_campaign_of(maple, days_ago=40)
    respond(later, uniform(3), times=5)
    rescore.campaign_rescore(campaign=later)
    assert CampaignResult.objects.get(campaign=later).previous_campaign_id is None

    respond(earlier, uniform(4), times=5)
    rescore.campaign_recompute(campaign_id=earlier.pk)

    assert CampaignResult.objects.get(campaign=later).previous_campaign_id == earlier.pk


# --- requests, coalescing, sweep -----------------------------------------------------------------


def test_in_the_embedded_mode_a_committed_response_is_scored_right_after_the_commit(
    maple: District, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = closed_campaign_of(maple)
    with django_capture_on_commit_callbacks(execute=True):
        respond(campaign, times=5)
        queueing.campaign_scores_request(campaign.pk)
        assert not GroupScore.objects.filter(campaign=campaign).exists()
    assert stored(campaign)["onpoint"].n == 5
    campaign.refresh_from_db()
    assert not campaign.scores_dirty


@pytest.fixture
def with_broker(settings: Any) -> Any:
    """Celery as in production (not eager), with the sending mocked or failing per test."""
    from onpoint.tasks import recompute_campaign

    app = recompute_campaign.app
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = previous


def test_fifty_responses_in_a_burst_enqueue_one_recompute(
    maple: District, with_broker: Any
) -> None:
    from onpoint.tasks import recompute_campaign

    campaign = closed_campaign_of(maple)
    with mock.patch.object(recompute_campaign, "apply_async") as send:
        for _ in range(50):
            queueing._recompute_enqueue(campaign.pk, debounce=True)
    send.assert_called_once()
    assert send.call_args.kwargs["countdown"] == queueing.RECOMPUTE_DELAY_SECONDS
    # The run starts after the coalescing window: every response that found the window open
    # has committed by then.
    assert queueing.RECOMPUTE_DELAY_SECONDS > queueing.RECOMPUTE_DEBOUNCE_SECONDS


def test_a_broker_that_is_down_never_fails_the_teachers_request(
    maple: District, with_broker: Any, caplog: Any
) -> None:
    from onpoint.tasks import recompute_campaign

    campaign = closed_campaign_of(maple)
    failure = ConnectionRefusedError("broker down")
    with mock.patch.object(recompute_campaign, "apply_async", side_effect=failure) as send:
        queueing._recompute_enqueue(campaign.pk, debounce=True)
        queueing._recompute_enqueue(campaign.pk, debounce=True)
    # The failed send released the coalescing window, so the next response tried again.
    assert send.call_count == 2
    assert "the sweep will catch up" in caplog.text


def test_the_sweep_enqueues_dirty_and_unscored_campaigns(maple: District, with_broker: Any) -> None:
    from onpoint.tasks import rebuild_benchmarks, recompute_campaign

    dirty = closed_campaign_of(maple)
    respond(dirty, times=5)
    unscored = closed_campaign_of(maple)
    clean = closed_campaign_of(maple)
    rescore.campaign_rescore(campaign=clean)

    with (
        mock.patch.object(recompute_campaign, "apply_async") as send,
        mock.patch.object(rebuild_benchmarks, "apply_async") as rebuild,
    ):
        outcome = release.campaigns_sweep()

    assert outcome.campaign_ids == sorted([dirty.pk, unscored.pk])
    assert sorted(call.args[0][0] for call in send.call_args_list) == sorted(
        [dirty.pk, unscored.pk]
    )
    # No benchmarks were ever built while campaigns exist: the sweep asks for a rebuild.
    assert outcome.rebuild_requested
    rebuild.assert_called_once()


def test_the_sweep_asks_for_a_rebuild_once_a_campaign_has_closed_since_the_last_one(
    maple: District,
) -> None:
    campaign = campaign_of(maple, closes_at=timezone.now() + dt.timedelta(hours=1))
    benchmark_rebuild.benchmarks_rebuild()
    assert not benchmark_rebuild.benchmarks_stale()
    assert benchmark_rebuild.benchmarks_stale(now=campaign.closes_at + dt.timedelta(seconds=1))
