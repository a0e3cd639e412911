"""The leaders' campaign pages: the list, a new campaign, its form, its page, closing it, its
schools' expected responses, its flyer and QR code. The anonymous survey's pages are in
surveys/survey_views.py, a campaign's invitations page in surveys/invitation_views.py."""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from districts.models import District
from districts.selectors import (
    CAMPAIGNS_NOT_ALLOWED,
    district_for,
    is_leader_of,
    may_run_campaigns,
)
from districts.services import schools_expected_responses_set
from surveys import campaigns as campaign_writes
from surveys.forms import CampaignForm, NewCampaignForm, SchoolsExpectedForm
from surveys.invitation_summary import invitation_summary
from surveys.models import Campaign
from surveys.participation import campaign_participation, response_rate
from surveys.selectors import (
    campaign_for,
    campaign_list,
    campaign_response_count,
    campaigns_overlapping,
)
from surveys.survey_views import survey_url

logger = logging.getLogger(__name__)

# Below this share of the expected responses, the manage page warns that the results may not
# represent the staff (issue 4).
REPRESENTATIVE_SHARE = 0.5
LOW_RESPONSE_WARNING = (
    "Fewer than half of the expected staff have answered: the results may not represent the staff."
)
# A new campaign's form suggests two weeks: long enough for every school's staff meeting.
DEFAULT_CAMPAIGN_DAYS = 14
CAMPAIGN_CLOSED_MESSAGE = (
    "The campaign is closed: its link no longer takes answers, and its results are released."
)
CAMPAIGN_CREATED_MESSAGE = "Campaign created. Share the link or print the flyer."
CAMPAIGN_SAVED_MESSAGE = "Campaign saved."
# A second campaign open at the same time in the same stage: the form asks first (issue 14).
OVERLAP_WARNING = gettext_lazy(
    "Another campaign of this district is open at the same time, in the same stage. Two "
    "campaigns at once split the staff's answers between them, and the national benchmarks "
    "keep only one campaign of a district at each stage."
)
SCHOOLS_EXPECTED_SAVED = gettext_lazy("Expected responses by school saved.")


# --- the leaders' campaign pages ---------------------------------------------------------------


def run_district(request: HttpRequest, slug: str) -> District:
    """The district, for a page that runs its campaigns: 404 outside the user's districts (as
    everywhere), 403 for a principal, who reads results and runs no survey."""
    district = district_for(request.user, slug)
    if not may_run_campaigns(user=request.user, district=district):
        raise PermissionDenied(CAMPAIGNS_NOT_ALLOWED)
    return district


def render_in_district_time(
    request: HttpRequest,
    district: District,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """A district's page, its dates shown in the district's time zone (stored in UTC)."""
    with timezone.override(district.zone):
        return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def campaigns(request: HttpRequest, slug: str) -> HttpResponse:
    district = district_for(request.user, slug)
    now = timezone.now()
    rows = [
        {
            "campaign": campaign,
            "status": campaign_status(campaign, now),
            "rate": response_rate(getattr(campaign, "n_responses", 0), campaign.expected_responses),
        }
        for campaign in campaign_list(district=district)
    ]
    return render_in_district_time(
        request,
        district,
        "surveys/campaign_list.html",
        {
            "district": district,
            "current_district": district,
            "rows": rows,
            "runs_campaigns": may_run_campaigns(user=request.user, district=district),
        },
    )


def campaign_status(campaign: Campaign, now: Any) -> str:
    if campaign.is_closed(now):
        return "closed"
    return "open" if campaign.is_open(now) else "scheduled"


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest, slug: str) -> HttpResponse:
    district = run_district(request, slug)
    # The form reads and shows times in the district's zone; they are stored in UTC.
    now = timezone.localtime(timezone=district.zone).replace(second=0, microsecond=0)
    form = NewCampaignForm(
        request.POST or None,
        initial={"opens_at": now, "closes_at": now + dt.timedelta(days=DEFAULT_CAMPAIGN_DAYS)},
        zone=district.zone,
    )
    overlapping: list[Campaign] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        create_anyway = data.pop("create_anyway", False)
        overlapping = campaigns_overlapping(
            district=district, opens_at=data["opens_at"], closes_at=data["closes_at"]
        )
        if not overlapping or create_anyway:
            try:
                campaign = campaign_writes.campaign_create(
                    district=district, by=request.user, **data
                )
            except ValidationError as error:
                _errors_onto(form, error)
            else:
                messages.success(request, CAMPAIGN_CREATED_MESSAGE)
                return redirect("campaign_manage", slug=district.slug, campaign_id=campaign.pk)
    return render_in_district_time(
        request,
        district,
        "surveys/campaign_form.html",
        {
            "district": district,
            "current_district": district,
            "form": form,
            "campaign": None,
            "overlapping": overlapping,
            "overlap_warning": OVERLAP_WARNING,
        },
    )


