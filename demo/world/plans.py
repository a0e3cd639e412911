"""The demo world as plain data: the plans of its districts, campaigns, responses,
comments, milestones and learning offers, which `demo.seed` stores.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from onpoint.method.scoring import ItemSpec

DEFAULT_SEED = 2026
DEMO_DISTRICTS = 150
SYNTHETIC = "(synthetic)"


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


def codes_check(items: Sequence[ItemSpec]) -> None:
    if len({item.code for item in items}) != len(items):
        raise ValueError(DUPLICATE_CODES)


def world_campaigns(world: World) -> Iterator[tuple[DistrictPlan, CampaignPlan]]:
    for district in world.districts:
        for campaign in district.campaigns:
            yield district, campaign
