"""Writes on a district's journey map: its milestones and its place on the path."""

from __future__ import annotations

import datetime as dt

from journeys.models import District, Milestone


def milestone_create(*, district: District, happened_on: dt.date, text: str) -> Milestone:
    milestone = Milestone(district=district, happened_on=happened_on, text=text.strip())
    milestone.full_clean()
    milestone.save()
    return milestone


def milestone_update(*, milestone: Milestone, happened_on: dt.date, text: str) -> Milestone:
    milestone.happened_on = happened_on
    milestone.text = text.strip()
    milestone.full_clean()
    milestone.save(update_fields=["happened_on", "text"])
    return milestone


def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()


def district_journey_place_set(
    *, district: District, path_place: str, listed_on_national_map: bool
) -> District:
    """Where the district places itself on the path, and whether the national map names it."""
    district.path_place = path_place
    district.listed_on_national_map = listed_on_national_map
    district.full_clean(exclude=["slug"])
    district.save(update_fields=["path_place", "listed_on_national_map"])
    return district
