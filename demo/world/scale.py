"""The world at national scale (seed_scale, the benchmarks): districts and campaigns as plain
data, responses drawn one campaign at a time from a pool of scored people.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from demo.world.answers import (
    ROLE_WEIGHTS,
    UNSPECIFIED_SCHOOL,
    answers_draw,
    dimension_targets,
    role_targets,
)
from demo.world.campaigns import (
    launch_date_draw,
    school_years_in,
    spring_campaign_dates,
    whole_parts,
)
from demo.world.districts import (
    STATES,
    path_place_of,
)
from demo.world.plans import (
    SYNTHETIC,
    codes_check,
)
from onpoint.method.scoring import ItemSpec
from onpoint.method.stages import school_year, stage_of
from onpoint.method.structure import CATEGORIES, ROLES, STAGES

SCALE_SLUG_PREFIX = "scale-"
SCALE_LEVELS = (-9.0, -6.0, -3.0, 0.0, 3.0, 6.0, 9.0)  # district strength, bucketed
SCALE_TEMPLATES_PER_GROUP = 64  # distinct people per (years in, strength, role)
SCALE_MAX_YEARS_IN = 7


@dataclass(frozen=True)
class ScaleDistrict:
    name: str
    slug: str
    state: str
    launch_date: dt.date | None
    enrollment: int
    path_place: str
    n_schools: int


@dataclass(frozen=True)
class ScaleCampaign:
    district: int  # index into ScaleWorld.districts
    name: str
    opens_on: dt.date
    closes_on: dt.date
    stage: str
    years_in: int  # capped at SCALE_MAX_YEARS_IN
    level: int  # index into SCALE_LEVELS
    n_responses: int


@dataclass(frozen=True)
class ScaleWorld:
    """Every district of the country surveyed: the benchmarks' load, as plain data.

    Responses are not materialized here (millions would not fit comfortably in memory): each
    campaign says how many it has, and `scale_campaign_rows` draws them one campaign at a time
    from `scale_templates`, a pool of scored people per group.
    """

    seed: int
    districts: tuple[ScaleDistrict, ...]
    campaigns: tuple[ScaleCampaign, ...]

    @property
    def n_responses(self) -> int:
        return sum(c.n_responses for c in self.campaigns)


def scale_school_name(index: int) -> str:
    return f"Scale School {index + 1}"


def scale_world(*, n_districts: int, n_responses: int, today: dt.date, seed: int) -> ScaleWorld:
    """`n_districts` synthetic districts with one to three spring surveys each in the last three
    school years, sharing exactly `n_responses` responses in proportion to each one's size."""
    rng = random.Random(f"journeys-scale-{seed}")
    this_year = school_year(today)
    districts = []
    campaigns = []
    weights = []
    for index in range(n_districts):
        launch_year: int | None = rng.choices(
            range(this_year - 6, this_year + 2), weights=(1, 1.5, 2.2, 2.2, 2, 1, 0.5, 0.4)
        )[0]
        if rng.random() < 0.12:
            launch_year = None
        launch_date = launch_date_draw(rng, launch_year)
        enrollment = round(math.exp(rng.uniform(math.log(300), math.log(60_000))))
        stage_now = stage_of(launch_date, today)
        districts.append(
            ScaleDistrict(
                name=f"Scale District {index + 1:05d} {SYNTHETIC}",
                slug=f"{SCALE_SLUG_PREFIX}{index + 1:05d}",
                state=rng.choice(STATES),
                launch_date=launch_date,
                enrollment=enrollment,
                path_place=path_place_of(stage_now, school_years_in(launch_date, today)),
                n_schools=rng.randint(2, 6),
            )
        )
        level = min(range(len(SCALE_LEVELS)), key=lambda i: abs(SCALE_LEVELS[i] - rng.gauss(0, 6)))
        n_campaigns = rng.choices((1, 2, 3), weights=(3, 2, 1))[0]
        for year in sorted(rng.sample(range(this_year - 3, this_year), n_campaigns)):
            opens_on, closes_on = spring_campaign_dates(rng, year)
            campaigns.append(
                ScaleCampaign(
                    district=index,
                    name=f"Spring {year + 1} staff survey",
                    opens_on=opens_on,
                    closes_on=closes_on,
                    stage=stage_of(launch_date, opens_on),
                    years_in=min(school_years_in(launch_date, opens_on), SCALE_MAX_YEARS_IN),
                    level=level,
                    n_responses=0,
                )
            )
            # Larger districts have more staff to answer.
            weights.append(math.sqrt(enrollment) * rng.uniform(0.7, 1.3))
    sizes = whole_parts(rng, n_responses, weights)
    return ScaleWorld(
        seed=seed,
        districts=tuple(districts),
        campaigns=tuple(
            replace(campaign, n_responses=size)
            for campaign, size in zip(campaigns, sizes, strict=True)
        ),
    )


TemplateKey = tuple[int, int, str]  # (years in, level, role)


def scale_templates(
    *, items: Sequence[ItemSpec], seed: int, per_group: int = SCALE_TEMPLATES_PER_GROUP
) -> dict[TemplateKey, list[dict[str, int | None]]]:
    """`per_group` people's answers for every (years in, strength level, role): the pool that
    `scale_campaign_rows` draws the national responses from."""
    codes_check(items)
    rng = random.Random(f"journeys-scale-templates-{seed}")
    pool: dict[TemplateKey, list[dict[str, int | None]]] = {}
    no_shift = dict.fromkeys(CATEGORIES, 0.0)
    for years_in in range(SCALE_MAX_YEARS_IN + 1):
        stage = STAGES[min(years_in, 3)]
        base = dimension_targets(stage, years_in)
        for level, strength in enumerate(SCALE_LEVELS):
            shifted = {dimension: value + strength for dimension, value in base.items()}
            for role in ROLES:
                targets = role_targets(shifted, role=role, divided=False, shift=no_shift)
                pool[(years_in, level, role)] = [
                    answers_draw(rng, items=items, targets=targets, role=role)
                    for _ in range(per_group)
                ]
    return pool


@dataclass(frozen=True)
class ScaleRow:
    """One response of a scale campaign, by reference: its school's index (None: unspecified),
    its date, its id, and which template of its group answered."""

    role: str
    school: int | None
    submitted_on: dt.date
    submission_id: int  # 128 random bits
    template: int


def scale_campaign_rows(
    world: ScaleWorld, campaign_index: int, *, per_group: int = SCALE_TEMPLATES_PER_GROUP
) -> Iterator[ScaleRow]:
    """The responses of one campaign, drawn from their own seed: any campaign can be produced
    alone, and in any order, with the same result."""
    campaign = world.campaigns[campaign_index]
    rng = random.Random(f"journeys-scale-{world.seed}-campaign-{campaign_index}")
    n_schools = world.districts[campaign.district].n_schools
    roles = [*ROLE_WEIGHTS]
    cumulative = list(itertools.accumulate(ROLE_WEIGHTS.values()))
    days = (campaign.closes_on - campaign.opens_on).days
    for _ in range(campaign.n_responses):
        role = roles[min(bisect.bisect(cumulative, rng.random() * cumulative[-1]), len(roles) - 1)]
        school = None if rng.random() < UNSPECIFIED_SCHOOL else rng.randrange(n_schools)
        yield ScaleRow(
            role=role,
            school=school,
            submitted_on=campaign.opens_on + dt.timedelta(days=rng.randint(0, days)),
            submission_id=rng.getrandbits(128),
            template=rng.randrange(per_group),
        )
