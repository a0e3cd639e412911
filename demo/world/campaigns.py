"""A synthetic district's surveys: when they run (spring, on a weekday), and who answers them
(roles in proportion, schools by size, the small schools under five responses).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from demo.world.answers import (
    CAMPAIGN_SD,
    DIVIDED_ROLE_WEIGHTS,
    ROLE_WEIGHTS,
    UNSPECIFIED_SCHOOL,
    answers_draw,
    dimension_targets,
    role_targets,
    uuid_draw,
)
from demo.world.plans import (
    CampaignPlan,
    ResponsePlan,
)
from onpoint.method.scoring import ItemSpec
from onpoint.method.stages import school_year, stage_of
from onpoint.method.structure import CATEGORIES


@dataclass
class DistrictDraft:
    name: str
    slug: str
    state: str
    launch_year: int | None  # the school year of launch; None: no launch date yet
    enrollment: int
    divided: bool
    schools: list[str]
    small_schools: list[str]
    strength: dict[str, float]  # by category


def launch_date_draw(rng: random.Random, launch_year: int | None) -> dt.date | None:
    if launch_year is None:
        return None
    return dt.date(launch_year, 8, rng.randint(14, 31))


def school_years_in(launch_date: dt.date | None, opens_on: dt.date) -> int:
    if launch_date is None or opens_on < launch_date:
        return 0
    return school_year(opens_on) - school_year(launch_date) + 1


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def spring_campaign_dates(rng: random.Random, year: int) -> tuple[dt.date, dt.date]:
    """A survey in the spring of school year `year`: between February and April of year + 1."""
    opens_on = _weekday(dt.date(year + 1, 2, 2) + dt.timedelta(days=rng.randint(0, 75)))
    return opens_on, opens_on + dt.timedelta(days=rng.randint(12, 25))


def whole_parts(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """`total` split into len(weights) whole parts in proportion, summing to `total` exactly."""
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    parts = [math.floor(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], rng.random()))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _responses_draw(
    rng: random.Random,
    *,
    draft: DistrictDraft,
    items: Sequence[ItemSpec],
    n: int,
    targets: dict[str, float],
    opens_on: dt.date,
    last_day: dt.date,
    small_school_size: int,
) -> tuple[ResponsePlan, ...]:
    campaign_luck = {category: rng.gauss(0, CAMPAIGN_SD) for category in CATEGORIES}
    shift = {
        category: draft.strength[category] + campaign_luck[category] for category in CATEGORIES
    }
    weights = DIVIDED_ROLE_WEIGHTS if draft.divided else ROLE_WEIGHTS
    schools: list[str | None] = []
    for small_school in draft.small_schools:
        schools += [small_school] * small_school_size
    unspecified = round(n * UNSPECIFIED_SCHOOL)
    schools += [None] * unspecified
    # The larger schools take the rest, the high school the most.
    regular = n - len(schools)
    sizes = whole_parts(
        rng, max(regular, 0), [2.0 if i == 0 else 1.0 for i in range(len(draft.schools))]
    )
    for regular_school, size in zip(draft.schools, sizes, strict=True):
        schools += [regular_school] * size
    days = max(0, (last_day - opens_on).days)
    responses = []
    # Each role takes its share of the campaign, in a random order across the schools.
    roles = [
        role
        for role, count in zip(
            weights, whole_parts(rng, len(schools), [*weights.values()]), strict=True
        )
        for _ in range(count)
    ]
    rng.shuffle(roles)
    for school, role in zip(schools, roles, strict=True):
        answers = answers_draw(
            rng,
            items=items,
            targets=role_targets(targets, role=role, divided=draft.divided, shift=shift),
            role=role,
        )
        responses.append(
            ResponsePlan(
                role=role,
                school=school,
                submitted_on=opens_on + dt.timedelta(days=rng.randint(0, days)),
                submission_id=uuid_draw(rng),
                answers=answers,
            )
        )
    return tuple(responses)


def campaign_plan(
    rng: random.Random,
    *,
    draft: DistrictDraft,
    launch_date: dt.date | None,
    items: Sequence[ItemSpec],
    opens_on: dt.date,
    closes_on: dt.date,
    n: int,
    today: dt.date,
    small_school_size: int,
    name: str,
) -> CampaignPlan:
    stage = stage_of(launch_date, opens_on)
    targets = dimension_targets(stage, school_years_in(launch_date, opens_on))
    responses = _responses_draw(
        rng,
        draft=draft,
        items=items,
        n=n,
        targets=targets,
        opens_on=opens_on,
        last_day=min(closes_on, today),
        small_school_size=small_school_size,
    )
    return CampaignPlan(
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        stage=stage,
        expected_responses=max(n, round(n * rng.uniform(1.1, 1.6))),
        responses=responses,
    )
