"""Who may see what: outside a user's districts everything is a 404, so nothing leaks.

The URL list is discovered from the URL configuration, so every page and endpoint added later
is covered without editing this file; a district-scoped URL with a parameter this file can't
fill fails loudly instead of going untested.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from districts.models import Milestone
from surveys.models import Campaign, Instrument

# URL parameters that identify something of a district, filled from district B's objects.
DISTRICT_PARAMETERS = {"slug", "campaign_id", "pk", "id", "milestone_id"}
# Parameters of URLs that are public or not district-scoped (survey links, static, admin).
SKIPPED_PREFIXES = ("admin", "s/", "static", "api/schema", "api/docs")


def iter_named_patterns(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, set[str]]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner_namespace = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_named_patterns(
                entry.url_patterns, prefix + str(entry.pattern), inner_namespace
            )
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            parameters = set(re.findall(r"<(?:\w+:)?(\w+)>", route)) | set(
                re.findall(r"\(\?P<(\w+)>", route)
            )
            yield namespace + entry.name, route, parameters


def district_scoped_urls(values: dict[str, Any]) -> tuple[list[str], list[str]]:
    urls, unfilled = [], []
    for name, route, parameters in iter_named_patterns(get_resolver().url_patterns):
        if route.lstrip("^").startswith(SKIPPED_PREFIXES) or not parameters:
            continue
        parameters.discard("format")
        if not parameters & DISTRICT_PARAMETERS:
            if parameters - {"token"}:
                unfilled.append(f"{name} ({route})")
            continue
        if parameters - set(values):
            unfilled.append(f"{name} ({route})")
            continue
        urls.append(reverse(name, kwargs={key: values[key] for key in parameters}))
    return sorted(set(urls)), unfilled


@pytest.fixture
def oak_campaign(oak: Any) -> Campaign:
    instrument, _ = Instrument.objects.get_or_create(
        version="tenancy-test", defaults={"definition": {"items": []}}
    )
    now = timezone.now()
    return Campaign.objects.create(
        district=oak,
        instrument=instrument,
        name="Oak spring survey",
        opens_at=now - dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=3),
    )


@pytest.fixture
def oak_urls(oak: Any, oak_campaign: Campaign) -> list[str]:
    milestone = Milestone.objects.create(
        district=oak, happened_on=dt.date(2025, 9, 1), text="Strong teacher buy-in"
    )
    values = {
        "slug": oak.slug,
        "campaign_id": oak_campaign.id,
        "pk": oak_campaign.id,
        "id": oak_campaign.id,
        "milestone_id": milestone.id,
    }
    urls, unfilled = district_scoped_urls(values)
    assert not unfilled, f"extend test_tenancy.py to cover: {unfilled}"
    assert any(url.startswith("/districts/") for url in urls)
    assert any(url.startswith("/api/v1/") for url in urls)
    return urls


@pytest.mark.django_db
def test_a_leader_gets_404_on_every_url_of_another_district(
    client: Client, leader_of_maple: Any, oak_urls: list[str]
) -> None:
    client.force_login(leader_of_maple)
    for url in oak_urls:
        # A method the URL doesn't take is 405 for every district alike, which reveals nothing;
        # the method it does take must be a 404.
        statuses = {client.get(url).status_code, client.post(url, {}).status_code}
        assert statuses in ({404}, {404, 405}), (url, statuses)


@pytest.mark.django_db
def test_a_leader_with_a_token_gets_404_on_every_api_url_of_another_district(
    leader_of_maple: Any, oak_urls: list[str]
) -> None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=leader_of_maple)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    for url in (url for url in oak_urls if url.startswith("/api/")):
        statuses = {
            api.get(url).status_code,
            api.post(url, {}, content_type="application/json").status_code,
            api.patch(url, {}, content_type="application/json").status_code,
        }
        assert statuses in ({404}, {404, 405}), (url, statuses)


@pytest.mark.django_db
def test_the_same_urls_answer_the_districts_own_leader(
    client: Client, leader_of_oak: Any, oak_urls: list[str]
) -> None:
    """Guards the test above: the 404s come from tenancy, not from broken URLs."""
    client.force_login(leader_of_oak)
    for url in oak_urls:
        status = client.get(url).status_code
        if url.endswith("/report.pdf"):
            # The campaign is open, and an open campaign has no board report: 404 for its own
            # leader too (its released report is tests/onpoint/test_board_report_access.py's).
            assert status == 404, url
            continue
        assert status != 404, url


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, oak_urls: list[str]) -> None:
    for url in (url for url in oak_urls if not url.startswith("/api/")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_anonymous_api_calls_are_refused(client: Client, oak_urls: list[str]) -> None:
    for url in (url for url in oak_urls if url.startswith("/api/")):
        assert client.get(url).status_code in {401, 403}, url
    response = client.get("/api/v1/districts/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.django_db
def test_a_consultant_sees_exactly_the_districts_assigned(
    client: Client, consultant_for_maple_and_oak: Any, birch: Any
) -> None:
    client.force_login(consultant_for_maple_and_oak)
    listed = {d["slug"] for d in client.get("/api/v1/districts/").json()}
    assert listed == {"maple-valley", "oak-ridge"}
    assert client.get("/districts/oak-ridge/").status_code == 200
    assert client.get("/districts/birch-county/").status_code == 404
    assert client.get("/api/v1/districts/birch-county/").status_code == 404
    home = client.get("/").content.decode()
    assert "Oak Ridge Unified" in home
    assert "Maple Valley School District" in home
    assert "Birch County Schools" not in home


@pytest.mark.django_db
def test_staff_see_every_district(client: Client, staff_user: Any, maple: Any, birch: Any) -> None:
    client.force_login(staff_user)
    listed = {d["slug"] for d in client.get("/api/v1/districts/").json()}
    assert listed == {"maple-valley", "birch-county"}


@pytest.mark.django_db
def test_a_leader_of_one_district_lands_on_it(client: Client, leader_of_maple: Any) -> None:
    client.force_login(leader_of_maple)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/districts/maple-valley/"


@pytest.mark.django_db
def test_the_district_switcher_cannot_reach_another_district(
    client: Client, consultant_for_maple_and_oak: Any, birch: Any
) -> None:
    client.force_login(consultant_for_maple_and_oak)
    assert client.get("/?district=oak-ridge")["Location"] == "/districts/oak-ridge/"
    assert client.get("/?district=birch-county").status_code == 404
