"""Who may see what. Every page and endpoint that touches a district goes through here."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from districts.models import District, LearningOffer, Membership, MembershipInvitation, Milestone

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
    leaders change it. Staff may do both. A principal may do neither, and runs no campaign
    (`may_run_campaigns`)."""

    may_edit_milestones: bool
    may_set_place: bool
    may_run_campaigns: bool = True


def journey_access(*, user: User, district: District) -> JourneyAccess:
    """One query (none for staff): the user's memberships of this district."""
    if getattr(user, "is_staff", False):
        return JourneyAccess(may_edit_milestones=True, may_set_place=True)
    if not user.is_authenticated:
        return JourneyAccess(
            may_edit_milestones=False, may_set_place=False, may_run_campaigns=False
        )
    kinds = set(
        Membership.objects.filter(user=user, district=district).values_list("kind", flat=True)
    )
    runs = bool(kinds & RUNS_CAMPAIGNS)
    return JourneyAccess(
        may_edit_milestones=runs,
        may_set_place=Membership.Kind.LEADER in kinds,
        may_run_campaigns=runs,
    )


# --- the school team: who runs the survey, who sees which school --------------------------------

# The kinds of membership that run a district's campaigns (create, edit, close, invite, remind)
# and keep its milestones: its leaders and its consultants. A principal reads.
RUNS_CAMPAIGNS = frozenset({Membership.Kind.LEADER, Membership.Kind.CONSULTANT})

CAMPAIGNS_NOT_ALLOWED = (
    "Only the district's leaders and consultants run its surveys: a principal reads the results."
)
TEAM_LEADERS_ONLY = "Only the district's leaders invite people to its team and remove them."


@dataclass(frozen=True)
class SchoolScope:
    """What a principal sees of a district: its district-wide results, and of the schools only
    their own (`school_id`, `school_name`). Everyone else who may see the district sees every
    school (school_scope_of returns None for them)."""

    school_id: int
    school_name: str


def school_scope_of(*, user: User, district: District) -> SchoolScope | None:
    """The one school a principal may see of this district; None when the user sees every
    school (staff, the district's leaders and consultants, a principal who also leads it).

    One query (none for staff). The caller already got `district` from district_for (404
    outside the user's reach).
    """
    return campaign_reader_of(user=user, district=district).scope


@dataclass(frozen=True)
class CampaignReader:
    """How a person reads a district's campaign: `scope`, school_scope_of's answer; `leads`,
    is_leader_of's (staff comments are read by leaders alone)."""

    scope: SchoolScope | None
    leads: bool


def campaign_reader_of(*, user: User, district: District) -> CampaignReader:
    """school_scope_of and is_leader_of in one query (none for staff): the user's memberships
    of this district."""
    if getattr(user, "is_staff", False):
        return CampaignReader(scope=None, leads=True)
    if not user.is_authenticated:
        return CampaignReader(scope=None, leads=False)
    rows = list(
        Membership.objects.filter(user=user, district=district).values_list(
            "kind", "school_id", "school__name"
        )
    )
    leads = any(kind == Membership.Kind.LEADER for kind, _, _ in rows)
    if not rows or any(kind in RUNS_CAMPAIGNS for kind, _, _ in rows):
        return CampaignReader(scope=None, leads=leads)
    _, school_id, school_name = rows[0]
    # Every other kind runs campaigns; a principal's membership names a school (a constraint).
    assert school_id is not None
    return CampaignReader(
        scope=SchoolScope(school_id=school_id, school_name=school_name), leads=leads
    )


def may_run_campaigns(*, user: User, district: District) -> bool:
    """Staff, and the district's leaders and consultants. One query (none for staff)."""
    if getattr(user, "is_staff", False):
        return True
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, district=district, kind__in=RUNS_CAMPAIGNS).exists()


def district_team(*, district: District) -> list[Membership]:
    """The district's memberships with their people and schools: leaders, principals (by
    school), consultants. One query."""
    order = {Membership.Kind.LEADER: 0, Membership.Kind.PRINCIPAL: 1, Membership.Kind.CONSULTANT: 2}
    members = list(Membership.objects.filter(district=district).select_related("user", "school"))
    return sorted(
        members,
        key=lambda m: (
            order.get(Membership.Kind(m.kind), 3),
            m.school.name if m.school else "",
            m.user.get_username(),
        ),
    )


def membership_invitations_pending(*, district: District) -> list[MembershipInvitation]:
    """Invitations not yet accepted, the expired ones included (the page says so). One query."""
    return list(
        MembershipInvitation.objects.filter(district=district, accepted_at__isnull=True)
        .select_related("school")
        .order_by("email", "pk")
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
