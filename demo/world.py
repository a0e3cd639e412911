"""The synthetic demo world, as plain data: districts, schools, campaigns, answers, milestones.

Pure and deterministic: the same seed, items and day give the same world, with no database, no
clock and no NumPy. `demo.seed` stores it; `seed_scale` stores its large cousin for the
benchmarks. Every name is marked "(synthetic)": no real district, school or person is in it.

The national shape follows the four landmarks of spec/domain.md. Each dimension has a target
mean at each stage (`STAGE_TARGETS`); a district adds its own lasting strength, each role its own
view, each person their own noise, and answers are drawn so that their mean is the target:

1. Strategy Communication grows about 70% of its way between Planning and Year 1.
2. Operations grows steadily at every stage.
3. Instructional Design's teacher role grows early, the student's role late.
4. Culture of Innovation rises, then flattens and dips after Year 2.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from onpoint.method.scoring import ItemSpec
from onpoint.method.stages import school_year, stage_of
from onpoint.method.structure import CATEGORIES, CATEGORY_OF_DIMENSION, DIMENSIONS, ROLES, STAGES

DEFAULT_SEED = 2026
DEMO_DISTRICTS = 150
SYNTHETIC = "(synthetic)"

MAPLE_SLUG = "maple-valley"
MAPLE_NAME = f"Maple Valley School District {SYNTHETIC}"
CONSULTED_DISTRICTS = 12

# Target mean of each dimension (0-100) across districts at each stage.
STAGE_TARGETS: dict[str, dict[str, float]] = {
    "planning": {
        "vision": 42, "plan": 36,
        "devices_tools": 40, "it_support": 36,
        "teacher_role": 38, "student_role": 30,
        "buy_in": 50, "risk_taking": 42, "supportive": 52,
    },
    "year_1": {
        # Strategy: 39 -> 59.5 of the way to 69 at Year 3+: 20.5 / 30 is about 70%.
        "vision": 62, "plan": 57,
        "devices_tools": 48, "it_support": 43,
        # The teacher's role grows first; the student's role barely moves yet.
        "teacher_role": 52, "student_role": 33,
        "buy_in": 58, "risk_taking": 50, "supportive": 60,
    },
    "year_2": {
        "vision": 67, "plan": 62,
        "devices_tools": 56, "it_support": 50,
        "teacher_role": 60, "student_role": 41,
        "buy_in": 65, "risk_taking": 57, "supportive": 64,
    },
    "year_3_plus": {
        "vision": 72, "plan": 66,
        "devices_tools": 64, "it_support": 57,
        # Later growth comes from the student's role.
        "teacher_role": 63, "student_role": 55,
        # Culture flattens and dips after Year 2.
        "buy_in": 63, "risk_taking": 56, "supportive": 62.5,
    },
}  # fmt: skip
# Past the third year the trends go on: operations and student agency keep growing a little,
# culture keeps sagging a little, per extra year.
LATER_YEAR_DRIFT: dict[str, float] = {
    "devices_tools": 2.0, "it_support": 2.0, "student_role": 2.0,
    "buy_in": -0.7, "risk_taking": -0.7, "supportive": -0.7,
}  # fmt: skip

# How each role tends to see each category, in points; in most districts the roles roughly agree.
ROLE_VIEW: dict[str, dict[str, float]] = {
    "teacher": {"strategy": -2, "operations": -1, "design": 0, "culture": -1},
    "coach": {"strategy": 1, "operations": 0, "design": 4, "culture": 1},
    "school_leader": {"strategy": 3, "operations": 0, "design": 2, "culture": 3},
    "technology": {"strategy": -2, "operations": 5, "design": -3, "culture": 0},
    "district_staff": {"strategy": 5, "operations": 2, "design": 1, "culture": 4},
}
# In a divided district the roles see different initiatives (domain.md, "The elephant"): the
# district office sees a clear strategy the classrooms do not, technology staff see a device
# rollout that went well while teachers struggle with it.
DIVIDED_ROLE_VIEW: dict[str, dict[str, float]] = {
    "teacher": {"strategy": -9, "operations": -8, "design": 0, "culture": -4},
    "coach": {"strategy": 2, "operations": -2, "design": 5, "culture": 2},
    "school_leader": {"strategy": 7, "operations": 2, "design": 3, "culture": 5},
    "technology": {"strategy": 0, "operations": 14, "design": -4, "culture": 2},
    "district_staff": {"strategy": 14, "operations": 6, "design": 2, "culture": 8},
}
ROLE_WEIGHTS: dict[str, float] = {
    "teacher": 0.64,
    "coach": 0.07,
    "school_leader": 0.09,
    "technology": 0.06,
    "district_staff": 0.14,
}
DIVIDED_ROLE_WEIGHTS: dict[str, float] = {
    "teacher": 0.50,
    "coach": 0.08,
    "school_leader": 0.12,
    "technology": 0.12,
    "district_staff": 0.18,
}

DISTRICT_STRENGTH_SD = 6.0  # a district's lasting lead or lag, in every category
DISTRICT_CATEGORY_SD = 3.5  # and its own lead or lag in each category
CAMPAIGN_SD = 1.5  # one year's luck
PERSON_SD = 10.0  # how much one person differs from their district and role
ITEM_SD = 9.0  # and how much one statement differs from their general view
NO_ANSWER = 0.03  # "Don't know / not applicable"
# Technology and district office staff often cannot say what students do in class.
NO_ANSWER_STUDENT_ROLE = {"technology": 0.2, "district_staff": 0.15}
UNSPECIFIED_SCHOOL = 0.06  # respondents who leave the school question empty

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

DUPLICATE_CODES = "the items repeat a code"
TOO_FEW_DISTRICTS = (
    "A demo world needs at least {minimum} districts: the consultant serves that many."
)


@dataclass(frozen=True)
class ResponsePlan:
    role: str
    school: str | None  # a school of the district by name; None is "Unspecified"
    submitted_on: dt.date
    submission_id: uuid.UUID
    answers: dict[str, int | None]


@dataclass(frozen=True)
class CommentPlan:
    """A staff comment (issue 16): the question it answers and its words, nothing else."""

    kind: str  # a surveys.models.Comment.Kind value
    text: str


@dataclass(frozen=True)
class CampaignPlan:
    name: str
    opens_on: dt.date
    closes_on: dt.date  # the campaign closes at the end of the working day on this date
    stage: str
    expected_responses: int
    responses: tuple[ResponsePlan, ...]
    comments: tuple[CommentPlan, ...] = ()


@dataclass(frozen=True)
class LearningOfferPlan:
    name: str
    landmark: str  # a landmark key of the method
    earned_count: int


@dataclass(frozen=True)
class MilestonePlan:
    happened_on: dt.date
    text: str


@dataclass(frozen=True)
class DistrictPlan:
    name: str
    slug: str
    state: str
    launch_date: dt.date | None
    enrollment: int
    path_place: str  # a districts.models.PathPlace value
    listed_on_national_map: bool
    divided: bool  # its roles see things very differently
    schools: tuple[str, ...]
    small_schools: tuple[str, ...]  # schools too small to report on their own
    campaigns: tuple[CampaignPlan, ...]
    milestones: tuple[MilestonePlan, ...]
    named_as_co_traveler: bool = False
    learning_offers: tuple[LearningOfferPlan, ...] = ()


@dataclass(frozen=True)
class World:
    seed: int
    today: dt.date
    districts: tuple[DistrictPlan, ...]
    consulted: tuple[str, ...] = field(default=())  # slugs the demo consultant serves

    @property
    def n_responses(self) -> int:
        return sum(len(c.responses) for d in self.districts for c in d.campaigns)


# --- answers -----------------------------------------------------------------------------------


def dimension_targets(stage: str, years_in: int) -> dict[str, float]:
    """The national target of every dimension for a campaign in its `years_in`-th school year
    of implementation (0 while planning)."""
    targets = dict(STAGE_TARGETS[stage])
    extra_years = max(0, years_in - 3)
    for dimension, drift in LATER_YEAR_DRIFT.items():
        targets[dimension] += drift * min(extra_years, 4)
    return targets


def answer_draw(rng: random.Random, score: float) -> int:
    """An answer 1..5 whose expected item score is `score` (clamped to 0..100).

    Stochastic rounding between the two nearest answers keeps the mean on target, so the
    national medians land where STAGE_TARGETS puts them.
    """
    position = 1 + min(100.0, max(0.0, score)) / 25
    lower = math.floor(position)
    if lower >= 5:
        return 5
    return lower + (1 if rng.random() < position - lower else 0)


def answers_draw(
    rng: random.Random,
    *,
    items: Sequence[ItemSpec],
    targets: dict[str, float],
    role: str,
) -> dict[str, int | None]:
    """One person's answers to every item around the dimension `targets` of their group."""
    person = rng.gauss(0, PERSON_SD)
    answers: dict[str, int | None] = {}
    for item in items:
        skip = NO_ANSWER
        if item.dimension == "student_role":
            skip = NO_ANSWER_STUDENT_ROLE.get(role, NO_ANSWER)
        if rng.random() < skip:
            answers[item.code] = None
            continue
        answer = answer_draw(rng, targets[item.dimension] + person + rng.gauss(0, ITEM_SD))
        # A reverse-coded statement is agreed with when things are bad.
        answers[item.code] = 6 - answer if item.reverse_coded else answer
    return answers


