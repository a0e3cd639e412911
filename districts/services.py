"""Writes on districts and schools, and on a district's journey map: its milestones and its
place on the path."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.text import slugify

from districts.audit import audit_change
from districts.models import AuditEvent, District, Membership, Milestone, School


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


Person = User | AnonymousUser | None


def _milestone_words(milestone: Milestone) -> str:
    return f"milestone {milestone.pk} of {milestone.happened_on:%Y-%m-%d}: “{milestone.text}”"


@transaction.atomic
def milestone_create(
    *, district: District, happened_on: dt.date, text: str, by: Person = None
) -> Milestone:
    """Add a milestone; the audit log records who added it (`by`)."""
    milestone = Milestone(district=district, happened_on=happened_on, text=text.strip())
    milestone.full_clean()
    milestone.save()
    audit_change(
        action=AuditEvent.Action.MILESTONE_ADDED,
        district=district,
        user=by,
        detail=_milestone_words(milestone),
    )
    return milestone


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, happened_on: dt.date, text: str, by: Person = None
) -> Milestone:
    milestone.happened_on = happened_on
    milestone.text = text.strip()
    milestone.full_clean()
    milestone.save(update_fields=["happened_on", "text"])
    audit_change(
        action=AuditEvent.Action.MILESTONE_EDITED,
        district=milestone.district,
        user=by,
        detail=_milestone_words(milestone),
    )
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by: Person = None) -> None:
    audit_change(
        action=AuditEvent.Action.MILESTONE_DELETED,
        district=milestone.district,
        user=by,
        detail=_milestone_words(milestone),
    )
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
