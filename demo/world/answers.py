"""How one synthetic person answers: each dimension's national target at each stage, each
role's own view, a district's strength, a person's noise, and the draws of answers around them.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Sequence

from onpoint.method.scoring import ItemSpec
from onpoint.method.structure import CATEGORY_OF_DIMENSION, DIMENSIONS, ROLES

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


# DIMENSIONS and ROLES are the method's; the targets and views above must name exactly those.
assert all(set(targets) == set(DIMENSIONS) for targets in STAGE_TARGETS.values())
assert set(ROLE_VIEW) == set(DIVIDED_ROLE_VIEW) == set(ROLE_WEIGHTS) == set(ROLES)
