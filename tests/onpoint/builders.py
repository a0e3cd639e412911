"""Builders for the Onpoint engine's database tests: campaigns, responses, answer sheets.

Responses are stored with the scores that surveys.response_row.response_score_fields computes
(method section 3), exactly as a submission or an import stores them.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.utils import timezone

from districts.models import District, School
from onpoint.method.structure import ROLES
from surveys import instrument_v1
from surveys.models import Campaign, Response
from surveys.response_row import response_score_fields
from surveys.selectors import instrument_current, item_specs
from tests.factories import CampaignFactory, DistrictFactory, SchoolFactory

ITEM_CODES: tuple[str, ...] = tuple(instrument_v1.ITEM_CODES)


def every_answer(value: int | None = 4) -> dict[str, int | None]:
    return dict.fromkeys(ITEM_CODES, value)


def uniform(value: int) -> dict[str, int]:
    """Every item answered so that its score is (value - 1) * 25: the reverse-coded item
    (buy_in_3) gets the mirrored answer. Every dimension, category and the Onpoint score of
    such a response are (value - 1) * 25."""
    reverse = {item["code"] for item in instrument_v1.DEFINITION["items"] if item["reverse_coded"]}
    return {code: 6 - value if code in reverse else value for code in ITEM_CODES}


def answers_of(**by_dimension: int | None) -> dict[str, int | None]:
    """Each item of the named dimensions answered with that dimension's value; others none."""
    answers: dict[str, int | None] = dict.fromkeys(ITEM_CODES)
    for dimension, value in by_dimension.items():
        for index in (1, 2, 3):
            answers[f"{dimension}_{index}"] = value
    return answers


def random_answers(rng: random.Random, skip: float = 0.15) -> dict[str, int | None]:
    """A random sheet: each item answered 1..5, or skipped with probability `skip`."""
    return {code: None if rng.random() < skip else rng.randint(1, 5) for code in ITEM_CODES}


def campaign_of(
    district: District,
    *,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    **fields: Any,
) -> Campaign:
    """A campaign on instrument v1; open (since yesterday, for two weeks) unless dates are given."""
    opens_at = opens_at or timezone.now() - dt.timedelta(days=1)
    closes_at = closes_at or opens_at + dt.timedelta(days=15)
    return cast(
        Campaign,
        CampaignFactory(
            district=district, instrument=instrument_current(), opens_at=opens_at,
            closes_at=closes_at, **fields,
        ),
    )  # fmt: skip


def closed_campaign_of(district: District, *, days_ago: int = 30, **fields: Any) -> Campaign:
    now = timezone.now()
    return campaign_of(
        district,
        opens_at=now - dt.timedelta(days=days_ago),
        closes_at=now - dt.timedelta(days=days_ago - 10),
        **fields,
    )


def respond(
    campaign: Campaign,
    answers: Mapping[str, int | None] | None = None,
    *,
    role: str = "teacher",
    school: School | None = None,
    times: int = 1,
) -> None:
    """Store `times` identical responses and mark the campaign dirty, as a submission does."""
    store(campaign, [(answers or every_answer(), role, school)] * times)


def store(
    campaign: Campaign, sheets: Iterable[tuple[Mapping[str, int | None], str, School | None]]
) -> int:
    """Store many responses at once (role and school per sheet); returns how many."""
    items = item_specs(campaign.instrument)
    today = timezone.localdate()
    rows = [
        Response(
            campaign=campaign,
            submission_id=uuid.uuid4(),
            role=role,
            school=school,
            submitted_on=today,
            **response_score_fields(items=items, answers=dict(answers)),
        )
        for answers, role, school in sheets
    ]
    Response.objects.bulk_create(rows, batch_size=500)
    Campaign.objects.filter(pk=campaign.pk).update(scores_dirty=True)
    return len(rows)


def district_with_launch(launch_date: dt.date | None, **fields: Any) -> District:
    return cast(District, DistrictFactory(launch_date=launch_date, **fields))


def random_roles(rng: random.Random) -> str:
    return rng.choice(ROLES)


def school_of(district: District, name: str) -> School:
    return cast(School, SchoolFactory(district=district, name=name))


def district_named(name: str, **fields: Any) -> District:
    return cast(District, DistrictFactory(name=name, **fields))


def year_one_world(
    *,
    seed: int,
    districts: int,
    schools: int,
    with_earlier: int,
    open_at: int,
    responses: tuple[int, int],
) -> list[Campaign]:
    """`districts` districts at year 1 with a closed campaign each and `schools` schools; the
    first `with_earlier` also have a planning campaign before, district `open_at` an open one;
    each campaign takes `responses` (low, high) random responses, some without a school."""
    rng = random.Random(seed)
    launch = timezone.localdate() - dt.timedelta(days=40)
    campaigns = []
    for n in range(districts):
        district = district_named(f"District {n}", launch_date=launch)
        places: list[School | None] = [
            school_of(district, f"School {n}-{k}") for k in range(schools)
        ]
        planned = [closed_campaign_of(district, days_ago=40)]
        if n < with_earlier:
            planned.append(closed_campaign_of(district, days_ago=200))
        if n == open_at:
            planned.append(campaign_of(district))
        for campaign in planned:
            sheets = [
                (random_answers(rng), rng.choice(["teacher", "coach", "technology"]),
                 rng.choice([*places, None]))
                for _ in range(rng.randint(*responses))
            ]  # fmt: skip
            store(campaign, sheets)
            campaigns.append(campaign)
    return campaigns
