"""Pages of the surveys app: the anonymous survey at /s/<token>/ and the leaders' campaign pages.

The survey works without JavaScript: the form posts to itself for a review page, which posts the
same answers (as hidden fields) to be stored, then redirects to a thank-you page. JavaScript
(static/js/survey.js) only adds: answers kept in the browser, a progress bar, one submit per tap.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from districts.models import District
from districts.selectors import (
    CAMPAIGNS_NOT_ALLOWED,
    district_for,
    is_leader_of,
    may_run_campaigns,
)
from districts.services import schools_expected_responses_set
from districts.tokens import is_token
from surveys import campaigns as campaign_writes
from surveys import rate_limit, services, texts
from surveys.forms import CampaignForm, NewCampaignForm, SchoolsExpectedForm, SurveyForm
from surveys.invitation_summary import invitation_summary
from surveys.invitations import LINK_PARAMETER, invitation_exists
from surveys.models import Campaign
from surveys.participation import campaign_participation, response_rate
from surveys.selectors import (
    campaign_by_token,
    campaign_for,
    campaign_list,
    campaign_response_count,
    campaigns_overlapping,
)
from surveys.texts import LANGUAGE_NAMES, SURVEY_LANGUAGES, survey_language

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


# --- the anonymous survey ----------------------------------------------------------------------


def survey_url(request: HttpRequest, campaign: Campaign) -> str:
    """The absolute link staff open: PUBLIC_URL when configured, else this request's host."""
    path = reverse("survey", kwargs={"token": campaign.token})
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL + path
    return request.build_absolute_uri(path)


def language_links(lang: str, invitation: str = "") -> list[dict[str, str]]:
    """The language switch: every other language of the survey, named in itself. On a personal
    link the switch keeps the link's token in the query."""
    keep = f"&{LINK_PARAMETER}={invitation}" if invitation else ""
    return [
        {"code": code, "name": LANGUAGE_NAMES[code], "href": f"?lang={code}{keep}"}
        for code in SURVEY_LANGUAGES
        if code != lang
    ]


def _invitation_of(request: HttpRequest) -> str:
    """A personal link's token: `?i=` when the mail's link opens the page, then the form's
    hidden field. Anything that could not be a token is dropped (never looked up)."""
    value = request.POST.get("invitation") or request.GET.get(LINK_PARAMETER) or ""
    return value if is_token(value) else ""


def _survey_page(
    request: HttpRequest,
    template: str,
    lang: str,
    campaign: Campaign | None,
    context: dict[str, Any] | None = None,
    status: int = 200,
    invitation: str = "",
) -> HttpResponse:
    page = {
        "lang": lang,
        "campaign": campaign,
        "language_links": language_links(lang, invitation),
        "invitation_query": f"&{LINK_PARAMETER}={invitation}" if invitation else "",
    }
    response = render(request, template, page | (context or {}), status=status)
    response["Content-Language"] = lang
    return response


def _unavailable(
    request: HttpRequest,
    campaign: Campaign | None,
    lang: str,
    kind: str,
    status: int,
    message: str = "",
    invitation: str = "",
) -> HttpResponse:
    title, heading, body = texts.UNAVAILABLE_TEXTS[kind]
    if campaign is not None and kind == "not_open":
        opens_at = timezone.localtime(campaign.opens_at, campaign.district.zone)
        date = formats.date_format(opens_at, "DATE_FORMAT")
        body = body % {"date": date}
    context = {"kind": kind, "title": title, "heading": heading, "body": body, "message": message}
    return _survey_page(
        request, "surveys/unavailable.html", lang, campaign, context, status, invitation
    )


def _survey_form(
    request: HttpRequest, campaign: Campaign, lang: str, form: SurveyForm, *, fresh: bool = False
) -> HttpResponse:
    """The survey; `fresh` (a GET) lets static/js/survey.js restore what this browser kept."""
    context = {
        "form": form,
        "categories": form.categories(),
        "total": len(form.item_codes),
        "answered": form.answered(),
        "errors": form.person_errors() if form.is_bound else {},
        "fresh": fresh,
        "comment_questions": form.comment_questions(),
    }
    invitation = str(form["invitation"].value() or "")
    return _survey_page(
        request, "surveys/survey.html", lang, campaign, context, invitation=invitation
    )


def _survey_review(
    request: HttpRequest, campaign: Campaign, lang: str, form: SurveyForm
) -> HttpResponse:
    unanswered = len(form.item_codes) - form.answered()
    context = {
        "form": form,
        "categories": form.categories(),
        "role_label": texts.ROLE_LABELS.get(form.cleaned_data["role"], ""),
        "school": form.cleaned_data.get("school"),
        "unanswered": unanswered,
        "unanswered_text": texts.REVIEW_UNANSWERED % {"n": unanswered},
        "comment_questions": [
            {"label": question.label, "text": form.cleaned_data.get(question.name, "")}
            for question in form.comment_questions()
        ],
    }
    invitation = form.cleaned_data.get("invitation", "")
    return _survey_page(
        request, "surveys/review.html", lang, campaign, context, invitation=invitation
    )