def _errors_onto(form: CampaignForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    district = run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    locked = campaign_response_count(campaign) > 0
    closed = campaign.is_closed()
    form = CampaignForm(
        request.POST or None,
        instance=campaign,
        opens_at_locked=locked,
        closed=closed,
        zone=district.zone,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if locked or closed:
            data.pop("opens_at", None)
        if closed:
            data.pop("closes_at", None)
        try:
            campaign_writes.campaign_update(campaign=campaign, by=request.user, **data)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, CAMPAIGN_SAVED_MESSAGE)
            return redirect("campaign_manage", slug=district.slug, campaign_id=campaign.pk)
    return render_in_district_time(
        request,
        district,
        "surveys/campaign_form.html",
        {"district": district, "current_district": district, "form": form, "campaign": campaign},
    )


@login_required
@require_POST
def campaign_close(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    district = run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    try:
        campaign_writes.campaign_close(campaign=campaign, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, CAMPAIGN_CLOSED_MESSAGE)
    if request.POST.get("next") == "results":
        return redirect("campaign_dashboard", slug=district.slug, campaign_id=campaign.pk)
    return redirect("campaign_manage", slug=district.slug, campaign_id=campaign.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def campaign_manage(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    district = run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    now = timezone.now()
    status = campaign_status(campaign, now)
    # Counts only, by school too (surveys.participation, as the results page of an open
    # campaign shows them); a closed campaign's page is its results, which never show them.
    participation = campaign_participation(campaign=campaign)
    n_responses = participation.n_responses
    rate = participation.response_rate
    return render_in_district_time(
        request,
        district,
        "surveys/campaign_manage.html",
        {
            "district": district,
            "current_district": district,
            "campaign": campaign,
            "status": status,
            "survey_url": survey_url(request, campaign),
            "n_responses": n_responses,
            "participation": participation,
            "rate": rate,
            # The warning waits for answers: before the first one, the page says so instead.
            "low_rate": n_responses > 0 and rate is not None and rate < REPRESENTATIVE_SHARE,
            "low_response_warning": LOW_RESPONSE_WARNING,
            "reads_staff_voice": is_leader_of(user=request.user, district=district),
            "schools_form": SchoolsExpectedForm(schools=list(district.schools.all()))
            if status != "closed"
            else None,
            "invitation_summary": invitation_summary(campaign=campaign, now=now),
        },
    )


@login_required
@require_POST
def campaign_schools_expected(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """How many staff each school of the district expects to answer (optional): the base of each
    school's response rate on the campaign's pages."""
    district = run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    form = SchoolsExpectedForm(request.POST, schools=list(district.schools.all()))
    if form.is_valid():
        schools_expected_responses_set(district=district, expected=form.expected_by_school())
        messages.success(request, str(SCHOOLS_EXPECTED_SAVED))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(
        reverse("campaign_manage", kwargs={"slug": district.slug, "campaign_id": campaign.pk})
        + "#schools-heading"
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def campaign_flyer(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    district = run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    return render_in_district_time(
        request,
        district,
        "surveys/campaign_flyer.html",
        {
            "district": district,
            "current_district": district,
            "campaign": campaign,
            "survey_url": survey_url(request, campaign),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def campaign_qr(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """The survey link as a QR code, drawn here as SVG: no request leaves for another host."""
    district = run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    code = segno.make(survey_url(request, campaign), error="m", micro=False)
    svg = io.BytesIO()
    code.save(svg, kind="svg", scale=8, border=2, title="QR code of the survey link")
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response
