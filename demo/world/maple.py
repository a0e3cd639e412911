"""Maple Valley, the demo leader's own district: fixed dates and sizes, so that the dashboard
shows every case the method has (a divided category, a school under five, an open survey).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from demo.world.campaigns import (
    DistrictDraft,
    campaign_plan,
)
from demo.world.plans import (
    SYNTHETIC,
    CampaignPlan,
    DistrictPlan,
    LearningOfferPlan,
    MilestonePlan,
)
from onpoint.method.scoring import ItemSpec
from onpoint.method.stages import school_year

MAPLE_SLUG = "maple-valley"
MAPLE_NAME = f"Maple Valley School District {SYNTHETIC}"


# Maple Valley's own offers, one for each landmark and two for student agency, its focus in Year 2.
MAPLE_OFFERS: tuple[LearningOfferPlan, ...] = (
    LearningOfferPlan(
        "Why personalized learning: the vision in one hour", "shared_understanding", 212
    ),
    LearningOfferPlan("Device and digital tools clinic", "operations", 64),
    LearningOfferPlan("Microcredential: student goal-setting", "student_agency", 23),
    LearningOfferPlan("Microcredential: learner profiles", "student_agency", 14),
    LearningOfferPlan("Innovation lab: try one new thing", "culture", 9),
)


def maple_valley(rng: random.Random, *, items: Sequence[ItemSpec], today: dt.date) -> DistrictPlan:
    """The demo leader's district: launched last school year, so this year is its Year 2.

    It surveyed in the spring before launch (Planning), in the fall and spring of Year 1, and
    has a survey open now with some responses in. Its roles see operations very differently,
    and one small school never reaches five responses.
    """
    this_year = school_year(today)
    launch_date = dt.date(this_year - 1, 8, 26)
    draft = _maple_draft(this_year)
    return DistrictPlan(
        name=MAPLE_NAME,
        slug=MAPLE_SLUG,
        state="OR",
        launch_date=launch_date,
        enrollment=8400,
        path_place="trying",
        listed_on_national_map=True,
        divided=True,
        schools=tuple(draft.schools + draft.small_schools),
        small_schools=tuple(draft.small_schools),
        campaigns=_maple_campaigns(
            rng, draft=draft, launch_date=launch_date, items=items, today=today
        ),
        milestones=_maple_milestones(today),
    )


def _maple_draft(this_year: int) -> DistrictDraft:
    """Four schools and a small one; a lead in culture, a lag in operations; divided roles."""
    return DistrictDraft(
        name=MAPLE_NAME,
        slug=MAPLE_SLUG,
        state="OR",
        launch_year=this_year - 1,
        enrollment=8400,
        divided=True,
        schools=[
            "Maple Elementary",
            "Cedar Ridge Middle School",
            "Maple Valley High School",
            "Birchwood Elementary",
        ],
        small_schools=["Fern Hollow Alternative School"],
        strength={"strategy": 2.0, "operations": -3.0, "design": 1.0, "culture": 3.0},
    )


def _maple_campaigns(
    rng: random.Random,
    *,
    draft: DistrictDraft,
    launch_date: dt.date,
    items: Sequence[ItemSpec],
    today: dt.date,
) -> tuple[CampaignPlan, ...]:
    """Planning, Fall and Spring of Year 1, closed; and the survey open now."""
    this_year = school_year(today)
    # (opens, closes, responses, name). Dates in the past school years are fixed points of the
    # calendar; the open survey opened last week and runs two more weeks.
    schedule = [
        (dt.date(this_year - 1, 3, 10), dt.date(this_year - 1, 3, 28), 64, "Planning"),
        (dt.date(this_year - 1, 10, 13), dt.date(this_year - 1, 10, 31), 72, "Fall"),
        (dt.date(this_year, 3, 9), dt.date(this_year, 3, 27), 81, "Spring"),
    ]
    campaigns = []
    for opens_on, closes_on, n, label in schedule:
        school_year_label = f"{school_year(opens_on)}-{str(school_year(opens_on) + 1)[2:]}"
        campaigns.append(
            campaign_plan(
                rng,
                draft=draft,
                launch_date=launch_date,
                items=items,
                opens_on=opens_on,
                closes_on=closes_on,
                n=n,
                today=today,
                small_school_size=3,
                name=f"{label} {school_year_label} staff survey",
            )
        )
    opens_on = today - dt.timedelta(days=6)
    campaigns.append(
        campaign_plan(
            rng,
            draft=draft,
            launch_date=launch_date,
            items=items,
            opens_on=opens_on,
            closes_on=today + dt.timedelta(days=15),
            n=34,
            today=today,
            small_school_size=2,
            name=f"Fall {this_year}-{str(this_year + 1)[2:]} staff survey",
        )
    )
    return tuple(campaigns)


def _maple_milestones(today: dt.date) -> tuple[MilestonePlan, ...]:
    """Its milestones so far: the ones dated after `today` have not happened yet."""
    this_year = school_year(today)
    return tuple(
        MilestonePlan(happened_on=day, text=text)
        for day, text in (
            (dt.date(this_year - 2, 11, 14), "Board adopted a vision for personalized learning"),
            (dt.date(this_year - 1, 1, 22), "Family listening sessions in every school"),
            (dt.date(this_year - 1, 9, 15), "Piloting in six schools at once"),
            (dt.date(this_year, 2, 3), "Strong teacher buy-in"),
            (dt.date(this_year, 5, 12), "Every classroom has a working device"),
            (dt.date(this_year, 10, 6), "Students set their own learning goals each week"),
        )
        if day <= today
    )
