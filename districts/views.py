"""Pages of this app: home (a person's districts), a milestone's own edit and delete pages, and
a district's professional-learning offers (issue 16).

A district's journey map, where milestones are listed and added, is onpoint's page: it shows the
district's scores and landmarks (onpoint/views.py).
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from districts.forms import LearningOfferForm, MilestoneForm
from districts.models import District, LearningOffer
from districts.selectors import (
    LEARNING_OFFERS_LEADERS_ONLY,
    MILESTONES_NOT_ALLOWED,
    district_for,
    districts_visible_to,
    is_leader_of,
    journey_access,
    learning_offer_for,
    milestone_for,
)
from districts.services import (
    learning_offer_create,
    learning_offer_delete,
    learning_offer_update,
    milestone_delete,
    milestone_update,
)

MILESTONE_SAVED = "Milestone saved."
MILESTONE_DELETED = "Milestone deleted."
LEARNING_OFFER_ADDED = "Professional learning added: the journey map shows it beside its landmark."
LEARNING_OFFER_SAVED = "Professional learning saved."
LEARNING_OFFER_DELETED = "Professional learning deleted."


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A leader of one district lands on it; a person with several (a consultant) lands on the
    portfolio, onpoint's page of their districts' latest results (issue 16); a person with none
    is told how to get access."""
    if chosen := request.GET.get("district"):  # the header's district switcher, without JS
        return redirect("district", slug=district_for(request.user, chosen).slug)
    districts = list(districts_visible_to(request.user).order_by("name")[:2])
    if len(districts) == 1:
        return redirect("district", slug=districts[0].slug)
    if districts:
        return redirect("portfolio")
    return render(request, "districts/home.html", {"districts": []})


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
            by=request.user,
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
        milestone_delete(milestone=milestone, by=request.user)
        messages.success(request, MILESTONE_DELETED)
        return redirect(reverse("district", kwargs={"slug": district.slug}) + "#milestones")
    return render(
        request,
        "districts/milestone_delete.html",
        {"district": district, "current_district": district, "milestone": milestone},
    )


# --- professional learning (issue 16) ------------------------------------------------------------


def _errors_onto(form: LearningOfferForm, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


def _learning_url(district: District) -> str:
    return reverse("learning_offers", kwargs={"slug": district.slug})


@login_required
@require_http_methods(["GET", "POST"])
def learning_offers(request: HttpRequest, slug: str) -> HttpResponse:
    """The district's offers, for everyone who sees it; the form to add one, for its leaders."""
    district = district_for(request.user, slug)
    may_edit = is_leader_of(user=request.user, district=district)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied(LEARNING_OFFERS_LEADERS_ONLY)
    form = LearningOfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            learning_offer_create(district=district, **form.cleaned_data)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, LEARNING_OFFER_ADDED)
            return redirect(_learning_url(district))
    return render(
        request,
        "districts/learning_offers.html",
        {
            "district": district,
            "current_district": district,
            "offers": list(district.learning_offers.order_by("name", "pk")),
            "form": form,
            "may_edit": may_edit,
        },
    )


def _leaders_offer(request: HttpRequest, slug: str, offer_id: int) -> LearningOffer:
    district = district_for(request.user, slug)
    offer = learning_offer_for(district=district, offer_id=offer_id)
    if not is_leader_of(user=request.user, district=district):
        raise PermissionDenied(LEARNING_OFFERS_LEADERS_ONLY)
    return offer


@login_required
@require_http_methods(["GET", "POST"])
def learning_offer_edit(request: HttpRequest, slug: str, offer_id: int) -> HttpResponse:
    offer = _leaders_offer(request, slug, offer_id)
    district = offer.district
    form = LearningOfferForm(request.POST or None, instance=copy.copy(offer))
    if request.method == "POST" and form.is_valid():
        try:
            learning_offer_update(offer=offer, **form.cleaned_data)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, LEARNING_OFFER_SAVED)
            return redirect(_learning_url(district))
    return render(
        request,
        "districts/learning_offer_form.html",
        {"district": district, "current_district": district, "form": form, "offer": offer},
    )


@login_required
@require_http_methods(["GET", "POST"])
def learning_offer_delete_view(request: HttpRequest, slug: str, offer_id: int) -> HttpResponse:
    """GET asks to confirm (no JavaScript needed); POST deletes."""
    offer = _leaders_offer(request, slug, offer_id)
    district = offer.district
    if request.method == "POST":
        learning_offer_delete(offer=offer)
        messages.success(request, LEARNING_OFFER_DELETED)
        return redirect(_learning_url(district))
    return render(
        request,
        "districts/learning_offer_delete.html",
        {"district": district, "current_district": district, "offer": offer},
    )
