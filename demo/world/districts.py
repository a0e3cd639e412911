"""The synthetic districts of the demo world: their names and places, schools, launch dates,
surveys, places on the path and milestones. Maple Valley, the named one, is `demo.world.maple`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence

from demo.world.answers import (
    DISTRICT_CATEGORY_SD,
    DISTRICT_STRENGTH_SD,
)
from demo.world.campaigns import (
    DistrictDraft,
    campaign_plan,
    launch_date_draw,
    school_years_in,
    spring_campaign_dates,
)
from demo.world.plans import (
    SYNTHETIC,
    CampaignPlan,
    DistrictPlan,
    MilestonePlan,
)
from onpoint.method.scoring import ItemSpec
from onpoint.method.stages import school_year, stage_of
from onpoint.method.structure import CATEGORIES

# Milestones, what districts are proud of at each stage (domain.md, "The journey").
MILESTONES: dict[str, tuple[str, ...]] = {
    "planning": (
        "Board adopted a vision for personalized learning",
        "Family listening sessions in every school",
        "Design team of teachers, coaches and principals formed",
        "Visited two districts further along the path",
        "Shared the why and the how at the opening staff meeting",
    ),
    "year_1": (
        "Strong teacher buy-in",
        "Piloting in six schools at once",
        "Every classroom has a working device",
        "Coaches in every school",
        "First learner profiles written with students",
    ),
    "year_2": (
        "Students set their own learning goals each week",
        "Help desk answers within a day",
        "Flexible schedules in all middle schools",
        "Teachers plan lessons around student data",
        "Pilot schools hosting open classrooms",
    ),
    "year_3_plus": (
        "Students moving from passive recipients to active learners",
        "Student-led conferences in every school",
        "Hosting visits from neighbouring districts",
        "Competency-based grading adopted district-wide",
        "Teachers leading the professional learning",
    ),
}

PLACES = (
    "Alder", "Aspen", "Bay", "Bear", "Birch", "Blue", "Briar", "Brook", "Canyon", "Cedar",
    "Clear", "Copper", "Crane", "Crystal", "Deer", "Eagle", "Elk", "Elm", "Fair", "Fern",
    "Fox", "Glen", "Golden", "Granite", "Green", "Hawk", "Hazel", "Heron", "Hickory", "Holly",
    "Iron", "Juniper", "Lake", "Laurel", "Linden", "Lone", "Magnolia", "Meadow", "Mill", "Mist",
    "Oak", "Orchard", "Otter", "Pine", "Pleasant", "Prairie", "Quail", "Raven", "Red", "Ridge",
    "River", "Rock", "Sage", "Salt", "Shadow", "Silver", "Spring", "Stone", "Summit", "Sun",
    "Sycamore", "Thistle", "Timber", "Walnut", "Willow", "Wolf",
)  # fmt: skip
PLACE_ENDINGS = (
    "Valley", "Creek", "Ridge", "Falls", "Springs", "Hollow", "Harbor", "Grove", "Plains",
    "Point", "Heights", "Bend", "Crossing", "Lake", "Meadows", "Park", "Run", "Vale",
)  # fmt: skip
DISTRICT_KINDS = (
    "School District", "School District", "Unified School District", "Public Schools",
    "County Schools", "Independent School District",
)  # fmt: skip
SCHOOL_KINDS = ("Elementary", "Elementary", "Elementary", "Middle School", "High School")
SMALL_SCHOOL_KINDS = ("Alternative School", "Early College Academy", "Virtual Academy")
# Many states, the larger ones more often, as districts are spread in the country.
STATES = (
    "AL", "AK", "AZ", "AR", "CA", "CA", "CA", "CO", "CT", "DE", "FL", "FL", "GA", "GA", "HI",
    "ID", "IL", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MI", "MN", "MS",
    "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NY", "NC", "NC", "ND", "OH", "OH", "OK",
    "OR", "PA", "PA", "RI", "SC", "SD", "TN", "TX", "TX", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY",
)  # fmt: skip


def _schools_draw(rng: random.Random, place: str) -> tuple[list[str], list[str]]:
    """The district's schools, the high school first, and the small ones apart."""
    schools = [f"{place} High School"]
    for _ in range(rng.randint(1, 5)):
        name = f"{rng.choice(PLACES)} {rng.choice(SCHOOL_KINDS)}"
        if name.casefold() not in {s.casefold() for s in schools}:
            schools.append(name)
    small: list[str] = []
    if rng.random() < 0.45:
        small.append(f"{rng.choice(PLACES)} {rng.choice(SMALL_SCHOOL_KINDS)}")
    return schools, small


