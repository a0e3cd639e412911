"""axe-core (WCAG 2.2 A and AA) on every survey page in English and Spanish, and the campaign pages.

Also the README's phone screenshot of a campaign page (see keep_screenshot).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from surveys.models import Campaign
from tests.factories import PASSWORD, ResponseFactory
from tests.surveys.browser import axe_violations, choice
from tests.surveys.test_browser_survey import keep_screenshot
from tests.surveys.words import TEXTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_survey_page_has_an_accessibility_violation(
    phone_page: Any,
    lang: str,
    maple_campaign: Campaign,
    closed_campaign: Campaign,
    future_campaign: Campaign,
) -> None:
    page = phone_page
    texts = TEXTS[lang]
    violations: list[str] = []
    seen: list[str] = []

    def check(what: str) -> None:
        assert page.locator("html").get_attribute("lang") == lang, what
        seen.append(what)
        violations.extend(f"[{what}] {line}" for line in axe_violations(page))

    survey = f"/s/{maple_campaign.token}/?lang={lang}"
    page.goto(survey)
    check("survey")
    page.get_by_role("button", name=texts["review_button"]).tap()
    page.locator("#role-error").wait_for()
    check("survey with a missing role")
    choice(page, "role", "teacher").tap()
    choice(page, "vision_1", "4").tap()
    choice(page, "plan_2", "dk").tap()
    page.get_by_role("button", name=texts["review_button"]).tap()
    page.get_by_role("heading", name=texts["review_title"]).wait_for()
    check("review")
    page.get_by_role("button", name=texts["submit_button"]).tap()
    page.get_by_role("heading", name=texts["thanks_heading"]).wait_for()
    check("thanks")

    page.goto(f"/s/no-such-survey/?lang={lang}")
    check("unknown link (404)")
    page.goto(f"/s/{closed_campaign.token}/?lang={lang}")
    check("closed (410)")
    page.goto(f"/s/{future_campaign.token}/?lang={lang}")
    check("not open yet (403)")
    tampered = page.request.post(
        f"/s/{maple_campaign.token}/",
        form={"lang": lang, "role": "teacher", "vision_1": "7", "action": "review"},
    )
    assert tampered.status == 400
    page.set_content(tampered.text())
    check("tampered form (400)")

    assert len(seen) == 8
    assert violations == []


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_no_campaign_page_has_an_accessibility_violation(
    page: Any, leader_of_maple: Any, maple_campaign: Campaign
) -> None:
    ResponseFactory.create_batch(12, campaign=maple_campaign)  # under half: the warning shows
    sign_in(page, leader_of_maple.username)
    base = f"/districts/maple-valley/campaigns/{maple_campaign.pk}"
    violations: list[str] = []
    for url in [
        "/districts/maple-valley/campaigns/",
        "/districts/maple-valley/campaigns/new/",
        f"{base}/manage/",
        f"{base}/edit/",
        f"{base}/flyer/",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        violations.extend(axe_violations(page))
    page.goto("/districts/maple-valley/campaigns/new/")
    page.get_by_role("button", name="Create campaign").click()  # every field empty
    page.locator(".field__error").first.wait_for()
    violations.extend(axe_violations(page))
    assert violations == []


def test_the_campaign_page_on_a_phone(
    phone_page: Any, leader_of_maple: Any, maple_campaign: Campaign, tmp_path: Path
) -> None:
    ResponseFactory.create_batch(17, campaign=maple_campaign)
    sign_in(phone_page, leader_of_maple.username)
    phone_page.goto(f"/districts/maple-valley/campaigns/{maple_campaign.pk}/manage/")
    assert phone_page.locator("#response-count").inner_text() == "17"
    assert phone_page.locator("#low-rate-warning").is_visible()
    assert phone_page.locator("img.qr").evaluate("img => img.naturalWidth") > 0
    assert axe_violations(phone_page) == []
    phone_page.screenshot(path=tmp_path / "campaign-phone.png", full_page=True)
    keep_screenshot(tmp_path / "campaign-phone.png", "campaign-phone.png")


def test_the_checker_finds_a_violation_where_there_is_one(page: Any, db: None) -> None:
    """Guards the tests above: an empty list means "no violation", not "axe did not run"."""
    page.set_content(
        '<html lang="en"><head><title>Broken</title></head><body><main>'
        '<input type="radio" name="x"><p style="color:#bbb;background:#fff">faint</p>'
        "</main></body></html>"
    )
    found = " ".join(axe_violations(page))
    assert "label" in found
    assert "color-contrast" in found
