"""API v1 of the surveys app: the instrument, campaigns, anonymous responses and CSV import.

Contract: ../shared/spec/api-v1.md. Views validate, call a service, serialize; nothing more.
"""

from __future__ import annotations

import codecs
from typing import Any

from django.core.validators import slug_re
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.parsers import BaseParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from districts.selectors import (
    CAMPAIGNS_NOT_ALLOWED,
    districts_consulted_by,
    districts_visible_to,
    may_run_campaigns,
)
from onpoint.method.structure import ROLE_LABELS, ROLES, STAGE_LABELS
from surveys import campaigns, invitation_api, response_import
from surveys.models import Campaign, LinkMode
from surveys.selectors import instrument_current, instrument_text
from surveys.serializers import InstrumentSerializer
from surveys.survey_views import survey_url
from surveys.texts import SURVEY_LANGUAGES

UNKNOWN_DISTRICT = "Unknown district."
DISTRICT_IS_FIXED = "A campaign cannot move to another district."
IMPORT_NOT_ALLOWED = "Only staff and the district's consultants can import responses."
IMPORT_NO_FILE = (
    "Send the CSV as the multipart field 'file', or as the request body with Content-Type text/csv."
)
IMPORT_FAILED = "Nothing was imported: fix the rows below and send the whole file again."

# The fields a leader may set on a campaign, by create or PATCH.
CAMPAIGN_WRITABLE = (
    "name",
    "opens_at",
    "closes_at",
    "expected_responses",
    "exclude_from_benchmarks",
    "link_mode",
    "reminder_at",
)


# --- instrument --------------------------------------------------------------------------------


class InstrumentCurrentView(APIView):
    """The current survey instrument. Public, like the method it implements."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("lang", str, enum=list(SURVEY_LANGUAGES), default="en")],
        responses={200: InstrumentSerializer},
    )
    def get(self, request: Request) -> Response:
        lang = request.query_params.get("lang", "en")
        if lang not in SURVEY_LANGUAGES:
            lang = "en"
        instrument = instrument_current()
        definition = instrument.definition
        return Response(
            {
                "version": instrument.version,
                "language": lang,
                "scale": [
                    {"value": point["value"], "label": instrument_text(point["label"], lang)}
                    for point in definition["scale"]
                ],
                "no_answer_label": instrument_text(definition.get("no_answer_label"), lang),
                "categories": [
                    {
                        "key": category["key"],
                        "label": instrument_text(category["label"], lang),
                        "dimensions": category["dimensions"],
                    }
                    for category in definition.get("categories", [])
                ],
                "roles": [{"key": role, "label": ROLE_LABELS[role]} for role in ROLES],
                "items": [
                    {
                        "code": item["code"],
                        "text": instrument_text(item["text"], lang),
                        "category": item["category"],
                        "dimension": item["dimension"],
                        "reverse_coded": item["reverse_coded"],
                        "texts": item["text"],
                    }
                    for item in definition["items"]
                ],
            }
        )


# --- campaigns ---------------------------------------------------------------------------------


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    district = serializers.CharField(help_text="The district's slug.")
    instrument = serializers.CharField(source="instrument.version", read_only=True)
    token = serializers.CharField(read_only=True)
    survey_url = serializers.SerializerMethodField()
    stage = serializers.CharField(read_only=True)
    stage_label = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField(help_text="scheduled, open or closed")
    n_responses = serializers.SerializerMethodField()
    response_rate = serializers.SerializerMethodField(
        help_text="n_responses / expected_responses (0..1+), null without expected_responses."
    )
    link_mode = serializers.ChoiceField(
        choices=LinkMode.choices,
        required=False,
        help_text="shared (the link and QR code), personal (single-use links by email) or both.",
    )
    reminder_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="One reminder, at this time, to the personal links not used yet.",
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "district",
            "name",
            "opens_at",
            "closes_at",
            "expected_responses",
            "exclude_from_benchmarks",
            "instrument",
            "token",
            "survey_url",
            "stage",
            "stage_label",
            "status",
            "n_responses",
            "response_rate",
            "link_mode",
            "reminder_at",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def to_representation(self, instance: Campaign) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["district"] = instance.district.slug
        return data

    def validate_district(self, value: str) -> str:
        if self.instance is not None:
            if value != self.instance.district.slug:
                raise serializers.ValidationError(DISTRICT_IS_FIXED)
            return value
        request = self.context["request"]
        if not districts_visible_to(request.user).filter(slug=value).exists():
            # The same words whether the district does not exist or is someone else's.
            raise serializers.ValidationError(UNKNOWN_DISTRICT)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        opens_at = attrs.get("opens_at", getattr(self.instance, "opens_at", None))
        closes_at = attrs.get("closes_at", getattr(self.instance, "closes_at", None))
        if opens_at and closes_at and closes_at <= opens_at:
            raise serializers.ValidationError({"closes_at": campaigns.CLOSES_BEFORE_OPENS})
        reminder_at = attrs.get("reminder_at")
        changed = reminder_at != getattr(self.instance, "reminder_at", None)
        if (
            reminder_at
            and changed
            and opens_at
            and closes_at
            and not opens_at < reminder_at < closes_at
        ):
            raise serializers.ValidationError({"reminder_at": campaigns.REMINDER_OUTSIDE})
        return attrs

    def get_survey_url(self, campaign: Campaign) -> str:
        return survey_url(self.context["request"]._request, campaign)

    def get_stage_label(self, campaign: Campaign) -> str:
        return STAGE_LABELS[campaign.stage]

    def get_status(self, campaign: Campaign) -> str:
        now = timezone.now()
        if campaign.is_closed(now):
            return "closed"
        return "open" if campaign.is_open(now) else "scheduled"

    def get_n_responses(self, campaign: Campaign) -> int:
        annotated = getattr(campaign, "n_responses", None)
        return annotated if annotated is not None else campaign.responses.count()

    def get_response_rate(self, campaign: Campaign) -> float | None:
        if not campaign.expected_responses:
            return None
        return round(self.get_n_responses(campaign) / campaign.expected_responses, 3)


class CsvParser(BaseParser):
    """Lets DRF accept a text/csv body; the import view reads the body as a stream itself."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return stream


