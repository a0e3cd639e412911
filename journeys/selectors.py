"""Who may see what. Every page and endpoint that touches a district goes through here."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import QuerySet
from django.http import Http404

from journeys.models import District, Membership

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
