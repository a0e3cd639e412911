"""The consultant's portfolio and compare as a consultant uses them (issue 16): the latest
released campaign (an empty new campaign changes nothing), the change since the campaign released
before it, the stale flag, an open campaign's response rate, the scatter's named markers, and
query counts that do not grow with the districts.

The clock is pinned to 2026-11-20.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from districts.models import AuditEvent, District
from onpoint import benchmark_rebuild, charts, compare_selectors
from onpoint.models import GroupScore
from surveys.models import Campaign
from tests.clients import signed_in
from tests.factories import UserFactory
from tests.onpoint.builders import campaign_of, store, uniform
from tests.onpoint.pages_world import peer_districts, scored

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def released(owner: District, *, days_ago: int, sheets: list[Any], name: str = "") -> Campaign:
    """A campaign opened `days_ago` days ago, closed ten days later, scored."""
    opens_at = timezone.now() - dt.timedelta(days=days_ago)
    campaign = campaign_of(
        owner,
        opens_at=opens_at,
        closes_at=opens_at + dt.timedelta(days=10),
        name=name or f"Survey {days_ago} days ago",
        expected_responses=10,
    )
    return scored(campaign, sheets)


def teachers(value: int, n: int = 5) -> list[Any]:
    return [(uniform(value), "teacher", None)] * n


def compare_row(client: Client, district: District) -> str:
    page = client.get(reverse("compare")).content.decode()
    for row in re.findall(r"<tr[^>]*>.*?</tr>", page, re.S):
        if f">{district.name}</a></th>" in row:
            return str(row)
    raise AssertionError(f"{district.name} has no row")


def onpoint_of(campaign: Campaign) -> float:
    value = GroupScore.objects.get(campaign=campaign, breakdown=GroupScore.Breakdown.WHOLE).onpoint
    assert value is not None
    return value


# --- compare uses the latest released campaign ------------------------------------------------


@pytest.mark.parametrize("when", ["open now", "opening next week", "closed, not scored yet"])
def test_compare_keeps_a_districts_row_when_an_empty_campaign_opens(
    consultant_for_maple_and_oak: Any, maple: District, when: str
) -> None:
    spring = released(maple, days_ago=60, sheets=teachers(4), name="Maple spring")
    client = signed_in(consultant_for_maple_and_oak)
    before = compare_row(client, maple)
    assert "Maple spring" in before
    assert ">75</td>" in before

    now = timezone.now()
    opens_at, closes_at = {
        "open now": (now - dt.timedelta(hours=1), now + dt.timedelta(days=14)),
        "opening next week": (now + dt.timedelta(days=7), now + dt.timedelta(days=21)),
        "closed, not scored yet": (now - dt.timedelta(days=3), now - dt.timedelta(minutes=1)),
    }[when]
    campaign_of(maple, opens_at=opens_at, closes_at=closes_at, name="Maple empty")

    after = compare_row(client, maple)
    assert after == before
    assert "Maple empty" not in after
    rows = compare_selectors.compare_rows(
        districts=list(
            compare_selectors.compare_queryset(
                districts=District.objects.filter(pk=maple.pk),
                now=timezone.now(),
                today=timezone.localdate(),
            )
        ),
        today=timezone.localdate(),
    )
    assert rows[0].latest is not None
    assert rows[0].latest.campaign == spring
    # The chart keeps its point too.
    chart = figure(client.get(reverse("compare")), "chart-districts-figure")
    assert any("Maple Valley" in text for text in hover_texts(chart))


def test_the_change_equals_the_difference_of_the_two_released_scores(
    consultant_for_maple_and_oak: Any, maple: District, oak: District
) -> None:
    fall = released(maple, days_ago=200, sheets=teachers(3))  # 50
    spring = released(maple, days_ago=40, sheets=teachers(4) + teachers(2, 1))  # 66.667
    # An open campaign with answers in changes nothing either.
    store(campaign_of(maple, name="Maple open"), teachers(1, 6))
    released(oak, days_ago=40, sheets=teachers(4))  # one campaign: no change

    rows = compare_selectors.compare_rows(
        districts=list(
            compare_selectors.compare_queryset(
                districts=District.objects.all(),
                now=timezone.now(),
                today=timezone.localdate(),
                sort="change",
                descending=True,
            )
        ),
        today=timezone.localdate(),
    )
    by_name = {row.district.name: row for row in rows}
    maple_row = by_name[maple.name]
    assert maple_row.change == onpoint_of(spring) - onpoint_of(fall)
    assert maple_row.change == pytest.approx(16.6667, abs=1e-3)
    assert maple_row.previous is not None
    assert maple_row.previous.campaign == fall
    assert by_name[oak.name].change is None
    assert [row.district for row in rows] == [maple, oak]  # by change, NULL last

    client = signed_in(consultant_for_maple_and_oak)
    row = compare_row(client, maple)
    assert 'data-label="Change"><span class="change">+17</span>' in row
    assert f"since {fall.name}" in row
    portfolio = client.get(reverse("portfolio")).content.decode()
    assert '<span class="change">+17</span>' in portfolio


def test_a_fall_shows_with_a_minus_sign_and_a_suppressed_previous_score_gives_no_change(
    consultant_for_maple_and_oak: Any, maple: District, oak: District
) -> None:
    released(maple, days_ago=200, sheets=teachers(4))
    released(maple, days_ago=40, sheets=teachers(2))
    released(oak, days_ago=200, sheets=teachers(4, 4))  # 4 responses: suppressed
    released(oak, days_ago=40, sheets=teachers(2))
    client = signed_in(consultant_for_maple_and_oak)
    assert '<span class="change">\u221250</span>' in compare_row(client, maple)
    oak_row = compare_row(client, oak)
    assert 'class="change"' not in oak_row
    assert charts.change_text(None) in oak_row


def test_results_over_18_months_old_are_flagged_stale(
    consultant_for_maple_and_oak: Any, maple: District, oak: District
) -> None:
    # Maple's closed 19 months ago, Oak's 17 months ago.
    released(maple, days_ago=19 * 31 + 10, sheets=teachers(4))
    released(oak, days_ago=17 * 30 + 10, sheets=teachers(4))
    client = signed_in(consultant_for_maple_and_oak)
    assert 'Stale<span class="visually-hidden">: over 18 months old' in compare_row(client, maple)
    assert "Stale" not in compare_row(client, oak)
    cards = portfolio_cards(client)
    assert "Stale: over 18 months old" in cards[maple.name]
    assert "Stale" not in cards[oak.name]


def test_months_before_counts_calendar_months() -> None:
    assert compare_selectors.months_before(dt.date(2026, 11, 20), 18) == dt.date(2025, 5, 20)
    assert compare_selectors.months_before(dt.date(2026, 8, 31), 18) == dt.date(2025, 2, 28)
    assert compare_selectors.months_before(dt.date(2025, 8, 31), 18) == dt.date(2024, 2, 29)
    assert compare_selectors.months_before(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)


# --- the portfolio ------------------------------------------------------------------------------


def portfolio_cards(client: Client) -> dict[str, str]:
    """Each card of the portfolio page, by district name."""
    page = client.get(reverse("portfolio")).content.decode()
    listing = page.split('<ul class="portfolio">', 1)[1].split('<p class="legend-note">', 1)[0]
    found = {}
    for card in listing.split('<li class="portfolio-card card')[1:]:
        name = re.search(r'<h2 class="portfolio-card__name"><a [^>]*>([^<]+)</a>', card)
        assert name is not None
        found[name.group(1)] = card
    return found


def test_a_consultant_lands_on_the_portfolio_of_their_districts(
    consultant_for_maple_and_oak: Any, maple: District, oak: District, birch: District
) -> None:
    maple.launch_date = dt.date(2025, 8, 20)  # Year 2
    maple.save(update_fields=["launch_date"])
    released(maple, days_ago=200, sheets=teachers(3))
    released(maple, days_ago=40, sheets=teachers(4))
    peer_districts(4, stage="year_2")
    benchmark_rebuild.benchmarks_rebuild()
    open_survey = campaign_of(maple, name="Maple fall pulse", expected_responses=10)
    store(open_survey, teachers(1, 3))

    client = signed_in(consultant_for_maple_and_oak)
    landing = client.get("/")
    assert landing.status_code == 302
    assert landing["Location"] == reverse("portfolio")
    cards = portfolio_cards(client)
    assert set(cards) == {maple.name, oak.name}  # not Birch, not the peers

    card = cards[maple.name]
    assert ">Year 2</span>" in card
    assert 'class="portfolio-card__score">75</dd>' in card
    assert "percentile" in card
    assert '<span class="change">+25</span>' in card
    assert card.count('class="badge badge--') >= 4  # the four landmark chips (and the stage)
    # The open survey: its count and rate, no score.
    assert "Maple fall pulse</a>: 3 responses, 30% of 10 expected" in card
    assert "No released results yet." in cards[oak.name]
    # A read of district data: audited like compare.
    assert AuditEvent.objects.filter(path="/portfolio/", username="consultant").exists()


def test_a_leader_of_one_district_still_lands_on_its_journey_map(
    leader_of_maple: Any, maple: District
) -> None:
    assert signed_in(leader_of_maple).get("/")["Location"] == f"/districts/{maple.slug}/"


def test_portfolio_queries_do_not_grow_with_districts(db: None) -> None:
    consultant = UserFactory(username="busy.consultant")
    peer_districts(3, consultant=consultant)
    benchmark_rebuild.benchmarks_rebuild()
    client = signed_in(consultant)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("portfolio")).status_code == 200
        return len(captured.captured_queries)

    with_three = queries()
    peers = peer_districts(27, consultant=consultant, start=3)
    for peer in peers[:10]:
        released(peer, days_ago=300, sheets=teachers(2))
        store(campaign_of(peer, name=f"Open {peer.slug}", expected_responses=9), teachers(3, 2))
    benchmark_rebuild.benchmarks_rebuild()
    assert queries() == with_three


# --- the benchmark scatter names each marker ------------------------------------------------------


def figure(response: Any, element_id: str) -> dict[str, Any]:
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found is not None, element_id
    return dict(json.loads(found.group(1)))


def hover_texts(chart: dict[str, Any]) -> list[str]:
    return [text for trace in chart["data"] for text in trace.get("customdata", [])]


def test_the_benchmark_scatter_names_each_marker_in_its_hover_and_data_table(
    consultant_for_maple_and_oak: Any, maple: District, oak: District
) -> None:
    released(maple, days_ago=40, sheets=teachers(4))
    released(oak, days_ago=40, sheets=teachers(2))
    response = signed_in(consultant_for_maple_and_oak).get(reverse("compare"))
    chart = figure(response, "chart-districts-figure")
    markers = [trace for trace in chart["data"] if trace.get("mode") == "markers"]
    assert len(markers) == 1
    assert len(markers[0]["customdata"]) == len(markers[0]["y"]) == 2
    assert sorted(markers[0]["customdata"]) == sorted(
        [f"{maple.name} (Planning): 75", f"{oak.name} (Planning): 25"]
    )
    page = response.content.decode()
    table = page.split('id="chart-districts"', 1)[1].split("</table>", 1)[0]
    for district in (maple, oak):
        assert f'<th scope="row">{district.name}</th>' in table
