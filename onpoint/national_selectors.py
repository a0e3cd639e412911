"""Reads of the national pages: the benchmark versions' history and the national journey map.
They show only counts and the names of districts that chose to be listed. A fixed number of
queries each, named in its docstring.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from districts.models import District, Milestone, PathPlace
from onpoint.method.stages import stage_of
from onpoint.method.structure import STAGES
from onpoint.models import BenchmarkVersion
from onpoint.stage_filters import stage_q


@dataclass(frozen=True)
class VersionHistory:
    versions: list[BenchmarkVersion]
    total: int


def benchmark_history(*, limit: int) -> VersionHistory:
    """The latest `limit` benchmark versions, newest first, and how many exist. Two queries."""
    return VersionHistory(
        versions=list(BenchmarkVersion.objects.order_by("-id")[:limit]),
        total=BenchmarkVersion.objects.count(),
    )


def national_stage_place_counts(*, today: dt.date) -> dict[str, dict[str, int]]:
    """How many districts are at each stage (on `today`) and each place on the path. One query:
    a count per place of each stage's districts."""
    aggregates: dict[str, Any] = {
        f"{stage}__{place}": Count("pk", filter=stage_q(stage, today) & Q(path_place=place))
        for stage in STAGES
        for place in PathPlace.values
    }
    totals = District.objects.aggregate(**aggregates)
    return {
        stage: {place: int(totals[f"{stage}__{place}"] or 0) for place in PathPlace.values}
        for stage in STAGES
    }


@dataclass(frozen=True)
class NationalMilestone:
    """A milestone on the national map: the district is named only if it chose to be."""

    text: str
    happened_on: dt.date
    place: str
    stage: str
    district_name: str | None
    district_state: str | None


def national_milestones(*, per_place: int) -> dict[str, list[NationalMilestone]]:
    """The latest `per_place` milestones of the districts at each place on the path, by place in
    the path's order. One query (a row number per place, in SQL)."""
    ranked = Milestone.objects.annotate(
        place=F("district__path_place"),
        rank=Window(
            RowNumber(),
            partition_by=[F("district__path_place")],
            order_by=[F("happened_on").desc(), F("pk").desc()],
        ),
    )
    rows = (
        ranked.filter(rank__lte=per_place)
        .select_related("district")
        .only(
            "text",
            "happened_on",
            "district__path_place",
            "district__launch_date",
            "district__listed_on_national_map",
            "district__name",
            "district__state",
        )
        .order_by("district__path_place", "-happened_on", "-pk")
    )
    by_place: dict[str, list[NationalMilestone]] = defaultdict(list)
    for milestone in rows:
        district = milestone.district
        listed = district.listed_on_national_map
        by_place[district.path_place].append(
            NationalMilestone(
                text=milestone.text,
                happened_on=milestone.happened_on,
                place=district.path_place,
                stage=stage_of(district.launch_date, milestone.happened_on),
                district_name=district.name if listed else None,
                district_state=district.state_name if listed else None,
            )
        )
    return {place: by_place.get(place, []) for place in PathPlace.values}


@dataclass(frozen=True)
class ListedDistricts:
    districts: list[District]
    total: int


def national_listed_districts(*, limit: int) -> ListedDistricts:
    """Districts that chose to be named on the national map, by name, and how many. Two
    queries."""
    listed = District.objects.filter(listed_on_national_map=True)
    return ListedDistricts(
        districts=list(
            listed.only("name", "state", "launch_date", "path_place").order_by("name")[:limit]
        ),
        total=listed.count(),
    )
