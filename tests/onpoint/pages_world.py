"""Small scored worlds for the dashboard page tests: districts, closed campaigns with stored
responses scored by onpoint.rescore (as the recompute task does), and national benchmarks.

Stages come from launch dates counted from the campaigns' opening day, so the worlds hold on
any day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django.utils import timezone

from districts.models import District, Milestone, School
from onpoint import rescore
from onpoint.method.stages import school_year
from surveys import instrument_v1
from surveys.models import Campaign
from tests.factories import DistrictFactory, MembershipFactory, SchoolFactory
from tests.onpoint.builders import campaign_of, store, uniform

REVERSE_CODED = frozenset(
    item["code"] for item in instrument_v1.DEFINITION["items"] if item["reverse_coded"]
)


def item_scores(first: int, second: int, third: int) -> dict[str, int]:
    """Answers that give the 1st, 2nd and 3rd item of every dimension these item scores (each a
    multiple of 25), reverse-coded items included: every dimension, category and the Onpoint
    score of such a response is their mean."""
    answers = {}
    for code in instrument_v1.ITEM_CODES:
        score = (first, second, third)[int(code.rsplit("_", 1)[1]) - 1]
        answers[code] = 5 - score // 25 if code in REVERSE_CODED else score // 25 + 1
    return answers


# The campaigns the worlds are built around open this many days ago; launch dates are counted
# from that day, so their stage holds on any date (page tests also pin the clock).
MAIN_CAMPAIGN_DAYS_AGO = 20


def launched_for(stage: str) -> dt.date | None:
    """A launch date that puts a campaign opened MAIN_CAMPAIGN_DAYS_AGO days ago at `stage`:
    July 1 of that school year for Year 1, a year earlier for Year 2, three for Year 3+."""
    opened = timezone.localdate() - dt.timedelta(days=MAIN_CAMPAIGN_DAYS_AGO)
    start = dt.date(school_year(opened), 7, 1)
    return {
        "planning": None,
        "year_1": start,
        "year_2": start.replace(year=start.year - 1),
        "year_3_plus": start.replace(year=start.year - 3),
    }[stage]


def closed_campaign(
    district: District, *, days_ago: int = MAIN_CAMPAIGN_DAYS_AGO, **fields: Any
) -> Campaign:
    """A campaign that opened `days_ago` days ago and has closed (an hour ago at the latest)."""
    opens_at = timezone.now() - dt.timedelta(days=days_ago)
    closes_at = min(opens_at + dt.timedelta(days=10), timezone.now() - dt.timedelta(hours=1))
    return campaign_of(district, opens_at=opens_at, closes_at=closes_at, **fields)


def scored(
    campaign: Campaign,
    sheets: Sequence[tuple[dict[str, int], str, School | None]],
) -> Campaign:
    store(campaign, sheets)
    rescore.campaign_rescore(campaign=campaign)
    return campaign


def district_at(stage: str, **fields: Any) -> District:
    return cast(District, DistrictFactory(launch_date=launched_for(stage), **fields))


def peer_districts(
    count: int, *, stage: str = "year_1", consultant: Any = None, start: int = 0
) -> list[District]:
    """`count` districts at `stage`, each with one closed campaign of 5 responses (Onpoint
    scores 25 to 100 in turn) and a milestone; served by `consultant` when given."""
    districts = []
    for index in range(start, start + count):
        district = district_at(
            stage, name=f"Peer District {index:02d}", slug=f"peer-{index:02d}", state="WA"
        )
        if consultant is not None:
            MembershipFactory(user=consultant, district=district, kind="consultant")
        campaign = closed_campaign(district, name=f"Peer survey {index:02d}", expected_responses=8)
        scored(campaign, [(uniform(2 + index % 4), "teacher", None)] * 5)
        Milestone.objects.create(
            district=district,
            happened_on=timezone.localdate() - dt.timedelta(days=index + 1),
            text=f"Peer milestone {index:02d}",
        )
        districts.append(district)
    return districts


# The campaign whose school of 3 must never show: its respondents' every score is 8.333
# (item scores 0, 0, 25); the partner that complementary suppression hides with it, Maple High
# School, scores 91.667 everywhere (100, 100, 75); Maple Elementary scores 66.667 (50, 75, 75).
TINY_SCHOOL = "Fern Hollow Tiny School"
PARTNER_SCHOOL = "Maple High School"
OPEN_SCHOOL = "Maple Elementary"
TINY_SHEET = item_scores(0, 0, 25)
PARTNER_SHEET = item_scores(100, 100, 75)
OPEN_SHEET = item_scores(50, 75, 75)
TINY_VALUES = (8.333333, 91.666667)  # hidden: the school of 3 and its complementary partner


def maple_campaign_with_a_school_of_three(maple: District) -> Campaign:
    """Maple's campaign: 10 at Maple Elementary (5 teachers, 5 coaches), 8 teachers at Maple
    High School and 3 teachers at the tiny school: 21 responses, 30 expected."""
    schools = {school.name: school for school in maple.schools.all()}
    tiny = cast(School, SchoolFactory(district=maple, name=TINY_SCHOOL))
    campaign = closed_campaign(maple, name="Maple spring survey", expected_responses=30)
    return scored(
        campaign,
        [(OPEN_SHEET, "teacher", schools[OPEN_SCHOOL])] * 5
        + [(OPEN_SHEET, "coach", schools[OPEN_SCHOOL])] * 5
        + [(PARTNER_SHEET, "teacher", schools[PARTNER_SCHOOL])] * 8
        + [(TINY_SHEET, "teacher", tiny)] * 3,
    )


def campaigns_for(district: District, count: int, *, start: int = 0) -> list[Campaign]:
    """`count` more closed campaigns of `district` (5 responses each), a day apart."""
    return [
        scored(
            closed_campaign(district, days_ago=90 - index, name=f"Survey {index:02d}"),
            [(uniform(3), "teacher", None)] * 5,
        )
        for index in range(start, start + count)
    ]
