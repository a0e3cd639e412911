"""The API's quick submission (issue 13): one INSERT that checks the campaign itself, with the
campaign's unchanging facts cached per process (surveys.selectors.survey_link). Whatever the
cache holds, a campaign closed, emptied of its shared link, or a school renamed elsewhere (in
another process: here a write that bypasses every cache) is seen by the very next submission."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from districts.models import School
from surveys import services
from surveys.models import Campaign, Response
from surveys.selectors import survey_link
from tests.factories import SchoolFactory
from tests.surveys.conftest import campaign_of, every_answer

pytestmark = pytest.mark.django_db
SKIP = {"id", "submission_id"}


def post(client: Client, campaign: Campaign, body: dict[str, Any]) -> Any:
    return client.post(
        f"/api/v1/surveys/{campaign.token}/responses/", body, content_type="application/json"
    )


def sheet(school: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"role": "teacher", "school": school, "answers": every_answer(4)} | fields


def warm(client: Client, campaign: Campaign) -> None:
    """One stored submission: the campaign's link is now in this process's cache."""
    assert post(client, campaign, sheet()).status_code == 201
    assert survey_link(campaign.token) is not None


def test_a_warm_submission_is_one_query(
    client: Client, maple_campaign: Campaign, django_assert_num_queries: Any
) -> None:
    warm(client, maple_campaign)
    with django_assert_num_queries(1):
        answered = post(client, maple_campaign, sheet("MAPLE elementary "))
    assert answered.status_code == 201, answered.json()
    stored = Response.objects.get(submission_id=answered.json()["submission_id"])
    assert stored.school is not None
    assert stored.school.name == "Maple Elementary"
    assert stored.answers_by_code() == every_answer(4)
    # The very columns the full path stores for the same answers.
    full, _ = services.response_submit(
        campaign=maple_campaign,
        answers=every_answer(4),
        role="teacher",
        school=stored.school,
        submission_id=None,
    )
    full.refresh_from_db()
    columns = [f.attname for f in Response._meta.concrete_fields if f.attname not in SKIP]
    assert [getattr(stored, c) for c in columns] == [getattr(full, c) for c in columns]
    assert stored.score("strategy") is not None


def test_a_campaign_closed_behind_the_cache_refuses_the_next_submission(
    client: Client, maple_campaign: Campaign
) -> None:
    warm(client, maple_campaign)
    # Another process closes it: no cache of this one is told.
    Campaign.objects.filter(pk=maple_campaign.pk).update(closes_at=timezone.now())
    refused = post(client, maple_campaign, sheet())
    assert refused.status_code == 410
    assert refused.json() == {"detail": services.CAMPAIGN_CLOSED, "code": "closed"}
    assert Response.objects.filter(campaign=maple_campaign).count() == 1


def test_a_campaign_moved_later_behind_the_cache_is_not_open_yet(
    client: Client, maple_campaign: Campaign
) -> None:
    warm(client, maple_campaign)
    later = timezone.now() + dt.timedelta(days=3)
    Campaign.objects.filter(pk=maple_campaign.pk).update(
        opens_at=later, closes_at=later + dt.timedelta(days=9)
    )
    refused = post(client, maple_campaign, sheet())
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_open_yet"
    assert Response.objects.filter(campaign=maple_campaign).count() == 1


def test_a_campaign_made_personal_only_behind_the_cache_wants_a_personal_link(
    client: Client, maple_campaign: Campaign
) -> None:
    warm(client, maple_campaign)
    Campaign.objects.filter(pk=maple_campaign.pk).update(link_mode="personal")
    refused = post(client, maple_campaign, sheet())
    assert refused.status_code == 403
    assert refused.json()["code"] == "personal_link_required"
    assert Response.objects.filter(campaign=maple_campaign).count() == 1


def test_a_campaign_deleted_behind_the_cache_is_an_unknown_link(client: Client, maple: Any) -> None:
    campaign = campaign_of(maple, name="Deleted soon")
    assert survey_link(campaign.token) is not None
    Campaign.objects.filter(pk=campaign.pk).delete()
    assert post(client, campaign, sheet()).status_code == 404
    assert not Response.objects.exists()


def test_a_school_renamed_behind_the_cache_answers_by_its_new_name(
    client: Client, maple_campaign: Campaign
) -> None:
    warm(client, maple_campaign)
    School.objects.filter(name="Maple Elementary").update(name="Maple Primary")
    refused = post(client, maple_campaign, sheet("Maple Elementary"))
    assert refused.status_code == 400
    assert refused.json()["code"] == "unknown_school"
    assert post(client, maple_campaign, sheet("maple primary")).status_code == 201
    assert Response.objects.filter(school__name="Maple Primary").count() == 1


def test_a_school_name_is_matched_whole_not_as_a_pattern(
    client: Client, maple: Any, maple_campaign: Campaign
) -> None:
    """The quick INSERT compares names as `iexact` does, LIKE's wildcards escaped on SQLite."""
    SchoolFactory(district=maple, name="North_Campus 100%")
    warm(client, maple_campaign)
    for name in ("NorthXCampus 100%", "North_Campus 1000", "North%"):
        assert post(client, maple_campaign, sheet(name)).status_code == 400, name
    assert post(client, maple_campaign, sheet("north_campus 100%")).status_code == 201
    assert Response.objects.filter(school__name="North_Campus 100%").count() == 1


