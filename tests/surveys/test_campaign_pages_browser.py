"""Issue 14's campaign pages in Chromium: axe-core finds no WCAG 2.2 A or AA violation on the
manage page (with its counts by school and expected responses), on the form that asks before a
second campaign at the same time, or on the dashboard with its board report button; and the
dashboard of a campaign with too few answers fits a phone, its table included.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from districts.models import District
from onpoint import benchmark_rebuild
from surveys.models import Campaign
from tests.factories import ResponseFactory
from tests.onpoint.builders import uniform
from tests.onpoint.pages_world import (
    closed_campaign,
    launched_for,
    maple_campaign_with_a_school_of_three,
    peer_districts,
    scored,
)
from tests.surveys.browser import axe_violations
from tests.surveys.conftest import campaign_of
from tests.surveys.test_browser_accessibility import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_manage_page_and_the_form_that_asks_first_are_accessible(
    browser: Any, live_server: Any, leader_of_maple: Any, maple: District, language: str
) -> None:
    context = browser.new_context(
        viewport={"width": 1440, "height": 900},
        base_url=live_server.url,
        extra_http_headers={"Accept-Language": language},
    )
    page = context.new_page()
    try:
        now = timezone.now()
        running = campaign_of(
            maple, name="Running survey", opens_at=now - dt.timedelta(days=1), expected_responses=30
        )
        school = maple.schools.order_by("name").first()
        assert school is not None
        ResponseFactory.create_batch(3, campaign=running, school=school)
        sign_in(page, leader_of_maple.username)
        page.goto(f"/districts/maple-valley/campaigns/{running.pk}/manage/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("#results-link").is_visible()
        page.locator(".schools-expected summary").click()
        assert page.locator(f"#id_school_{school.pk}").is_visible()
        violations = axe_violations(page)

        page.goto("/districts/maple-valley/campaigns/new/")
        page.fill("#id_name", "Second survey")
        opens = timezone.localtime(now, maple.zone)
        page.fill("#id_opens_at", opens.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_closes_at", (opens + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
        page.locator("form.card button[type=submit]").click()
        page.locator("#overlap-warning").wait_for()
        violations += axe_violations(page)
        page.locator("#id_create_anyway").check()
        page.locator("form.card button[type=submit]").click()
        page.wait_for_url("**/manage/")
        assert Campaign.objects.filter(district=maple).count() == 2
        assert violations == []
    finally:
        context.close()


def test_the_dashboard_offers_the_board_report_and_an_empty_one_fits_a_phone(
    page: Any, phone_page: Any, leader_of_maple: Any, maple: District
) -> None:
    maple.launch_date = launched_for("year_1")
    maple.save(update_fields=["launch_date"])
    peer_districts(5)
    released = maple_campaign_with_a_school_of_three(maple)
    quiet = scored(
        closed_campaign(maple, days_ago=40, name="Quiet survey", expected_responses=40),
        [(uniform(4), "teacher", None)] * 3,
    )
    benchmark_rebuild.benchmarks_rebuild()

    sign_in(page, leader_of_maple.username)
    page.goto(f"/districts/maple-valley/campaigns/{released.pk}/")
    button = page.get_by_role("link", name="Board report (PDF)")
    assert button.is_visible()
    assert (
        button.get_attribute("href")
        == f"/districts/maple-valley/campaigns/{released.pk}/report.pdf"
    )
    page.locator(".chart .main-svg").first.wait_for(timeout=15_000)
    assert axe_violations(page) == []

    sign_in(phone_page, leader_of_maple.username)
    phone_page.goto(f"/districts/maple-valley/campaigns/{quiet.pk}/")
    assert phone_page.get_by_role("heading", name="Not enough answers").is_visible()
    # Nothing wider than the phone: neither the page nor the table of benchmarks scrolls sideways.
    widths = phone_page.evaluate(
        """() => {
            const table = document.querySelector("table.data--compact");
            return {
                page: document.documentElement.scrollWidth,
                viewport: window.innerWidth,
                table: table.getBoundingClientRect().right,
                main: document.querySelector("main").getBoundingClientRect().right,
            };
        }"""
    )
    assert widths["page"] <= widths["viewport"], widths
    assert widths["table"] <= widths["main"], widths
    assert axe_violations(phone_page) == []
