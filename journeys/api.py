"""API v1: districts and schools (docs: ../shared/spec/api-v1.md), and the API's error shape."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from journeys import services
from journeys.models import US_STATES, District, School
from journeys.selectors import districts_visible_to, may_manage_districts
from onpoint.method.structure import STAGE_LABELS

NOT_ALLOWED_TO_CREATE_DISTRICTS = "Only staff and consultants can create districts."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus model validation errors as 400s instead of server errors."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = DRFValidationError(detail=detail)
    return drf_exception_handler(exc, context)


class SchoolSerializer(serializers.ModelSerializer[School]):
    class Meta:
        model = School
        fields = ["id", "name"]


class DistrictSerializer(serializers.ModelSerializer[District]):
    slug = serializers.SlugField(read_only=True)
    state = serializers.CharField(max_length=2, help_text="Two-letter US state code, e.g. OR.")
    stage = serializers.SerializerMethodField(help_text="The implementation stage today.")
    stage_label = serializers.SerializerMethodField()
    schools = SchoolSerializer(many=True, read_only=True)

    class Meta:
        model = District
        fields = [
            "slug",
            "name",
            "state",
            "nces_id",
            "enrollment",
            "launch_date",
            "path_place",
            "stage",
            "stage_label",
            "schools",
        ]
        read_only_fields = ["path_place"]

    def validate_state(self, value: str) -> str:
        code = value.strip().upper()
        if code not in US_STATES:
            raise serializers.ValidationError(f"{value!r} is not a two-letter US state code.")
        return code

    def get_stage(self, district: District) -> str:
        from django.utils import timezone

        return district.stage_on(timezone.localdate())

    def get_stage_label(self, district: District) -> str:
        return STAGE_LABELS[self.get_stage(district)]


class SchoolCreateSerializer(serializers.Serializer[School]):
    name = serializers.CharField(max_length=200)


# The answers besides success, as the OpenAPI schema documents them (schemathesis holds the API
# to them: tests/trust/test_api_schema.py).
BAD_INPUT = OpenApiResponse(description="Bad input: the body names each field that is wrong.")
NOT_YOURS = OpenApiResponse(description="No such district, or not one of yours.")


@extend_schema_view(
    create=extend_schema(
        responses={
            201: DistrictSerializer,
            400: BAD_INPUT,
            403: OpenApiResponse(description=NOT_ALLOWED_TO_CREATE_DISTRICTS),
        }
    ),
    retrieve=extend_schema(responses={200: DistrictSerializer, 404: NOT_YOURS}),
)
class DistrictViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[District],
):
    serializer_class = DistrictSerializer
    lookup_field = "slug"
    # Slugs only: anything else (a NUL character, say) is a 404 of the URL itself, never a
    # query that PostgreSQL would answer with an error.
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[District]:
        return districts_visible_to(self.request.user).prefetch_related("schools").order_by("name")

    def perform_create(self, serializer: serializers.BaseSerializer[District]) -> None:
        if not may_manage_districts(self.request.user):
            raise PermissionDenied(NOT_ALLOWED_TO_CREATE_DISTRICTS)
        data = serializer.validated_data
        serializer.instance = services.district_create(
            name=data["name"],
            state=data["state"],
            launch_date=data.get("launch_date"),
            nces_id=data.get("nces_id", ""),
            enrollment=data.get("enrollment"),
            created_by=self.request.user if self.request.user.is_authenticated else None,
        )

    @extend_schema(methods=["GET"], responses={200: SchoolSerializer(many=True), 404: NOT_YOURS})
    @extend_schema(
        methods=["POST"],
        request=SchoolCreateSerializer,
        responses={201: SchoolSerializer, 400: BAD_INPUT, 404: NOT_YOURS},
    )
    @action(detail=True, methods=["get", "post"], serializer_class=SchoolSerializer)
    def schools(self, request: Request, slug: str) -> Response:
        district = get_object_or_404(self.get_queryset(), slug=slug)
        if request.method == "GET":
            return Response(SchoolSerializer(district.schools.all(), many=True).data)
        payload = SchoolCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        school = services.school_create(district=district, name=payload.validated_data["name"])
        return Response(SchoolSerializer(school).data, status=status.HTTP_201_CREATED)
