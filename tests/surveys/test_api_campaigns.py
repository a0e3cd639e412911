"""Campaigns in API v1: create, list, read (token, survey_url, stage), PATCH closes_at."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from districts.models import District
from surveys import api as surveys_api
from surveys import campaigns
from surveys.campaigns import CLOSED_DATES_LOCKED
from surveys.models import Campaign
from tests.clients import signed_in
from tests.factories import ResponseFactory
from tests.surveys.conftest import campaign_of

pytestmark = pytest.mark.django_db


def create(client: Client, **overrides: Any) -> Any:
    body = {
        "district": "maple-valley",
        "name": "Spring 2026 staff survey",
        "opens_at": "2026-03-02T08:00:00Z",
        "closes_at": "2026-03-20T17:00:00Z",
        "expected_responses": 120,
        "exclude_from_benchmarks": False,
        **overrides,
    }
    return client.post("/api/v1/campaigns/", body, content_type="application/json")


@pytest.mark.parametrize("who", ["leader_of_maple", "consultant_for_maple_and_oak", "staff_user"])
def test_leaders_consultants_and_staff_create_a_campaign(
    request: pytest.FixtureRequest, maple: District, who: str
) -> None:
    created = create(signed_in(request.getfixturevalue(who)))
    assert created.status_code == 201, created.json()
    body = created.json()
    campaign = Campaign.objects.get(pk=body["id"])
    assert body["token"] == campaign.token
    assert len(campaign.token) >= 22  # 128 bits or more, URL-safe base64
    assert body["survey_url"] == f"http://testserver/s/{campaign.token}/"
    assert body["stage"] == "planning"  # Maple has no launch date
    assert body["district"] == "maple-valley"
    assert body["instrument"] == "1"
    assert body["expected_responses"] == 120
    assert body["n_responses"] == 0


def test_the_stage_follows_the_districts_launch_date(leader_of_maple: Any, maple: District) -> None:
    maple.launch_date = dt.date(2024, 8, 20)
    maple.save()
    body = create(signed_in(leader_of_maple)).json()
    assert body["stage"] == "year_2"  # school year 2025-26 is the second since 2024-25
    assert body["stage_label"] == "Year 2"


def test_a_district_the_user_cannot_see_is_an_unknown_district(
    leader_of_maple: Any, oak: District
) -> None:
    client = signed_in(leader_of_maple)
    theirs = create(client, district="oak-ridge")
    nowhere = create(client, district="atlantis")
    assert theirs.status_code == nowhere.status_code == 400
    assert theirs.json() == nowhere.json() == {"district": [surveys_api.UNKNOWN_DISTRICT]}
    assert not Campaign.objects.exists()


def test_closing_before_opening_is_refused(leader_of_maple: Any) -> None:
    refused = create(
        signed_in(leader_of_maple),
        opens_at="2026-03-20T08:00:00Z",
        closes_at="2026-03-02T08:00:00Z",
    )
    assert refused.status_code == 400
    assert refused.json() == {"closes_at": [campaigns.CLOSES_BEFORE_OPENS]}


def test_the_list_shows_only_the_callers_districts_in_a_fixed_number_of_queries(
    leader_of_maple: Any,
    maple: District,
    oak: District,
    django_assert_num_queries: Any,
) -> None:
    for n in range(3):
        campaign = campaign_of(maple, name=f"Maple {n}")
        ResponseFactory.create_batch(2, campaign=campaign)
    campaign_of(oak, name="Oak survey")
    client = signed_in(leader_of_maple)
    # 1 session, 2 user, 3 the campaigns with their district, instrument and response count,
    # 4 the audit log's row for this read (journeys.audit_log.AuditMiddleware)
    with django_assert_num_queries(4):
        listed = client.get("/api/v1/campaigns/")
    assert listed.status_code == 200
    names = [campaign["name"] for campaign in listed.json()]
    assert sorted(names) == ["Maple 0", "Maple 1", "Maple 2"]
    assert {campaign["n_responses"] for campaign in listed.json()} == {2}


def test_the_list_filters_by_district(
    consultant_for_maple_and_oak: Any, maple: District, oak: District
) -> None:
    campaign_of(maple, name="Maple survey")
    campaign_of(oak, name="Oak survey")
    listed = signed_in(consultant_for_maple_and_oak).get("/api/v1/campaigns/?district=oak-ridge")
    assert [campaign["name"] for campaign in listed.json()] == ["Oak survey"]


def test_reading_a_campaign_gives_its_link_stage_and_response_rate(
    leader_of_maple: Any, maple_campaign: Campaign
) -> None:
    ResponseFactory.create_batch(10, campaign=maple_campaign)
    body = signed_in(leader_of_maple).get(f"/api/v1/campaigns/{maple_campaign.pk}/").json()
    assert body["token"] == maple_campaign.token
    assert body["survey_url"].endswith(f"/s/{maple_campaign.token}/")
    assert body["stage"] == "planning"
    assert body["status"] == "open"
    assert body["n_responses"] == 10
    assert body["response_rate"] == 0.25


def test_the_survey_url_uses_the_public_address_when_set(
    leader_of_maple: Any, maple_campaign: Campaign, settings: Any
) -> None:
    settings.PUBLIC_URL = "https://journeys.example.org"
    body = signed_in(leader_of_maple).get(f"/api/v1/campaigns/{maple_campaign.pk}/").json()
    assert body["survey_url"] == f"https://journeys.example.org/s/{maple_campaign.token}/"


def test_patching_closes_at_closes_the_campaign_early(
    client: Client, leader_of_maple: Any, maple_campaign: Campaign
) -> None:
    now = timezone.now()
    patched = signed_in(leader_of_maple).patch(
        f"/api/v1/campaigns/{maple_campaign.pk}/",
        {"closes_at": now.isoformat()},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["status"] == "closed"
    answered = client.post(
        f"/api/v1/surveys/{maple_campaign.token}/responses/",
        {"role": "teacher", "answers": {"plan_1": 4}},
        content_type="application/json",
    )
    assert answered.status_code == 410


def test_patching_closes_at_before_opens_at_is_refused(
    leader_of_maple: Any, maple_campaign: Campaign
) -> None:
    patched = signed_in(leader_of_maple).patch(
        f"/api/v1/campaigns/{maple_campaign.pk}/",
        {"closes_at": (maple_campaign.opens_at - dt.timedelta(hours=1)).isoformat()},
        content_type="application/json",
    )
    assert patched.status_code == 400
    maple_campaign.refresh_from_db()
    assert maple_campaign.is_open()


def test_a_campaign_cannot_move_to_another_district(
    consultant_for_maple_and_oak: Any, maple_campaign: Campaign
) -> None:
    patched = signed_in(consultant_for_maple_and_oak).patch(
        f"/api/v1/campaigns/{maple_campaign.pk}/",
        {"district": "oak-ridge"},
        content_type="application/json",
    )
    assert patched.status_code == 400
    assert patched.json() == {"district": [surveys_api.DISTRICT_IS_FIXED]}


def test_the_opening_time_is_fixed_once_responses_arrive(
    leader_of_maple: Any, maple_campaign: Campaign
) -> None:
    ResponseFactory(campaign=maple_campaign)
    patched = signed_in(leader_of_maple).patch(
        f"/api/v1/campaigns/{maple_campaign.pk}/",
        {"opens_at": (maple_campaign.opens_at - dt.timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert patched.status_code == 400
    assert patched.json() == {"opens_at": [campaigns.OPENS_AT_LOCKED]}


def test_put_and_delete_are_not_offered(leader_of_maple: Any, maple_campaign: Campaign) -> None:
    client = signed_in(leader_of_maple)
    url = f"/api/v1/campaigns/{maple_campaign.pk}/"
    assert client.put(url, {}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405


@time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_the_status_follows_the_clock(leader_of_maple: Any, maple: District) -> None:
    client = signed_in(leader_of_maple)
    body = create(client).json()
    assert body["status"] == "open"
    later = create(client, opens_at="2026-04-01T08:00:00Z", closes_at="2026-04-15T08:00:00Z")
    assert later.json()["status"] == "scheduled"


def test_the_current_instrument_is_public_in_english_and_spanish(client: Client) -> None:
    english = client.get("/api/v1/instruments/current/").json()
    spanish = client.get("/api/v1/instruments/current/?lang=es").json()
    assert english["version"] == "1"
    assert len(english["items"]) == 27
    assert english["scale"][0] == {"value": 1, "label": "Strongly disagree"}
    assert spanish["scale"][0] == {"value": 1, "label": "Totalmente en desacuerdo"}
    item = english["items"][0]
    assert set(item) >= {"code", "text", "category", "dimension", "reverse_coded"}
    assert item["code"] == "vision_1"
    assert spanish["items"][0]["text"] != item["text"]
    assert [i["code"] for i in english["items"] if i["reverse_coded"]] == ["buy_in_3"]


@time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_creating_and_changing_dates_tell_onpoint_but_renaming_does_not(
    leader_of_maple: Any,
    maple: District,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from surveys import queueing

    calls: list[int] = []
    monkeypatch.setattr(queueing, "campaign_refresh_request", calls.append)
    client = signed_in(leader_of_maple)
    campaign_id = create(client).json()["id"]
    url = f"/api/v1/campaigns/{campaign_id}/"
    client.patch(url, {"name": "Renamed"}, content_type="application/json")
    client.patch(url, {"closes_at": "2026-03-25T17:00:00Z"}, content_type="application/json")
    client.patch(url, {"exclude_from_benchmarks": True}, content_type="application/json")
    assert calls == [campaign_id, campaign_id, campaign_id]


@pytest.mark.parametrize(
    "change",
    [
        {"closes_at": "2026-12-25T17:00:00Z"},
        {"opens_at": "2026-03-01T08:00:00Z"},
        {"closes_at": "2026-03-21T17:00:00Z"},
    ],
)
def test_a_closed_campaign_cannot_reopen_or_move_its_dates(
    leader_of_maple: Any, maple: District, change: dict[str, str]
) -> None:
    client = signed_in(leader_of_maple)
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        campaign_id = create(client).json()["id"]
    before = Campaign.objects.values("opens_at", "closes_at").get(pk=campaign_id)

    with time_machine.travel(dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC), tick=False):
        reply = client.patch(
            f"/api/v1/campaigns/{campaign_id}/", change, content_type="application/json"
        )

    assert reply.status_code == 400
    assert CLOSED_DATES_LOCKED in str(reply.json())
    assert Campaign.objects.values("opens_at", "closes_at").get(pk=campaign_id) == before
