"""Writes on districts and schools, and on a district's journey map: its milestones and its
place on the path."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify

from districts.models import District, Membership, Milestone, School, time_zone_for_state


def unique_district_slug(name: str) -> str:
    base = slugify(name)[:70] or "district"
    slug, suffix = base, 2
    while District.objects.filter(slug=slug).exists():
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


@transaction.atomic
def district_create(
    *,
    name: str,
    state: str,
    launch_date: dt.date | None = None,
    nces_id: str = "",
    enrollment: int | None = None,
    time_zone: str = "",
    created_by: User | None = None,
) -> District:
    """Create a district; a consultant who creates one becomes its consultant. Without a time
    zone it takes its state's (districts.models.STATE_TIME_ZONES)."""
    district = District(
        name=name.strip(),
        slug=unique_district_slug(name),
        state=state.upper(),
        launch_date=launch_date,
        nces_id=nces_id,
        enrollment=enrollment,
        time_zone=time_zone or time_zone_for_state(state),
    )
    district.full_clean()
    district.save()
    if created_by is not None and not getattr(created_by, "is_staff", False):
        Membership.objects.create(
            user=created_by, district=district, kind=Membership.Kind.CONSULTANT
        )
    return district


def school_create(*, district: District, name: str) -> School:
    school = School(district=district, name=name.strip())
    school.full_clean()
    school.save()
    return school


def schools_expected_responses_set(*, district: District, expected: dict[int, int | None]) -> None:
    """Each school's expected number of responses (None clears it), for the district's schools
    named in `expected`; ids of other districts' schools are ignored. One UPDATE per school."""
    with transaction.atomic():
        for school in district.schools.filter(pk__in=list(expected)):
            if school.expected_responses != expected[school.pk]:
                school.expected_responses = expected[school.pk]
                school.save(update_fields=["expected_responses"])


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
