"""Issue 15 in Chromium, desktop (1440 x 900) and phone (390 x 844): the leader's invitations page
(counts by school, undelivered mails, a refused list, a reminder), the team page, a personal link
used twice, and a principal's dashboard and journey map. axe-core finds no WCAG 2.2 A or AA
violation; no request leaves the app's host. The README's screenshots come from here
(UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from districts.models import District
from onpoint import benchmark_rebuild
from surveys import invitations, services
from surveys.invitation_lists import Entry
from surveys.models import Campaign
from tests.factories import MembershipFactory, UserFactory
from tests.onpoint.builders import uniform
from tests.onpoint.pages_world import (
    OPEN_SCHOOL,
    PARTNER_SCHOOL,
    closed_campaign,
    launched_for,
    maple_campaign_with_a_school_of_three,
    peer_districts,
    scored,
)
from tests.surveys.browser import axe_violations
from tests.surveys.conftest import campaign_of, every_answer
from tests.surveys.invitation_helpers import links_by_address, token_of
from tests.surveys.mail_backends import REFUSING
from tests.surveys.test_browser_accessibility import sign_in
from tests.surveys.test_browser_survey import keep_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_its_width(page: Any) -> bool:
    """Nothing widens the page past the screen (a phone would zoom the whole page out)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _invited_campaign(maple: District) -> Campaign:
    """Maple's campaign of personal links and its shared link: 40 invited at three schools (and
    some with no school), 2 mails refused, 17 answered."""
    campaign = campaign_of(maple, name="Maple spring survey", link_mode="both")
    entries = (
        [Entry(f"teacher{n}@maple.k12.or.us", OPEN_SCHOOL) for n in range(18)]
        + [Entry(f"staff{n}@maple.k12.or.us", PARTNER_SCHOOL) for n in range(14)]
        + [Entry(f"office{n}@maple.k12.or.us") for n in range(6)]
        + [Entry("bounce.jones@maple.k12.or.us", OPEN_SCHOOL), Entry("bounce.li@maple.k12.or.us")]
    )
    invitations.invitations_add(
        campaign=campaign, entries=entries, by=None, link_base="http://testserver"
    )
    links = links_by_address()
    answered = [*[f"teacher{n}" for n in range(11)], *[f"staff{n}" for n in range(5)], "office0"]
    for name in answered:
        services.response_submit(
            campaign=campaign,
            answers=every_answer(4),
            role="teacher",
            school=None,
            submission_id=None,
            invitation=token_of(links[f"{name}@maple.k12.or.us"][0]),
        )
    return campaign


