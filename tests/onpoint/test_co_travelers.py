"""Co-travelers on the journey map (issue 16): districts one or two stages ahead that chose to be
named, nearest first by state and size, with their milestones from the stage the district is in
now and their Onpoint path; released results only.

The clock is pinned to 2026-11-20 (school year 2026-27): Maple launched in August 2026 is in
Year 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, cast

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from districts.models import District, Milestone
from onpoint import co_travelers
from surveys.models import Campaign
from tests.factories import DistrictFactory
from tests.onpoint.builders import campaign_of, store, uniform
from tests.onpoint.pages_world import scored

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"
YEAR_1 = dt.date(2026, 8, 20)
YEAR_2 = dt.date(2025, 8, 20)
YEAR_3_PLUS = dt.date(2023, 8, 20)


@pytest.fixture(autouse=True)
def _pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def district(
    name: str, state: str, launch: dt.date | None, enrollment: int | None, **kw: Any
) -> District:
    return cast(
        District,
        DistrictFactory(
            name=name,
            slug=name.lower(),
            state=state,
            launch_date=launch,
            enrollment=enrollment,
            named_as_co_traveler=kw.pop("named", True),
            **kw,
        ),
    )


def campaign_at(
    owner: District, opens_on: dt.date, value: int, n: int = 5, *, closed: bool = True
) -> Campaign:
    opens_at = timezone.make_aware(dt.datetime.combine(opens_on, dt.time(9)))
    closes_at = (
        opens_at + dt.timedelta(days=10) if closed else timezone.now() + dt.timedelta(days=5)
    )
    campaign = campaign_of(
        owner, opens_at=opens_at, closes_at=closes_at, name=f"{owner} {opens_on}"
    )
    if not closed:
        store(campaign, [(uniform(value), "teacher", None)] * n)
        return campaign
    return scored(campaign, [(uniform(value), "teacher", None)] * n)


@pytest.fixture
def travelers(maple: District) -> dict[str, District]:
    maple.launch_date, maple.enrollment = YEAR_1, 8000
    maple.save(update_fields=["launch_date", "enrollment"])
    found = {
        "cedar": district("Cedar", "OR", YEAR_2, 9000),
        "pine": district("Pine", "OR", YEAR_3_PLUS, 30000),
        "aspen": district("Aspen", "WA", YEAR_2, 8000),
        "giant": district("Giant", "WA", YEAR_3_PLUS, 100000),
        "unnamed": district("Unnamed", "OR", YEAR_2, 8000, named=False),
        "behind": district("Behind", "OR", None, 8000),
        "alongside": district("Alongside", "OR", YEAR_1, 8000),
    }
    cedar = found["cedar"]
    # Cedar was in Planning until August 2025, in Year 1 until June 2026, in Year 2 since.
    for day, text in (
        (dt.date(2025, 3, 1), "Cedar planning milestone"),
        (dt.date(2026, 2, 1), "Cedar Year 1 milestone"),
        (dt.date(2026, 10, 1), "Cedar Year 2 milestone"),
    ):
        Milestone.objects.create(district=cedar, happened_on=day, text=text)
    campaign_at(cedar, dt.date(2025, 4, 1), 3)  # Planning: 50
    campaign_at(cedar, dt.date(2026, 2, 2), 2)  # Year 1: 25, then a later one at Year 1: 75
    campaign_at(cedar, dt.date(2026, 3, 2), 4)
    campaign_at(cedar, dt.date(2026, 4, 2), 1, n=4)  # Year 1, suppressed: not on the path
    campaign_at(cedar, dt.date(2026, 11, 1), 5, closed=False)  # Year 2, open: counts only
    Milestone.objects.create(
        district=found["unnamed"], happened_on=dt.date(2026, 2, 1), text="Unnamed milestone"
    )
    return found


def test_named_districts_a_stage_or_two_ahead_nearest_first_by_state_and_size(
    maple: District, travelers: dict[str, District]
) -> None:
    found = co_travelers.co_travelers_of(
        district=maple, stage="year_1", now=timezone.now(), today=timezone.localdate(), limit=3
    )
    assert [t.district.name for t in found] == ["Cedar", "Pine", "Aspen"]
    assert [t.stage for t in found] == ["year_2", "year_3_plus", "year_2"]
    more = co_travelers.co_travelers_of(
        district=maple, stage="year_1", now=timezone.now(), today=timezone.localdate(), limit=10
    )
    assert [t.district.name for t in more] == ["Cedar", "Pine", "Aspen", "Giant"]


def test_their_milestones_from_where_you_are_and_their_released_onpoint_path(
    maple: District, travelers: dict[str, District]
) -> None:
    cedar = co_travelers.co_travelers_of(
        district=maple, stage="year_1", now=timezone.now(), today=timezone.localdate(), limit=1
    )[0]
    assert [m.text for m in cedar.milestones] == ["Cedar Year 1 milestone"]
    # The latest released campaign with a reported score at each stage; the open one is not.
    assert cedar.path == [("planning", 50.0), ("year_1", 75.0)]
    assert cedar.onpoint_at("year_1") == 75.0
    assert cedar.onpoint_at("year_2") is None


def test_the_journey_map_shows_them_to_the_leader(
    leader_of_maple: Any, maple: District, travelers: dict[str, District]
) -> None:
    client = Client()
    client.force_login(leader_of_maple)
    page = client.get(reverse("district", args=[maple.slug])).content.decode()
    section = page.split('id="co-travelers"', 1)[1].split("</section>", 1)[0]
    for name in ("Cedar", "Pine", "Aspen"):
        assert f">{name}</h3>" in section
    for absent in ("Giant", "Unnamed", "Behind", "Alongside", "Unnamed milestone"):
        assert absent not in section
    assert "When they were where you are (Year 1)" in section
    assert "Cedar Year 1 milestone" in section
    assert "Cedar Year 2 milestone" not in section
    assert "9,000 students" in section
    assert 'onpoint-path__step--here"><span class="onpoint-path__stage">Year 1' in section
    # Maple itself is not named yet: its leader is told how.
    assert "Name our district as a co-traveler" in page


def test_a_leader_names_the_district_as_a_co_traveler(
    leader_of_maple: Any, consultant_for_maple_and_oak: Any, maple: District
) -> None:
    url = reverse("district_place", args=[maple.slug])
    data = {"path_place": "trying", "named_as_co_traveler": "on"}
    consultant = Client()
    consultant.force_login(consultant_for_maple_and_oak)
    assert consultant.post(url, data).status_code == 403
    leader = Client()
    leader.force_login(leader_of_maple)
    assert leader.post(url, data).status_code == 302
    maple.refresh_from_db()
    assert maple.named_as_co_traveler
    assert not maple.listed_on_national_map  # the two choices are apart


def test_at_the_last_stage_there_is_no_one_ahead(leader_of_maple: Any, maple: District) -> None:
    maple.launch_date = YEAR_3_PLUS
    maple.save(update_fields=["launch_date"])
    district("Older", "OR", dt.date(2019, 8, 20), 8000)
    assert co_travelers.stages_ahead("year_3_plus") == ()
    client = Client()
    client.force_login(leader_of_maple)
    page = client.get(reverse("district", args=[maple.slug])).content.decode()
    assert "Year 3+ is the last stage" in page
    assert ">Older</h3>" not in page


def test_the_journey_maps_queries_do_not_grow_with_co_travelers(
    leader_of_maple: Any, maple: District
) -> None:
    maple.launch_date, maple.enrollment = YEAR_1, 8000
    maple.save(update_fields=["launch_date", "enrollment"])
    client = Client()
    client.force_login(leader_of_maple)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("district", args=[maple.slug])).status_code == 200
        return len(captured.captured_queries)

    first = district("First", "OR", YEAR_2, 9000)
    campaign_at(first, dt.date(2026, 3, 2), 4)
    Milestone.objects.create(district=first, happened_on=dt.date(2026, 2, 1), text="M")
    with_one = queries()
    for index in range(6):
        other = district(f"Other{index}", "OR", YEAR_3_PLUS, 9000 + index)
        campaign_at(other, dt.date(2025, 3, 2), 3)
        campaign_at(other, dt.date(2026, 3, 2), 4)
        for day in range(3):
            Milestone.objects.create(
                district=other, happened_on=dt.date(2024, 2, 1 + day), text=f"M{day}"
            )
    assert queries() == with_one
