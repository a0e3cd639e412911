"""The dashboards over HTTP: a district's journey map (and the two forms it posts), a campaign's
dashboard, its CSV and its board report, the consultants' compare page and portfolio, the national
benchmarks and the national journey map.

Each view fetches what its URL names (the district from districts.selectors, so anything the user
may not see is a 404), calls its page's function (onpoint.pages: the page's rows and figures, no
HTTP) and renders it. Nothing here reads rows or builds a figure itself.
"""

from __future__ import annotations

import copy
import csv
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from districts.forms import MILESTONE_EXAMPLES, JourneyPlaceForm, MilestoneForm
from districts.models import District
from districts.selectors import (
    MILESTONES_NOT_ALLOWED,
    PLACE_LEADERS_ONLY,
    district_for,
    journey_access,
)
from districts.services import district_journey_place_set, milestone_create
from onpoint import selectors
from onpoint.board_report import board_report_pdf, report_filename
from onpoint.campaign_results import campaign_results_of
from onpoint.chart_images import CHARTS_UNAVAILABLE, ChartImagesUnavailable
from onpoint.exports import campaign_csv
from onpoint.page_fragments import benchmarks_content_html, dashboard_results_html
from onpoint.pages.benchmarks import benchmarks_page
from onpoint.pages.campaign import CampaignWaitingPage, campaign_page
from onpoint.pages.compare import compare_page
from onpoint.pages.journey import journey_page
from onpoint.pages.national_map import national_map_page
from onpoint.pages.portfolio import portfolio_page
from surveys.selectors import campaign_for

logger = logging.getLogger(__name__)


# --- a district's journey map ------------------------------------------------------------------
# Its forms post here too (a milestone, the place on the path): invalid input shows the map again
# with the form's errors. A milestone's own edit and delete pages are districts'.

MILESTONE_ADDED = "Milestone added to the journey map."
PLACE_SAVED = "The district's place on the path is saved."


def _journey_render(
    request: HttpRequest,
    district: District,
    *,
    milestone_form: MilestoneForm | None = None,
    place_form: JourneyPlaceForm | None = None,
) -> HttpResponse:
    page = journey_page(
        district=district, user=request.user, now=timezone.now(), today=timezone.localdate()
    )
    return render(
        request,
        "onpoint/journey.html",
        {
            **page.context(),
            "current_district": district,
            "milestone_form": milestone_form or MilestoneForm(),
            "place_form": place_form or JourneyPlaceForm(instance=district),
            "milestone_examples": MILESTONE_EXAMPLES,
        },
    )


@login_required
@require_GET
def district_journey(request: HttpRequest, slug: str) -> HttpResponse:
    return _journey_render(request, district_for(request.user, slug))


@login_required
@require_POST
def milestone_add(request: HttpRequest, slug: str) -> HttpResponse:
    district = district_for(request.user, slug)
    if not journey_access(user=request.user, district=district).may_edit_milestones:
        raise PermissionDenied(MILESTONES_NOT_ALLOWED)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _journey_render(request, district, milestone_form=form)
    milestone_create(
        district=district,
        happened_on=form.cleaned_data["happened_on"],
        text=form.cleaned_data["text"],
        by=request.user,
    )
    messages.success(request, MILESTONE_ADDED)
    return redirect(reverse("district", kwargs={"slug": district.slug}) + "#milestones")


@login_required
@require_POST
def district_place(request: HttpRequest, slug: str) -> HttpResponse:
    district = district_for(request.user, slug)
    if not journey_access(user=request.user, district=district).may_set_place:
        raise PermissionDenied(PLACE_LEADERS_ONLY)
    # A copy: an invalid form must not leave its values on the district the page shows.
    form = JourneyPlaceForm(request.POST, instance=copy.copy(district))
    if not form.is_valid():
        return _journey_render(request, district, place_form=form)
    district_journey_place_set(
        district=district,
        path_place=form.cleaned_data["path_place"],
        listed_on_national_map=form.cleaned_data["listed_on_national_map"],
        named_as_co_traveler=form.cleaned_data["named_as_co_traveler"],
    )
    messages.success(request, PLACE_SAVED)
    return redirect(reverse("district", kwargs={"slug": district.slug}) + "#path")


# --- a campaign's dashboard, board report and CSV ----------------------------------------------


@login_required
@require_GET
def campaign_dashboard(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    district = district_for(request.user, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    page = campaign_page(campaign=campaign, user=request.user, now=timezone.now())
    where = {"district": district, "current_district": district}
    if isinstance(page, CampaignWaitingPage):
        return render(request, "onpoint/campaign_waiting.html", {**where, **page.context()})
    return render(
        request,
        "onpoint/campaign_dashboard.html",
        {
            **where,
            **page.header_context(),
            "results_body": dashboard_results_html(page, district),
        },
    )


REPORT_NOT_RELEASED = (
    "A campaign has a board report once it has closed and its results are released."
)


@login_required
@require_GET
def campaign_report(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """The board report, a PDF made on the server (onpoint.board_report), in the request's
    language and the district's time zone. A campaign whose results are not released has none."""
    district = district_for(request.user, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    scores = selectors.campaign_scores_for(user=request.user, campaign=campaign)
    if not scores.results_ready:
        raise Http404(REPORT_NOT_RELEASED)
    results = campaign_results_of(campaign=campaign, scores=scores)
    with timezone.override(district.zone):
        try:
            pdf = board_report_pdf(
                results=results,
                district=district,
                page_size=settings.REPORT_PAGE_SIZE,
                today=timezone.localdate(),
            )
        except ChartImagesUnavailable:
            logger.exception("board report of campaign %s: no charts", campaign.pk)
            return HttpResponse(
                CHARTS_UNAVAILABLE, status=503, content_type="text/plain; charset=utf-8"
            )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(district, results)}"'
    return response


@login_required
@require_GET
def campaign_scores_csv(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    district = district_for(request.user, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    export = campaign_csv(campaign=campaign, user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    csv.writer(response).writerows(export.rows)
    return response


# --- the consultants' pages and the national ones ------------------------------------------------


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    page = compare_page(
        user=request.user, query=request.GET, now=timezone.now(), today=timezone.localdate()
    )
    return render(request, "onpoint/compare.html", {"nav_current": "compare", **page.context()})


@login_required
@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    """The landing page of a person with several districts (onpoint.pages.portfolio)."""
    page = portfolio_page(
        user=request.user,
        page_number=request.GET.get("page") or 1,
        now=timezone.now(),
        today=timezone.localdate(),
    )
    return render(request, "onpoint/portfolio.html", {"nav_current": "home", **page.context()})


@login_required
@require_GET
def benchmarks(request: HttpRequest) -> HttpResponse:
    page = benchmarks_page()
    return render(
        request,
        "onpoint/benchmarks.html",
        {"nav_current": "benchmarks", "content": benchmarks_content_html(page)},
    )


@login_required
@require_GET
def national_map(request: HttpRequest) -> HttpResponse:
    page = national_map_page(today=timezone.localdate())
    return render(request, "onpoint/national_map.html", {"nav_current": "map", **page.context()})
