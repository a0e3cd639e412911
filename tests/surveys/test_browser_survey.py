"""The survey in Chromium: on a phone by touch, by keyboard alone, after a reload, tapped twice."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from onpoint.method.scoring import score_response
from surveys.models import Campaign, Response
from surveys.selectors import item_specs
from tests.surveys.browser import choice, varied_answers
from tests.surveys.words import TEXTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def keep_screenshot(source: Path, name: str) -> None:
    """Copy a screenshot into docs/screenshots/ when UPDATE_SCREENSHOTS=1 (for the README)."""
    assert source.stat().st_size > 10_000, "a screenshot of a real page, not a blank one"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, SCREENSHOTS / name)


def test_a_phone_answers_every_statement_by_touch_and_one_response_has_the_right_scores(
    phone_page: Any, maple_campaign: Campaign, tmp_path: Path
) -> None:
    page = phone_page
    page.goto(f"/s/{maple_campaign.token}/")
    assert page.locator("html").get_attribute("lang") == "en"
    choice(page, "role", "teacher").tap()
    page.select_option("#school", label="Maple Elementary")
    answers = varied_answers()
    for n, (code, value) in enumerate(answers.items(), start=1):
        choice(page, code, str(value)).tap()
        if n == 6:
            page.locator("#q-vision_1").scroll_into_view_if_needed()
            page.screenshot(path=tmp_path / "survey-phone.png")
    progress = page.locator("#survey-progress-text")
    assert progress.inner_text() == TEXTS["en"]["progress_text"].format(n=27, total=27)

    page.get_by_role("button", name=TEXTS["en"]["review_button"]).tap()
    page.get_by_role("heading", name=TEXTS["en"]["review_title"]).wait_for()
    page.get_by_role("button", name=TEXTS["en"]["submit_button"]).tap()
    page.get_by_role("heading", name=TEXTS["en"]["thanks_heading"]).wait_for()

    response = Response.objects.get(campaign=maple_campaign)
    expected = score_response(answers, item_specs(maple_campaign.instrument))
    assert response.role == "teacher"
    assert response.school is not None
    assert response.school.name == "Maple Elementary"
    assert response.answers_by_code() == answers
    for key, score in {**expected.dimensions, **expected.categories}.items():
        assert response.score(key) == pytest.approx(score), key
    # The thank-you page removes the answers from the device (its deferred script has run by
    # the time the document has loaded).
    page.wait_for_load_state("load")
    assert page.evaluate("Object.keys(localStorage).length") == 0
    keep_screenshot(tmp_path / "survey-phone.png", "survey-phone.png")


def test_the_survey_can_be_completed_with_the_keyboard_alone(
    page: Any, maple_campaign: Campaign
) -> None:
    page.goto(f"/s/{maple_campaign.token}/")

    def focused() -> dict[str, str]:
        return dict(
            page.evaluate(
                "({name: document.activeElement.name || '', value: document.activeElement.value"
                " || '', tag: document.activeElement.tagName, id: document.activeElement.id})"
            )
        )

    for _ in range(15):
        page.keyboard.press("Tab")
        if focused()["name"] == "role":
            break
    assert focused() == {"name": "role", "value": "teacher", "tag": "INPUT", "id": ""}
    page.keyboard.press("ArrowDown")  # moves to "coach" and chooses it
    page.keyboard.press("Tab")
    assert focused()["id"] == "school"
    page.keyboard.press("ArrowDown")  # the first school after "Prefer not to say"
    answers = varied_answers()
    for code, value in answers.items():
        page.keyboard.press("Tab")
        assert focused()["name"] == code
        if value == 1:
            page.keyboard.press("Space")
        for _ in range(value - 1):
            page.keyboard.press("ArrowDown")
    # The two optional open questions (issue 16), typed into from the keyboard too.
    for name in ("comment_proud_of", "comment_help"):
        page.keyboard.press("Tab")
        assert focused()["name"] == name
    page.keyboard.type("Coaches in every classroom")
    page.keyboard.press("Tab")
    assert focused()["tag"] == "BUTTON"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=TEXTS["en"]["review_title"]).wait_for()
    for _ in range(80):
        page.keyboard.press("Tab")
        if focused()["id"] == "survey-submit":
            break
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=TEXTS["en"]["thanks_heading"]).wait_for()

    response = Response.objects.get(campaign=maple_campaign)
    assert maple_campaign.comments.get().text == "Coaches in every classroom"
    assert response.role == "coach"
    assert response.school is not None
    assert response.school.name == "Maple Elementary"
    assert response.answers_by_code() == answers


def test_a_reload_halfway_restores_every_answer(page: Any, maple_campaign: Campaign) -> None:
    page.goto(f"/s/{maple_campaign.token}/?lang=es")
    choice(page, "role", "technology").click()
    page.select_option("#school", label="Maple High School")
    half = dict(list(varied_answers().items())[:14])
    half["plan_1"] = "dk"  # type: ignore[assignment]
    for code, value in half.items():
        choice(page, code, str(value)).click()
    submission_id = page.locator("input[name=submission_id]").input_value()

    page.reload()
    for code, value in half.items():
        assert page.locator(f"input[name='{code}'][value='{value}']").is_checked(), code
    assert page.locator("input[name='role'][value='technology']").is_checked()
    assert page.locator("#school option:checked").inner_text() == "Maple High School"
    assert page.locator("input[name=submission_id]").input_value() == submission_id
    assert page.locator("#survey-progress-text").inner_text() == TEXTS["es"][
        "progress_text"
    ].format(n=14, total=27)

    # A closed tab: a new page of the same browser finds them too.
    again = page.context.new_page()
    again.goto(f"/s/{maple_campaign.token}/?lang=es")
    assert again.locator("input[name='vision_1'][value='1']").is_checked()
    assert again.locator("input[name=submission_id]").input_value() == submission_id
    assert not Response.objects.exists()


def test_a_double_tap_and_a_replay_store_one_response(
    phone_page: Any, maple_campaign: Campaign
) -> None:
    page = phone_page
    page.goto(f"/s/{maple_campaign.token}/")
    choice(page, "role", "school_leader").tap()
    for code, value in list(varied_answers().items())[:9]:
        choice(page, code, str(value)).tap()
    page.get_by_role("button", name=TEXTS["en"]["review_button"]).tap()
    submit = page.get_by_role("button", name=TEXTS["en"]["submit_button"])
    submit.wait_for()
    form = {
        field.get_attribute("name"): field.get_attribute("value")
        for field in page.locator("#review-form input[type=hidden]").all()
    }

    submit.dblclick()  # a double tap
    page.get_by_role("heading", name=TEXTS["en"]["thanks_heading"]).wait_for()
    assert Response.objects.filter(campaign=maple_campaign).count() == 1

    # A replay of the same request (a retry after a time-out, the back button and resubmit).
    replay = page.request.post(f"/s/{maple_campaign.token}/", form={**form, "action": "submit"})
    assert replay.ok
    assert TEXTS["en"]["thanks_heading"] in replay.text()
    assert Response.objects.filter(campaign=maple_campaign).count() == 1


def test_the_survey_works_with_javascript_off(
    browser: Any, live_server: Any, maple_campaign: Campaign
) -> None:
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto(f"/s/{maple_campaign.token}/")
        assert page.locator("#survey-progress").is_hidden()
        page.locator("input[name='role'][value='teacher']").check()
        for code, value in varied_answers().items():
            page.locator(f"input[name='{code}'][value='{value}']").check()
        page.get_by_role("button", name=TEXTS["en"]["review_button"]).click()
        page.get_by_role("button", name=TEXTS["en"]["submit_button"]).click()
        page.get_by_role("heading", name=TEXTS["en"]["thanks_heading"]).wait_for()
    finally:
        context.close()
    assert Response.objects.filter(campaign=maple_campaign).count() == 1
