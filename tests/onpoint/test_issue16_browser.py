"""Issue 16's pages in Chromium, at 1440 x 900 and 390 x 844: the consultant's portfolio, compare
(cards on a phone, no sideways scroll), the journey map with co-travelers and professional
learning, a campaign's staff comments, the professional-learning page; and the survey's open
questions answered on a phone and with JavaScript off. Any request to another host fails a test
(the `page` and `phone_page` fixtures); axe-core finds no WCAG 2.2 A or AA violation.

UPDATE_SCREENSHOTS=1 also copies the survey's open questions on a phone into docs/screenshots/
(`make screenshots` takes the other pages from the demo world).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, cast

import pytest
from django.urls import reverse
from django.utils import timezone

from districts.models import District, LearningOffer, Milestone
from onpoint import benchmark_rebuild
from surveys.models import Comment, Response
from tests.factories import CommentFactory, MembershipFactory
from tests.onpoint.builders import campaign_of, store, uniform
from tests.onpoint.pages_world import (
    closed_campaign,
    district_at,
    launched_for,
    maple_campaign_with_a_school_of_three,
    peer_districts,
    scored,
)
from tests.onpoint.test_pages_browser import _sign_in
from tests.surveys.browser import axe_violations, choice, varied_answers
from tests.surveys.test_browser_survey import keep_screenshot
from tests.surveys.words import TEXTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
PROUD = "Students in my class set learning goals for the first time."
HELP = "More time to plan with the coach."


def _world(maple: District, oak: District, consultant: Any) -> dict[str, str]:
    """Maple (Year 1) with two released campaigns, comments, an open survey and offers; Oak; a
    named co-traveler in Year 2; four peers; benchmarks. Returns each page's path."""
    for district in (maple, oak):
        district.launch_date = launched_for("year_1")
        district.enrollment = 8000
        district.save(update_fields=["launch_date", "enrollment"])
    scored(
        closed_campaign(maple, days_ago=60, name="Maple fall survey"),
        [(uniform(3), "teacher", None)] * 6,
    )
    spring = maple_campaign_with_a_school_of_three(maple)
    for index in range(4):
        CommentFactory(campaign=spring, kind=Comment.Kind.PROUD_OF, text=f"{PROUD} ({index})")
        CommentFactory(campaign=spring, kind=Comment.Kind.HELP, text=f"{HELP} ({index})")
    store(
        campaign_of(maple, name="Maple pulse", expected_responses=30),
        [(uniform(4), "coach", None)] * 7,
    )
    for name, landmark, earned in (
        ("Microcredential: student goal-setting", "student_agency", 23),
        ("Device and digital tools clinic", "operations", 64),
    ):
        LearningOffer.objects.create(
            district=maple, name=name, landmark=landmark, earned_count=earned
        )
    scored(closed_campaign(oak, name="Oak survey"), [(uniform(4), "teacher", None)] * 6)

    cedar = district_at(
        "year_2", name="Cedar Falls Schools", slug="cedar-falls", state="OR", enrollment=9000
    )
    cedar.named_as_co_traveler = True
    cedar.save(update_fields=["named_as_co_traveler"])
    launched = cast(dt.date, cedar.launch_date)
    Milestone.objects.create(
        district=cedar, happened_on=launched + dt.timedelta(days=40), text="Coaches in every school"
    )
    in_year_1 = (timezone.localdate() - (launched + dt.timedelta(days=60))).days
    scored(
        closed_campaign(cedar, days_ago=in_year_1, name="Cedar first-year survey"),
        [(uniform(4), "teacher", None)] * 5,
    )
    for peer in peer_districts(4):
        MembershipFactory(user=consultant, district=peer, kind="consultant")
    benchmark_rebuild.benchmarks_rebuild()
    slug = maple.slug
    return {
        "portfolio": reverse("portfolio"),
        "compare": reverse("compare"),
        "journey map": reverse("district", args=[slug]),
        "staff comments": reverse(
            "campaign_comments", kwargs={"slug": slug, "campaign_id": spring.pk}
        ),
        "professional learning": reverse("learning_offers", args=[slug]),
    }


def _check(page: Any, path: str, name: str) -> list[str]:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, name
    charts = page.locator(".chart[data-figure]")
    for index in range(charts.count()):
        charts.nth(index).locator(".main-svg").first.wait_for(timeout=15_000)
    return [f"[{name}] {line}" for line in axe_violations(page)]