def test_the_leaders_invitations_page_on_desktop_and_phone(
    page: Any,
    phone_page: Any,
    maple: District,
    leader_of_maple: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MAILERS = REFUSING
    campaign = _invited_campaign(maple)
    url = f"/districts/maple-valley/campaigns/{campaign.pk}/invitations/"
    violations: list[str] = []
    for browser_page, size in ((page, "desktop"), (phone_page, "phone")):
        sign_in(browser_page, leader_of_maple.username)
        assert browser_page.goto(url).status == 200
        assert browser_page.locator("#invited-count").inner_text() == "40"
        assert browser_page.locator("#answered-count").inner_text() == "17"
        failed = browser_page.get_by_role("rowheader", name="bounce.jones@maple.k12.or.us")
        assert failed.is_visible()
        violations.extend(f"[{size}] {line}" for line in axe_violations(browser_page))
        assert fits_its_width(browser_page), size
        browser_page.screenshot(path=tmp_path / f"invitations-{size}.png", full_page=True)
        keep_screenshot(tmp_path / f"invitations-{size}.png", f"invitations-{size}.png")

    # A list with a bad address: refused, named, nothing sent.
    sent_before = len(mail.outbox)
    page.fill("#id_addresses", "new.teacher@maple.k12.or.us, Maple Elementary\nnot-an-address\n")
    page.get_by_role("button", name="Send the personal links").click()
    page.locator("#invite-problems").wait_for()
    assert "not-an-address" in page.locator("#invite-problems").inner_text()
    assert len(mail.outbox) == sent_before
    violations.extend(f"[refused list] {line}" for line in axe_violations(page))
    # The valid list goes, then a reminder to the links not used.
    page.fill("#id_addresses", "new.teacher@maple.k12.or.us, Maple Elementary\n")
    page.get_by_role("button", name="Send the personal links").click()
    page.get_by_text("1 address(es) invited").wait_for()
    page.locator("#remind-button").click()
    page.get_by_text("A reminder is on its way").wait_for()
    reminded = [m.to[0] for m in mail.outbox if m.subject.startswith("Reminder from")]
    # 41 invited, 17 links used, 2 mails never delivered: 22 links sent and not used.
    assert len(reminded) == 22
    assert violations == []


def test_a_used_personal_link_and_the_team_pages_have_no_accessibility_violation(
    page: Any, phone_page: Any, maple: District, leader_of_maple: Any
) -> None:
    campaign = campaign_of(maple, link_mode="personal")
    invitations.invitations_add(
        campaign=campaign,
        entries=[Entry("ana@maple.k12.or.us")],
        by=None,
        link_base="http://testserver",
    )
    link = links_by_address()["ana@maple.k12.or.us"][0]
    token = token_of(link)
    violations: list[str] = []
    phone_page.goto(f"/s/{campaign.token}/?i={token}&lang=es")
    violations.extend(f"[personal link, es] {line}" for line in axe_violations(phone_page))
    services.response_submit(
        campaign=campaign,
        answers=every_answer(4),
        role="teacher",
        school=None,
        submission_id=None,
        invitation=token,
    )
    assert phone_page.goto(f"/s/{campaign.token}/?i={token}").status == 410
    assert phone_page.get_by_role("heading", name="This personal link has already been used")
    violations.extend(f"[used link] {line}" for line in axe_violations(phone_page))
    assert phone_page.goto(f"/s/{campaign.token}/").status == 403
    violations.extend(f"[shared link refused] {line}" for line in axe_violations(phone_page))

    sign_in(page, leader_of_maple.username)
    page.goto("/districts/maple-valley/team/")
    page.fill("#id_email", "pat@maple.k12.or.us")
    page.get_by_label("Principal: sees the district's results and their own school's").check()
    page.select_option("#id_school", label=OPEN_SCHOOL)
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("Invitation sent to pat@maple.k12.or.us").wait_for()
    violations.extend(f"[team] {line}" for line in axe_violations(page))
    assert fits_its_width(page)
    (message,) = [m for m in mail.outbox if m.to == ["pat@maple.k12.or.us"]]
    join = next(line for line in str(message.body).splitlines() if "/accounts/join/" in line)
    phone_page.goto(join.replace("http://testserver", ""))
    phone_page.get_by_role("button", name="Set my password and join").wait_for()
    violations.extend(f"[join] {line}" for line in axe_violations(phone_page))
    assert violations == []


def test_a_principals_view_on_desktop_and_phone(
    page: Any, phone_page: Any, maple: District, tmp_path: Path
) -> None:
    maple.launch_date = launched_for("year_1")
    maple.save(update_fields=["launch_date"])
    scored(
        closed_campaign(maple, days_ago=60, name="Maple fall survey"),
        [(uniform(3), "teacher", None)] * 6,
    )
    campaign = maple_campaign_with_a_school_of_three(maple)
    peer_districts(5)
    benchmark_rebuild.benchmarks_rebuild()
    principal: Any = UserFactory(username="principal.elementary")
    MembershipFactory(
        user=principal, district=maple, kind="principal", school=maple.schools.get(name=OPEN_SCHOOL)
    )
    pages = {
        "dashboard": f"/districts/maple-valley/campaigns/{campaign.pk}/",
        "journey": "/districts/maple-valley/",
    }
    violations: list[str] = []
    for browser_page, size in ((page, "desktop"), (phone_page, "phone")):
        sign_in(browser_page, principal.username)
        for name, url in pages.items():
            assert browser_page.goto(url).status == 200
            charts = browser_page.locator(".chart[data-figure]")
            for index in range(charts.count()):
                charts.nth(index).locator(".main-svg").first.wait_for(timeout=15_000)
            text = browser_page.locator("main").inner_text()
            assert PARTNER_SCHOOL not in text, (name, size)
            violations.extend(f"[{name}, {size}] {line}" for line in axe_violations(browser_page))
            assert fits_its_width(browser_page), (name, size)
        assert browser_page.goto(pages["dashboard"]).status == 200
        assert browser_page.locator("#school-scope").is_visible()
        charts = browser_page.locator(".chart[data-figure]")
        for index in range(charts.count()):
            charts.nth(index).locator(".main-svg").first.wait_for(timeout=15_000)
        shot = tmp_path / f"principal-dashboard-{size}.png"
        browser_page.screenshot(path=shot, full_page=True)
        keep_screenshot(shot, f"principal-dashboard-{size}.png")
    assert violations == []
