"""Parts of pages rendered once per content (onpoint/page_fragments.py): a released campaign's
dashboard results and the national benchmarks. The same bytes from the cache, never a reader's
results to a reader who may not see them (a principal sees their own school alone), and new
ones as soon as the stored rows change."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from districts.models import District
from onpoint import benchmark_rebuild, page_fragments
from onpoint.models import BenchmarkVersion, CampaignResult
from onpoint.pages.campaign import CampaignDashboardPage, campaign_page
from surveys.models import Campaign
from tests.clients import signed_in
from tests.factories import MembershipFactory, UserFactory
from tests.onpoint.pages_world import (
    OPEN_SCHOOL,
    PARTNER_SCHOOL,
    TINY_SCHOOL,
    launched_for,
    maple_campaign_with_a_school_of_three,
    peer_districts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    with time_machine.travel("2026-11-20 12:00:00+00:00", tick=True):
        yield


@pytest.fixture
def released(maple: District) -> Campaign:
    maple.launch_date = launched_for("year_1")
    maple.save(update_fields=["launch_date"])
    campaign = maple_campaign_with_a_school_of_three(maple)
    peer_districts(4)
    benchmark_rebuild.benchmarks_rebuild()
    return campaign


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates page_fragments rendered (a cached answer renders none)."""
    rendered: list[str] = []

    def counting(name: str, context: Any) -> str:
        rendered.append(name)
        return render_to_string(name, context)

    monkeypatch.setattr(page_fragments, "render_to_string", counting)
    return rendered


def page_of(client: Any, campaign: Campaign) -> str:
    url = reverse(
        "campaign_dashboard", kwargs={"slug": campaign.district.slug, "campaign_id": campaign.pk}
    )
    response = client.get(url)
    assert response.status_code == 200
    # The form's CSRF token is new on every page.
    return re.sub(r'csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def principal_of(maple: District, school_name: str) -> Any:
    user = UserFactory(username="principal." + school_name.lower().replace(" ", "-"))
    MembershipFactory(
        user=user, district=maple, kind="principal", school=maple.schools.get(name=school_name)
    )
    return user


def test_the_results_are_rendered_once_and_served_byte_for_byte(
    released: Campaign, leader_of_maple: Any, renders: list[str]
) -> None:
    client = signed_in(leader_of_maple)
    first = page_of(client, released)
    second = page_of(client, released)

    assert renders == [page_fragments.RESULTS_TEMPLATE]
    assert second == first
    assert "Every score of this campaign" in first
    assert PARTNER_SCHOOL in first


def test_a_principal_never_gets_the_results_a_leader_was_served(
    released: Campaign, maple: District, leader_of_maple: Any, renders: list[str]
) -> None:
    leader = page_of(signed_in(leader_of_maple), released)
    principal = page_of(signed_in(principal_of(maple, OPEN_SCHOOL)), released)
    other_principal = page_of(signed_in(principal_of(maple, PARTNER_SCHOOL)), released)

    assert len(renders) == 3
    assert PARTNER_SCHOOL in leader
    assert OPEN_SCHOOL in principal
    assert PARTNER_SCHOOL not in principal
    assert TINY_SCHOOL not in principal
    assert PARTNER_SCHOOL in other_principal
    assert OPEN_SCHOOL not in other_principal
    assert TINY_SCHOOL not in other_principal
    # And the leader's results are still the leader's.
    assert page_of(signed_in(leader_of_maple), released) == leader
    assert len(renders) == 3


def test_new_stored_results_are_rendered_again(
    released: Campaign, leader_of_maple: Any, renders: list[str]
) -> None:
    client = signed_in(leader_of_maple)
    page_of(client, released)
    result = CampaignResult.objects.get(campaign=released)
    result.n_responses += 1
    result.computed_at = timezone.now()
    result.save(update_fields=["n_responses", "computed_at"])

    after = page_of(client, released)

    assert len(renders) == 2
    assert f"{result.n_responses} responses of" in after


def test_the_content_key_is_the_same_for_the_same_rows_and_reader(
    released: Campaign, leader_of_maple: Any, maple: District
) -> None:
    def key(user: Any) -> str:
        campaign = Campaign.objects.select_related("district").get(pk=released.pk)
        page = campaign_page(campaign=campaign, user=user, now=timezone.now())
        assert isinstance(page, CampaignDashboardPage)
        return page.content_key

    principal = principal_of(maple, OPEN_SCHOOL)
    assert key(leader_of_maple) == key(leader_of_maple)
    assert key(principal) == key(principal)
    assert key(principal) != key(leader_of_maple)


def test_the_benchmarks_are_rendered_once_per_set_of_versions(
    released: Campaign, leader_of_maple: Any, renders: list[str]
) -> None:
    client = signed_in(leader_of_maple)
    url = reverse("national_benchmarks")

    def page() -> str:
        response = client.get(url)
        assert response.status_code == 200
        return re.sub(r'csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    first = page()
    assert page() == first
    assert renders == [page_fragments.BENCHMARKS_TEMPLATE]
    latest = BenchmarkVersion.objects.latest("id")
    assert f"Version {latest.pk}, computed" in first

    peer_districts(1, start=4)
    benchmark_rebuild.benchmarks_rebuild()
    newer = BenchmarkVersion.objects.latest("id")
    assert newer.pk != latest.pk
    after = page()

    assert renders == [page_fragments.BENCHMARKS_TEMPLATE] * 2
    assert f"Version {newer.pk}, computed" in after