def path_place_of(stage: str, years_in: int) -> str:
    if stage == "planning":
        return "exploring"
    if stage in ("year_1", "year_2"):
        return "trying"
    return "helping" if years_in >= 5 else "doing"


def _milestones(
    rng: random.Random, launch_date: dt.date | None, today: dt.date, first_year: int
) -> tuple[MilestonePlan, ...]:
    """One or none per school year, from the year before launch to this one, never in the future."""
    milestones = []
    for year in range(first_year, school_year(today) + 1):
        if rng.random() > 0.7:
            continue
        day = dt.date(year, 9, 1) + dt.timedelta(days=rng.randint(0, 280))
        if day > today:
            continue
        stage = stage_of(launch_date, day)
        milestones.append(MilestonePlan(happened_on=day, text=rng.choice(MILESTONES[stage])))
    return tuple(milestones)


def _strength(rng: random.Random) -> dict[str, float]:
    overall = rng.gauss(0, DISTRICT_STRENGTH_SD)
    return {c: overall + rng.gauss(0, DISTRICT_CATEGORY_SD) for c in CATEGORIES}


def district_names(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n distinct (place, kind) pairs; never Maple Valley, which is the leader's own district."""
    places = [f"{a} {b}" for a in PLACES for b in PLACE_ENDINGS if f"{a} {b}" != "Maple Valley"]
    rng.shuffle(places)
    return [(place, rng.choice(DISTRICT_KINDS)) for place in places[:n]]


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def generic_district(
    rng: random.Random,
    *,
    place: str,
    kind: str,
    items: Sequence[ItemSpec],
    today: dt.date,
) -> DistrictPlan:
    this_year = school_year(today)
    launch_year = _launch_year_draw(rng, this_year)
    schools, small = _schools_draw(rng, place)
    enrollment = round(math.exp(rng.uniform(math.log(900), math.log(60_000))))
    state = rng.choice(STATES)
    draft = DistrictDraft(
        name=f"{place} {kind} {SYNTHETIC}",
        slug=_slug(f"{place} {state}"),
        state=state,
        launch_year=launch_year,
        enrollment=enrollment,
        divided=rng.random() < 0.1,
        schools=schools,
        small_schools=small,
        strength=_strength(rng),
    )
    launch_date = launch_date_draw(rng, launch_year)
    campaigns = _spring_surveys(rng, draft=draft, launch_date=launch_date, items=items, today=today)
    stage_now = stage_of(launch_date, today)
    first_year = (launch_year if launch_year is not None else this_year) - 1
    return DistrictPlan(
        name=draft.name,
        slug=draft.slug,
        state=draft.state,
        launch_date=launch_date,
        enrollment=enrollment,
        path_place=path_place_of(stage_now, school_years_in(launch_date, today)),
        listed_on_national_map=False,
        divided=draft.divided,
        schools=tuple(schools + small),
        small_schools=tuple(small),
        campaigns=tuple(campaigns),
        milestones=_milestones(rng, launch_date, today, max(first_year, this_year - 5)),
    )


def _launch_year_draw(rng: random.Random, this_year: int) -> int | None:
    """The school year of launch, or None for a district with no launch date yet."""
    # Launched anywhere from six school years ago to next August, most of them two to four
    # years ago so that every stage has a broad cohort; some have no launch date yet.
    launch_year: int | None = rng.choices(
        range(this_year - 6, this_year + 2), weights=(1, 1.5, 2.2, 2.2, 2, 1, 0.5, 0.4)
    )[0]
    if rng.random() < 0.12:
        launch_year = None
    return launch_year


def _spring_surveys(
    rng: random.Random,
    *,
    draft: DistrictDraft,
    launch_date: dt.date | None,
    items: Sequence[ItemSpec],
    today: dt.date,
) -> list[CampaignPlan]:
    """One survey a spring, in 1 to 4 of the last four school years, sized by enrollment."""
    this_year = school_year(today)
    n_campaigns = rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 2))[0]
    years = sorted(rng.sample(range(this_year - 4, this_year), n_campaigns))
    base_size = 10 + min(45, draft.enrollment / 900)
    if draft.divided:
        base_size += 25  # large enough that every role is reported
    campaigns = []
    for year in years:
        opens_on, closes_on = spring_campaign_dates(rng, year)
        campaigns.append(
            campaign_plan(
                rng,
                draft=draft,
                launch_date=launch_date,
                items=items,
                opens_on=opens_on,
                closes_on=closes_on,
                n=max(6, round(base_size * rng.uniform(0.7, 1.3))),
                today=today,
                small_school_size=rng.randint(1, 4),
                name=f"Spring {year + 1} staff survey",
            )
        )
    return campaigns
