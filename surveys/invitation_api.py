"""The API of a campaign's personal links (issue 15): `GET/POST /api/v1/campaigns/{id}/
invitations/` and `POST /api/v1/campaigns/{id}/reminders/`, their JSON and their schema. The
actions themselves are CampaignViewSet's (surveys/api.py), which checks who may run the campaign.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from districts.links import link_base
from districts.selectors import CAMPAIGNS_NOT_ALLOWED
from surveys.invitation_lists import InvitationError, entries_from_json
from surveys.invitation_summary import invitation_summary
from surveys.invitations import invitations_add
from surveys.models import Campaign, LinkMode
from surveys.reminders import reminders_request


def invitations_json(campaign: Campaign) -> dict[str, Any]:
    """The counts of a campaign's personal links; the addresses of the mails not delivered
    while it is open, and no address at all once it is closed."""
    summary = invitation_summary(campaign=campaign)
    return {
        "campaign": campaign.pk,
        "link_mode": summary.link_mode,
        "closed": summary.erased,
        "invited": summary.invited,
        "answered": summary.answered,
        "response_rate": _rate(summary.response_rate),
        "by_school": [
            {
                "school": row.school,
                "invited": row.invited,
                "answered": row.answered,
                "response_rate": _rate(row.response_rate),
            }
            for row in summary.by_school
        ],
        "delivery": None if summary.erased else summary.delivery,
        "not_delivered": [
            {
                "id": row.id,
                "email": row.email,
                "school": row.school,
                "failures": row.failures,
                "error": row.error,
            }
            for row in summary.failed
        ],
        "reminder_at": campaign.reminder_at,
        "reminder_rounds": summary.reminder_rounds,
        "reminded_at": summary.reminded_at,
    }


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


_ENTRY_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"type": "string", "format": "email", "example": "jane@maple.k12.or.us"},
        {
            "type": "object",
            "properties": {
                "email": {"type": "string", "format": "email"},
                "school": {
                    "type": "string",
                    "nullable": True,
                    "description": "A school of the district, by name (any case).",
                },
            },
            "required": ["email"],
        },
    ]
}
INVITE_REQUEST_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {
            "type": "object",
            "properties": {"emails": {"type": "array", "items": _ENTRY_SCHEMA}},
            "required": ["emails"],
        },
        {"type": "array", "items": _ENTRY_SCHEMA},
    ],
    "example": {
        "emails": [
            "jane@maple.k12.or.us",
            {"email": "raj@maple.k12.or.us", "school": "Maple Elementary"},
        ]
    },
}
_INVITATION_FIELDS: dict[str, serializers.Field[Any, Any, Any, Any]] = {
    "campaign": serializers.IntegerField(),
    "link_mode": serializers.ChoiceField(choices=LinkMode.choices),
    "closed": serializers.BooleanField(help_text="Closed: every address is erased."),
    "invited": serializers.IntegerField(),
    "answered": serializers.IntegerField(help_text="Personal links used."),
    "response_rate": serializers.FloatField(allow_null=True),
    "by_school": inline_serializer(
        "InvitationSchoolCounts",
        {
            "school": serializers.CharField(allow_null=True),
            "invited": serializers.IntegerField(),
            "answered": serializers.IntegerField(),
            "response_rate": serializers.FloatField(allow_null=True),
        },
        many=True,
    ),
    "delivery": serializers.DictField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="pending, sent and failed mails; null once closed.",
    ),
    "not_delivered": inline_serializer(
        "InvitationNotDelivered",
        {
            "id": serializers.IntegerField(),
            "email": serializers.EmailField(),
            "school": serializers.CharField(allow_null=True),
            "failures": serializers.IntegerField(),
            "error": serializers.CharField(),
        },
        many=True,
        help_text="Open campaigns only: the mails not delivered; [] once closed.",
    ),
    "reminder_at": serializers.DateTimeField(allow_null=True),
    "reminder_rounds": serializers.IntegerField(),
    "reminded_at": serializers.DateTimeField(allow_null=True),
}
INVITATIONS_RESPONSE = inline_serializer("CampaignInvitations", _INVITATION_FIELDS)
INVITED_RESPONSE = inline_serializer(
    "CampaignInvited",
    {
        "invited": serializers.IntegerField(help_text="Addresses newly invited."),
        "already_invited": serializers.IntegerField(help_text="Skipped: invited before."),
        "repeated": serializers.IntegerField(help_text="Listed more than once, counted once."),
        **_INVITATION_FIELDS,
    },
)
PROBLEMS = inline_serializer(
    "InvitationProblems",
    {
        "detail": serializers.CharField(),
        "errors": serializers.ListField(child=serializers.CharField()),
    },
)


INVITE_RESPONSES: dict[int, Any] = {
    201: INVITED_RESPONSE,
    400: OpenApiResponse(
        PROBLEMS,
        description=(
            "Nothing was stored or sent: bad addresses or unknown schools (each named), a "
            "closed campaign, or one that takes its shared link only."
        ),
    ),
    403: OpenApiResponse(description=CAMPAIGNS_NOT_ALLOWED),
    404: OpenApiResponse(description="Not yours."),
}
REMINDER_RESPONSES: dict[int, Any] = {
    202: inline_serializer(
        "ReminderStarted",
        {
            "reminder_round": serializers.IntegerField(),
            "addresses": serializers.IntegerField(
                help_text="Invitations sent and not used: each gets its link again."
            ),
        },
    ),
    400: OpenApiResponse(
        PROBLEMS,
        description=(
            "No reminder: a closed campaign, no one to remind, or the last reminder went less "
            "than an hour ago."
        ),
    ),
    403: OpenApiResponse(description=CAMPAIGNS_NOT_ALLOWED),
    404: OpenApiResponse(description="Not yours."),
}


def _refused(error: InvitationError) -> Response:
    return Response(
        {"detail": error.message, "errors": error.problems}, status=status.HTTP_400_BAD_REQUEST
    )


def invitations_post(request: Request, campaign: Campaign) -> Response:
    """Invite the body's list: 201 with the counts, or 400 naming every problem."""
    try:
        outcome = invitations_add(
            campaign=campaign,
            entries=entries_from_json(request.data),
            by=request.user,
            link_base=link_base(request._request),
        )
    except InvitationError as error:
        return _refused(error)
    return Response(
        {
            "invited": outcome.invited,
            "already_invited": outcome.already_invited,
            "repeated": outcome.repeated,
            **invitations_json(campaign),
        },
        status=status.HTTP_201_CREATED,
    )


def reminders_post(request: Request, campaign: Campaign) -> Response:
    """Start a reminder round: 202 with its number and addresses, or 400 saying why not."""
    try:
        round_, addresses = reminders_request(campaign=campaign, by=request.user)
    except InvitationError as error:
        return _refused(error)
    return Response(
        {"reminder_round": round_, "addresses": addresses}, status=status.HTTP_202_ACCEPTED
    )
