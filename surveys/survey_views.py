"""The anonymous survey at /s/<token>/: the form, its review step, the thank-you page, and the
pages of a survey that cannot take answers (unknown, closed, not open yet, a used personal link).

The survey works without JavaScript: the form posts to itself for a review page, which posts the
same answers (as hidden fields) to be stored, then redirects to a thank-you page. JavaScript
(static/js/survey.js) only adds: answers kept in the browser, a progress bar, one submit per tap.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from districts.links import link_base
from districts.tokens import is_token
from surveys import rate_limit, services, texts
from surveys.forms import SurveyForm
from surveys.invitations import LINK_PARAMETER, invitation_exists
from surveys.models import Campaign
from surveys.selectors import campaign_by_token
from surveys.texts import LANGUAGE_NAMES, SURVEY_LANGUAGES, survey_language

# --- the anonymous survey ----------------------------------------------------------------------


def survey_url(request: HttpRequest, campaign: Campaign) -> str:
    """The absolute link staff open: PUBLIC_URL when configured, else this request's host."""
    return link_base(request) + reverse("survey", kwargs={"token": campaign.token})


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
