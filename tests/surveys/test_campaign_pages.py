"""A campaign's own pages guide the leader (issue 14): manage and results link each other, no
answer yet is said in words, a second campaign open at once in the same stage is asked about
first, each school's response rate shows while the campaign runs, and dates are entered and
shown in the district's time zone. Text that changed is checked in English and Spanish.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from districts.models import District, School
from surveys import views
from surveys.models import Campaign
from tests.factories import DistrictFactory, ResponseFactory
from tests.surveys.conftest import campaign_of

pytestmark = pytest.mark.django_db

# A Tuesday in November (Pacific standard time, UTC-8), so "now" is fixed for every test.
NOW = "2026-11-17 18:00:00+00:00"
LANGUAGES = ["en", "es"]
PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def signed_in(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def manage_url(campaign: Campaign) -> str:
    return reverse("campaign_manage", args=[campaign.district.slug, campaign.pk])


def results_url(campaign: Campaign) -> str:
    return reverse("campaign_dashboard", args=[campaign.district.slug, campaign.pk])


def text_of(response: Any) -> str:
    body = re.sub(r"<script\b.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).replace("&#x27;", "'").split())


# What the pages say, by language (the Spanish from the apps' catalogs, surveys/locale and
# onpoint/locale).
SAYS = {
    "en": {
        "see_results": "See the results",
        "results_page": "Results page",
        "no_answers": "No answers yet",
        "by_school": "Responses by school",
        "create_anyway": "Create it anyway",
        "overlap": "Another campaign of this district is open at the same time, in the same stage.",
        "times": "Times are in Pacific time (America/Los_Angeles), the district's time zone.",
        "saved": "Expected responses by school saved.",
    },
    "es": {
        "see_results": "Ver los resultados",
        "results_page": "Página de resultados",
        "no_answers": "Todavía no hay respuestas",
        "by_school": "Respuestas por escuela",
        "create_anyway": "Crearla de todos modos",
        "overlap": "Otra campaña de este distrito está abierta al mismo tiempo, en la misma etapa.",
        "times": "Las horas se indican en la zona horaria del distrito: Pacific "
        "(America/Los_Angeles).",
        "saved": "Respuestas esperadas por escuela guardadas.",
    },
}


# --- manage and results link each other ------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_manage_links_to_the_results_and_the_results_to_manage(
    maple_campaign: Campaign, closed_campaign: Campaign, leader_of_maple: Any, language: str
) -> None:
    client = signed_in(leader_of_maple, language)
    says = SAYS[language]
    open_page = client.get(manage_url(maple_campaign)).content.decode()
    assert f'id="results-link" href="{results_url(maple_campaign)}"' in open_page
    assert says["results_page"] in open_page
    closed_page = client.get(manage_url(closed_campaign)).content.decode()
    assert f'id="results-link" href="{results_url(closed_campaign)}"' in closed_page
    assert says["see_results"] in closed_page
    # And back: the results page of an open campaign links to its manage page.
    waiting = client.get(results_url(maple_campaign)).content.decode()
    assert f'href="{manage_url(maple_campaign)}"' in waiting


# --- no answer yet -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_campaign_with_no_answer_yet_says_so_and_waits_to_warn(
    maple_campaign: Campaign, leader_of_maple: Any, language: str
) -> None:
    client = signed_in(leader_of_maple, language)
    manage = client.get(manage_url(maple_campaign)).content.decode()
    assert f'id="no-answers-yet">{SAYS[language]["no_answers"]}<' in manage
    assert 'id="response-count"' not in manage
    assert views.LOW_RESPONSE_WARNING not in manage  # 0 of 40 is not "fewer than half" yet
    waiting = client.get(results_url(maple_campaign)).content.decode()
    assert f'id="no-answers-yet">{SAYS[language]["no_answers"]}<' in waiting

    ResponseFactory(campaign=maple_campaign)
    answered = client.get(manage_url(maple_campaign)).content.decode()
    assert '<span id="response-count">1</span>' in answered
    assert SAYS[language]["no_answers"] not in answered
    assert views.LOW_RESPONSE_WARNING in answered  # 1 of 40


# --- a second campaign at the same time, in the same stage ------------------------------------


def _new(client: Client, **fields: str) -> Any:
    return client.post(
        reverse("campaign_new", args=["maple-valley"]),
        {"name": "Second survey", "expected_responses": "30", **fields},
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_campaign_open_at_the_same_time_in_the_same_stage_asks_first(
    maple: District, leader_of_maple: Any, language: str
) -> None:
    first = campaign_of(
        maple,
        name="First survey",
        opens_at=dt.datetime(2026, 12, 1, 8, tzinfo=PACIFIC),
        closes_at=dt.datetime(2026, 12, 15, 17, tzinfo=PACIFIC),
    )
    client = signed_in(leader_of_maple, language)
    asked = _new(client, opens_at="2026-12-10T08:00", closes_at="2026-12-20T17:00")
    assert asked.status_code == 200
    page = asked.content.decode()
    assert SAYS[language]["overlap"] in page
    assert 'name="create_anyway"' in page
    assert SAYS[language]["create_anyway"] in page
    # The other campaign, with its dates in the district's zone, and the answers kept.
    assert f'href="{manage_url(first)}">First survey</a>' in page
    assert "08:00" in page
    assert 'value="Second survey"' in page
    assert Campaign.objects.count() == 1

    created = _new(
        client, opens_at="2026-12-10T08:00", closes_at="2026-12-20T17:00", create_anyway="on"
    )
    assert created.status_code == 302
    assert Campaign.objects.count() == 2


def test_campaigns_that_do_not_overlap_or_differ_in_stage_are_created_without_asking(
    leader_of_maple: Any, maple: District
) -> None:
    maple.launch_date = dt.date(2027, 7, 1)  # Year 1 starts with the next school year
    maple.save(update_fields=["launch_date"])
    campaign_of(
        maple,
        name="June survey",
        opens_at=dt.datetime(2027, 6, 20, 8, tzinfo=PACIFIC),
        closes_at=dt.datetime(2027, 7, 20, 17, tzinfo=PACIFIC),
    )
    client = signed_in(leader_of_maple)
    # After it closes: no question.
    assert (
        _new(client, opens_at="2027-07-21T08:00", closes_at="2027-08-01T17:00").status_code == 302
    )
    # At the same time, but in Year 1 while the other is in Planning: no question either.
    assert (
        _new(client, opens_at="2027-07-02T08:00", closes_at="2027-07-10T17:00").status_code == 302
    )
    assert Campaign.objects.count() == 3


# --- each school's response rate while the campaign runs ---------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_manage_page_shows_each_schools_count_and_rate_while_the_campaign_runs(
    maple_campaign: Campaign, leader_of_maple: Any, language: str
) -> None:
    schools = {school.name: school for school in maple_campaign.district.schools.all()}
    School.objects.filter(pk=schools["Maple Elementary"].pk).update(expected_responses=8)
    ResponseFactory.create_batch(6, campaign=maple_campaign, school=schools["Maple Elementary"])
    ResponseFactory.create_batch(2, campaign=maple_campaign, school=schools["Maple High School"])
    ResponseFactory(campaign=maple_campaign, school=None)
    page = signed_in(leader_of_maple, language).get(manage_url(maple_campaign)).content.decode()
    assert SAYS[language]["by_school"] in page
    rows = re.findall(r'<tr>\s*<th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S)
    cells = {name: re.findall(r'<td class="num">(.*?)</td>', row) for name, row in rows}
    assert cells["Maple Elementary"][:3] == ["6", "8", "75%"]
    assert cells["Maple High School"][0] == "2"
    assert "Maple High School" in cells
    assert len(cells) == 3  # the two schools and the responses that named none


def test_a_leader_sets_each_schools_expected_responses(
    maple_campaign: Campaign, leader_of_maple: Any, oak: District
) -> None:
    schools = {school.name: school for school in maple_campaign.district.schools.all()}
    oak_school = oak.schools.get()
    client = signed_in(leader_of_maple)
    saved = client.post(
        reverse("campaign_schools_expected", args=["maple-valley", maple_campaign.pk]),
        {
            f"school_{schools['Maple Elementary'].pk}": "25",
            f"school_{schools['Maple High School'].pk}": "",
            f"school_{oak_school.pk}": "99",
        },
        follow=True,
    )
    assert SAYS["en"]["saved"] in saved.content.decode()
    assert School.objects.get(pk=schools["Maple Elementary"].pk).expected_responses == 25
    assert School.objects.get(pk=schools["Maple High School"].pk).expected_responses is None
    assert School.objects.get(pk=oak_school.pk).expected_responses is None  # not Maple's
    refused = client.post(
        reverse("campaign_schools_expected", args=["maple-valley", maple_campaign.pk]),
        {f"school_{schools['Maple Elementary'].pk}": "0"},
        follow=True,
    )
    assert "greater than or equal to 1" in refused.content.decode()
    assert School.objects.get(pk=schools["Maple Elementary"].pk).expected_responses == 25


def test_a_closed_campaigns_manage_page_has_no_counts_by_school(
    closed_campaign: Campaign, leader_of_maple: Any
) -> None:
    page = signed_in(leader_of_maple).get(manage_url(closed_campaign)).content.decode()
    assert SAYS["en"]["by_school"] not in page
    assert "campaign_schools_expected" not in page


def test_the_manage_page_reads_a_fixed_number_of_queries(
    maple_campaign: Campaign, leader_of_maple: Any, django_assert_num_queries: Any
) -> None:
    client = signed_in(leader_of_maple)
    # 1 session, 2 user, 3 the district (district_for), 4 the campaign with its district and
    # instrument, 5 the counts by school and 6 the district's schools (participation), 7 the
    # schools of the expected-responses form, 8 the districts for the header's switcher, 9 the
    # audit log's row, 10 whether the user leads the district (the staff comments link, issue 16),
    # 11 whether the user runs the district's campaigns (a principal does not, issue 15), 12 the
    # invitation tallies with their schools (none: nothing more about invitations)
    with django_assert_num_queries(12):
        client.get(manage_url(maple_campaign))
    for index in range(5):
        school = School.objects.create(district=maple_campaign.district, name=f"School {index}")
        ResponseFactory.create_batch(2, campaign=maple_campaign, school=school)
    with django_assert_num_queries(12):
        client.get(manage_url(maple_campaign))


# --- time zones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [("2026-03-02", 16), ("2026-09-14", 15)],  # Pacific standard time, then daylight time
    ids=["winter", "summer"],
)
def test_a_campaign_created_at_0800_in_a_pacific_district_opens_at_0800_pacific(
    maple: District, leader_of_maple: Any, day: str, utc_hour: int
) -> None:
    assert maple.time_zone == "America/Los_Angeles"  # Oregon's, by default
    client = signed_in(leader_of_maple)
    created = _new(client, opens_at=f"{day}T08:00", closes_at=f"{day}T17:00")
    assert created.status_code == 302
    campaign = Campaign.objects.get()
    # Stored in UTC: 08:00 Pacific is 16:00 UTC in winter and 15:00 UTC in summer.
    assert campaign.opens_at.astimezone(dt.UTC).hour == utc_hour
    assert campaign.opens_at.astimezone(PACIFIC).time() == dt.time(8, 0)
    # And shown as it was entered, on its page and in its form.
    manage = client.get(manage_url(campaign)).content.decode()
    assert f"{dt.date.fromisoformat(day):%b} {int(day[-2:])}, 2026 08:00" in manage
    edit = client.get(reverse("campaign_edit", args=["maple-valley", campaign.pk]))
    assert f'value="{day}T08:00"' in edit.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_campaign_form_names_the_districts_time_zone(
    maple: District, leader_of_maple: Any, language: str
) -> None:
    page = signed_in(leader_of_maple, language).get(reverse("campaign_new", args=["maple-valley"]))
    assert SAYS[language]["times"] in text_of(page)
    # The suggested opening is now, in the district's zone: 10:00 Pacific.
    assert 'name="opens_at" value="2026-11-17T10:00"' in page.content.decode()


def test_a_new_district_takes_its_states_time_zone_unless_one_is_chosen(staff_user: Any) -> None:
    from districts.services import district_create

    assert district_create(name="Austin", state="tx").time_zone == "America/Chicago"
    assert district_create(name="Honolulu", state="HI").time_zone == "Pacific/Honolulu"
    chosen = district_create(name="El Paso", state="TX", time_zone="America/Denver")
    assert chosen.time_zone == "America/Denver"
    # Through the API too, with the zone in its answer.
    client = Client()
    client.force_login(staff_user)
    made = client.post(
        "/api/v1/districts/", {"name": "Boise", "state": "ID"}, content_type="application/json"
    )
    assert made.status_code == 201
    assert made.json()["time_zone"] == "America/Denver"
    refused = client.post(
        "/api/v1/districts/",
        {"name": "Nowhere", "state": "ID", "time_zone": "Europe/Paris"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "time_zone" in refused.json()


def test_a_district_stored_without_a_zone_reads_as_its_states(db: None) -> None:
    district = cast(District, DistrictFactory(state="NY", time_zone=""))
    assert district.time_zone_name == "America/New_York"
    assert district.time_zone_label == "Eastern"


def test_the_stage_is_read_in_the_projects_zone_whatever_zone_a_page_shows(
    maple: District,
) -> None:
    """The method's instants do not change: a campaign opening at 20:00 Pacific on June 30 is
    July 1 in UTC (TIME_ZONE), so it belongs to the new school year, on every page."""
    maple.launch_date = dt.date(2026, 7, 1)
    maple.save(update_fields=["launch_date"])
    campaign = campaign_of(
        maple,
        opens_at=dt.datetime(2026, 6, 30, 20, tzinfo=PACIFIC),
        closes_at=dt.datetime(2026, 7, 10, 20, tzinfo=PACIFIC),
    )
    assert campaign.stage == "year_1"
    with timezone.override(maple.zone):
        assert campaign.opens_on == dt.date(2026, 7, 1)
        assert campaign.stage == "year_1"


def test_the_survey_says_when_it_opens_in_the_districts_zone(
    maple: District, client: Client
) -> None:
    # 07:00 UTC on December 2 is still December 1 in Oregon.
    later = campaign_of(
        maple,
        opens_at=dt.datetime(2026, 12, 2, 7, tzinfo=dt.UTC),
        closes_at=dt.datetime(2026, 12, 20, tzinfo=dt.UTC),
    )
    page = client.get(f"/s/{later.token}/").content.decode()
    assert "It opens on Dec. 1, 2026." in page


def test_the_migration_fills_each_district_zone_from_its_state(db: None) -> None:
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from districts.models import STATE_TIME_ZONES

    migration = importlib.import_module("districts.migrations.0003_district_time_zone")
    # Its own copy of the map is the model's as it stood.
    assert migration.STATE_TIME_ZONES == STATE_TIME_ZONES
    alaska = cast(District, DistrictFactory(state="AK", time_zone=""))
    chosen = cast(District, DistrictFactory(state="TX", time_zone="America/Denver"))
    migration._zones_from_states(apps, SimpleNamespace(connection=connection))
    alaska.refresh_from_db()
    chosen.refresh_from_db()
    assert alaska.time_zone == "America/Anchorage"
    assert chosen.time_zone == "America/Denver"


def test_the_campaign_pages_show_dates_in_the_districts_zone(
    maple: District, leader_of_maple: Any
) -> None:
    # 07:00 UTC on December 2 is 23:00 on December 1 in Oregon.
    later = campaign_of(
        maple,
        name="December survey",
        opens_at=dt.datetime(2026, 12, 2, 7, tzinfo=dt.UTC),
        closes_at=dt.datetime(2026, 12, 20, 7, tzinfo=dt.UTC),
    )
    client = signed_in(leader_of_maple)
    for url in (
        results_url(later),
        manage_url(later),
        reverse("campaign_list", args=["maple-valley"]),
        reverse("district", args=["maple-valley"]),
    ):
        text = text_of(client.get(url))
        assert "Dec 1, 2026" in text, url
        assert "Dec 2, 2026" not in text, url


def test_the_new_campaign_form_reads_a_fixed_number_of_queries(
    maple: District, leader_of_maple: Any, django_assert_num_queries: Any
) -> None:
    for index in range(3):
        campaign_of(
            maple,
            name=f"Survey {index}",
            opens_at=dt.datetime(2026, 12, 1 + index, 8, tzinfo=PACIFIC),
            closes_at=dt.datetime(2026, 12, 15, 17, tzinfo=PACIFIC),
        )
    client = signed_in(leader_of_maple)
    # 1 session, 2 user, 3 the district (district_for), 4 whether the user runs its campaigns (a
    # principal does not, issue 15), 5 the districts for the header's switcher, 6 the audit log's
    # row
    with django_assert_num_queries(6):
        client.get(reverse("campaign_new", args=["maple-valley"]))
    # Asking first: 1 session, 2 user, 3 the district, 4 whether the user runs its campaigns, 5-7
    # the form's check that the campaign closes after it opens (the model's constraint, in a
    # savepoint), 8-10 its check that the link mode is shared, personal or both (issue 15), 11 the
    # campaigns open at the same time with their district (campaigns_overlapping: one query for
    # the three), 12 the switcher
    with django_assert_num_queries(12):
        asked = _new(client, opens_at="2026-12-10T08:00", closes_at="2026-12-20T17:00")
    assert asked.status_code == 200
    assert asked.content.decode().count("Survey ") >= 3