def _bad_input(
    request: HttpRequest, campaign: Campaign, lang: str, message: str, invitation: str = ""
) -> HttpResponse:
    return _unavailable(
        request, campaign, lang, "bad", status=400, message=message, invitation=invitation
    )


# The messages of the service's refusals that a form which passed SurveyForm can still meet.
SERVICE_REFUSALS = {
    "answer_not_allowed": texts.FORM_DAMAGED,
    "unknown_item": texts.UNKNOWN_ITEM,
    "unknown_role": texts.UNKNOWN_ROLE,
    "unknown_school": texts.UNKNOWN_SCHOOL,
}


# The survey is anonymous: no session, no login, no cookie. Its link token is the credential,
# and the JSON endpoint accepts the same write without CSRF; requiring a CSRF cookie here would
# only break the survey on school devices that block cookies.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey (GET), its review step (POST action=review, the default), back to the filled
    form (action=edit), and the final submit (action=submit: 303 to the thank-you page)."""
    lang = survey_language(request)
    with translation.override(lang):
        return _survey(request, token, lang)


def _survey(request: HttpRequest, token: str, lang: str) -> HttpResponse:
    campaign = campaign_by_token(token)
    if campaign is None:
        return _unavailable(request, None, lang, "unknown", status=404)
    now = timezone.now()
    if campaign.is_closed(now):
        return _unavailable(request, campaign, lang, "closed", status=410)
    if not campaign.is_open(now):
        return _unavailable(request, campaign, lang, "not_open", status=403)
    # A personal link (issue 15): its token rides in the query of the mail's link, then in the
    # form's body; it is checked here so that a used link says so before anyone fills the form.
    raw_invitation = request.POST.get("invitation") or request.GET.get(LINK_PARAMETER)
    invitation = _invitation_of(request)
    if raw_invitation and not invitation_exists(campaign=campaign, token=invitation):
        return _unavailable(request, campaign, lang, "used", status=410)
    if not invitation and not campaign.takes_shared_link:
        return _unavailable(request, campaign, lang, "personal_only", status=403)

    schools = campaign.district.schools.all()
    if request.method == "GET":
        form = SurveyForm(
            campaign.instrument,
            lang,
            schools=schools,
            asks_comments=campaign.asks_comments,
            invitation=invitation,
        )
        return _survey_form(request, campaign, lang, form, fresh=True)

    form = SurveyForm(
        campaign.instrument,
        lang,
        request.POST,
        schools=schools,
        asks_comments=campaign.asks_comments,
    )
    form.is_valid()
    if (problem := form.tampered()) is not None:
        return _bad_input(request, campaign, lang, problem, invitation)
    action = request.POST.get("action", "review")
    if action == "edit" or form.errors:
        return _survey_form(request, campaign, lang, form)
    if action != "submit":
        return _survey_review(request, campaign, lang, form)

    return _survey_submit(request, campaign, lang, form)


def _survey_submit(
    request: HttpRequest, campaign: Campaign, lang: str, form: SurveyForm
) -> HttpResponse:
    """Store a valid form's response: 303 to the thank-you page, or a page that says why not."""
    token = campaign.token
    if not rate_limit.request_allow(request, token=token).allowed:
        return _survey_page(request, "surveys/throttled.html", lang, campaign, status=429)
    try:
        services.response_submit(
            campaign=campaign,
            answers=form.answers(),
            role=form.cleaned_data["role"],
            school=form.cleaned_data["school"],
            submission_id=form.cleaned_data["submission_id"],
            comments=form.comments() if campaign.asks_comments else None,
            invitation=form.cleaned_data.get("invitation") or None,
        )
    except services.CampaignNotOpen:
        return _unavailable(request, campaign, lang, "closed", status=410)
    except services.InvitationUsed:
        return _unavailable(request, campaign, lang, "used", status=410)
    except services.PersonalLinkRequired:
        return _unavailable(request, campaign, lang, "personal_only", status=403)
    except services.SurveyInputError as error:
        message = SERVICE_REFUSALS.get(error.code, texts.FORM_DAMAGED)
        return _bad_input(request, campaign, lang, str(message), form.cleaned_data["invitation"])
    # 303: the browser GETs the thank-you page, so a reload there does not post again.
    thanks = HttpResponseRedirect(
        f"{reverse('survey_thanks', kwargs={'token': token})}?lang={lang}"
    )
    thanks.status_code = 303
    return thanks


@never_cache
@require_GET
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    lang = survey_language(request)
    with translation.override(lang):
        campaign = campaign_by_token(token)
        if campaign is None:
            return _unavailable(request, None, lang, "unknown", status=404)
        return _survey_page(request, "surveys/thanks.html", lang, campaign)


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
