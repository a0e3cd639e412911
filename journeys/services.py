"""Writes of several steps on districts and schools."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify

from journeys.models import District, Membership, School


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
    created_by: User | None = None,
) -> District:
    """Create a district; a consultant who creates one becomes its consultant."""
    district = District(
        name=name.strip(),
        slug=unique_district_slug(name),
        state=state.upper(),
        launch_date=launch_date,
        nces_id=nces_id,
        enrollment=enrollment,
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
