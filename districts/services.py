"""Writes on districts and schools, and on a district's journey map: its milestones, its place
on the path (and whether it is named as a co-traveler), and its professional-learning offers."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.text import slugify

from districts.audit import audit_change
from districts.models import (
    AuditEvent,
    District,
    LearningOffer,
    Membership,
    Milestone,
    School,
    time_zone_for_state,
)


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
    *,
    district: District,
    path_place: str,
    listed_on_national_map: bool,
    named_as_co_traveler: bool | None = None,
) -> District:
    """Where the district places itself on the path, whether the national map names it, and
    whether districts a stage or two behind see it as a co-traveler (None: unchanged)."""
    district.path_place = path_place
    district.listed_on_national_map = listed_on_national_map
    fields = ["path_place", "listed_on_national_map"]
    if named_as_co_traveler is not None:
        district.named_as_co_traveler = named_as_co_traveler
        fields.append("named_as_co_traveler")
    district.full_clean(exclude=["slug"])
    district.save(update_fields=fields)
    return district


# --- professional learning (issue 16) ------------------------------------------------------------


def learning_offer_create(
    *, district: District, name: str, landmark: str, earned_count: int
) -> LearningOffer:
    """Raises ValidationError (a name the district already has, a landmark the method lacks)."""
    offer = LearningOffer(
        district=district, name=name.strip(), landmark=landmark, earned_count=earned_count
    )
    offer.full_clean()
    offer.save()
    return offer


def learning_offer_update(
    *, offer: LearningOffer, name: str, landmark: str, earned_count: int
) -> LearningOffer:
    offer.name, offer.landmark, offer.earned_count = name.strip(), landmark, earned_count
    offer.full_clean()
    offer.save(update_fields=["name", "landmark", "earned_count"])
    return offer


def learning_offer_delete(*, offer: LearningOffer) -> None:
    offer.delete()
