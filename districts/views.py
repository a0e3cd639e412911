"""Pages of this app: home (a person's districts), and a milestone's own edit and delete pages.

A district's journey map, where milestones are listed and added, is onpoint's page: it shows the
district's scores and landmarks (onpoint/views.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from districts.forms import MilestoneForm
from districts.selectors import (
    MILESTONES_NOT_ALLOWED,
    district_for,
    districts_visible_to,
    journey_access,
    milestone_for,
)
from districts.services import milestone_delete, milestone_update

MILESTONE_SAVED = "Milestone saved."
MILESTONE_DELETED = "Milestone deleted."


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A leader of one district lands on it; everyone else picks from their districts."""
    if chosen := request.GET.get("district"):  # the header's district switcher, without JS
        return redirect("district", slug=district_for(request.user, chosen).slug)
    districts = list(districts_visible_to(request.user).order_by("name")[:2])
    if len(districts) == 1:
        return redirect("district", slug=districts[0].slug)
    return render(
        request,
        "districts/home.html",
        {"districts": districts_visible_to(request.user).order_by("name")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request: HttpRequest, slug: str, milestone_id: int) -> HttpResponse:
    district = district_for(request.user, slug)
    milestone = milestone_for(district=district, milestone_id=milestone_id)
    if not journey_access(user=request.user, district=district).may_edit_milestones:
        raise PermissionDenied(MILESTONES_NOT_ALLOWED)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        milestone_update(
            milestone=milestone,
            happened_on=form.cleaned_data["happened_on"],
            text=form.cleaned_data["text"],
        )
        messages.success(request, MILESTONE_SAVED)
        return redirect(reverse("district", kwargs={"slug": district.slug}) + "#milestones")
    return render(
        request,
        "districts/milestone_form.html",
        {"district": district, "current_district": district, "form": form, "milestone": milestone},
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_delete_view(request: HttpRequest, slug: str, milestone_id: int) -> HttpResponse:
    """GET asks to confirm (no JavaScript needed); POST deletes."""
    district = district_for(request.user, slug)
    milestone = milestone_for(district=district, milestone_id=milestone_id)
    if not journey_access(user=request.user, district=district).may_edit_milestones:
        raise PermissionDenied(MILESTONES_NOT_ALLOWED)
    if request.method == "POST":
        milestone_delete(milestone=milestone)
        messages.success(request, MILESTONE_DELETED)
        return redirect(reverse("district", kwargs={"slug": district.slug}) + "#milestones")
    return render(
        request,
        "districts/milestone_delete.html",
        {"district": district, "current_district": district, "milestone": milestone},
    )