@extend_schema_view(
    create=extend_schema(
        responses={
            201: CampaignSerializer,
            400: OpenApiResponse(description="A field is wrong, e.g. an unknown district."),
        }
    ),
    retrieve=extend_schema(
        responses={200: CampaignSerializer, 404: OpenApiResponse(description="Not yours.")}
    ),
    partial_update=extend_schema(
        responses={
            200: CampaignSerializer,
            400: OpenApiResponse(description="A field is wrong, e.g. closes before it opens."),
            404: OpenApiResponse(description="Not yours."),
        }
    ),
)
class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Campaign],
):
    """Campaigns of the districts the caller leads or consults (all, for staff).

    Create and PATCH are open to everyone who can see the district: its leaders, its
    consultants and staff. PATCH may change `closes_at` (closing a campaign early), the name,
    `expected_responses`, `exclude_from_benchmarks`, and `opens_at` until a response arrives.
    """

    serializer_class = CampaignSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Campaign]:
        queryset = (
            Campaign.objects.filter(district__in=districts_visible_to(self.request.user))
            .select_related("district", "instrument")
            .annotate(n_responses=Count("responses"))
            .order_by("-opens_at", "-id")
        )
        if district := self.request.query_params.get("district"):
            # Not a slug (a NUL character, say): no district has it, and PostgreSQL would
            # answer the query with an error instead of no rows.
            is_slug = slug_re.match(district) is not None
            queryset = queryset.filter(district__slug=district) if is_slug else queryset.none()
        return queryset

    @extend_schema(parameters=[OpenApiParameter("district", str, description="A district slug.")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.BaseSerializer[Campaign]) -> None:
        data = serializer.validated_data
        district = get_object_or_404(districts_visible_to(self.request.user), slug=data["district"])
        if not may_run_campaigns(user=self.request.user, district=district):
            raise PermissionDenied(CAMPAIGNS_NOT_ALLOWED)
        serializer.instance = campaigns.campaign_create(
            district=district,
            name=data["name"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            expected_responses=data.get("expected_responses"),
            exclude_from_benchmarks=data.get("exclude_from_benchmarks", False),
            link_mode=data.get("link_mode", LinkMode.SHARED),
            reminder_at=data.get("reminder_at"),
            by=self.request.user,
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Campaign]) -> None:
        assert serializer.instance is not None
        self._may_run(serializer.instance)
        changes = {
            key: value
            for key, value in serializer.validated_data.items()
            if key in CAMPAIGN_WRITABLE
        }
        serializer.instance = campaigns.campaign_update(
            campaign=serializer.instance, by=self.request.user, **changes
        )

    def _may_run(self, campaign: Campaign) -> None:
        """A principal reads a campaign and runs none: 403 with the reason."""
        if not may_run_campaigns(user=self.request.user, district=campaign.district):
            raise PermissionDenied(CAMPAIGNS_NOT_ALLOWED)

    @extend_schema(
        methods=["GET"],
        responses={
            200: invitation_api.INVITATIONS_RESPONSE,
            403: OpenApiResponse(description=CAMPAIGNS_NOT_ALLOWED),
            404: OpenApiResponse(description="Not yours."),
        },
    )
    @extend_schema(
        methods=["POST"],
        request={"application/json": invitation_api.INVITE_REQUEST_SCHEMA},
        responses=invitation_api.INVITE_RESPONSES,
    )
    @action(
        detail=True, methods=["get", "post"], url_path="invitations", parser_classes=[JSONParser]
    )
    def invitations(self, request: Request, pk: str | None = None) -> Response:
        """Personal single-use links by email. POST invites a list (all of it, or nothing when an
        address or a school is wrong; addresses already invited are skipped) and the worker
        mails each its link. GET counts invited and answered, overall and by school; while the
        campaign is open it also lists the mails not delivered, with their addresses. Once the
        campaign is closed every address is erased: GET answers counts only."""
        campaign = self.get_object()
        self._may_run(campaign)
        if request.method == "GET":
            return Response(invitation_api.invitations_json(campaign))
        return invitation_api.invitations_post(request, campaign)

    @extend_schema(request=None, responses=invitation_api.REMINDER_RESPONSES)
    @action(detail=True, methods=["post"], url_path="reminders")
    def reminders(self, request: Request, pk: str | None = None) -> Response:
        """One reminder to every personal link sent and not used yet (the worker mails it)."""
        campaign = self.get_object()
        self._may_run(campaign)
        return invitation_api.reminders_post(request, campaign)

    @extend_schema(
        request={"multipart/form-data": OpenApiTypes.OBJECT, "text/csv": OpenApiTypes.STR},
        responses={
            201: OpenApiResponse(description='{"created": <rows stored>}'),
            400: OpenApiResponse(description='{"detail", "errors": [{"line", "message"}]}'),
            403: OpenApiResponse(description="A leader (imports are for staff and consultants)."),
            404: OpenApiResponse(description="Not yours."),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="responses/import",
        parser_classes=[MultiPartParser, CsvParser],
    )
    def import_responses(self, request: Request, pk: str | None = None) -> Response:
        """Historical responses from a CSV file: all or nothing, every bad row named by line."""
        campaign = self.get_object()
        if not districts_consulted_by(request.user).filter(pk=campaign.district_id).exists():
            raise PermissionDenied(IMPORT_NOT_ALLOWED)
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        if content_type == "text/csv":
            # Read the body line by line from the socket: a 100,000-row file never sits whole in
            # memory (request.body would hold it all, and refuse it past 2.5 MB).
            raw: Any = request._request
        elif content_type == "multipart/form-data" and "file" in request.FILES:
            raw = request.FILES["file"]  # spooled to a temporary file by Django past 2.5 MB
        else:
            raise ParseError(IMPORT_NO_FILE)
        report = response_import.responses_import(
            campaign=campaign, lines=codecs.iterdecode(raw, "utf-8")
        )
        if not report.ok:
            return Response(
                {
                    "detail": IMPORT_FAILED,
                    "errors": [
                        {"line": line, "message": message} for line, message in report.errors
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"created": report.created}, status=status.HTTP_201_CREATED)
