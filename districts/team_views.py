"""The school team's pages (issue 15): the team page where leaders invite co-leaders and
principals, remove them or cancel an invitation, and the page an invitation's link opens.

The writes are districts.team's; these views fetch, call and render.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from districts import team
from districts.forms import TeamInviteForm
from districts.links import link_base
from districts.models import District, Membership, MembershipInvitation
from districts.selectors import (
    TEAM_LEADERS_ONLY,
    district_for,
    district_team,
    is_leader_of,
    membership_invitations_pending,
)

MEMBER_INVITED = "Invitation sent to {email}. The link works for 7 days."
MEMBER_REMOVED = "{username} is no longer on the team."
INVITATION_CANCELLED = "The invitation of {email} is cancelled: its link no longer works."
JOINED = "Welcome to {district}'s team."


def _team_district(request: HttpRequest, slug: str) -> District:
    district = district_for(request.user, slug)
    if not is_leader_of(user=request.user, district=district):
        raise PermissionDenied(TEAM_LEADERS_ONLY)
    return district


def _team_page(request: HttpRequest, district: District, form: TeamInviteForm) -> HttpResponse:
    return render(
        request,
        "districts/team.html",
        {
            "district": district,
            "current_district": district,
            "members": district_team(district=district),
            "invitations": membership_invitations_pending(district=district),
            "form": form,
            "user_id": request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The district's team, its pending invitations, and the form that invites someone."""
    district = _team_district(request, slug)
    form = TeamInviteForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = team.member_invite(
                district=district,
                email=form.cleaned_data["email"],
                kind=form.cleaned_data["kind"],
                school=form.cleaned_data["school"],
                invited_by=request.user,
                link_base=link_base(request),
            )
        except team.TeamError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, MEMBER_INVITED.format(email=invitation.email))
            return redirect("team", slug=district.slug)
    return _team_page(request, district, form)


def _posted_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404("No such row.")
    return int(value)


@login_required
@require_POST
def team_remove(request: HttpRequest, slug: str) -> HttpResponse:
    """Remove a co-leader or a principal (the membership's id in the form)."""
    district = _team_district(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "school", "district"),
        district=district,
        pk=_posted_id(request, "membership"),
    )
    try:
        team.membership_revoke(membership=membership, by=request.user)
    except team.TeamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, MEMBER_REMOVED.format(username=membership.user.get_username()))
    return redirect("team", slug=district.slug)


@login_required
@require_POST
def team_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    """Cancel a pending invitation (its id in the form): its link stops working."""
    district = _team_district(request, slug)
    invitation = get_object_or_404(
        MembershipInvitation.objects.select_related("district", "school"),
        district=district,
        accepted_at__isnull=True,
        pk=_posted_id(request, "invitation"),
    )
    team.membership_invitation_cancel(invitation=invitation, by=request.user)
    messages.success(request, INVITATION_CANCELLED.format(email=invitation.email))
    return redirect("team", slug=district.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def team_join(request: HttpRequest) -> HttpResponse:
    """The page an invitation's link opens (`?token=`; the form posts it back in its body, so
    the token is in no access log line). A signed-in person with the invited address joins
    with one button; someone new sets a username and a password; someone whose address already
    has an account is asked to log in first. An expired or unknown link gets a page that says
    so (410)."""
    token = request.POST.get("token") or request.GET.get("token") or ""
    invitation = team.membership_invitation_by_token(token)
    try:
        team.membership_invitation_check(invitation)
    except team.TeamError as error:
        return render(request, "districts/team_join.html", {"problem": error.message}, status=410)
    assert invitation is not None
    context: dict[str, object] = {
        "invitation": invitation,
        "token": token,
        "kind_words": team.KIND_WORDS[Membership.Kind(invitation.kind)],
    }
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        if request.method == "POST":
            try:
                team.membership_invitation_accept(invitation=invitation, user=user)
            except team.TeamError as error:
                context["problem"] = error.message
                return render(request, "districts/team_join.html", context, status=400)
            messages.success(request, JOINED.format(district=invitation.district.name))
            return redirect("district", slug=invitation.district.slug)
        return render(request, "districts/team_join.html", {**context, "signed_in": True})
    existing = team.account_for_invitation(invitation)
    if existing is not None:
        login_url = reverse("login") + "?" + urlencode({"next": request.get_full_path()})
        return render(request, "districts/team_join.html", {**context, "login_url": login_url})
    form: UserCreationForm[User] = UserCreationForm(
        request.POST if request.method == "POST" else None,
        initial={"username": invitation.email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            joined = team.member_account_create(
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except team.TeamError as error:
            context["problem"] = error.message
            return render(request, "districts/team_join.html", context, status=400)
        login(request, joined.membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, JOINED.format(district=invitation.district.name))
        return redirect("district", slug=invitation.district.slug)
    return render(request, "districts/team_join.html", {**context, "form": form})
