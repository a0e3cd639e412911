"""Co-travelers and professional learning (issue 16): the districts past planning that chose
to be named, their learning offers and milestones at every stage, and every campaign's comments.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import replace

from demo.world.comments import (
    comments_draw,
)
from demo.world.districts import (
    MILESTONES,
)
from demo.world.maple import (
    MAPLE_OFFERS,
    MAPLE_SLUG,
)
from demo.world.plans import (
    DistrictPlan,
    LearningOfferPlan,
    MilestonePlan,
)
from onpoint.method.stages import school_year, stage_of

LEARNING_OFFERS: tuple[tuple[str, str], ...] = (
    ("Why personalized learning: the vision in one hour", "shared_understanding"),
    ("Family night facilitator training", "shared_understanding"),
    ("Device and digital tools clinic", "operations"),
    ("Learning platform basics", "operations"),
    ("Microcredential: student goal-setting", "student_agency"),
    ("Microcredential: learner profiles", "student_agency"),
    ("Microcredential: student-led conferences", "student_agency"),
    ("Innovation lab: try one new thing", "culture"),
    ("Peer classroom visits", "culture"),
)


CO_TRAVELER_SHARE = 0.3  # of districts past planning that chose to be named


def _offers_draw(rng: random.Random) -> tuple[LearningOfferPlan, ...]:
    return tuple(
        LearningOfferPlan(name, landmark, rng.randint(4, 120))
        for name, landmark in sorted(rng.sample(LEARNING_OFFERS, rng.randint(1, 3)))
    )


def comments_co_travelers_offers(
    seed: int, districts: Sequence[DistrictPlan], today: dt.date
) -> list[DistrictPlan]:
    """Comments on every campaign; some districts past planning named as co-travelers (every
    one at Year 3+ in Maple Valley's state, so its leader meets some), each with a few
    professional-learning offers; Maple Valley's own offers."""
    rng = random.Random(f"journeys-demo-{seed}-issue-16")
    maple_state = next(d.state for d in districts if d.slug == MAPLE_SLUG)
    planned = []
    for district in districts:
        campaigns = tuple(
            replace(campaign, comments=comments_draw(rng, campaign))
            for campaign in district.campaigns
        )
        stage_now = stage_of(district.launch_date, today)
        named = (
            district.slug != MAPLE_SLUG
            and stage_now != "planning"
            and (
                (stage_now == "year_3_plus" and district.state == maple_state)
                or rng.random() < CO_TRAVELER_SHARE
            )
        )
        offers = MAPLE_OFFERS if district.slug == MAPLE_SLUG else ()
        milestones = district.milestones
        if named:
            offers = _offers_draw(rng)
            milestones = _milestones_at_every_stage(rng, district, today)
        planned.append(
            replace(
                district,
                campaigns=campaigns,
                milestones=milestones,
                named_as_co_traveler=named,
                learning_offers=offers,
            )
        )
    return planned


def _milestones_at_every_stage(
    rng: random.Random, district: DistrictPlan, today: dt.date
) -> tuple[MilestonePlan, ...]:
    """A co-traveler's milestones, with one more at each stage it has passed through that has
    none yet: what the districts behind it read "when they were where you are"."""
    assert district.launch_date is not None  # named co-travelers are past planning
    launched = school_year(district.launch_date)
    days = {
        "planning": district.launch_date - dt.timedelta(days=rng.randint(60, 200)),
        "year_1": dt.date(launched, 10, 1) + dt.timedelta(days=rng.randint(0, 150)),
        "year_2": dt.date(launched + 1, 10, 1) + dt.timedelta(days=rng.randint(0, 150)),
        "year_3_plus": dt.date(launched + 2, 10, 1) + dt.timedelta(days=rng.randint(0, 150)),
    }
    have = {stage_of(district.launch_date, m.happened_on) for m in district.milestones}
    added = tuple(
        MilestonePlan(happened_on=day, text=rng.choice(MILESTONES[stage]))
        for stage, day in days.items()
        if stage not in have and day <= today and stage_of(district.launch_date, day) == stage
    )
    return tuple(sorted((*district.milestones, *added), key=lambda m: m.happened_on))
