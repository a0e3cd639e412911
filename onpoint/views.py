"""The dashboards: a district's journey map, a campaign's dashboard and its CSV, the consultants'
compare page and portfolio, the national benchmarks and the national journey map.

Views read stored results through onpoint.selectors and onpoint.page_selectors (never
recomputing), turn them into Plotly figures with onpoint.charts, and render. Every page that
shows a district's data takes the district from districts.selectors: anything else is a 404.
"""

from __future__ import annotations

import copy
import csv
import logging
from collections.abc import Mapping
from typing import Any, Final

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from districts.forms import MILESTONE_EXAMPLES, JourneyPlaceForm, MilestoneForm
from districts.models import District, PathPlace
from districts.selectors import (
    MILESTONES_NOT_ALLOWED,
    PLACE_LEADERS_ONLY,
    district_for,
    districts_consulted_by,
    districts_visible_to,
    is_consultant,
    is_leader_of,
    journey_access,
)
from districts.services import district_journey_place_set, milestone_create
from onpoint import charts, page_selectors, selectors
from onpoint.board_report import board_report_pdf, report_filename
from onpoint.campaign_results import campaign_results_of
from onpoint.chart_images import CHARTS_UNAVAILABLE, ChartImagesUnavailable
from onpoint.exports import campaign_csv_rows, participation_csv_rows
from onpoint.landmark_texts import TITLES, LandmarkText
from onpoint.method.benchmarks import Benchmark
from onpoint.method.scoring import Score
from onpoint.method.stages import stage_of
from onpoint.method.structure import (
    CATEGORY_KEYS,
    CATEGORY_LABELS,
    DIMENSIONS,
    LANDMARK_KEYS,
    LANDMARK_LABELS,
    MIN_REPORTED_N,
    ONPOINT,
    REASON_FEW_RESPONSES,
    SCORE_KEYS,
    SCORE_LABELS,
    STAGE_LABELS,
    STAGES,
    UNKNOWN,
)
from onpoint.selectors import BenchmarkSet
from surveys.selectors import campaign_for

logger = logging.getLogger(__name__)

# The compare page lists this many districts per page, and charts them when at most this many
# match (beyond, the chart would be a cloud: the page asks to filter instead).
COMPARE_PAGE_SIZE: Final = 50
COMPARE_CHART_LIMIT: Final = 300
SIDE_BY_SIDE_MIN: Final = 2
SIDE_BY_SIDE_MAX: Final = 6
PICK_TOO_FEW: Final = "Choose at least 2 districts to see them side by side."
PICK_TOO_MANY: Final = "Choose at most 6 districts to see them side by side."
COMPARE_CHART_TOO_MANY: Final = (
    "More than 300 districts match: filter by stage or state to see them on the chart."
)
# The benchmarks page lists this many versions of its history.
VERSION_HISTORY_LIMIT: Final = 25
# The national map shows this many recent milestones per place on the path, and names at most
# this many listed districts.
MILESTONES_PER_PLACE: Final = 6
LISTED_DISTRICTS_LIMIT: Final = 200


def _stage_benchmarks(benchmarks: BenchmarkSet, score_key: str) -> dict[str, Benchmark]:
    """One score key's benchmark at each stage."""
    return {stage: benchmarks.stages[stage][score_key] for stage in STAGES}


# --- a district's journey map ------------------------------------------------------------------
# Its forms post here too (a milestone, the place on the path): invalid input shows the map again
# with the form's errors. A milestone's own edit and delete pages are districts'.

