"""The survey's one limit (surveys/rate_limit.py): a fixed window per address and survey link,
shared by the page and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from surveys.apps import SurveysConfig
from surveys.models import Response
from surveys.rate_limit import Rate, client_address, rate_parse, submission_allow
from tests.surveys.conftest import every_answer


@pytest.fixture(autouse=True)
def _no_counts() -> None:
    cache.clear()


# A moment at the start of an hour-long window (a multiple of 3600 seconds).
HOUR_START = 1_800_000_000.0 - 1_800_000_000.0 % 3600


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("1200/hour", Rate(1200, 3600)),
        ("10/min", Rate(10, 60)),
        ("10/m", Rate(10, 60)),
        ("5/second", Rate(5, 1)),
        ("3/day", Rate(3, 86400)),
    ],
)
def test_a_rate_reads_as_django_rest_framework_read_it(text: str, rate: Rate) -> None:
    assert rate_parse(text) == rate


@pytest.mark.parametrize("text", ["", "1200", "many/hour", "10/fortnight", "-1/hour", "10/"])
def test_a_malformed_rate_names_the_variable(text: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="THROTTLE_SURVEY_SUBMIT"):
        rate_parse(text)


def test_a_malformed_rate_stops_the_app_at_start(settings: Any) -> None:
    settings.SURVEY_SUBMIT_RATE = "lots"
    config = SurveysConfig.create("surveys")
    with pytest.raises(ImproperlyConfigured, match="THROTTLE_SURVEY_SUBMIT"):
        config.ready()


def test_the_window_lets_the_rate_through_then_refuses_until_it_ends(settings: Any) -> None:
    settings.SURVEY_SUBMIT_RATE = "3/hour"
    allowed = [
        submission_allow(address="10.0.0.1", token="abc", now=HOUR_START + n).allowed
        for n in range(5)
    ]
    assert allowed == [True, True, True, False, False]
    refused = submission_allow(address="10.0.0.1", token="abc", now=HOUR_START + 600)
    assert not refused.allowed
    assert refused.retry_after == 3000  # seconds until the window ends
    assert submission_allow(address="10.0.0.1", token="abc", now=HOUR_START + 3600).allowed


def test_each_address_and_each_link_has_its_own_count(settings: Any) -> None:
    settings.SURVEY_SUBMIT_RATE = "1/hour"
    assert submission_allow(address="10.0.0.1", token="abc", now=HOUR_START).allowed
    assert not submission_allow(address="10.0.0.1", token="abc", now=HOUR_START).allowed
    # Another campaign answered from the same school network, and another network.
    assert submission_allow(address="10.0.0.1", token="xyz", now=HOUR_START).allowed
    assert submission_allow(address="10.0.0.2", token="abc", now=HOUR_START).allowed


def test_the_address_is_the_proxys_forwarded_one_when_there_is_one() -> None:
    factory = RequestFactory()
    assert client_address(factory.get("/", REMOTE_ADDR="10.1.1.1")) == "10.1.1.1"
    forwarded = factory.get(
        "/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.1.1.1"
    )
    assert client_address(forwarded) == "203.0.113.7,10.1.1.1"


@pytest.mark.django_db
def test_the_page_and_the_api_count_against_one_limit(
    client: Client, maple_campaign: Any, settings: Any
) -> None:
    settings.SURVEY_SUBMIT_RATE = "2/hour"
    body = {"role": "teacher", "answers": {"plan_1": 4}}
    api = client.post(
        f"/api/v1/surveys/{maple_campaign.token}/responses/", body, content_type="application/json"
    )
    assert api.status_code == 201
    page_form = {"role": "teacher", "action": "submit", "lang": "en"}
    page_form |= {code: "4" for code in every_answer()}
    assert client.post(f"/s/{maple_campaign.token}/", page_form).status_code == 303
    # The third submission, by either door, is one too many.
    refused = client.post(
        f"/api/v1/surveys/{maple_campaign.token}/responses/", body, content_type="application/json"
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert client.post(f"/s/{maple_campaign.token}/", page_form).status_code == 429
    assert Response.objects.count() == 2


def test_on_the_shared_redis_cache_a_count_is_one_command_with_its_expiry(
    settings: Any, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: the fixed window costs one round trip on Redis (a script: INCR, and EXPIRE when
    that INCR made the key), and the counter never lives without its expiry."""
    import uuid

    import redis

    from journeys.settings import cache_from_url

    settings.CACHES = {"default": cache_from_url(redis_url) | {"KEY_PREFIX": uuid.uuid4().hex}}
    settings.SURVEY_SUBMIT_RATE = "3/hour"
    sent: list[object] = []
    real_execute = redis.Redis.execute_command

    def counted(self: redis.Redis, *args: Any, **options: Any) -> Any:
        sent.append(args[0])
        return real_execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    submission_allow(address="10.0.0.1", token="abc", now=HOUR_START)  # loads the script
    sent.clear()
    allowed = [
        submission_allow(address="10.0.0.1", token="abc", now=HOUR_START + n).allowed
        for n in range(1, 4)
    ]
    assert allowed == [True, True, False]
    assert sent == ["EVALSHA"] * 3
    client = redis.Redis.from_url(redis_url)
    (key,) = client.keys(f"{settings.CACHES['default']['KEY_PREFIX']}:*")
    assert 3000 < client.ttl(key) <= 3601
    assert int(client.get(key) or 0) == 4
    client.delete(key)
