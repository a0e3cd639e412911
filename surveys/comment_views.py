"""The leaders' pages of staff voice (issue 16): a campaign's comments, their CSV, hiding one for
good and making a "proud of" comment a milestone. Kept beside the survey's pages (views.py), not
in them: these are a leader's pages, signed in, and read released comments only.

Every page takes the district from districts.selectors (404 outside the user's districts), then
asks that the user leads it (403 for its consultants: see surveys/comments.py for why).
"""

from __future__ import annotations

import csv
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from districts.forms import MilestoneForm
from districts.models import District
from districts.selectors import COMMENTS_LEADERS_ONLY, district_for, is_leader_of
from surveys.comments import (
    COMMENTS_MIN_RESPONSES,
    comment_for,
    comment_hide,
    comment_promote,
    comments_csv_rows,
    staff_voice_of,
)
from surveys.models import Campaign, Comment
from surveys.selectors import campaign_for

COMMENT_HIDDEN = "The comment is hidden for good: its words are erased."
COMMENT_PROMOTED = "The comment is now a milestone on the journey map."


def _leaders_district(request: HttpRequest, slug: str) -> District:
    district = district_for(request.user, slug)
    if not is_leader_of(user=request.user, district=district):
        raise PermissionDenied(COMMENTS_LEADERS_ONLY)
    return district


def _comments_url(campaign: Campaign) -> str:
    return reverse(
        "campaign_comments",
        kwargs={"slug": campaign.district.slug, "campaign_id": campaign.pk},
    )


@login_required
@require_GET
def campaign_comments(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    district = _leaders_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    voice = staff_voice_of(campaign=campaign)
    return render(
        request,
        "surveys/campaign_comments.html",
        {
            "district": district,
            "current_district": district,
            "campaign": campaign,
            "voice": voice,
            "minimum": COMMENTS_MIN_RESPONSES,
            "questions": dict(Comment.Kind.choices),
        },
    )


@login_required
@require_GET
def campaign_comments_csv(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """The released comments as CSV (the header alone before they are released)."""
    district = _leaders_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{district.slug}-campaign-{campaign.pk}-comments.csv"'
    )
    csv.writer(response).writerows(comments_csv_rows(staff_voice_of(campaign=campaign)))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def comment_hide_view(request: HttpRequest, slug: str, comment_id: uuid.UUID) -> HttpResponse:
    """GET asks to confirm (no JavaScript needed); POST hides for good."""
    district = _leaders_district(request, slug)
    comment = comment_for(district=district, comment_id=comment_id)
    if request.method == "POST":
        assert isinstance(request.user, User)
        comment_hide(comment=comment, user=request.user, path=request.path)
        messages.success(request, COMMENT_HIDDEN)
        return redirect(_comments_url(comment.campaign))
    return render(
        request,
        "surveys/comment_hide.html",
        {
            "district": district,
            "current_district": district,
            "comment": comment,
            "question": comment.get_kind_display(),
            "back": _comments_url(comment.campaign),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_milestone(request: HttpRequest, slug: str, comment_id: uuid.UUID) -> HttpResponse:
    """A "proud of" comment as a milestone: the form starts with its words (a milestone holds
    200 characters) and the day the campaign closed."""
    district = _leaders_district(request, slug)
    comment = comment_for(district=district, comment_id=comment_id)
    if comment.kind != Comment.Kind.PROUD_OF or comment.milestone_id is not None:
        return redirect(_comments_url(comment.campaign))
    closed_on = timezone.localdate(comment.campaign.closes_at)
    form = MilestoneForm(
        request.POST or None,
        initial={"text": comment.text[:200], "happened_on": min(closed_on, timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        comment_promote(
            comment=comment,
            happened_on=form.cleaned_data["happened_on"],
            text=form.cleaned_data["text"],
        )
        messages.success(request, COMMENT_PROMOTED)
        return redirect(_comments_url(comment.campaign))
    return render(
        request,
        "surveys/comment_milestone.html",
        {
            "district": district,
            "current_district": district,
            "comment": comment,
            "form": form,
            "back": _comments_url(comment.campaign),
        },
    )
