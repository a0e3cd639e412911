"""Who may see what. Every page and endpoint that touches a district goes through here."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from districts.models import District, LearningOffer, Membership, Milestone

User = AuthUser | AnonymousUser


def districts_visible_to(user: User) -> QuerySet[District]:
    """Staff see every district; leaders and consultants see those they belong to; others none.

    Anything outside this set is a 404 everywhere, so that no district's existence leaks.
    """
    if not user.is_authenticated or not user.is_active:
        return District.objects.none()
    if getattr(user, "is_staff", False):
        return District.objects.all()
    return District.objects.filter(memberships__user=user).distinct()


def districts_consulted_by(user: User) -> QuerySet[District]:
    """The districts a consultant serves (every district, for staff)."""
    if not user.is_authenticated or not user.is_active:
        return District.objects.none()
    if getattr(user, "is_staff", False):
        return District.objects.all()
    return District.objects.filter(
        memberships__user=user, memberships__kind=Membership.Kind.CONSULTANT
    ).distinct()


def district_for(user: User, slug: str) -> District:
    """The district with this slug if the user may see it; Http404 otherwise, either way."""
    try:
        return districts_visible_to(user).get(slug=slug)
    except District.DoesNotExist as missing:
        raise Http404("No such district.") from missing


def is_consultant(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, kind=Membership.Kind.CONSULTANT).exists()


def may_manage_districts(user: User) -> bool:
    """Staff and consultants create districts; a leader works within the districts they lead."""
    return bool(getattr(user, "is_staff", False)) or is_consultant(user)


# --- a district's journey map: who may change it, and its milestones ---------------------------
# The district itself always comes from district_for (404 outside the user's reach); these only
# decide what a person who may see it may also change.

MILESTONES_NOT_ALLOWED = "Only the district's leaders and consultants change its milestones."
PLACE_LEADERS_ONLY = "Only the district's leaders change where it places itself on the path."


@dataclass(frozen=True)
class JourneyAccess:
    """Milestones are kept by the district's leaders and its consultants (who plan the next step
    with it); the place on the path is the district's own description of itself, so only its
    leaders change it. Staff may do both."""

    may_edit_milestones: bool
    may_set_place: bool


def journey_access(*, user: User, district: District) -> JourneyAccess:
    """One query (none for staff): the user's memberships of this district."""
    if getattr(user, "is_staff", False):
        return JourneyAccess(may_edit_milestones=True, may_set_place=True)
    if not user.is_authenticated:
        return JourneyAccess(may_edit_milestones=False, may_set_place=False)
    kinds = set(
        Membership.objects.filter(user=user, district=district).values_list("kind", flat=True)
    )
    return JourneyAccess(
        may_edit_milestones=bool(kinds & {Membership.Kind.LEADER, Membership.Kind.CONSULTANT}),
        may_set_place=Membership.Kind.LEADER in kinds,
    )


def milestone_for(*, district: District, milestone_id: int) -> Milestone:
    """The district's milestone with this id, or Http404 (another district's is not found)."""
    return get_object_or_404(Milestone, district=district, pk=milestone_id)


# --- what only a district's leaders do (issue 16) -------------------------------------------------

COMMENTS_LEADERS_ONLY = (
    "Staff comments are for the district's leaders: they were written to them, and free text is "
    "where a person is easiest to recognise."
)
LEARNING_OFFERS_LEADERS_ONLY = (
    "Only the district's leaders change its professional-learning offers."
)


def is_leader_of(*, user: User, district: District) -> bool:
    """The user leads the district (staff count as leaders). One query (none for staff). Staff
    comments are read, and professional-learning offers kept, by leaders alone."""
    if getattr(user, "is_staff", False):
        return True
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, district=district, kind=Membership.Kind.LEADER
    ).exists()


def learning_offer_for(*, district: District, offer_id: int) -> LearningOffer:
    """The district's offer with this id, or Http404 (another district's is not found)."""
    return get_object_or_404(
        LearningOffer.objects.select_related("district"), district=district, pk=offer_id
    )
