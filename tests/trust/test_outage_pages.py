"""What a person sees while the database is unreachable: a 503 "try again", never a stack trace.

The database is made to fail where it fails in an outage (the submission's write); the full
outage, with a real PostgreSQL connection cut under gunicorn, is in test_faults.py.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from journeys.outage import API_UNAVAILABLE, RETRY_AFTER_SECONDS
from journeys.views import server_error
from surveys import services
from surveys.models import Campaign, Response
from tests.surveys.conftest import campaign_of, every_answer
from tests.surveys.words import TEXTS

TRACE_MARKERS = ("Traceback", 'File "/', "OperationalError", "connection refused")


def database_down(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError('connection to server at "127.0.0.1" failed: connection refused')


@pytest.fixture
def campaign(maple: Any) -> Campaign:
    return campaign_of(maple)


def final_submit(lang: str = "en") -> dict[str, str]:
    return {
        "role": "teacher",
        "submission_id": str(uuid.uuid4()),
        "lang": lang,
        "action": "submit",
        **{code: str(value) for code, value in every_answer(4).items()},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_survey_submit_during_an_outage_gets_the_try_again_page_in_its_language(
    client: Client, campaign: Campaign, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setattr(services, "response_submit", database_down)

    response = client.post(f"/s/{campaign.token}/", final_submit(lang))

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Language"] == lang
    html = response.content.decode()
    assert TEXTS[lang]["down_heading"] in html
    # The way back is the survey page, where survey.js puts the kept answers back.
    assert f'href="/s/{campaign.token}/?lang={lang}"' in html
    assert 'id="survey-done"' not in html  # the only page on which survey.js forgets them
    assert not [marker for marker in TRACE_MARKERS if marker in html]
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_an_api_submission_during_an_outage_gets_a_json_503(
    client: Client, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both the quick door's one INSERT and the full path meet the outage.
    monkeypatch.setattr(services, "response_submit_quick", database_down)
    monkeypatch.setattr(services, "response_submit", database_down)

    response = client.post(
        f"/api/v1/surveys/{campaign.token}/responses/",
        {"role": "teacher", "school": None, "answers": every_answer(4)},
        content_type="application/json",
    )

    assert response.status_code == 503
    assert response.json() == {"detail": API_UNAVAILABLE}
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_an_outage_met_outside_a_view_is_a_503_and_any_other_error_stays_a_500() -> None:
    request = RequestFactory().get("/districts/maple-valley/")
    try:
        database_down()
    except OperationalError:
        outage = server_error(request)
    try:
        raise ValueError("a bug")
    except ValueError:
        bug = server_error(request)

    assert outage.status_code == 503
    assert "Journeys is briefly unavailable" in outage.content.decode()
    assert bug.status_code == 500
