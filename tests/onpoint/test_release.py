"""Method 1.1 through the pages, the CSV and the API: results are released when a campaign
closes and never before, and a school minus a role never isolates one person.

The clock is pinned so stages and "closed" hold on any day.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any, cast

import pytest
import time_machine
from django.urls import reverse

from districts.models import District, School
from onpoint import benchmark_rebuild, charts, rescore
from onpoint.exports import PARTICIPATION_COLUMNS
from onpoint.method.structure import REASON_COMPLEMENTARY
from onpoint.models import CampaignResult, GroupScore
from surveys.campaigns import CLOSED_DATES_LOCKED
from surveys.models import Campaign
from tests.clients import signed_in
from tests.factories import SchoolFactory
from tests.onpoint.builders import campaign_of, store
from tests.onpoint.pages_world import (
    closed_campaign,
    item_scores,
    launched_for,
    peer_districts,
    scored,
)

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"
# Every score of a response answering so is 8.333...: a value no page shows for anything else.
TELLTALE = item_scores(0, 0, 25)
TELLTALE_SHOWN = ("8.3", "8.33", "8.333")


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def urls(campaign: Campaign) -> dict[str, str]:
    kwargs = {"slug": campaign.district.slug, "campaign_id": campaign.pk}
    return {
        "page": reverse("campaign_dashboard", kwargs=kwargs),
        "csv": reverse("campaign_scores_csv", kwargs=kwargs),
        "api": f"/api/v1/campaigns/{campaign.pk}/scores/",
        "close": reverse("campaign_close", kwargs=kwargs),
        "edit": reverse("campaign_edit", kwargs=kwargs),
    }


def telltales(text: str) -> list[str]:
    return [
        shown for shown in TELLTALE_SHOWN if re.search(rf"(?<![\d.]){re.escape(shown)}(?!\d)", text)
    ]


def year_1(district: District) -> District:
    district.launch_date = launched_for("year_1")
    district.save(update_fields=["launch_date"])
    return district


# --- release at close ---------------------------------------------------------------------------


def test_an_open_campaign_shows_counts_only_until_close_now_releases_its_scores(
    maple: District, leader_of_maple: Any, django_capture_on_commit_callbacks: Any
) -> None:
    year_1(maple)
    elementary = School.objects.get(district=maple, name="Maple Elementary")
    School.objects.filter(pk=elementary.pk).update(expected_responses=8)
    campaign = campaign_of(maple, name="Open survey", expected_responses=20)
    store(campaign, [(TELLTALE, "teacher", elementary)] * 6 + [(TELLTALE, "coach", None)] * 5)
    rescore.campaign_rescore(campaign=campaign)  # as the sweep or a stray task would
    client = signed_in(leader_of_maple)
    where = urls(campaign)

    page = client.get(where["page"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "Results come when the campaign closes" in text
    assert "Close now and see the results" in text
    assert 'type="application/json"' not in text  # no chart figure at all
    assert telltales(text) == []
    assert re.search(r"Maple Elementary</th>\s*<td[^>]*>6</td>\s*<td[^>]*>8</td>", text)
    assert "55%" in text  # 11 of 20 expected

    rows = list(csv.reader(io.StringIO(client.get(where["csv"]).content.decode())))
    assert rows[0] == list(PARTICIPATION_COLUMNS)
    assert rows[1] == ["(whole campaign)", "11", "20", "55.0"]
    assert telltales(client.get(where["csv"]).content.decode()) == []

    body = client.get(where["api"]).json()
    assert body["released"] is False
    assert body["scores"] is None
    assert body["n_responses"] == 11
    assert not GroupScore.objects.filter(campaign=campaign).exists()

    with django_capture_on_commit_callbacks(execute=True):
        closed = client.post(where["close"], {"next": "results"})
    assert closed.status_code == 302
    assert closed["Location"] == where["page"]

    released = client.get(where["page"]).content.decode()
    assert "Results come when" not in released
    assert 'type="application/json"' in released
    body = client.get(where["api"]).json()
    assert body["released"] is True
    assert body["scores"]["onpoint"]["value"] == 8.3
    assert "8.3" in client.get(where["csv"]).content.decode()


def test_a_closed_campaign_whose_scores_are_not_stored_yet_says_they_are_being_prepared(
    maple: District, leader_of_maple: Any
) -> None:
    campaign = closed_campaign(year_1(maple), name="Just closed")
    store(campaign, [(TELLTALE, "teacher", None)] * 6)
    client = signed_in(leader_of_maple)

    text = client.get(urls(campaign)["page"]).content.decode()

    assert "The results are being prepared" in text
    assert telltales(text) == []


def test_a_closed_campaign_cannot_reopen_from_its_edit_form(
    maple: District, leader_of_maple: Any
) -> None:
    campaign = closed_campaign(year_1(maple), name="Closed")
    before = (campaign.opens_at, campaign.closes_at)
    client = signed_in(leader_of_maple)
    page = client.get(urls(campaign)["edit"]).content.decode()
    assert re.search(r'name="closes_at"[^>]*disabled', page)

    client.post(
        urls(campaign)["edit"],
        {"name": "Renamed", "opens_at": "2026-11-01T08:00", "closes_at": "2027-01-01T08:00"},
    )

    campaign.refresh_from_db()
    assert campaign.name == "Renamed"
    assert (campaign.opens_at, campaign.closes_at) == before
    assert "cannot reopen" in CLOSED_DATES_LOCKED


def test_the_journey_map_and_compare_ignore_an_open_campaign(
    maple: District, leader_of_maple: Any, consultant_for_maple_and_oak: Any
) -> None:
    year_1(maple)
    released = scored(
        closed_campaign(maple, name="Released survey", expected_responses=10),
        [(item_scores(50, 50, 50), "teacher", None)] * 6,
    )
    peer_districts(5)
    benchmark_rebuild.benchmarks_rebuild()
    newer = campaign_of(maple, name="Newer open survey")
    store(newer, [(TELLTALE, "teacher", None)] * 7)

    journey = signed_in(leader_of_maple).get(reverse("district", kwargs={"slug": maple.slug}))
    text = journey.content.decode()
    assert f'From <a href="{urls(released)["page"]}">Released survey</a>' in text
    assert "7 responses so far" in text
    assert telltales(text) == []

    compare = signed_in(consultant_for_maple_and_oak).get(reverse("compare")).content.decode()
    row = re.search(r"Maple Valley School District</a></th>(.*?)</tr>", compare, re.S)
    assert row is not None
    assert "Released survey" in row.group(1)
    assert "Newer open survey" not in row.group(1)


def test_p_is_the_latest_earlier_closed_campaign_never_one_still_open(maple: District) -> None:
    year_1(maple)
    earlier = scored(
        closed_campaign(maple, days_ago=60, name="Earlier"),
        [(item_scores(50, 50, 50), "teacher", None)] * 5,
    )
    still_open = campaign_of(maple, name="Still open", opens_at=earlier.closes_at)
    store(still_open, [(item_scores(100, 100, 100), "teacher", None)] * 5)
    later = scored(
        closed_campaign(maple, days_ago=20, name="Later"),
        [(item_scores(75, 75, 75), "teacher", None)] * 5,
    )
    assert still_open.opens_at < later.opens_at

    rescore.campaign_rescore(campaign=later)

    assert CampaignResult.objects.get(campaign=later).previous_campaign_id == earlier.pk


# --- across breakdowns: the method's principal --------------------------------------------------


def test_the_principal_of_school_b_is_hidden_in_the_api_the_csv_and_the_dashboard(
    maple: District, leader_of_maple: Any
) -> None:
    """Method 1.1, section 4: school B holds 10 teachers and its principal, and they are all
    the campaign's teachers. Version 1 showed B and the teachers; B x 11 - teachers x 10 was
    the principal's answer."""
    year_1(maple)
    birch = cast(School, SchoolFactory(district=maple, name="Birch Elementary"))
    aspen = cast(School, SchoolFactory(district=maple, name="Aspen Middle"))
    principal = item_scores(0, 0, 25)  # 8.333 everywhere: the one answer that must not show
    campaign = scored(
        closed_campaign(maple, name="Principal survey"),
        [(item_scores(100, 100, 100), "teacher", birch)] * 10
        + [(principal, "school_leader", birch)]
        + [(item_scores(50, 50, 50), "coach", aspen)] * 6,
    )
    client = signed_in(leader_of_maple)
    where = urls(campaign)

    body = client.get(where["api"]).json()
    schools = {group["school"]: group["scores"] for group in body["by_school"]}
    roles = {group["role"]: group["scores"] for group in body["by_role"]}
    assert schools["Birch Elementary"]["strategy"]["reported"] is True
    assert roles["teacher"]["strategy"] == {
        "value": None,
        "n": 10,
        "reported": False,
        "reason": REASON_COMPLEMENTARY,
    }
    for role in roles.values():
        assert all(score["value"] is None for score in role.values())

    download = client.get(where["csv"]).content.decode()
    for row in csv.DictReader(io.StringIO(download)):
        if row["section"] == "role":
            assert row["value"] == "", row
    assert telltales(download) == []

    # The dashboard's alignment chart draws no role at all: every role gave way.
    page = client.get(where["page"]).content.decode()
    assert telltales(page) == []
    alignment = re.search(r'id="chart-alignment-figure"[^>]*>(.*?)</script>', page, re.S)
    assert alignment is not None
    assert '"Teacher"' not in alignment.group(1) or '"x": []' in alignment.group(1)
    assert charts.SUPPRESSED_COMPLEMENTARY in page