MILESTONE_ADDED = "Milestone added to the journey map."
PLACE_SAVED = "The district's place on the path is saved."
# The journey map shows this many co-travelers (issue 16), nearest first.
CO_TRAVELERS_SHOWN: Final = 3
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
    journey = page_selectors.journey_of(district=district, now=now, today=today)
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
            LandmarkText(
                key=key,
                status=UNKNOWN,
                title=str(TITLES[key]),
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
    co_travelers = page_selectors.co_travelers_of(
        district=district, stage=journey.stage, now=now, today=today, limit=CO_TRAVELERS_SHOWN
    )
    return render(
        request,
        "onpoint/journey.html",
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
            # Beside each landmark's next steps, the professional learning that serves it.
            "landmark_rows": [
                (landmark, journey.learning_offers.get(landmark.key, [])) for landmark in landmarks
            ],
            "may_keep_learning": is_leader_of(user=request.user, district=district),
            "landmark_campaign": landmark_campaign,
            "landmark_version": journey.versions.get(landmark_campaign.benchmark_version_id or 0)
            if landmark_campaign
            else None,
            "chart": chart,
            "milestone_form": milestone_form or MilestoneForm(),
            "place_form": place_form or JourneyPlaceForm(instance=district),
            "milestone_examples": MILESTONE_EXAMPLES,
            "co_travelers": [
                {
                    "traveler": traveler,
                    "stage_label": STAGE_LABELS[traveler.stage],
                    "path": [
                        {"label": STAGE_LABELS[s], "score": score, "here": s == journey.stage}
                        for s, score in traveler.path
                    ],
                }
                for traveler in co_travelers
            ],
            "stages_ahead": [STAGE_LABELS[s] for s in page_selectors.stages_ahead(journey.stage)],
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
        return _journey_page(request, district, place_form=form)
    district_journey_place_set(
        district=district,
        path_place=form.cleaned_data["path_place"],
        listed_on_national_map=form.cleaned_data["listed_on_national_map"],
        named_as_co_traveler=form.cleaned_data["named_as_co_traveler"],
    )
    messages.success(request, PLACE_SAVED)
    return redirect(reverse("district", kwargs={"slug": district.slug}) + "#path")


# --- a campaign's dashboard --------------------------------------------------------------------


@login_required
@require_GET
def campaign_dashboard(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    district = district_for(request.user, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    scores = selectors.campaign_scores_for(user=request.user, campaign=campaign)
    if not scores.results_ready:
        return render(
            request,
            "onpoint/campaign_waiting.html",
            {
                "district": district,
                "current_district": district,
                "campaign": campaign,
                "scores": scores,
                "participation": scores.participation,
                "stage_label": STAGE_LABELS[scores.stage],
                "now": timezone.now(),
                "runs_campaign": scores.only_school is None,
            },
        )
    results = campaign_results_of(campaign=campaign, scores=scores)
    return render(
        request,
        "onpoint/campaign_dashboard.html",
        {
            "district": district,
            "current_district": district,
            **results.context(),
            "now": timezone.now(),
            "reads_staff_voice": campaign.asks_comments
            and is_leader_of(user=request.user, district=district),
            "runs_campaign": scores.only_school is None,
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
    scores = selectors.campaign_scores_for(user=request.user, campaign=campaign)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    if not scores.results_ready:
        assert scores.participation is not None
        response["Content-Disposition"] = (
            f'attachment; filename="{district.slug}-campaign-{campaign.pk}-responses.csv"'
        )
        writer.writerows(participation_csv_rows(scores.participation))
        return response
    response["Content-Disposition"] = (
        f'attachment; filename="{district.slug}-campaign-{campaign.pk}-scores.csv"'
    )
    dashboard = page_selectors.dashboard_of(campaign=campaign, scores=scores)
    writer.writerows(campaign_csv_rows(scores, dashboard.benchmarks.stages[scores.stage]))
    return response


# --- the consultants' compare page -------------------------------------------------------------


class CompareForm(forms.Form):
    """The compare page's query string. Bad values fall back to the defaults: it is a GET."""

    stage = forms.ChoiceField(
        choices=[("", "Every stage"), *((s, STAGE_LABELS[s]) for s in STAGES)], required=False
    )
    state = forms.CharField(required=False, max_length=2)
    sort = forms.ChoiceField(
        choices=[(key, key) for key in page_selectors.COMPARE_SORTS], required=False
    )
    order = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False)
    page = forms.IntegerField(required=False, min_value=1)


COMPARE_COLUMNS: Final = (
    ("name", "District"),
    ("state", "State"),
    ("stage", "Stage"),
    ("onpoint", "Onpoint score"),
    ("percentile", "Percentile"),
    ("change", "Change"),
    (None, "Landmarks"),
    ("gap", "Alignment gap"),
    ("rate", "Response rate"),
    ("last", "Last campaign"),
)


def _compare_districts(request: HttpRequest) -> Any:
    """Consultants (and staff) compare the districts they serve; anyone else, their own."""
    user = request.user
    if getattr(user, "is_staff", False) or is_consultant(user):
        return districts_consulted_by(user)
    return districts_visible_to(user)


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    form = CompareForm(request.GET)
    params: Mapping[str, Any] = form.cleaned_data if form.is_valid() else {}
    stage = params.get("stage") or ""
    state = (params.get("state") or "").upper()
    sort = params.get("sort") or "name"
    descending = params.get("order") == "desc"
    now, today = timezone.now(), timezone.localdate()

    base = _compare_districts(request)
    queryset = page_selectors.compare_queryset(
        districts=base,
        now=now,
        today=today,
        stage=stage,
        state=state,
        sort=sort,
        descending=descending,
    )
    paginator = Paginator(queryset, COMPARE_PAGE_SIZE)
    page = paginator.get_page(params.get("page") or 1)
    rows = page_selectors.compare_rows(districts=list(page.object_list), today=today)
    benchmarks = selectors.benchmarks_current()

    points = page_selectors.compare_points(queryset=queryset, limit=COMPARE_CHART_LIMIT)
    chart = (
        charts.districts_on_the_curve(
            key="districts",
            benchmarks=_stage_benchmarks(benchmarks, ONPOINT),
            points=[
                charts.StagePoint(stage=p.stage, label=p.name, score=_point_score(p))
                for p in points
            ],
        )
        if points is not None
        else None
    )

    picks = request.GET.getlist("pick")
    pick_error = ""
    side_by_side = None
    if picks:
        if len(set(picks)) < SIDE_BY_SIDE_MIN:
            pick_error = PICK_TOO_FEW
        elif len(set(picks)) > SIDE_BY_SIDE_MAX:
            pick_error = PICK_TOO_MANY
        else:
            chosen = list(
                page_selectors.compare_queryset(
                    districts=base.filter(slug__in=picks), now=now, today=today
                )
            )
            if len(chosen) < SIDE_BY_SIDE_MIN:
                pick_error = PICK_TOO_FEW
            else:
                chosen_rows = page_selectors.compare_rows(districts=chosen, today=today)
                side_by_side = charts.side_by_side(
                    key="side-by-side",
                    districts=[
                        charts.NamedScores(
                            name=row.district.name,
                            scores=row.latest.scores if row.latest else {},
                        )
                        for row in chosen_rows
                    ],
                )

    query = request.GET.copy()
    query.pop("page", None)
    query.pop("pick", None)
    columns = []
    for key, label in COMPARE_COLUMNS:
        if key is None:
            columns.append({"label": label, "key": None})
            continue
        active = sort == key
        next_order = "desc" if active and not descending else "asc"
        link = query.copy()
        link["sort"], link["order"] = key, next_order
        columns.append(
            {
                "label": label,
                "key": key,
                "href": "?" + link.urlencode(),
                "aria_sort": ("descending" if descending else "ascending") if active else None,
            }
        )
    page_query = query.copy()
    return render(
        request,
        "onpoint/compare.html",
        {
            "nav_current": "compare",
            "form": form,
            "stage": stage,
            "state": state,
            "sort": sort,
            "order": "desc" if descending else "asc",
            "stages": [(s, STAGE_LABELS[s]) for s in STAGES],
            "states": page_selectors.compare_states(districts=base),
            "columns": columns,
            "rows": rows,
            "page": page,
            "page_query": page_query.urlencode(),
            "chart": chart,
            "chart_too_many": COMPARE_CHART_TOO_MANY if points is None else "",
            "picks": set(picks),
            "pick_error": pick_error,
            "side_by_side": side_by_side,
            "landmark_labels": LANDMARK_LABELS,
            "benchmark_version": benchmarks.version,
            "sort_choices": [(key, label) for key, label in COMPARE_COLUMNS if key is not None],
            "stale_months": page_selectors.STALE_AFTER_MONTHS,
        },
    )


# --- the consultant's portfolio (issue 16) --------------------------------------------------------


@login_required
@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    """The landing page of a person with several districts: each one's stage, latest released
    Onpoint score and percentile, the change since the campaign before, landmark chips, an open
    campaign's response rate, and a flag when its latest results are over 18 months old."""
    now, today = timezone.now(), timezone.localdate()
    queryset = page_selectors.compare_queryset(
        districts=_compare_districts(request), now=now, today=today
    )
    page = Paginator(queryset, COMPARE_PAGE_SIZE).get_page(request.GET.get("page") or 1)
    districts = list(page.object_list)
    rows = page_selectors.compare_rows(districts=districts, today=today)
    open_now = page_selectors.open_campaigns_of(districts=districts, now=now)
    return render(
        request,
        "onpoint/portfolio.html",
        {
            "nav_current": "home",
            "cards": [{"row": row, "open": open_now.get(row.district.pk)} for row in rows],
            "page": page,
            "stale_months": page_selectors.STALE_AFTER_MONTHS,
            "stale_count": sum(1 for row in rows if row.stale),
            "open_count": len(open_now),
        },
    )


def _point_score(point: page_selectors.ComparePoint) -> Score:
    if point.onpoint is not None:
        # Stored reported scores have n >= 5 (database constraint); n is not shown here.
        return Score.shown(point.onpoint, MIN_REPORTED_N)
    return Score.suppressed(0, REASON_FEW_RESPONSES)


# --- the national benchmarks -------------------------------------------------------------------


@login_required
@require_GET
def benchmarks(request: HttpRequest) -> HttpResponse:
    current = selectors.benchmarks_current()
    history = page_selectors.benchmark_history(limit=VERSION_HISTORY_LIMIT)
    growth = [
        charts.growth_curve(
            key=f"growth-{category}",
            score_key=category,
            benchmarks=_stage_benchmarks(current, category),
            height=260,
        )
        for category in CATEGORY_KEYS
    ]
    shares = charts.growth_shares(key="growth-shares", shares=current.growth_shares)
    tables = [
        {
            "stage": stage,
            "label": STAGE_LABELS[stage],
            "rows": [
                {
                    "key": key,
                    "label": SCORE_LABELS[key],
                    "is_dimension": key in DIMENSIONS,
                    "benchmark": current.stages[stage][key],
                }
                for key in SCORE_KEYS
            ],
        }
        for stage in STAGES
    ]
    return render(
        request,
        "onpoint/benchmarks.html",
        {
            "nav_current": "benchmarks",
            "benchmarks": current,
            "version": current.version,
            "history": history,
            "growth": growth,
            "shares": shares,
            "tables": tables,
            "category_labels": CATEGORY_LABELS,
        },
    )


# --- the national journey map ------------------------------------------------------------------


@login_required
@require_GET
def national_map(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    counts = page_selectors.national_stage_place_counts(today=today)
    place_labels = dict(PathPlace.choices)
    chart = charts.journey_places(key="places", counts=counts, place_labels=place_labels)
    milestones = page_selectors.national_milestones(per_place=MILESTONES_PER_PLACE)
    listed = page_selectors.national_listed_districts(limit=LISTED_DISTRICTS_LIMIT)
    by_place = {place: sum(counts[s][place] for s in STAGES) for place in place_labels}
    return render(
        request,
        "onpoint/national_map.html",
        {
            "nav_current": "map",
            "chart": chart,
            "places": [
                {
                    "key": place,
                    "label": label,
                    "count": by_place[place],
                    "milestones": milestones[place],
                }
                for place, label in place_labels.items()
            ],
            "stage_counts": [(STAGE_LABELS[s], sum(counts[s].values())) for s in STAGES],
            "total": sum(by_place.values()),
            "listed": [
                {
                    "district": d,
                    "stage": STAGE_LABELS[stage_of(d.launch_date, today)],
                    "place": place_labels[d.path_place],
                }
                for d in listed.districts
            ],
            "listed_total": listed.total,
            "stage_labels": STAGE_LABELS,
        },
    )
