"""Pages of the districts app: home, a district's journey map (with its milestones and place on
the path), health and error pages."""

from __future__ import annotations

import copy
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from journeys.journey_forms import MILESTONE_EXAMPLES, JourneyPlaceForm, MilestoneForm
from journeys.journey_selectors import journey_access, milestone_for
from journeys.journey_services import (
    district_journey_place_set,
    milestone_create,
    milestone_delete,
    milestone_update,
)
from journeys.models import District, PathPlace
from journeys.selectors import district_for, districts_visible_to
from onpoint import charts
from onpoint.method.landmarks import Landmark
from onpoint.method.structure import (
    LANDMARK_KEYS,
    LANDMARK_LABELS,
    ONPOINT,
    STAGE_LABELS,
    STAGES,
    UNKNOWN,
)
from onpoint.page_selectors import journey_of

logger = logging.getLogger(__name__)

TOKEN_CREATED = "Your new API token is below. Copy it now: it is not shown again."  # noqa: S105
TOKEN_REVOKED = "Your API token is revoked. Programs using it can no longer sign in."  # noqa: S105


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
        "journeys/home.html",
        {"districts": districts_visible_to(request.user).order_by("name")},
    )


# --- the district's journey map ----------------------------------------------------------------

MILESTONE_ADDED = "Milestone added to the journey map."
MILESTONE_SAVED = "Milestone saved."
MILESTONE_DELETED = "Milestone deleted."
PLACE_SAVED = "The district's place on the path is saved."
PLACE_LEADERS_ONLY = "Only the district's leaders change where it places itself on the path."
MILESTONES_NOT_ALLOWED = "Only the district's leaders and consultants change its milestones."
# Before its first survey a landmark has nothing to go on; the stop says what will show there.
LANDMARK_WAITING = (
    "This landmark shows once the district's first survey has closed and its results are released."
)


def _journey_page(
    request: HttpRequest,
    district: District,
    *,
    milestone_form: MilestoneForm | None = None,
    place_form: JourneyPlaceForm | None = None,
) -> HttpResponse:
    now, today = timezone.now(), timezone.localdate()
    journey = journey_of(district=district, now=now, today=today)
    access = journey_access(user=request.user, district=district)
    landmark_campaign = journey.landmark_campaign
    if landmark_campaign is not None:
        landmarks = [
            landmark_campaign.landmarks[key]
            for key in LANDMARK_KEYS
            if key in landmark_campaign.landmarks
        ]
    else:
        landmarks = [
            Landmark(
                key=key,
                status=UNKNOWN,
                title=LANDMARK_LABELS[key],
                explanation=LANDMARK_WAITING,
                next_steps=(),
            )
            for key in LANDMARK_KEYS
        ]
    # Only released results are drawn: an open campaign shows its count alone (method 1.1).
    released = [s for s in journey.campaigns if s.results_ready]
    chart = charts.growth_curve(
        key="onpoint-journey",
        score_key=ONPOINT,
        benchmarks={stage: journey.benchmarks.stages[stage][ONPOINT] for stage in STAGES},
        points=[
            charts.StagePoint(stage=s.stage, label=s.campaign.name, score=s.scores[ONPOINT])
            for s in released
        ],
    )
    current_place = district.path_place
    return render(
        request,
        "journeys/district.html",
        {
            "district": district,
            "current_district": district,
            "journey": journey,
            "access": access,
            "now": now,
            "stage_label": STAGE_LABELS[journey.stage],
            "path": [
                {"key": key, "label": label, "current": key == current_place}
                for key, label in PathPlace.choices
            ],
            "stages": [
                {
                    "key": stage,
                    "label": STAGE_LABELS[stage],
                    "current": stage == journey.stage,
                    "campaigns": [s for s in journey.campaigns if s.stage == stage],
                }
                for stage in STAGES
            ],
            "landmarks": landmarks,
            "landmark_campaign": landmark_campaign,
            "landmark_version": journey.versions.get(landmark_campaign.benchmark_version_id or 0)
            if landmark_campaign
            else None,
            "chart": chart,
            "milestone_form": milestone_form or MilestoneForm(),
            "place_form": place_form or JourneyPlaceForm(instance=district),
            "milestone_examples": MILESTONE_EXAMPLES,
        },
    )


@login_required
@require_GET
def district_journey(request: HttpRequest, slug: str) -> HttpResponse:
    return _journey_page(request, district_for(request.user, slug))


@login_required
@require_POST
def milestone_add(request: HttpRequest, slug: str) -> HttpResponse:
    district = district_for(request.user, slug)
    if not journey_access(user=request.user, district=district).may_edit_milestones:
        raise PermissionDenied(MILESTONES_NOT_ALLOWED)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _journey_page(request, district, milestone_form=form)
    milestone_create(
        district=district,
        happened_on=form.cleaned_data["happened_on"],
        text=form.cleaned_data["text"],
    )
    messages.success(request, MILESTONE_ADDED)
    return redirect(reverse("district", kwargs={"slug": district.slug}) + "#milestones")


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
        "journeys/milestone_form.html",
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
        "journeys/milestone_delete.html",
        {"district": district, "current_district": district, "milestone": milestone},
    )


@login_required
@require_POST
def district_place(request: HttpRequest, slug: str) -> HttpResponse:
    district = district_for(request.user, slug)
    if not journey_access(user=request.user, district=district).may_set_place:
        raise PermissionDenied(PLACE_LEADERS_ONLY)
    # A copy: an invalid form must not leave its values on the district the page shows.
    form = JourneyPlaceForm(request.POST, instance=copy.copy(district))
    if not form.is_valid():
        return _journey_page(request, district, place_form=form)
    district_journey_place_set(
        district=district,
        path_place=form.cleaned_data["path_place"],
        listed_on_national_map=form.cleaned_data["listed_on_national_map"],
    )
    messages.success(request, PLACE_SAVED)
    return redirect(reverse("district", kwargs={"slug": district.slug}) + "#path")


def broker_answers() -> bool:
    from journeys.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database (and the broker, if configured) answers; 503 naming what is down."""
    down: list[str] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure means "down"; the reason goes to the log, not the page
        logger.warning("healthz: database does not answer", exc_info=True)
        down.append("database")
    if settings.CELERY_BROKER_URL:
        try:
            broker_answers()
        except Exception:
            logger.warning("healthz: broker does not answer", exc_info=True)
            down.append("broker")
    if down:
        return JsonResponse({"status": "down", "down": down}, status=503)
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: it may be what failed.
    import sys

    from django.template import loader

    from journeys.outage import is_database_unavailable, unavailable_response

    # A database outage met outside a view (a session read by a middleware): 503, try again.
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return HttpResponse(loader.get_template("500.html").render(), status=500)


@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """A person's own API token: create (shown once), replace, or revoke it."""
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    assert isinstance(request.user, User)  # login_required
    new_key = None
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        if request.POST.get("action") == "create":
            new_key = Token.objects.create(user=request.user).key
            messages.success(request, TOKEN_CREATED)
        else:
            messages.success(request, TOKEN_REVOKED)
    has_token = new_key is not None or Token.objects.filter(user=request.user).exists()
    return render(request, "journeys/api_token.html", {"new_key": new_key, "has_token": has_token})
