"""The survey at /s/<token>/ without JavaScript, and the leaders' campaign pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from districts.models import District
from surveys import campaigns, views
from surveys.models import Campaign, Response
from tests.clients import signed_in
from tests.factories import ResponseFactory
from tests.surveys.conftest import campaign_of, every_answer
from tests.surveys.words import TEXTS

pytestmark = pytest.mark.django_db


def submission_id_of(html: str) -> str:
    found = re.search(r'name="submission_id" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def survey_post(client: Client, campaign: Campaign, data: dict[str, str]) -> Any:
    return client.post(f"/s/{campaign.token}/", data)


def full_form(client: Client, campaign: Campaign, value: str = "4") -> dict[str, str]:
    html = client.get(f"/s/{campaign.token}/").content.decode()
    return {
        "lang": "en",
        "submission_id": submission_id_of(html),
        "role": "teacher",
        "school": "",
        **{code: value for code in every_answer()},
    }


# --- the survey --------------------------------------------------------------------------------


def test_the_survey_speaks_the_browsers_language(client: Client, maple_campaign: Campaign) -> None:
    spanish = client.get(f"/s/{maple_campaign.token}/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    english = client.get(f"/s/{maple_campaign.token}/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert '<html lang="es">' in spanish.content.decode()
    assert TEXTS["es"]["heading"] in spanish.content.decode()
    assert "Totalmente de acuerdo" in spanish.content.decode()
    assert "Strongly agree" not in spanish.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert TEXTS["en"]["heading"] in english.content.decode()


def test_the_visible_switch_overrides_the_browser(client: Client, maple_campaign: Campaign) -> None:
    page = client.get(f"/s/{maple_campaign.token}/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert 'href="?lang=es"' in page.content.decode()
    switched = client.get(f"/s/{maple_campaign.token}/?lang=es", HTTP_ACCEPT_LANGUAGE="en-US")
    assert TEXTS["es"]["heading"] in switched.content.decode()
    assert 'href="?lang=en"' in switched.content.decode()


def test_the_survey_has_the_intro_roles_schools_and_27_statements_by_category(
    client: Client, maple_campaign: Campaign
) -> None:
    html = client.get(f"/s/{maple_campaign.token}/").content.decode()
    assert TEXTS["en"]["intro_anonymous"] in html
    assert TEXTS["en"]["intro_time"] in html
    assert TEXTS["en"]["intro_who_sees"] in html
    assert html.count('name="role"') == 5
    assert "Maple Elementary" in html
    assert TEXTS["en"]["school_none"] in html
    assert html.count('<fieldset class="question" id="q-') == 27
    assert html.count('value="dk"') == 27
    assert [h for h in re.findall(r'<h2 id="category-(\w+)"', html)] == [
        "strategy",
        "operations",
        "design",
        "culture",
    ]


def test_the_survey_sets_no_cookie_and_is_never_cached(
    client: Client, maple_campaign: Campaign
) -> None:
    page = client.get(f"/s/{maple_campaign.token}/")
    assert page.cookies == {}
    assert "no-cache" in page["Cache-Control"]


def test_review_then_submit_stores_one_response_and_thanks(
    client: Client, maple_campaign: Campaign
) -> None:
    data = full_form(client, maple_campaign)
    review = survey_post(client, maple_campaign, {**data, "action": "review"})
    assert review.status_code == 200
    assert TEXTS["en"]["review_title"] in review.content.decode()
    assert not Response.objects.exists()  # nothing is sent before "Submit my answers"

    submitted = survey_post(client, maple_campaign, {**data, "action": "submit"})
    assert submitted.status_code == 303
    assert submitted["Location"] == f"/s/{maple_campaign.token}/thanks/?lang=en"
    thanks = client.get(submitted["Location"])
    assert TEXTS["en"]["thanks_heading"] in thanks.content.decode()
    response = Response.objects.get()
    assert response.strategy == 75 * 36  # 1/36 points
    assert str(response.submission_id) == data["submission_id"]


def test_submitting_twice_stores_one_response(client: Client, maple_campaign: Campaign) -> None:
    data = {**full_form(client, maple_campaign), "action": "submit"}
    first = survey_post(client, maple_campaign, data)
    second = survey_post(client, maple_campaign, data)
    assert first.status_code == second.status_code == 303
    assert Response.objects.count() == 1


def test_dont_know_is_stored_as_no_answer(client: Client, maple_campaign: Campaign) -> None:
    data = {**full_form(client, maple_campaign), "vision_1": "dk", "action": "submit"}
    survey_post(client, maple_campaign, data)
    response = Response.objects.get()
    assert response.answers_by_code()["vision_1"] is None
    assert response.answers_by_code()["vision_2"] == 4


def test_a_missing_role_shows_the_form_again_with_the_message_and_every_answer(
    client: Client, maple_campaign: Campaign
) -> None:
    data = {**full_form(client, maple_campaign, value="2"), "vision_3": "dk", "action": "review"}
    del data["role"]
    data["school"] = str(maple_campaign.district.schools.get(name="Maple High School").pk)
    shown = survey_post(client, maple_campaign, data)
    html = shown.content.decode()
    assert shown.status_code == 200
    assert f'<p class="field__error" id="role-error">{TEXTS["en"]["role_required"]}</p>' in html
    assert html.count('value="2" checked') == 26
    assert 'name="vision_3" value="dk" checked' in html
    assert re.search(r'<option value="\d+" selected>Maple High School</option>', html)
    assert f'value="{data["submission_id"]}"' in html
    assert not Response.objects.exists()


def test_a_form_without_answers_is_shown_again(client: Client, maple_campaign: Campaign) -> None:
    data = full_form(client, maple_campaign)
    empty = {key: value for key, value in data.items() if key in {"lang", "submission_id", "role"}}
    shown = survey_post(client, maple_campaign, {**empty, "action": "review"})
    assert TEXTS["en"]["no_answers"] in shown.content.decode()
    assert not Response.objects.exists()


def test_change_my_answers_goes_back_to_the_filled_form(
    client: Client, maple_campaign: Campaign
) -> None:
    data = {**full_form(client, maple_campaign, value="5"), "action": "edit"}
    shown = survey_post(client, maple_campaign, data)
    assert shown.content.decode().count('value="5" checked') == 27
    assert 'value="teacher" checked' in shown.content.decode()


TAMPERED = [
    ("answer 7", {"vision_1": "7"}, "answer_not_allowed"),
    ("answer 0", {"vision_1": "0"}, "answer_not_allowed"),
    ("answer x", {"vision_1": "x"}, "answer_not_allowed"),
    ("unknown item", {"vision_9": "4"}, "unknown_item"),
    ("unknown role", {"role": "janitor"}, "unknown_role"),
    ("unknown school", {"school": "999999"}, "unknown_school"),
    ("school not a number", {"school": "Lincoln"}, "unknown_school"),
    ("bad submission id", {"submission_id": "twice"}, "bad_submission_id"),
]


@pytest.mark.parametrize("action", ["review", "submit"])
@pytest.mark.parametrize(("problem", "change", "code"), TAMPERED, ids=[t[0] for t in TAMPERED])
def test_a_tampered_form_gets_400_with_a_message_and_stores_nothing(
    client: Client,
    maple_campaign: Campaign,
    oak: District,
    problem: str,
    change: dict[str, str],
    code: str,
    action: str,
) -> None:
    data = {**full_form(client, maple_campaign), **change, "action": action}
    refused = survey_post(client, maple_campaign, data)
    assert refused.status_code == 400
    expected = TEXTS["en"][code].format(item=next(iter(change)))
    assert expected in refused.content.decode()
    assert "Traceback" not in refused.content.decode()
    assert not Response.objects.exists()


def test_a_school_of_another_district_is_tampering(
    client: Client, maple_campaign: Campaign, oak: District
) -> None:
    data = {**full_form(client, maple_campaign), "action": "submit"}
    data["school"] = str(oak.schools.get().pk)
    assert survey_post(client, maple_campaign, data).status_code == 400
    assert not Response.objects.exists()


def test_an_unknown_link_is_a_404_page_that_says_so(client: Client, db: None) -> None:
    page = client.get("/s/not-a-real-token/", HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 404
    assert TEXTS["es"]["unknown_heading"] in page.content.decode()


def test_a_closed_campaign_is_a_410_page_and_takes_no_post(
    client: Client, closed_campaign: Campaign
) -> None:
    page = client.get(f"/s/{closed_campaign.token}/")
    assert page.status_code == 410
    assert TEXTS["en"]["closed_heading"] in page.content.decode()
    posted = survey_post(
        client, closed_campaign, {"role": "teacher", "vision_1": "4", "action": "submit"}
    )
    assert posted.status_code == 410
    assert not Response.objects.exists()


def test_a_campaign_not_open_yet_says_when_it_opens(
    client: Client, future_campaign: Campaign
) -> None:
    page = client.get(f"/s/{future_campaign.token}/?lang=es")
    assert page.status_code == 403
    assert TEXTS["es"]["not_open_heading"] in page.content.decode()
    opens = timezone.localtime(future_campaign.opens_at)
    assert str(opens.year) in page.content.decode()


def test_a_campaign_closed_between_review_and_submit_says_so(
    client: Client, maple_campaign: Campaign
) -> None:
    data = {**full_form(client, maple_campaign), "action": "submit"}
    Campaign.objects.filter(pk=maple_campaign.pk).update(closes_at=timezone.now())
    assert survey_post(client, maple_campaign, data).status_code == 410
    assert not Response.objects.exists()


# --- the leaders' pages ------------------------------------------------------------------------


def test_the_campaign_list_shows_stage_status_and_rate_in_a_fixed_number_of_queries(
    leader_of_maple: Any, maple: District, django_assert_num_queries: Any
) -> None:
    for n in range(4):
        campaign = campaign_of(maple, name=f"Survey {n}", expected_responses=10)
        ResponseFactory.create_batch(n, campaign=campaign)
    client = signed_in(leader_of_maple)
    # 1 session, 2 user, 3 the district (district_for), 4 the campaigns with their response
    # counts, 5 whether the user runs campaigns (a principal's rows link to the results), 6 the
    # districts for the header's switcher, 7 the audit log's row
    with django_assert_num_queries(7):
        page = client.get("/districts/maple-valley/campaigns/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("Planning") == 4
    assert "30%" in html
    assert "Open" in html


def test_a_leader_creates_a_campaign_and_lands_on_its_page(
    leader_of_maple: Any, maple: District
) -> None:
    client = signed_in(leader_of_maple)
    created = client.post(
        "/districts/maple-valley/campaigns/new/",
        {
            "name": "Spring staff survey",
            "opens_at": "2026-03-02T08:00",
            "closes_at": "2026-03-20T17:00",
            "expected_responses": "80",
        },
    )
    campaign = Campaign.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/districts/maple-valley/campaigns/{campaign.pk}/manage/"
    assert campaign.expected_responses == 80
    assert not campaign.exclude_from_benchmarks
    assert campaign.instrument.version == "1"


def test_a_campaign_that_closes_before_it_opens_is_refused_on_the_form(
    leader_of_maple: Any, maple: District
) -> None:
    refused = signed_in(leader_of_maple).post(
        "/districts/maple-valley/campaigns/new/",
        {"name": "Backwards", "opens_at": "2026-03-20T08:00", "closes_at": "2026-03-02T08:00"},
    )
    assert refused.status_code == 200
    assert campaigns.CLOSES_BEFORE_OPENS in refused.content.decode()
    assert not Campaign.objects.exists()


def test_the_manage_page_shows_link_qr_counts_and_rate_with_a_warning_under_half(
    leader_of_maple: Any, maple_campaign: Campaign
) -> None:
    ResponseFactory.create_batch(12, campaign=maple_campaign)
    html = signed_in(leader_of_maple).get(manage_url(maple_campaign)).content.decode()
    assert f"http://testserver/s/{maple_campaign.token}/" in html
    assert f"/campaigns/{maple_campaign.pk}/qr.svg" in html
    assert f"/campaigns/{maple_campaign.pk}/flyer/" in html
    assert '<span id="response-count">12</span>' in html
    assert "30%" in html  # 12 of 40
    assert views.LOW_RESPONSE_WARNING in html
    assert "Stage: Planning" in html


def test_no_warning_at_half_the_expected_responses(
    leader_of_maple: Any, maple_campaign: Campaign
) -> None:
    ResponseFactory.create_batch(20, campaign=maple_campaign)
    html = signed_in(leader_of_maple).get(manage_url(maple_campaign)).content.decode()
    assert "50%" in html
    assert views.LOW_RESPONSE_WARNING not in html


def manage_url(campaign: Campaign) -> str:
    return f"/districts/{campaign.district.slug}/campaigns/{campaign.pk}/manage/"


def test_closing_early_ends_the_survey(
    client: Client, consultant_for_maple_and_oak: Any, maple_campaign: Campaign
) -> None:
    closed = signed_in(consultant_for_maple_and_oak).post(
        f"/districts/maple-valley/campaigns/{maple_campaign.pk}/close/"
    )
    assert closed.status_code == 302
    maple_campaign.refresh_from_db()
    assert maple_campaign.is_closed()
    assert client.get(f"/s/{maple_campaign.token}/").status_code == 410


def test_editing_keeps_the_opening_time_once_responses_arrive(
    leader_of_maple: Any, maple_campaign: Campaign
) -> None:
    ResponseFactory(campaign=maple_campaign)
    opens_at = maple_campaign.opens_at
    new_close = timezone.localtime(maple_campaign.closes_at + dt.timedelta(days=7))
    saved = signed_in(leader_of_maple).post(
        f"/districts/maple-valley/campaigns/{maple_campaign.pk}/edit/",
        {
            "name": "Renamed",
            "opens_at": "2020-01-01T00:00",
            "closes_at": new_close.strftime("%Y-%m-%dT%H:%M"),
            "expected_responses": "50",
            "exclude_from_benchmarks": "on",
        },
    )
    assert saved.status_code == 302
    maple_campaign.refresh_from_db()
    assert maple_campaign.name == "Renamed"
    assert maple_campaign.opens_at == opens_at
    assert maple_campaign.expected_responses == 50
    assert maple_campaign.exclude_from_benchmarks


def test_the_qr_code_is_an_svg_drawn_here(leader_of_maple: Any, maple_campaign: Campaign) -> None:
    qr = signed_in(leader_of_maple).get(
        f"/districts/maple-valley/campaigns/{maple_campaign.pk}/qr.svg"
    )
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<?xml")
    assert b"<svg" in qr.content
    assert b"http" not in qr.content.replace(b"http://www.w3.org/2000/svg", b"")


def test_the_flyer_shows_the_link_in_english_and_spanish(
    leader_of_maple: Any, maple_campaign: Campaign
) -> None:
    html = (
        signed_in(leader_of_maple)
        .get(f"/districts/maple-valley/campaigns/{maple_campaign.pk}/flyer/")
        .content.decode()
    )
    assert f"/s/{maple_campaign.token}/" in html
    assert TEXTS["en"]["heading"] in html
    assert TEXTS["es"]["heading"] in html


def test_the_district_page_links_to_its_campaigns(leader_of_maple: Any, maple: District) -> None:
    html = signed_in(leader_of_maple).get("/districts/maple-valley/").content.decode()
    assert 'href="/districts/maple-valley/campaigns/"' in html


def test_the_page_shares_the_apis_limit_per_address_and_link(
    client: Client, maple_campaign: Campaign, settings: Any
) -> None:
    settings.SURVEY_SUBMIT_RATE = "1/hour"
    first = {**full_form(client, maple_campaign), "action": "submit"}
    second = {**full_form(client, maple_campaign), "action": "submit"}
    assert survey_post(client, maple_campaign, first).status_code == 303
    waited = survey_post(client, maple_campaign, second)
    assert waited.status_code == 429
    assert TEXTS["en"]["too_many_requests_body"] in waited.content.decode()
    assert Response.objects.count() == 1


def survey_msgids() -> list[str]:
    """Every English msgid of the Spanish catalog that a survey source uses, translated or not."""
    import polib

    from journeys.catalogs import LOCALE_DIR

    sources = ("surveys/texts.py", "templates/surveys/")
    return [
        text
        for entry in polib.pofile(str(LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po"))
        if any(path.startswith(sources) for path, _ in entry.occurrences)
        for text in (entry.msgid, entry.msgid_plural)
        if text and text != entry.msgstr
    ]


@pytest.mark.parametrize("step", ["form", "review", "thanks"])
def test_the_spanish_survey_has_no_english_left(
    client: Client, maple_campaign: Campaign, step: str
) -> None:
    from surveys import instrument_v1
    from tests.surveys.words import ROLE_TEXTS

    url = f"/s/{maple_campaign.token}/?lang=es"
    if step == "form":
        html = client.get(url).content.decode()
    elif step == "review":
        data = {**full_form(client, maple_campaign), "lang": "es", "vision_1": "dk"}
        html = survey_post(client, maple_campaign, {**data, "action": "review"}).content.decode()
    else:
        html = client.get(f"/s/{maple_campaign.token}/thanks/?lang=es").content.decode()
    english = [
        *(text for key, text in TEXTS["en"].items() if text != TEXTS["es"][key]),
        *ROLE_TEXTS["en"].values(),
        *(item["text"]["en"] for item in instrument_v1.DEFINITION["items"]),
        *(point["label"]["en"] for point in instrument_v1.DEFINITION["scale"]),
        instrument_v1.DEFINITION["no_answer_label"]["en"],
        *survey_msgids(),
    ]
    # The longest literal part of each text; short words ("School") also occur in school names.
    fragments = [max(re.split(r"\{\w+\}|%\(\w+\)s", text), key=len).strip() for text in english]
    left = [fragment for fragment in fragments if len(fragment) >= 8 and fragment in html]
    assert left == [], left


@pytest.mark.parametrize("spelled", [" {pk}", "{pk} ", "+{pk}", "{arabic}"])
def test_a_schools_id_spelled_as_no_page_spells_it_is_tampering(
    client: Client, maple_campaign: Campaign, spelled: str
) -> None:
    school = maple_campaign.district.schools.get(name="Maple High School")
    arabic = str(school.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    data = {**full_form(client, maple_campaign), "action": "submit"}
    data["school"] = spelled.format(pk=school.pk, arabic=arabic)
    assert survey_post(client, maple_campaign, data).status_code == 400
    assert not Response.objects.exists()
