"""The demo world as of a day: Maple Valley, the synthetic districts, the comments and
co-travelers of issue 16, and the consultant's districts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import replace

from demo.world.co_travelers import (
    comments_co_travelers_offers,
)
from demo.world.districts import (
    district_names,
    generic_district,
)
from demo.world.maple import (
    MAPLE_SLUG,
    maple_valley,
)
from demo.world.plans import (
    DEFAULT_SEED,
    DEMO_DISTRICTS,
    TOO_FEW_DISTRICTS,
    DistrictPlan,
    World,
    codes_check,
)
from onpoint.method.scoring import ItemSpec
from onpoint.method.structure import STAGES

CONSULTED_DISTRICTS = 12


def world_generate(
    *,
    items: Sequence[ItemSpec],
    today: dt.date,
    seed: int = DEFAULT_SEED,
    n_districts: int = DEMO_DISTRICTS,
) -> World:
    """The demo world as of `today`: Maple Valley and `n_districts - 1` other districts.

    Every campaign of the other districts surveyed in the spring of one of the last four school
    years, so all are closed; Maple Valley has one open now. Same arguments, same world.
    """
    minimum = CONSULTED_DISTRICTS
    if n_districts < minimum:
        raise ValueError(TOO_FEW_DISTRICTS.format(minimum=minimum))
    codes_check(items)
    rng = random.Random(f"journeys-demo-{seed}")
    districts = [maple_valley(random.Random(f"{seed}:{MAPLE_SLUG}"), items=items, today=today)]
    used_slugs = {MAPLE_SLUG}
    for place, kind in district_names(rng, n_districts - 1):
        plan = generic_district(
            random.Random(f"{seed}:{place}"),
            place=place,
            kind=kind,
            items=items,
            today=today,
        )
        if plan.slug in used_slugs:  # two names that slug alike: keep the first
            continue
        used_slugs.add(plan.slug)
        districts.append(plan)
    # A few districts chose to be named on the national map.
    listed = set(rng.sample([d.slug for d in districts[1:]], 11))
    districts = [
        replace(d, listed_on_national_map=True) if d.slug in listed else d for d in districts
    ]
    # Staff voice, co-travelers and professional learning (issue 16), each from its own random
    # stream, so the rest of the world is the same as before they existed.
    districts = comments_co_travelers_offers(seed, districts, today)
    return World(
        seed=seed,
        today=today,
        districts=tuple(districts),
        consulted=_consulted(rng, districts),
    )


def _consulted(rng: random.Random, districts: Sequence[DistrictPlan]) -> tuple[str, ...]:
    """Maple Valley and 11 others, from every stage and with two divided districts among them,
    so the consultant's compare page has something to show."""
    others = [d for d in districts if d.slug != MAPLE_SLUG]
    chosen: list[str] = []
    divided = [d.slug for d in others if d.divided]
    chosen += rng.sample(divided, min(2, len(divided)))
    for stage in STAGES:
        at_stage = [
            d.slug
            for d in others
            if d.campaigns and d.campaigns[-1].stage == stage and d.slug not in chosen
        ]
        chosen += rng.sample(at_stage, min(2, len(at_stage)))
    rest = [d.slug for d in others if d.slug not in chosen]
    chosen += rng.sample(rest, CONSULTED_DISTRICTS - 1 - len(chosen))
    return (MAPLE_SLUG, *sorted(chosen))
