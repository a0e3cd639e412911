"""The national journey map: how many districts are at each stage and place on the path, the
latest milestones at each place, and the districts that chose to be named. Counts and chosen
names only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from districts.models import District, PathPlace
from onpoint import charts
from onpoint.method.stages import stage_of
from onpoint.method.structure import STAGE_LABELS, STAGES
from onpoint.national_selectors import (
    NationalMilestone,
    national_listed_districts,
    national_milestones,
    national_stage_place_counts,
)
from onpoint.pages.base import PageModel

# The national map shows this many recent milestones per place on the path, and names at most
# this many listed districts.
MILESTONES_PER_PLACE: Final = 6
LISTED_DISTRICTS_LIMIT: Final = 200


@dataclass(frozen=True)
class PlaceRow:
    """A place on the path: how many districts are there, and their latest milestones."""

    key: str
    label: str
    count: int
    milestones: list[NationalMilestone]


@dataclass(frozen=True)
class ListedRow:
    """A district that chose to be named, with its stage and place."""

    district: District
    stage: str
    place: str


@dataclass(frozen=True)
class NationalMapPage(PageModel):
    chart: charts.Chart
    places: list[PlaceRow]
    stage_counts: list[tuple[str, int]]
    total: int
    listed: list[ListedRow]
    listed_total: int
    stage_labels: Mapping[str, str]


def national_map_page(*, today: dt.date) -> NationalMapPage:
    """The map on `today`. Four queries: the counts, the milestones, the listed districts and
    how many they are."""
    counts = national_stage_place_counts(today=today)
    place_labels = dict(PathPlace.choices)
    milestones = national_milestones(per_place=MILESTONES_PER_PLACE)
    listed = national_listed_districts(limit=LISTED_DISTRICTS_LIMIT)
    by_place = {place: sum(counts[s][place] for s in STAGES) for place in place_labels}
    return NationalMapPage(
        chart=charts.journey_places(key="places", counts=counts, place_labels=place_labels),
        places=[
            PlaceRow(key=place, label=label, count=by_place[place], milestones=milestones[place])
            for place, label in place_labels.items()
        ],
        stage_counts=[(STAGE_LABELS[s], sum(counts[s].values())) for s in STAGES],
        total=sum(by_place.values()),
        listed=[
            ListedRow(
                district=d,
                stage=STAGE_LABELS[stage_of(d.launch_date, today)],
                place=place_labels[d.path_place],
            )
            for d in listed.districts
        ],
        listed_total=listed.total,
        stage_labels=STAGE_LABELS,
    )