def role_targets(
    base: dict[str, float], *, role: str, divided: bool, shift: dict[str, float]
) -> dict[str, float]:
    """Targets for one role of one district and campaign: the national base, the district's
    own lead or lag (`shift`, by category), and how this role tends to see each category."""
    view = (DIVIDED_ROLE_VIEW if divided else ROLE_VIEW)[role]
    return {
        dimension: value + shift[CATEGORY_OF_DIMENSION[dimension]]
        + view[CATEGORY_OF_DIMENSION[dimension]]
        for dimension, value in base.items()
    }  # fmt: skip


def uuid_draw(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


# --- the world ---------------------------------------------------------------------------------


@dataclass
class _DistrictDraft:
    name: str
    slug: str
    state: str
    launch_year: int | None  # the school year of launch; None: no launch date yet
    enrollment: int
    divided: bool
    schools: list[str]
    small_schools: list[str]
    strength: dict[str, float]  # by category


def _launch_date(rng: random.Random, launch_year: int | None) -> dt.date | None:
    if launch_year is None:
        return None
    return dt.date(launch_year, 8, rng.randint(14, 31))


def _years_in(launch_date: dt.date | None, opens_on: dt.date) -> int:
    if launch_date is None or opens_on < launch_date:
        return 0
    return school_year(opens_on) - school_year(launch_date) + 1


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _spring_campaign_dates(rng: random.Random, year: int) -> tuple[dt.date, dt.date]:
    """A survey in the spring of school year `year`: between February and April of year + 1."""
    opens_on = _weekday(dt.date(year + 1, 2, 2) + dt.timedelta(days=rng.randint(0, 75)))
    return opens_on, opens_on + dt.timedelta(days=rng.randint(12, 25))


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


def _split(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
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
    draft: _DistrictDraft,
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
    sizes = _split(
        rng, max(regular, 0), [2.0 if i == 0 else 1.0 for i in range(len(draft.schools))]
    )
    for regular_school, size in zip(draft.schools, sizes, strict=True):
        schools += [regular_school] * size
    days = max(0, (last_day - opens_on).days)
    responses = []
    # Each role takes its share of the campaign, in a random order across the schools.
    roles = [
        role
        for role, count in zip(weights, _split(rng, len(schools), [*weights.values()]), strict=True)
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


def _campaign_plan(
    rng: random.Random,
    *,
    draft: _DistrictDraft,
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
    targets = dimension_targets(stage, _years_in(launch_date, opens_on))
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


def _path_place(stage: str, years_in: int) -> str:
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


def _district_names(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n distinct (place, kind) pairs; never Maple Valley, which is the leader's own district."""
    places = [f"{a} {b}" for a in PLACES for b in PLACE_ENDINGS if f"{a} {b}" != "Maple Valley"]
    rng.shuffle(places)
    return [(place, rng.choice(DISTRICT_KINDS)) for place in places[:n]]


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _generic_district(
    rng: random.Random,
    *,
    place: str,
    kind: str,
    items: Sequence[ItemSpec],
    today: dt.date,
) -> DistrictPlan:
    this_year = school_year(today)
    # Launched anywhere from six school years ago to next August, most of them two to four
    # years ago so that every stage has a broad cohort; some have no launch date yet.
    launch_year: int | None = rng.choices(
        range(this_year - 6, this_year + 2), weights=(1, 1.5, 2.2, 2.2, 2, 1, 0.5, 0.4)
    )[0]
    if rng.random() < 0.12:
        launch_year = None
    schools, small = _schools_draw(rng, place)
    enrollment = round(math.exp(rng.uniform(math.log(900), math.log(60_000))))
    state = rng.choice(STATES)
    draft = _DistrictDraft(
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
    launch_date = _launch_date(rng, launch_year)
    # One survey a spring, in 1 to 4 of the last four school years.
    n_campaigns = rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 2))[0]
    years = sorted(rng.sample(range(this_year - 4, this_year), n_campaigns))
    base_size = 10 + min(45, enrollment / 900)
    if draft.divided:
        base_size += 25  # large enough that every role is reported
    campaigns = []
    for year in years:
        opens_on, closes_on = _spring_campaign_dates(rng, year)
        campaigns.append(
            _campaign_plan(
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
    stage_now = stage_of(launch_date, today)
    first_year = (launch_year if launch_year is not None else this_year) - 1
    return DistrictPlan(
        name=draft.name,
        slug=draft.slug,
        state=draft.state,
        launch_date=launch_date,
        enrollment=enrollment,
        path_place=_path_place(stage_now, _years_in(launch_date, today)),
        listed_on_national_map=False,
        divided=draft.divided,
        schools=tuple(schools + small),
        small_schools=tuple(small),
        campaigns=tuple(campaigns),
        milestones=_milestones(rng, launch_date, today, max(first_year, this_year - 5)),
    )


def _maple_valley(rng: random.Random, *, items: Sequence[ItemSpec], today: dt.date) -> DistrictPlan:
    """The demo leader's district: launched last school year, so this year is its Year 2.

    It surveyed in the spring before launch (Planning), in the fall and spring of Year 1, and
    has a survey open now with some responses in. Its roles see operations very differently,
    and one small school never reaches five responses.
    """
    this_year = school_year(today)
    launch_date = dt.date(this_year - 1, 8, 26)
    small = ["Fern Hollow Alternative School"]
    draft = _DistrictDraft(
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
        small_schools=small,
        strength={"strategy": 2.0, "operations": -3.0, "design": 1.0, "culture": 3.0},
    )
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
            _campaign_plan(
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
        _campaign_plan(
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
    milestones = tuple(
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
    return DistrictPlan(
        name=MAPLE_NAME,
        slug=MAPLE_SLUG,
        state="OR",
        launch_date=launch_date,
        enrollment=8400,
        path_place="trying",
        listed_on_national_map=True,
        divided=True,
        schools=tuple(draft.schools + small),
        small_schools=tuple(small),
        campaigns=tuple(campaigns),
        milestones=milestones,
    )


def _codes_check(items: Sequence[ItemSpec]) -> None:
    if len({item.code for item in items}) != len(items):
        raise ValueError(DUPLICATE_CODES)


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
    _codes_check(items)
    rng = random.Random(f"journeys-demo-{seed}")
    districts = [_maple_valley(random.Random(f"{seed}:{MAPLE_SLUG}"), items=items, today=today)]
    used_slugs = {MAPLE_SLUG}
    for place, kind in _district_names(rng, n_districts - 1):
        plan = _generic_district(
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
    districts = _comments_co_travelers_offers(seed, districts, today)
    return World(
        seed=seed,
        today=today,
        districts=tuple(districts),
        consulted=_consulted(rng, districts),
    )


# --- staff voice, co-travelers, professional learning (issue 16) --------------------------------

# What staff say they are proud of, at each stage; what would help them. Synthetic, and nobody
# is named (respondents are asked not to).
PROUD_OF: dict[str, tuple[str, ...]] = {
    "planning": (
        "The design team really listened to teachers.",
        "Families came to the listening sessions and asked good questions.",
        "We finally know why we are doing this.",
        "Visiting another district showed us what is possible.",
        "Our school talked about what students need, not about devices.",
    ),
    "year_1": (
        "Students in my class set learning goals for the first time.",
        "Coaches are in our classrooms every week.",
        "Every student has a working device.",
        "Teachers are sharing lessons across schools.",
        "Trying something new feels safe here.",
        "Six pilot schools at once, and it worked.",
    ),
    "year_2": (
        "Students choose how they show what they learned.",
        "The help desk answers within a day.",
        "Flexible schedules in the middle schools.",
        "We plan lessons around what the data says students need.",
        "Open classrooms: colleagues visit and learn from each other.",
        "Students can explain their own goals to a visitor.",
    ),
    "year_3_plus": (
        "Students lead their own conferences with families.",
        "Students talk about their learning, not just their grades.",
        "Teachers lead the professional learning now.",
        "Visitors come to see what our students do.",
        "Competency-based grading finally makes sense to families.",
        "Quiet students found their voice when they chose their path.",
    ),
}
HELP: tuple[str, ...] = (
    "More time to plan with the coach.",
    "Fewer initiatives at once.",
    "Clear examples of what good looks like in my subject.",
    "Faster fixes when a device breaks.",
    "Time to visit other classrooms.",
    "Help explaining this to families.",
    "A shared place for lesson ideas that work.",
    "Training on the learning platform at the start of the year.",
    "Recognition for teachers who take risks.",
    "Substitute coverage on training days.",
    "Smaller steps: one thing to try each month.",
)
# Ways people start and end a comment, so that a staff meeting's comments are not all alike.
PROUD_OF_OPENINGS: tuple[str, ...] = (
    "", "", "", "Honestly: ", "Most of all: ", "So proud of this one: ", "Big step for us: ",
)  # fmt: skip
HELP_ENDINGS: tuple[str, ...] = (
    "", "", "", " Even an hour a month would make a difference.", " Especially for new teachers.",
    " We are close, but not there yet.", " Please keep it simple.",
)  # fmt: skip
PROUD_OF_SHARE = 0.3  # of respondents who answer the first open question
HELP_SHARE = 0.25  # and the second
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
CO_TRAVELER_SHARE = 0.3  # of districts past planning that chose to be named


def _proud_of_draw(rng: random.Random, stage: str) -> str:
    opening, statement = rng.choice(PROUD_OF_OPENINGS), rng.choice(PROUD_OF[stage])
    return opening + (statement[0].lower() + statement[1:] if opening else statement)


def _comments_draw(rng: random.Random, campaign: CampaignPlan) -> tuple[CommentPlan, ...]:
    comments = []
    for _ in campaign.responses:
        if rng.random() < PROUD_OF_SHARE:
            comments.append(CommentPlan("proud_of", _proud_of_draw(rng, campaign.stage)))
        if rng.random() < HELP_SHARE:
            comments.append(CommentPlan("help", rng.choice(HELP) + rng.choice(HELP_ENDINGS)))
    rng.shuffle(comments)
    return tuple(comments)


def _offers_draw(rng: random.Random) -> tuple[LearningOfferPlan, ...]:
    return tuple(
        LearningOfferPlan(name, landmark, rng.randint(4, 120))
        for name, landmark in sorted(rng.sample(LEARNING_OFFERS, rng.randint(1, 3)))
    )


def _comments_co_travelers_offers(
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
            replace(campaign, comments=_comments_draw(rng, campaign))
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


def world_campaigns(world: World) -> Iterator[tuple[DistrictPlan, CampaignPlan]]:
    for district in world.districts:
        for campaign in district.campaigns:
            yield district, campaign


# DIMENSIONS and ROLES are the method's; the targets and views above must name exactly those.
assert all(set(targets) == set(DIMENSIONS) for targets in STAGE_TARGETS.values())
assert set(ROLE_VIEW) == set(DIVIDED_ROLE_VIEW) == set(ROLE_WEIGHTS) == set(ROLES)


# --- the world at national scale (seed_scale, the benchmarks) ------------------------------------

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
        launch_date = _launch_date(rng, launch_year)
        enrollment = round(math.exp(rng.uniform(math.log(300), math.log(60_000))))
        stage_now = stage_of(launch_date, today)
        districts.append(
            ScaleDistrict(
                name=f"Scale District {index + 1:05d} {SYNTHETIC}",
                slug=f"{SCALE_SLUG_PREFIX}{index + 1:05d}",
                state=rng.choice(STATES),
                launch_date=launch_date,
                enrollment=enrollment,
                path_place=_path_place(stage_now, _years_in(launch_date, today)),
                n_schools=rng.randint(2, 6),
            )
        )
        level = min(range(len(SCALE_LEVELS)), key=lambda i: abs(SCALE_LEVELS[i] - rng.gauss(0, 6)))
        n_campaigns = rng.choices((1, 2, 3), weights=(3, 2, 1))[0]
        for year in sorted(rng.sample(range(this_year - 3, this_year), n_campaigns)):
            opens_on, closes_on = _spring_campaign_dates(rng, year)
            campaigns.append(
                ScaleCampaign(
                    district=index,
                    name=f"Spring {year + 1} staff survey",
                    opens_on=opens_on,
                    closes_on=closes_on,
                    stage=stage_of(launch_date, opens_on),
                    years_in=min(_years_in(launch_date, opens_on), SCALE_MAX_YEARS_IN),
                    level=level,
                    n_responses=0,
                )
            )
            # Larger districts have more staff to answer.
            weights.append(math.sqrt(enrollment) * rng.uniform(0.7, 1.3))
    sizes = _split(rng, n_responses, weights)
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
    _codes_check(items)
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
