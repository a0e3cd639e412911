"""Pages of the surveys app: the anonymous survey at /s/<token>/ and the leaders' campaign pages.

The survey works without JavaScript: the form posts to itself for a review page, which posts the
same answers (as hidden fields) to be stored, then redirects to a thank-you page. JavaScript
(static/js/survey.js) only adds: answers kept in the browser, a progress bar, one submit per tap.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.request import Request as DRFRequest

from districts.models import District
from districts.selectors import CAMPAIGNS_NOT_ALLOWED, district_for, may_run_campaigns
from districts.tokens import is_token
from surveys import invitations, services
from surveys.forms import (
    DONT_KNOW,
    CampaignForm,
    InvitationListForm,
    SurveySubmission,
    survey_submission_parse,
)
from surveys.models import Campaign, Invitation
from surveys.selectors import (
    campaign_by_token,
    campaign_for,
    campaign_list,
    campaign_response_count,
    instrument_text,
    item_codes,
)
from surveys.texts import LANGUAGE_NAMES, ROLE_TEXTS, SURVEY_LANGUAGES, TEXTS, survey_language
from surveys.throttles import SurveySubmitThrottle

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


# --- the anonymous survey ----------------------------------------------------------------------


def survey_url(request: HttpRequest, campaign: Campaign) -> str:
    """The absolute link staff open: PUBLIC_URL when configured, else this request's host."""
    path = reverse("survey", kwargs={"token": campaign.token})
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL + path
    return request.build_absolute_uri(path)


def _invitation_of(request: HttpRequest) -> str:
    """A personal link's token: `?i=` when the mail's link opens the page, then the form's
    hidden field. Anything that could not be a token is dropped (never looked up)."""
    value = request.POST.get("invitation") or request.GET.get(invitations.LINK_PARAMETER) or ""
    return value if is_token(value) else ""


def _survey_context(
    request: HttpRequest, campaign: Campaign | None, lang: str, invitation: str = ""
) -> dict[str, Any]:
    other = [code for code in SURVEY_LANGUAGES if code != lang]
    # A language switch on a personal link keeps the link's token in the query.
    keep = f"&{invitations.LINK_PARAMETER}={invitation}" if invitation else ""
    return {
        "lang": lang,
        "t": TEXTS[lang],
        "campaign": campaign,
        "invitation": invitation,
        "invitation_query": keep,
        "language_links": [
            {"code": code, "name": LANGUAGE_NAMES[code], "href": f"?lang={code}{keep}"}
            for code in other
        ],
    }


def _survey_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    with translation.override(context["lang"]):
        response = render(request, template, context, status=status)
    response["Content-Language"] = context["lang"]
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
    context = _survey_context(request, campaign, lang, invitation)
    texts = TEXTS[lang]
    date = ""
    if campaign is not None and kind == "not_open":
        with translation.override(lang):
            date = formats.date_format(timezone.localtime(campaign.opens_at), "DATE_FORMAT")
    context |= {
        "kind": kind,
        "title": texts[f"{kind}_title"],
        "heading": texts[f"{kind}_heading"],
        "body": texts[f"{kind}_body"].format(date=date),
        "message": message,
    }
    return _survey_page(request, "surveys/unavailable.html", context, status=status)


def _questions(campaign: Campaign, lang: str, chosen: dict[str, str]) -> list[dict[str, Any]]:
    """The instrument's categories with their statements, answer choices and what is chosen."""
    definition = campaign.instrument.definition
    scale = [
        {"value": str(point["value"]), "label": instrument_text(point["label"], lang)}
        for point in definition.get("scale", [])
    ]
    scale.append(
        {"value": DONT_KNOW, "label": instrument_text(definition.get("no_answer_label"), lang)}
    )
    labels = {value["value"]: value["label"] for value in scale}
    categories = []
    number = 0
    for category in definition.get("categories", []):
        items = []
        for item in definition.get("items", []):
            if item["category"] != category["key"]:
                continue
            number += 1
            value = chosen.get(item["code"], "")
            items.append(
                {
                    "code": item["code"],
                    "number": number,
                    "text": instrument_text(item["text"], lang),
                    "chosen": value,
                    "chosen_label": labels.get(value, ""),
                }
            )
        categories.append(
            {
                "key": category["key"],
                "label": instrument_text(category["label"], lang),
                "items": items,
            }
        )
    return [{"scale": scale, **category} for category in categories]


