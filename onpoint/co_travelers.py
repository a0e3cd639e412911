"""Co-travelers (issue 16): named districts one or two stages ahead of a district, with their
milestones from when they were where it is now and their Onpoint score at each stage. A fixed
number of queries, on the stored rows only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Abs
from django.utils import timezone

from districts.models import District, Milestone
from onpoint.method.stages import stage_of
from onpoint.method.structure import ONPOINT, STAGES
from onpoint.models import GroupScore
from onpoint.stage_filters import stage_index_expression, stage_q


@dataclass(frozen=True)
class CoTraveler:
    """A district one or two stages ahead that chose to be named (`named_as_co_traveler`).

    `milestones`: theirs from when they were at the stage the viewing district is in now,
    oldest first. `path`: their Onpoint score at each stage, from the latest released campaign
    at that stage whose score is reported ("when they were where you are"), in stage order.
    """

    district: District
    stage: str
    milestones: list[Milestone]
    path: list[tuple[str, float]]

    def onpoint_at(self, stage: str) -> float | None:
        return dict(self.path).get(stage)


def stages_ahead(stage: str, *, most: int = 2) -> tuple[str, ...]:
    """The next one or two stages after `stage` (none after Year 3+)."""
    index = STAGES.index(stage)
    return tuple(STAGES[index + 1 : index + 1 + most])


def co_travelers_of(
    *, district: District, stage: str, now: dt.datetime, today: dt.date, limit: int
) -> list[CoTraveler]:
    """Up to `limit` named districts one or two stages ahead of `district` (at `stage` on
    `today`), nearest first: the same state first, then the closest enrollment, then the
    nearer stage, then the name. Only released campaigns count (method 1.1), and only a
    reported Onpoint score. Three queries (none at Year 3+): the districts, their milestones,
    their released Onpoint scores.
    """
    ahead = stages_ahead(stage)
    if not ahead:
        return []
    found = _nearest_ahead(district, ahead, today=today, limit=limit)
    if not found:
        return []
    milestones = _milestones_at(found, stage)
    paths = _onpoint_paths(found, now=now)
    return [
        CoTraveler(
            district=traveler,
            stage=stage_of(traveler.launch_date, today),
            milestones=milestones[traveler.pk],
            path=[(s, paths[traveler.pk][s]) for s in STAGES if s in paths[traveler.pk]],
        )
        for traveler in found
    ]


def _nearest_ahead(
    district: District, ahead: tuple[str, ...], *, today: dt.date, limit: int
) -> list[District]:
    """The named districts at one of the stages `ahead`, nearest to `district` first."""
    at_stage_ahead = Q()
    for later in ahead:
        at_stage_ahead |= stage_q(later, today)
    size_gap: Any = (
        Abs(F("enrollment") - Value(district.enrollment))
        if district.enrollment is not None
        else Value(None, output_field=IntegerField())
    )
    return list(
        District.objects.filter(at_stage_ahead, named_as_co_traveler=True)
        .exclude(pk=district.pk)
        .annotate(
            other_state=Case(When(state=district.state, then=Value(0)), default=Value(1)),
            size_gap=size_gap,
            stage_index=stage_index_expression(today),
        )
        .order_by("other_state", F("size_gap").asc(nulls_last=True), "stage_index", "name", "pk")[
            :limit
        ]
    )


def _milestones_at(travelers: list[District], stage: str) -> dict[int, list[Milestone]]:
    """Each traveler's milestones from when it was at `stage`, oldest first, by district id."""
    by_id = {d.pk: d for d in travelers}
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.filter(district__in=travelers).order_by("happened_on", "pk"):
        traveler = by_id[milestone.district_id]
        if stage_of(traveler.launch_date, milestone.happened_on) == stage:
            milestones[traveler.pk].append(milestone)
    return milestones


def _onpoint_paths(travelers: list[District], *, now: dt.datetime) -> dict[int, dict[str, float]]:
    """Each traveler's released, reported Onpoint score at each stage, by district id."""
    by_id = {d.pk: d for d in travelers}
    paths: dict[int, dict[str, float]] = defaultdict(dict)
    released = (
        GroupScore.objects.filter(
            campaign__district__in=travelers,
            breakdown=GroupScore.Breakdown.WHOLE,
            key=ONPOINT,
            value__isnull=False,
            campaign__closes_at__lte=now,
            campaign__result__computed_at__gte=F("campaign__closes_at"),
        )
        .order_by("campaign__opens_at", "campaign__pk")
        .values_list("campaign__district_id", "campaign__opens_at", "value")
    )
    for district_id, opens_at, value in released:
        if value is None:  # filtered out above; for the type checker
            continue
        # Later campaigns at a stage replace earlier ones: the latest released, as the cohorts.
        campaign_stage = stage_of(by_id[district_id].launch_date, timezone.localdate(opens_at))
        paths[district_id][campaign_stage] = value
    return paths