def _sideways(page: Any) -> int:
    """How far the page scrolls sideways: 0 when it fits the screen."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_the_new_pages_at_both_sizes_are_accessible_offline_and_fit_a_phone(
    page: Any,
    phone_page: Any,
    live_server: Any,
    maple: District,
    oak: District,
    leader_of_maple: Any,
    consultant_for_maple_and_oak: Any,
) -> None:
    paths = _world(maple, oak, consultant_for_maple_and_oak)
    by_whom = {
        "portfolio": consultant_for_maple_and_oak,
        "compare": consultant_for_maple_and_oak,
        "journey map": leader_of_maple,
        "staff comments": leader_of_maple,
        "professional learning": leader_of_maple,
    }
    violations: list[str] = []
    for browser_page in (page, phone_page):
        for user in (consultant_for_maple_and_oak, leader_of_maple):
            browser_page.context.clear_cookies()
            _sign_in(browser_page, live_server, user)
            for name, path in paths.items():
                if by_whom[name] is not user:
                    continue
                violations += _check(browser_page, path, name)
                if browser_page is phone_page:
                    assert _sideways(browser_page) == 0, name
                    assert (
                        browser_page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
                    ), name
    assert violations == []

    # Compare on a phone: each district a card, its cells labelled, its change and stale flag.
    phone_page.context.clear_cookies()
    _sign_in(phone_page, live_server, consultant_for_maple_and_oak)
    phone_page.goto(paths["compare"])
    row = phone_page.locator("tr", has=phone_page.get_by_role("link", name=maple.name))
    assert row.evaluate("r => getComputedStyle(r).display") == "flex"
    change = row.locator("td[data-label='Change']")
    assert change.inner_text().startswith("+")
    header = phone_page.locator(".compare-table thead")
    assert header.evaluate("h => h.getBoundingClientRect().width") <= 1  # for screen readers
    # The side-by-side boxes are labelled and work from the cards.
    phone_page.get_by_label("Side by side: Maple Valley School District").check()
    phone_page.get_by_label("Side by side: Oak Ridge Unified").check()
    phone_page.get_by_role("button", name="Show the ticked districts side by side").tap()
    phone_page.locator("#chart-side-by-side .main-svg").first.wait_for(timeout=15_000)
    assert _sideways(phone_page) == 0

    # The journey map shows the co-traveler and the offers beside their landmark.
    page.context.clear_cookies()
    _sign_in(page, live_server, leader_of_maple)
    page.goto(paths["journey map"])
    traveler = page.locator(".co-traveler")
    assert traveler.count() == 1
    assert "Cedar Falls Schools" in traveler.inner_text()
    assert "Coaches in every school" in traveler.inner_text()
    agency = page.locator(".landmark", has=page.get_by_role("heading", name="Student agency"))
    assert "Microcredential: student goal-setting" in agency.inner_text()

    # A leader hides a comment for good, without JavaScript's help: a confirm page, a POST.
    page.goto(paths["staff comments"])
    assert page.locator(".comment").count() == 8
    first = page.locator(".comment").first
    words = first.locator(".comment__text").inner_text()
    first.get_by_role("link", name=re.compile(r"^Hide for good")).click()
    assert words in page.locator("main").inner_text()  # the confirm page quotes it
    page.get_by_role("button", name="Hide it for good").click()
    page.get_by_text("hidden for good").first.wait_for()
    assert page.locator(".comment").count() == 7
    assert Comment.objects.filter(hidden=True, text="").count() == 1
    assert words not in page.locator("main").inner_text()


def test_a_phone_answers_the_open_questions_and_they_are_stored_apart(
    phone_page: Any, maple: District, tmp_path: Path
) -> None:
    campaign = campaign_of(maple, name="Maple spring survey")
    page = phone_page
    page.goto(f"/s/{campaign.token}/")
    choice(page, "role", "teacher").tap()
    for code, value in list(varied_answers().items())[:5]:
        choice(page, code, str(value)).tap()
    texts = TEXTS["en"]
    page.get_by_label(texts["comment_proud_of_label"]).fill(PROUD)
    page.get_by_label(texts["comment_help_label"]).fill(HELP)
    page.locator("#comments").scroll_into_view_if_needed()
    assert page.get_by_text(texts["comments_privacy"]).is_visible()
    assert axe_violations(page) == []
    assert _sideways(page) == 0
    page.screenshot(path=tmp_path / "survey-comments-phone.png")
    page.get_by_role("button", name=texts["review_button"]).tap()
    page.get_by_role("heading", name=texts["review_title"]).wait_for()
    assert page.get_by_text(PROUD).is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name=texts["submit_button"]).tap()
    page.get_by_role("heading", name=texts["thanks_heading"]).wait_for()
    assert Response.objects.filter(campaign=campaign).count() == 1
    assert sorted(Comment.objects.values_list("kind", "text")) == [
        ("help", HELP),
        ("proud_of", PROUD),
    ]
    keep_screenshot(tmp_path / "survey-comments-phone.png", "survey-comments-phone.png")


def test_the_open_questions_work_with_javascript_off_in_spanish(
    browser: Any, live_server: Any, maple: District
) -> None:
    campaign = campaign_of(maple, name="Maple spring survey")
    texts = TEXTS["es"]
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto(f"/s/{campaign.token}/?lang=es")
        page.locator("input[name='role'][value='coach']").check()
        page.locator("input[name='vision_1'][value='4']").check()
        page.get_by_label(texts["comment_proud_of_label"]).fill("Los estudiantes eligen su camino.")
        page.get_by_role("button", name=texts["review_button"]).click()
        page.get_by_role("button", name=texts["change_button"]).click()
        assert page.get_by_label(texts["comment_proud_of_label"]).input_value() == (
            "Los estudiantes eligen su camino."
        )
        page.get_by_role("button", name=texts["review_button"]).click()
        page.get_by_role("button", name=texts["submit_button"]).click()
        page.get_by_role("heading", name=texts["thanks_heading"]).wait_for()
    finally:
        context.close()
    assert list(Comment.objects.values_list("kind", "text")) == [
        ("proud_of", "Los estudiantes eligen su camino.")
    ]