def _survey_form(
    request: HttpRequest,
    campaign: Campaign,
    lang: str,
    submission: SurveySubmission,
    errors: dict[str, str] | None = None,
    fresh: bool = False,
) -> HttpResponse:
    context = _survey_context(request, campaign, lang, submission.invitation)
    categories = _questions(campaign, lang, submission.chosen)
    context |= {
        "categories": categories,
        "total": sum(len(category["items"]) for category in categories),
        "roles": list(ROLE_TEXTS[lang].items()),
        "schools": list(campaign.district.schools.all()),
        "submission": submission,
        "errors": errors or {},
        "fresh": fresh,
    }
    return _survey_page(request, "surveys/survey.html", context)


def _survey_review(
    request: HttpRequest, campaign: Campaign, lang: str, submission: SurveySubmission
) -> HttpResponse:
    context = _survey_context(request, campaign, lang, submission.invitation)
    categories = _questions(campaign, lang, submission.chosen)
    total = sum(len(category["items"]) for category in categories)
    unanswered = total - len(submission.chosen)
    context |= {
        "categories": categories,
        "submission": submission,
        "role_label": ROLE_TEXTS[lang].get(submission.role, ""),
        "unanswered": unanswered,
        "unanswered_text": TEXTS[lang]["review_unanswered"].format(n=unanswered),
    }
    return _survey_page(request, "surveys/review.html", context)


def _bad_input(
    request: HttpRequest,
    campaign: Campaign,
    lang: str,
    error: services.SurveyInputError,
    invitation: str = "",
) -> HttpResponse:
    message = TEXTS[lang].get(error.code, TEXTS[lang]["bad_body"]).format(**error.params)
    return _unavailable(
        request, campaign, lang, "bad", status=400, message=message, invitation=invitation
    )


def _throttled(request: HttpRequest, token: str) -> bool:
    """The API's throttle (address and link together), applied to the page's final submit."""
    throttle = SurveySubmitThrottle()
    view: Any = type(
        "SurveyPage", (), {"throttle_scope": "survey_submit", "kwargs": {"token": token}}
    )
    return not throttle.allow_request(DRFRequest(request), view)


# The survey is anonymous: no session, no login, no cookie. Its link token is the credential,
# and the JSON endpoint accepts the same write without CSRF; requiring a CSRF cookie here would
# only break the survey on school devices that block cookies.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    lang = survey_language(request)
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
    raw_invitation = request.POST.get("invitation") or request.GET.get(invitations.LINK_PARAMETER)
    invitation = _invitation_of(request)
    if raw_invitation and not invitations.invitation_exists(campaign=campaign, token=invitation):
        return _unavailable(request, campaign, lang, "used", status=410)
    if not invitation and not campaign.takes_shared_link:
        return _unavailable(request, campaign, lang, "personal_only", status=403)

    if request.method == "GET":
        return _survey_form(
            request,
            campaign,
            lang,
            SurveySubmission(submission_id=str(uuid.uuid4()), invitation=invitation),
            fresh=True,
        )

    try:
        submission = survey_submission_parse(
            request.POST, codes=item_codes(campaign.instrument), district=campaign.district
        )
        if submission.role:
            services.role_validate(submission.role)
        services.submission_id_parse(submission.submission_id)
    except services.SurveyInputError as error:
        return _bad_input(request, campaign, lang, error, invitation)
    submission.invitation = invitation
    if not submission.submission_id:
        submission.submission_id = str(uuid.uuid4())

    action = request.POST.get("action", "review")
    if action == "edit":
        return _survey_form(request, campaign, lang, submission)
    errors = {}
    if not submission.role:
        errors["role"] = TEXTS[lang]["role_required"]
    if not submission.chosen:
        errors["answers"] = TEXTS[lang]["no_answers"]
    if errors:
        return _survey_form(request, campaign, lang, submission, errors=errors)
    if action != "submit":
        return _survey_review(request, campaign, lang, submission)

    if _throttled(request, token):
        context = _survey_context(request, campaign, lang, invitation)
        return _survey_page(request, "surveys/throttled.html", context, status=429)
    try:
        services.response_submit(
            campaign=campaign,
            answers=submission.answers(),
            role=submission.role,
            school=submission.school,
            submission_id=submission.submission_id,
            invitation=invitation or None,
        )
    except services.CampaignNotOpen:
        return _unavailable(request, campaign, lang, "closed", status=410)
    except services.InvitationUsed:
        return _unavailable(request, campaign, lang, "used", status=410)
    except services.PersonalLinkRequired:
        return _unavailable(request, campaign, lang, "personal_only", status=403)
    except services.SurveyInputError as error:
        return _bad_input(request, campaign, lang, error, invitation)
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
    campaign = campaign_by_token(token)
    if campaign is None:
        return _unavailable(request, None, lang, "unknown", status=404)
    return _survey_page(request, "surveys/thanks.html", _survey_context(request, campaign, lang))


