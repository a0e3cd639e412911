"""The dashboard pages in Chromium, desktop (1440 x 900) and phone (390 x 844): every chart is
drawn by the app's own plotly.js, no request leaves the app's host (the `page` and `phone_page`
fixtures abort any such request and fail the test), and axe-core finds no WCAG 2.2 A or AA
violation on any page.

One world, shared by every page and both sizes; the live server is shared by the session.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from districts.models import District, Milestone
from onpoint import benchmark_rebuild
from surveys.models import Campaign
from tests.onpoint.builders import uniform
from tests.onpoint.pages_world import (
    closed_campaign,
    launched_for,
    maple_campaign_with_a_school_of_three,
    peer_districts,
    scored,
)
from tests.surveys.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world(maple: District, oak: District) -> dict[str, str]:
    """Maple and Oak and four peers in Year 1, scored and benchmarked; returns each page's
    path."""
    for district in (maple, oak):
        district.launch_date = launched_for("year_1")
        district.save(update_fields=["launch_date"])
    Milestone.objects.create(
        district=maple, happened_on=timezone.localdate(), text="Strong teacher buy-in"
    )
    earlier = scored(
        closed_campaign(maple, days_ago=60, name="Maple fall survey"),
        [(uniform(3), "teacher", None)] * 6,
    )
    campaign = maple_campaign_with_a_school_of_three(maple)
    assert earlier.opens_at < campaign.opens_at
    scored(closed_campaign(oak, name="Oak survey"), [(uniform(4), "teacher", None)] * 6)
    peer_districts(4)
    benchmark_rebuild.benchmarks_rebuild()
    slug = maple.slug
    return {
        "journey map": reverse("district", args=[slug]),
        "campaign dashboard": reverse("campaign_dashboard", args=[slug, campaign.pk]),
        "compare": reverse("compare") + f"?pick={maple.slug}&pick={oak.slug}",
        "benchmarks": reverse("national_benchmarks"),
        "national map": reverse("national_map"),
    }


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    """The user's session cookie in the browser (a real login is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": urlparse(live_server.url).hostname,
                "path": "/",
            }
        ]
    )


def _visit_every_page(page: Any, pages: dict[str, str]) -> list[str]:
    violations: list[str] = []
    for name, path in pages.items():
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, name
        charts = page.locator(".chart[data-figure]")
        for index in range(charts.count()):
            # Drawn by plotly.js: an SVG inside every chart.
            charts.nth(index).locator(".main-svg").first.wait_for(timeout=15_000)
        violations.extend(f"[{name}] {line}" for line in axe_violations(page))
    return violations


def test_every_dashboard_page_draws_its_charts_offline_without_accessibility_violations(
    page: Any,
    phone_page: Any,
    live_server: Any,
    maple: District,
    oak: District,
    leader_of_maple: Any,
    consultant_for_maple_and_oak: Any,
) -> None:
    """Both sizes and the print layout in one test, so the world is built once."""
    pages = _world(maple, oak)
    for browser_page in (page, phone_page):
        _sign_in(browser_page, live_server, consultant_for_maple_and_oak)
        assert _visit_every_page(browser_page, pages) == []

    # A leader's journey map also has the forms for the place on the path and milestones.
    page.context.clear_cookies()
    _sign_in(page, live_server, leader_of_maple)
    page.goto(pages["journey map"])
    page.get_by_text("Change where we are on the path").click()
    assert page.get_by_role("button", name="Add milestone").is_visible()
    assert axe_violations(page) == []

    # The print layout for a board packet: no controls, the charts and the numbers.
    page.goto(pages["campaign dashboard"])
    print_button = page.get_by_role("button", name="Print for the board")
    assert print_button.is_visible()
    page.emulate_media(media="print")
    assert not print_button.is_visible()
    assert not page.locator(".site-header").is_visible()
    assert page.get_by_role("heading", name="Every score of this campaign").is_visible()
    assert page.locator(".chart .main-svg").first.is_visible()
    assert Campaign.objects.count() == 7


def test_the_host_guard_fails_a_page_that_reaches_another_host(
    browser: Any, live_server: Any
) -> None:
    """The guard behind `page` and `phone_page` (tests/conftest.py) aborts a request to another
    host (a CDN, say) and fails the test at its end."""
    from tests.conftest import _guarded_page

    # bypass_csp: the app's Content-Security-Policy would refuse the request before the guard.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    guarded = _guarded_page(context, live_server.url)
    page = next(guarded)
    page.goto("/healthz")
    failed = page.evaluate(
        "fetch('https://cdn.example.org/plotly.min.js').then(() => false, () => true)"
    )
    assert failed is True
    with pytest.raises(AssertionError, match=r"cdn\.example\.org"):
        next(guarded)