def test_another_districts_school_is_unknown_on_the_quick_path(
    client: Client, maple_campaign: Campaign, oak: Any
) -> None:
    warm(client, maple_campaign)
    refused = post(client, maple_campaign, sheet("Oak Middle School"))
    assert refused.status_code == 400
    assert refused.json()["code"] == "unknown_school"


def test_a_retry_of_a_quick_submission_is_already_stored(
    client: Client, maple_campaign: Campaign
) -> None:
    warm(client, maple_campaign)
    body = sheet(submission_id="6f1d3c1e-8a57-4bd8-9a57-2f7d2b1c0a11")
    first = post(client, maple_campaign, body)
    again = post(client, maple_campaign, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {
        "status": "already stored",
        "submission_id": "6f1d3c1e-8a57-4bd8-9a57-2f7d2b1c0a11",
    }
    assert Response.objects.filter(campaign=maple_campaign).count() == 2


def test_bad_input_to_a_closed_campaign_still_says_closed_first(
    client: Client, maple_campaign: Campaign
) -> None:
    """The order of the answers is the full path's: the campaign's state before the input."""
    warm(client, maple_campaign)
    Campaign.objects.filter(pk=maple_campaign.pk).update(closes_at=timezone.now())
    refused = post(client, maple_campaign, sheet(role="astronaut"))
    assert refused.status_code == 410


def test_the_quick_door_answers_in_the_bytes_and_headers_drf_sends(
    client: Client, maple_campaign: Campaign
) -> None:
    """An Accept header DRF must negotiate sends the request through DRF: both 201s agree."""
    url = f"/api/v1/surveys/{maple_campaign.token}/responses/"
    body = sheet(submission_id="00000000-0000-4000-8000-000000000001")
    quick = client.post(url, body, content_type="application/json")
    body = sheet(submission_id="00000000-0000-4000-8000-000000000002")
    drf = client.post(
        url, body, content_type="application/json", headers={"Accept": "application/json;q=0.9"}
    )
    assert (quick.status_code, drf.status_code) == (201, 201)
    assert quick.content.replace(b"0001", b"0002") == drf.content
    assert quick.json() == {
        "status": "stored",
        "submission_id": "00000000-0000-4000-8000-000000000001",
    }
    assert dict(quick.headers) == dict(drf.headers)
    assert quick["Allow"] == "POST, OPTIONS"


def test_a_request_the_quick_door_hands_to_drf_is_counted_once(
    client: Client, maple_campaign: Campaign, settings: Any
) -> None:
    settings.SURVEY_SUBMIT_RATE = "2/hour"
    assert post(client, maple_campaign, sheet(role="astronaut")).status_code == 400
    assert post(client, maple_campaign, sheet()).status_code == 201
    refused = post(client, maple_campaign, sheet())
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert Response.objects.filter(campaign=maple_campaign).count() == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"role": "teacher", "answers": {}, "extra": NaN}', "application/json"),
        (b"[1, 2]", "application/json"),
    ],
)
def test_what_drf_refuses_is_still_refused(
    client: Client, maple_campaign: Campaign, body: bytes, content_type: str
) -> None:
    url = f"/api/v1/surveys/{maple_campaign.token}/responses/"
    assert client.post(url, body, content_type=content_type).status_code in (400, 415)
    assert not Response.objects.exists()