# --- the leaders' campaign pages ---------------------------------------------------------------


def _run_district(request: HttpRequest, slug: str) -> District:
    """The district, for a page that runs its campaigns: 404 outside the user's districts (as
    everywhere), 403 for a principal, who reads results and runs no survey."""
    district = district_for(request.user, slug)
    if not may_run_campaigns(user=request.user, district=district):
        raise PermissionDenied(CAMPAIGNS_NOT_ALLOWED)
    return district


def _response_rate(n_responses: int, expected: int | None) -> float | None:
    return n_responses / expected if expected else None


@login_required
@require_http_methods(["GET", "HEAD"])
def campaigns(request: HttpRequest, slug: str) -> HttpResponse:
    district = district_for(request.user, slug)
    now = timezone.now()
    rows = [
        {
            "campaign": campaign,
            "status": _status(campaign, now),
            "rate": _response_rate(
                getattr(campaign, "n_responses", 0), campaign.expected_responses
            ),
        }
        for campaign in campaign_list(district=district)
    ]
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "district": district,
            "current_district": district,
            "rows": rows,
            "runs_campaigns": may_run_campaigns(user=request.user, district=district),
        },
    )


def _status(campaign: Campaign, now: Any) -> str:
    if campaign.is_closed(now):
        return "closed"
    return "open" if campaign.is_open(now) else "scheduled"


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest, slug: str) -> HttpResponse:
    district = _run_district(request, slug)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = CampaignForm(
        request.POST or None,
        initial={"opens_at": now, "closes_at": now + dt.timedelta(days=DEFAULT_CAMPAIGN_DAYS)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                district=district, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, CAMPAIGN_CREATED_MESSAGE)
            return redirect("campaign_manage", slug=district.slug, campaign_id=campaign.pk)
    return render(
        request,
        "surveys/campaign_form.html",
        {
            "district": district,
            "current_district": district,
            "form": form,
            "campaign": None,
            "time_zone": timezone.get_current_timezone_name(),
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
    district = _run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    locked = campaign_response_count(campaign) > 0
    closed = campaign.is_closed()
    form = CampaignForm(
        request.POST or None, instance=campaign, opens_at_locked=locked, closed=closed
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if locked or closed:
            data.pop("opens_at", None)
        if closed:
            data.pop("closes_at", None)
        try:
            services.campaign_update(campaign=campaign, by=request.user, **data)
        except ValidationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, CAMPAIGN_SAVED_MESSAGE)
            return redirect("campaign_manage", slug=district.slug, campaign_id=campaign.pk)
    return render(
        request,
        "surveys/campaign_form.html",
        {
            "district": district,
            "current_district": district,
            "form": form,
            "campaign": campaign,
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


@login_required
@require_POST
def campaign_close(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    district = _run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    try:
        services.campaign_close(campaign=campaign, by=request.user)
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
    district = _run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    n_responses = campaign_response_count(campaign)
    rate = _response_rate(n_responses, campaign.expected_responses)
    now = timezone.now()
    return render(
        request,
        "surveys/campaign_manage.html",
        {
            "district": district,
            "current_district": district,
            "campaign": campaign,
            "status": _status(campaign, now),
            "survey_url": survey_url(request, campaign),
            "n_responses": n_responses,
            "rate": rate,
            "low_rate": rate is not None and rate < REPRESENTATIVE_SHARE,
            "low_response_warning": LOW_RESPONSE_WARNING,
            "invitation_summary": invitations.invitation_summary(campaign=campaign, now=now),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def campaign_flyer(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    district = _run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    return render(
        request,
        "surveys/campaign_flyer.html",
        {
            "district": district,
            "current_district": district,
            "campaign": campaign,
            "survey_url": survey_url(request, campaign),
            "en": TEXTS["en"],
            "es": TEXTS["es"],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def campaign_qr(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """The survey link as a QR code, drawn here as SVG: no request leaves for another host."""
    district = _run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    code = segno.make(survey_url(request, campaign), error="m", micro=False)
    svg = io.BytesIO()
    code.save(svg, kind="svg", scale=8, border=2, title="QR code of the survey link")
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- personal links: the invitations page --------------------------------------------------------

INVITATIONS_ADDED = "{invited} address(es) invited: their personal links are on their way."
INVITATIONS_SKIPPED = "{already} address(es) were already invited and were skipped."
INVITATIONS_NONE_NEW = "Every address of the list was already invited: nothing new was sent."
REMINDER_STARTED = "A reminder is on its way to the {n} invited who have not answered."
RETRY_STARTED = "{n} mail(s) are being sent again."
INVITATION_REMOVED = "The address is taken back: it no longer counts as invited."


def _link_base(request: HttpRequest) -> str:
    """The address a mailed link starts with: PUBLIC_URL, else this page's own."""
    return settings.PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")


def _mail_to_files() -> str:
    """The folder mails are written to when no mail server is configured (the embedded
    default), so the page can say where they went; "" when mail is really sent."""
    mailer: dict[str, Any] = settings.MAILERS.get("default", {})
    if mailer.get("BACKEND") == "django.core.mail.backends.filebased.EmailBackend":
        return str(mailer["OPTIONS"]["file_path"])
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def campaign_invitations(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """Invited, answered and the rate, overall and by school; the mails not delivered; the list
    form; the reminder button. Counts only once the campaign is closed."""
    district = _run_district(request, slug)
    campaign = campaign_for(request.user, district=district, campaign_id=campaign_id)
    form = InvitationListForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            outcome = invitations.invitations_add(
                campaign=campaign,
                entries=invitations.entries_from_text(form.text()),
                by=request.user,
                link_base=_link_base(request),
            )
        except invitations.InvitationError as error:
            problems = error.problems
        else:
            if outcome.invited:
                messages.success(request, INVITATIONS_ADDED.format(invited=outcome.invited))
                if outcome.already_invited:
                    messages.info(
                        request, INVITATIONS_SKIPPED.format(already=outcome.already_invited)
                    )
            else:
                messages.info(request, INVITATIONS_NONE_NEW)
            return redirect("campaign_invitations", slug=district.slug, campaign_id=campaign.pk)
    now = timezone.now()
    summary = invitations.invitation_summary(campaign=campaign, now=now)
    return render(
        request,
        "surveys/campaign_invitations.html",
        {
            "district": district,
            "current_district": district,
            "campaign": campaign,
            "status": _status(campaign, now),
            "summary": summary,
            "form": form,
            "problems": problems,
            "mail_to_files": _mail_to_files(),
            "link_mode_label": invitations.link_mode_label(campaign.link_mode),
        },
        status=400 if problems or form.errors else 200,
    )


def _invitations_action(
    request: HttpRequest, slug: str, campaign_id: int
) -> tuple[District, Campaign]:
    district = _run_district(request, slug)
    return district, campaign_for(request.user, district=district, campaign_id=campaign_id)


def _back_to_invitations(district: District, campaign: Campaign) -> HttpResponse:
    return redirect("campaign_invitations", slug=district.slug, campaign_id=campaign.pk)


@login_required
@require_POST
def campaign_remind(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """One reminder to every invitation sent and not used yet."""
    district, campaign = _invitations_action(request, slug, campaign_id)
    try:
        _, addresses = invitations.reminders_request(campaign=campaign, by=request.user)
    except invitations.InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, REMINDER_STARTED.format(n=addresses))
    return _back_to_invitations(district, campaign)


@login_required
@require_POST
def campaign_invitations_retry(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """Send again every mail that was not delivered."""
    district, campaign = _invitations_action(request, slug, campaign_id)
    try:
        count = invitations.invitations_retry(campaign=campaign, by=request.user)
    except invitations.InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, RETRY_STARTED.format(n=count))
    return _back_to_invitations(district, campaign)


@login_required
@require_POST
def campaign_invitation_remove(request: HttpRequest, slug: str, campaign_id: int) -> HttpResponse:
    """Take back an address whose mail was not delivered (its id in the form)."""
    district, campaign = _invitations_action(request, slug, campaign_id)
    value = request.POST.get("invitation", "")
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404("No such invitation.")
    try:
        invitations.invitation_remove(campaign=campaign, invitation_id=int(value), by=request.user)
    except Invitation.DoesNotExist as missing:
        raise Http404("No such invitation.") from missing
    except invitations.InvitationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, INVITATION_REMOVED)
    return _back_to_invitations(district, campaign)
