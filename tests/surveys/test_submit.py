"""surveys.services.response_submit: one transaction, one response per submission id, scores."""

from __future__ import annotations

import logging
import sys
import uuid
from typing import Any

import pytest
from django.utils import timezone

from districts.models import School
from onpoint.method.scoring import score_response
from surveys import queueing
from surveys.models import Campaign, Response
from surveys.selectors import item_specs
from surveys.services import (
    CAMPAIGN_CLOSED,
    CAMPAIGN_NOT_OPEN_YET,
    UNKNOWN_SCHOOL,
    CampaignNotOpen,
    SurveyInputError,
    response_submit,
)
from tests.surveys.conftest import every_answer

pytestmark = pytest.mark.django_db

# The method's worked example, response r1: vision 4, 4, 5; plan 3, 3, 3 (section 8).
R1 = {"vision_1": 4, "vision_2": 4, "vision_3": 5, "plan_1": 3, "plan_2": 3, "plan_3": 3}


@pytest.fixture
def scores_requests(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Stands in for surveys.queueing.campaign_scores_request and records its calls."""
    calls: list[int] = []
    monkeypatch.setattr(queueing, "campaign_scores_request", calls.append)
    return calls


def test_stores_the_response_with_the_method_scores(maple_campaign: Campaign) -> None:
    response, created = response_submit(
        campaign=maple_campaign, answers=R1, role="teacher", school=None, submission_id=None
    )
    assert created
    response.refresh_from_db()
    assert response.vision == pytest.approx(83.333, abs=0.001)
    assert response.plan == 50
    assert response.strategy == pytest.approx(66.667, abs=0.001)
    assert response.operations is None
    assert response.item_scores["vision_3"] == 100
    assert response.answers["vision_3"] == 5
    assert response.answers["buy_in_1"] is None
    assert len(response.answers) == 27


def test_buy_in_3_is_scored_in_reverse(maple_campaign: Campaign) -> None:
    answers = {"buy_in_1": 5, "buy_in_2": 5, "buy_in_3": 5}
    response, _ = response_submit(
        campaign=maple_campaign, answers=answers, role="coach", school=None, submission_id=None
    )
    assert response.item_scores["buy_in_3"] == 0
    assert response.buy_in == pytest.approx(200 / 3)


def test_every_stored_score_matches_the_pure_scoring_module(maple_campaign: Campaign) -> None:
    answers = {code: (i % 5) + 1 for i, code in enumerate(every_answer())}
    response, _ = response_submit(
        campaign=maple_campaign, answers=answers, role="teacher", school=None, submission_id=None
    )
    expected = score_response(answers, item_specs(maple_campaign.instrument))
    response.refresh_from_db()
    for key, value in {**expected.dimensions, **expected.categories}.items():
        assert getattr(response, key) == pytest.approx(value), key


def test_the_same_submission_id_twice_stores_one_response(maple_campaign: Campaign) -> None:
    submission = uuid.uuid4()
    first, created = response_submit(
        campaign=maple_campaign, answers=R1, role="teacher", school=None, submission_id=submission
    )
    again, created_again = response_submit(
        campaign=maple_campaign, answers=R1, role="teacher", school=None, submission_id=submission
    )
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert Response.objects.filter(campaign=maple_campaign).count() == 1


def test_only_the_date_is_kept(maple_campaign: Campaign) -> None:
    response, _ = response_submit(
        campaign=maple_campaign, answers=R1, role="teacher", school=None, submission_id=None
    )
    assert response.submitted_on == timezone.localdate()
    stored = {field.name for field in Response._meta.get_fields()}
    assert not stored & {"user", "ip", "ip_address", "user_agent", "created_at", "submitted_at"}
    assert not any(
        field.get_internal_type() == "DateTimeField" for field in Response._meta.concrete_fields
    )


def test_a_stored_response_is_one_insert_and_asks_for_no_scores_before_the_close(
    maple_campaign: Campaign,
    scores_requests: list[int],
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    # Method 1.1, "Release": an open campaign's scores are computed when it closes, so a staff
    # meeting's submissions touch neither the campaign's row nor the worker.
    # SAVEPOINT, INSERT, RELEASE (the test runs inside a transaction; alone: one INSERT).
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        django_assert_num_queries(3),
    ):
        response_submit(
            campaign=maple_campaign, answers=R1, role="teacher", school=None, submission_id=None
        )
    maple_campaign.refresh_from_db()
    assert not maple_campaign.scores_dirty
    assert callbacks == []
    assert scores_requests == []


def test_a_replayed_submission_asks_for_nothing(
    maple_campaign: Campaign,
    scores_requests: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    submission = uuid.uuid4()
    response_submit(
        campaign=maple_campaign, answers=R1, role="teacher", school=None, submission_id=submission
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response_submit(
            campaign=maple_campaign,
            answers=R1,
            role="teacher",
            school=None,
            submission_id=submission,
        )
    assert callbacks == []


def test_the_response_is_kept_when_the_scoring_side_is_missing(
    maple_campaign: Campaign,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setitem(sys.modules, "onpoint.rescore", None)  # import fails
    with django_capture_on_commit_callbacks(execute=True):
        response_submit(
            campaign=maple_campaign, answers=R1, role="teacher", school=None, submission_id=None
        )
    assert Response.objects.filter(campaign=maple_campaign).count() == 1


def test_a_closed_campaign_takes_nothing(closed_campaign: Campaign) -> None:
    with pytest.raises(CampaignNotOpen, match=CAMPAIGN_CLOSED):
        response_submit(
            campaign=closed_campaign, answers=R1, role="teacher", school=None, submission_id=None
        )
    assert not Response.objects.exists()


def test_a_campaign_not_open_yet_takes_nothing(future_campaign: Campaign) -> None:
    with pytest.raises(CampaignNotOpen, match=CAMPAIGN_NOT_OPEN_YET):
        response_submit(
            campaign=future_campaign, answers=R1, role="teacher", school=None, submission_id=None
        )
    assert not Response.objects.exists()


def test_a_school_of_another_district_is_refused(maple_campaign: Campaign, oak: Any) -> None:
    oak_school = oak.schools.get()
    with pytest.raises(SurveyInputError) as refused:
        response_submit(
            campaign=maple_campaign,
            answers=R1,
            role="teacher",
            school=oak_school,
            submission_id=None,
        )
    assert refused.value.message == UNKNOWN_SCHOOL.format(school="Oak Middle School")
    assert not Response.objects.exists()


def test_a_school_of_the_district_is_stored(maple_campaign: Campaign) -> None:
    school = School.objects.create(district=maple_campaign.district, name="Maple Middle")
    response, _ = response_submit(
        campaign=maple_campaign, answers=R1, role="teacher", school=school, submission_id=None
    )
    assert response.school == school


def test_only_dont_know_answers_are_a_response_without_scores(maple_campaign: Campaign) -> None:
    """Method section 8's r6: no score, but one of the campaign's responses."""
    response, created = response_submit(
        campaign=maple_campaign,
        answers=every_answer(None),
        role="teacher",
        school=None,
        submission_id=None,
    )
    assert created
    assert response.strategy is None
    assert response.vision is None
    assert Response.objects.filter(campaign=maple_campaign).count() == 1


def test_submitting_logs_no_answer(maple_campaign: Campaign, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    answers = {**R1, "supportive_3": 1}
    response_submit(
        campaign=maple_campaign, answers=answers, role="teacher", school=None, submission_id=None
    )
    assert "supportive_3" not in caplog.text
    assert "vision_1" not in caplog.text


def test_the_database_refuses_a_campaign_that_closes_before_it_opens(
    maple_campaign: Campaign,
) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=maple_campaign.pk).update(closes_at=maple_campaign.opens_at)


def test_a_campaign_link_carries_at_least_128_random_bits(maple_campaign: Campaign) -> None:
    import base64

    raw = base64.urlsafe_b64decode(maple_campaign.token + "=" * (-len(maple_campaign.token) % 4))
    assert len(raw) * 8 >= 128


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_submission_store_one_response(
    requires_postgres: None, maple_campaign: Campaign
) -> None:
    """A double tap whose two requests reach two server processes at the same moment."""
    import threading

    from django.db import connection

    submission = uuid.uuid4()
    start = threading.Barrier(4)
    results: list[bool] = []

    def submit() -> None:
        try:
            start.wait()
            _, created = response_submit(
                campaign=maple_campaign,
                answers=R1,
                role="teacher",
                school=None,
                submission_id=submission,
            )
            results.append(created)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert Response.objects.filter(campaign=maple_campaign).count() == 1
