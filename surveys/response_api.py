"""API v1's anonymous responses: one teacher's answers to a survey link, as the survey page takes
them, under the same rate limit (surveys/rate_limit.py).

Contract: ../shared/spec/api-v1.md. The view validates, calls surveys.services, answers; nothing
more. Issue 13, figure 1: the common submission (a plain JSON POST of valid answers to an open
campaign's shared link) takes a quick door, one Redis command and one INSERT that checks the
campaign itself (services.response_submit_quick), with no read and without DRF's machinery; every
other request, and any submission the quick INSERT did not store, takes the full path, which reads
the campaign again and answers exactly as before.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.utils.json import strict_constant as json_strict_constant
from rest_framework.views import APIView

from onpoint.method.structure import ROLES
from surveys import rate_limit, services
from surveys.selectors import SurveyLink, campaign_by_token, survey_link

UNKNOWN_SURVEY = "Unknown survey link."
ANSWERS_REQUIRED = "answers is required: an object of item codes to answers."
BODY_NOT_AN_OBJECT = "The body must be a JSON object with role, school and answers."
# Where the quick door leaves its count of the survey limit on the request, so that a request it
# hands on to DRF is not counted twice.
COUNTED = "survey_submit_counted"


# --- anonymous responses -----------------------------------------------------------------------


class SurveySubmitThrottle(BaseThrottle):
    """DRF's door to the survey's one limit (surveys/rate_limit.py), which the page shares:
    429 with Retry-After past THROTTLE_SURVEY_SUBMIT per address and survey link."""

    retry_after: int | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        # Counted already when the request came through the quick door (SurveyResponseView).
        decision = getattr(request._request, COUNTED, None)
        if not isinstance(decision, rate_limit.Decision):
            decision = rate_limit.request_allow(
                request._request, token=view.kwargs.get("token", "")
            )
        self.retry_after = decision.retry_after
        return decision.allowed

    def wait(self) -> float | None:
        return self.retry_after


class SurveyResponseView(APIView):
    """The one anonymous write: a response to an open campaign, by its link token.

    No authentication at all (so no session, no CSRF, no account on the response). 201 when
    stored, 200 when this submission_id was already stored (a retry), 4xx with a message that
    says which input is wrong, and nothing stored.
    """

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    throttle_classes = [SurveySubmitThrottle]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """The quick door (issue 13): the common submission answered without DRF's request,
        negotiation and rendering, which cost more than its work; every other request goes
        through DRF as before, and gets the same answer it always did."""
        quick = _quick_submit(request, str(kwargs.get("token", "")))
        if quick is not None:
            quick["Allow"] = ", ".join(self.allowed_methods)
            return quick
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        request=inline_serializer(
            "SurveyResponseRequest",
            {
                "role": serializers.ChoiceField(choices=list(ROLES)),
                "school": serializers.CharField(allow_null=True, required=False),
                "answers": serializers.DictField(child=serializers.IntegerField(allow_null=True)),
                "submission_id": serializers.UUIDField(required=False),
                "invitation": serializers.CharField(
                    required=False,
                    help_text=(
                        "A personal link's token (its `i` parameter): the link is used up, "
                        "and the answer is stored exactly as a shared link's."
                    ),
                ),
            },
        ),
        responses={
            201: inline_serializer(
                "SurveyResponseStored",
                {"status": serializers.CharField(), "submission_id": serializers.UUIDField()},
            ),
            200: OpenApiResponse(description="Already stored (same submission_id)."),
            400: OpenApiResponse(description="Bad input: the message says which."),
            403: OpenApiResponse(
                description=(
                    "The campaign has not opened yet, or it takes personal links only and "
                    "none was sent."
                )
            ),
            404: OpenApiResponse(description="Unknown survey link."),
            410: OpenApiResponse(
                description="The campaign is closed, or the personal link was already used."
            ),
        },
    )
    def post(self, request: Request, token: str) -> Response:
        link = survey_link(token)
        if link is None:
            raise NotFound(UNKNOWN_SURVEY)
        return _submit(token, link, request.data)


def _quick_submit(request: HttpRequest, token: str) -> HttpResponse | None:
    """201 for a plain JSON POST of valid answers to an open campaign's shared link, counted
    within the limit and stored (services.response_submit_quick), in the very bytes DRF would
    send; None for anything else, which DRF then answers."""
    if not _plain_json_post(request):
        return None
    link = survey_link(token)
    if link is None:
        return None
    # No account, as DRF sets for a view without authentication: the session is never read.
    request.user = AnonymousUser()
    decision = rate_limit.request_allow(request, token=token)
    setattr(request, COUNTED, decision)
    if not decision.allowed:
        return None
    try:
        # As DRF's JSONParser: UTF-8, and no NaN or Infinity (STRICT_JSON).
        body = json.loads(request.body.decode("utf-8"), parse_constant=json_strict_constant)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    stored = services.response_submit_quick(link=link, body=body)
    if stored is None:
        return None
    content = {"status": "stored", "submission_id": str(stored)}
    return HttpResponse(
        json.dumps(content, separators=(",", ":")),
        content_type="application/json",
        status=status.HTTP_201_CREATED,
    )


def _plain_json_post(request: HttpRequest) -> bool:
    """A POST of JSON in UTF-8 that takes JSON back, with no query: what DRF's negotiation and
    parser take without a question (a `?format=`, an Accept it cannot serve, another charset
    are DRF's to answer)."""
    if request.method != "POST" or request.META.get("QUERY_STRING"):
        return False
    if request.content_type != "application/json":
        return False
    if (request.content_params or {}).get("charset", "utf-8").lower() != "utf-8":
        return False
    return request.META.get("HTTP_ACCEPT", "*/*") in ("*/*", "application/json")


def _submit(token: str, link: SurveyLink, body: Any) -> Response:
    """The common case without a read (services.response_submit_quick); anything else, in full."""
    if isinstance(body, dict):
        stored = services.response_submit_quick(link=link, body=body)
        if stored is not None:
            return _stored(stored, created=True)
    return _submit_in_full(token, body)


def _submit_in_full(token: str, body: Any) -> Response:
    """The campaign read again (its state now, not as cached), then every check in turn: 404,
    400, 410 or 403, a retry's 200, or 201."""
    campaign = campaign_by_token(token)
    if campaign is None:
        raise NotFound(UNKNOWN_SURVEY)
    if not isinstance(body, dict):
        return _problem(BODY_NOT_AN_OBJECT, "bad_body", status.HTTP_400_BAD_REQUEST)
    try:
        services.campaign_open_check(campaign, timezone.now())
        answers = body.get("answers")
        if answers is None:
            raise services.SurveyInputError("answers_required", ANSWERS_REQUIRED)
        school = services.school_by_name(district=campaign.district, name=body.get("school"))
        response, created = services.response_submit(
            campaign=campaign,
            answers=answers,
            role=body.get("role"),
            school=school,
            submission_id=body.get("submission_id"),
            invitation=body.get("invitation"),
        )
    except services.CampaignNotOpen as error:
        code = status.HTTP_410_GONE if error.code == "closed" else status.HTTP_403_FORBIDDEN
        return _problem(error.message, error.code, code)
    except services.InvitationUsed as error:
        return _problem(error.message, error.code, status.HTTP_410_GONE)
    except services.PersonalLinkRequired as error:
        return _problem(error.message, error.code, status.HTTP_403_FORBIDDEN)
    except services.SurveyInputError as error:
        return _problem(error.message, error.code, status.HTTP_400_BAD_REQUEST)
    return _stored(response.submission_id, created=created)


def _stored(submission_id: uuid.UUID, *, created: bool) -> Response:
    # Nothing that identifies the stored row: no id, no date, only the caller's own id back.
    return Response(
        {"status": "stored" if created else "already stored", "submission_id": str(submission_id)},
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


def _problem(message: str, code: str, http_status: int) -> Response:
    return Response({"detail": message, "code": code}, status=http_status)
