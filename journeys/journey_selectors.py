"""Who may change a district's journey map, and the milestones on it.

The district itself always comes from journeys.selectors.district_for (404 outside the user's
reach); these only decide what a person who may see it may also change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from journeys.models import District, Membership, Milestone
from journeys.selectors import User


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
