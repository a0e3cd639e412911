"""POST /api/v1/surveys/{token}/responses/: the one anonymous write, and each bad input."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from surveys import response_api as surveys_api
from surveys import services
from surveys.models import Campaign, Response
from tests.surveys.conftest import campaign_of, every_answer

pytestmark = pytest.mark.django_db


def post(client: Client, token: str, body: Any) -> Any:
    return client.post(f"/api/v1/surveys/{token}/responses/", body, content_type="application/json")


def test_an_anonymous_response_is_stored_with_201(client: Client, maple_campaign: Campaign) -> None:
    answered = post(
        client,
        maple_campaign.token,
        {
            "role": "teacher",
            "school": "maple elementary",
            "answers": {"vision_1": 4, "plan_2": None},
        },
    )
    assert answered.status_code == 201, answered.json()
    body = answered.json()
    assert body["status"] == "stored"
    assert set(body) == {"status", "submission_id"}
    response = Response.objects.get(campaign=maple_campaign)
    assert response.school is not None
    assert response.school.name == "Maple Elementary"
    assert response.answers_by_code()["vision_1"] == 4
    assert response.answers_by_code()["plan_2"] is None
    assert response.vision is None  # one item of three answered: under half


@pytest.mark.parametrize("answers", [{}, {"vision_1": None}, every_answer(None)])
def test_a_response_of_only_dont_know_is_stored_and_counted(
    client: Client, maple_campaign: Campaign, answers: dict[str, Any]
) -> None:
    """Method section 8's r6 answers nothing and is still one of the group's responses: the
    contract lists the 4xx cases, and "no answer anywhere" is not one of them."""
    answered = post(client, maple_campaign.token, {"role": "teacher", "answers": answers})
    assert answered.status_code == 201, answered.json()
    response = Response.objects.get(campaign=maple_campaign)
    assert response.strategy is None
    assert set(response.answers_by_code().values()) == {None}


def test_a_replay_with_the_same_submission_id_stores_one_response(
    client: Client, maple_campaign: Campaign
) -> None:
    body = {"role": "coach", "answers": every_answer(5), "submission_id": str(uuid.uuid4())}
    first = post(client, maple_campaign.token, body)
    replay = post(client, maple_campaign.token, body)
    assert first.status_code == 201
    assert replay.status_code == 200
    assert replay.json()["status"] == "already stored"
    assert replay.json()["submission_id"] == body["submission_id"]
    assert Response.objects.filter(campaign=maple_campaign).count() == 1


def test_a_signed_in_browser_needs_no_csrf_token_and_leaves_no_account(
    maple_campaign: Campaign, leader_of_maple: Any
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(leader_of_maple)
    answered = post(browser, maple_campaign.token, {"role": "teacher", "answers": {"plan_1": 2}})
    assert answered.status_code == 201


BAD_INPUTS = [
    # (what is wrong, body, expected status, expected message)
    (
        "unknown item",
        {"role": "teacher", "answers": {"vision_9": 4}},
        400,
        services.UNKNOWN_ITEM.format(code="vision_9"),
    ),
    (
        "answer 0",
        {"role": "teacher", "answers": {"vision_1": 0}},
        400,
        services.ANSWER_NOT_ALLOWED.format(code="vision_1"),
    ),
    (
        "answer 6",
        {"role": "teacher", "answers": {"vision_1": 6}},
        400,
        services.ANSWER_NOT_ALLOWED.format(code="vision_1"),
    ),
    (
        "answer x",
        {"role": "teacher", "answers": {"vision_1": "x"}},
        400,
        services.ANSWER_NOT_ALLOWED.format(code="vision_1"),
    ),
    (
        "answer 4.5",
        {"role": "teacher", "answers": {"vision_1": 4.5}},
        400,
        services.ANSWER_NOT_ALLOWED.format(code="vision_1"),
    ),
    (
        "answer true",
        {"role": "teacher", "answers": {"vision_1": True}},
        400,
        services.ANSWER_NOT_ALLOWED.format(code="vision_1"),
    ),
    (
        "unknown role",
        {"role": "janitor", "answers": {"vision_1": 4}},
        400,
        services.UNKNOWN_ROLE.format(role="janitor"),
    ),
    ("no role", {"answers": {"vision_1": 4}}, 400, services.ROLE_REQUIRED),
    (
        "unknown school",
        {"role": "teacher", "school": "Oak Middle School", "answers": {"vision_1": 4}},
        400,
        services.UNKNOWN_SCHOOL.format(school="Oak Middle School"),
    ),
    ("answers missing", {"role": "teacher"}, 400, surveys_api.ANSWERS_REQUIRED),
    (
        "answers not an object",
        {"role": "teacher", "answers": [4, 4]},
        400,
        services.ANSWERS_NOT_A_MAP,
    ),
    ("body not an object", [1, 2], 400, surveys_api.BODY_NOT_AN_OBJECT),
    (
        "bad submission id",
        {"role": "teacher", "answers": {"vision_1": 4}, "submission_id": "twice"},
        400,
        services.BAD_SUBMISSION_ID,
    ),
]


@pytest.mark.parametrize(
    ("problem", "body", "status", "message"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS]
)
def test_each_bad_input_gets_a_4xx_that_says_which_and_stores_nothing(
    client: Client,
    maple_campaign: Campaign,
    oak: Any,
    problem: str,
    body: Any,
    status: int,
    message: str,
) -> None:
    answered = post(client, maple_campaign.token, body)
    assert answered.status_code == status, answered.json()
    assert answered.json()["detail"] == message
    assert not Response.objects.exists()


def test_a_closed_campaign_gets_410_and_stores_nothing(
    client: Client, closed_campaign: Campaign
) -> None:
    answered = post(client, closed_campaign.token, {"role": "teacher", "answers": {"plan_1": 4}})
    assert answered.status_code == 410
    assert answered.json()["detail"] == services.CAMPAIGN_CLOSED
    assert not Response.objects.exists()


def test_a_campaign_not_open_yet_gets_403_and_stores_nothing(
    client: Client, future_campaign: Campaign
) -> None:
    answered = post(client, future_campaign.token, {"role": "teacher", "answers": {"plan_1": 4}})
    assert answered.status_code == 403
    assert answered.json()["detail"] == services.CAMPAIGN_NOT_OPEN_YET
    assert not Response.objects.exists()


def test_an_unknown_token_gets_404_and_stores_nothing(
    client: Client, maple_campaign: Campaign
) -> None:
    answered = post(client, "no-such-token", {"role": "teacher", "answers": {"plan_1": 4}})
    assert answered.status_code == 404
    assert answered.json()["detail"] == surveys_api.UNKNOWN_SURVEY
    assert not Response.objects.exists()


def test_malformed_json_gets_400_and_stores_nothing(
    client: Client, maple_campaign: Campaign
) -> None:
    answered = client.post(
        f"/api/v1/surveys/{maple_campaign.token}/responses/",
        "{not json",
        content_type="application/json",
    )
    assert answered.status_code == 400
    assert not Response.objects.exists()


def test_the_limit_counts_one_address_per_survey_link_not_the_address_alone(
    client: Client, maple_campaign: Campaign, settings: Any
) -> None:
    settings.SURVEY_SUBMIT_RATE = "2/hour"
    other = campaign_of(maple_campaign.district, name="Maple second survey")
    body = {"role": "teacher", "answers": {"plan_1": 4}}
    codes = [post(client, maple_campaign.token, body).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    # The same school address answering another campaign has its own allowance.
    assert post(client, other.token, body).status_code == 201
    assert Response.objects.count() == 3
