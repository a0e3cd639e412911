"""API v1: a campaign's scores and the national benchmarks (../shared/spec/api-v1.md, "Scores"),
and the districts with their schools.

Score views only read the stored results through onpoint.selectors and shape them: numbers at
one decimal, `null` with a reason for every score the method does not report.

The districts' endpoints are served here rather than by the districts app because a district
as the API shows it carries its implementation stage, which is the method's (section 2,
onpoint.method.stages), and districts imports no other app (docs/architecture.md). Their writes
are districts' services.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from districts.models import US_STATES, US_TIME_ZONES, District, School
from districts.selectors import (
    CAMPAIGNS_NOT_ALLOWED,
    districts_visible_to,
    may_manage_districts,
    may_run_campaigns,
)
from districts.services import district_create, school_create
from onpoint import selectors
from onpoint.method.benchmarks import Benchmark
from onpoint.method.scoring import Score, round_for_display
from onpoint.method.stages import stage_of
from onpoint.method.structure import METHOD_VERSION, SCORE_KEYS, STAGE_LABELS
from onpoint.serializers import (
    BenchmarksSerializer,
    BenchmarkVersionSerializer,
    CampaignCountsSerializer,
    CampaignScoresSerializer,
)
from surveys.participation import Participation
from surveys.selectors import campaigns_visible_to

NOT_ALLOWED_TO_CREATE_DISTRICTS = "Only staff and consultants can create districts."
UNKNOWN_BENCHMARK_VERSION = "No benchmark version {version}."
BAD_BENCHMARK_VERSION = "{name} must be a benchmark version's id (a whole number)."

# Ids are 64-bit: anything beyond is no version, not a database error.
MAX_ID = 2**63

# Growth shares are fractions (0.70 is 70%), shown at two decimals as in the contract.
GROWTH_SHARE_DECIMALS = 2


def _number(value: float | None, decimals: int = 1) -> float | None:
    return None if value is None else round_for_display(value, decimals)


def score_json(score: Score, percentile_rank: float | None = None, *, ranked: bool) -> Any:
    """A score object of the contract; `ranked` adds `percentile_rank` (whole campaign only)."""
    shown = score.as_dict()
    if ranked:
        # Method section 5: absent when not reported (or the benchmark is unpublished).
        shown["percentile_rank"] = _number(percentile_rank) if score.reported else None
    return shown


def participation_json(participation: Participation) -> dict[str, Any]:
    return {
        "n_responses": participation.n_responses,
        "expected_responses": participation.expected_responses,
        "response_rate": participation.response_rate,
        "responses_by_school": [
            {
                "school": school.school,
                "n_responses": school.n_responses,
                "expected_responses": school.expected_responses,
                "response_rate": school.response_rate,
            }
            for school in participation.by_school
        ],
    }


def unready_json(scores: selectors.CampaignScores) -> dict[str, Any]:
    """The contract's unreleased shape (api-v1.md, "Scores"): counts, no score of any kind. A
    campaign that closed moments ago answers the same with `released` true and
    `recompute_pending` true until its scores are stored."""
    assert scores.participation is not None
    campaign = scores.campaign
    return {
        "campaign": campaign.pk,
        "district": campaign.district.slug,
        "stage": scores.stage,
        "method_version": METHOD_VERSION,
        **participation_json(scores.participation),
        "released": scores.released,
        "releases_at": campaign.closes_at,
        "computed_at": None,
        "recompute_pending": scores.recompute_pending,
        "scores": None,
        "by_school": None,
        "by_role": None,
        "landmarks": None,
        "alignment": None,
    }


def scores_json(scores: selectors.CampaignScores) -> dict[str, Any]:
    if not scores.results_ready:
        return unready_json(scores)
    version = scores.benchmark_version
    return {
        "campaign": scores.campaign.pk,
        "district": scores.campaign.district.slug,
        "stage": scores.stage,
        "method_version": METHOD_VERSION,
        "n_responses": scores.n_responses,
        "released": True,
        "releases_at": scores.campaign.closes_at,
        "computed_at": scores.computed_at,
        "recompute_pending": scores.recompute_pending,
        "benchmark_version": version.pk if version is not None else None,
        "benchmark_computed_at": version.computed_at if version is not None else None,
        "scores": {
            key: score_json(scores.scores[key], scores.percentile_ranks.get(key), ranked=True)
            for key in SCORE_KEYS
        },
        "by_school": [
            {
                "school": group.name,
                "scores": {key: score_json(group.scores[key], ranked=False) for key in SCORE_KEYS},
            }
            for group in scores.by_school
        ],
        "by_role": [
            {
                "role": group.name,
                "scores": {key: score_json(group.scores[key], ranked=False) for key in SCORE_KEYS},
            }
            for group in scores.by_role
        ],
        "landmarks": {
            key: {
                "status": landmark.status,
                "message": landmark.message,
                "title": landmark.title,
                "explanation": landmark.explanation,
                "next_steps": list(landmark.next_steps),
            }
            for key, landmark in scores.landmarks.items()
        },
        "alignment": scores.alignment.as_dict(),
    }


def benchmark_json(benchmark: Benchmark) -> dict[str, Any]:
    return benchmark.as_dict()


def benchmarks_json(benchmarks: selectors.BenchmarkSet) -> dict[str, Any]:
    version = benchmarks.version
    return {
        "computed_at": version.computed_at if version is not None else None,
        "version": version.pk if version is not None else None,
        "n_campaigns": version.n_campaigns if version is not None else 0,
        "stages": {
            stage: {key: benchmark_json(by_key[key]) for key in SCORE_KEYS}
            for stage, by_key in benchmarks.stages.items()
        },
        "growth_share": {
            key: _number(share, GROWTH_SHARE_DECIMALS)
            for key, share in benchmarks.growth_shares.items()
        },
    }


def _version_id(request: Request, name: str) -> int | None:
    """A benchmark version id from the query string: None when absent, 400 when not a whole
    number; 404 naming it when no version can have it (0, negative, beyond 64 bits), without
    asking the database."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        version_id = int(raw)
    except ValueError as error:
        raise ValidationError({name: [BAD_BENCHMARK_VERSION.format(name=name)]}) from error
    if not 0 < version_id < MAX_ID:
        raise NotFound(UNKNOWN_BENCHMARK_VERSION.format(version=version_id))
    return version_id


class CampaignScoresView(APIView):
    """GET /api/v1/campaigns/{id}/scores/: the campaign's stored scores, as last computed.

    A campaign of a district the user may not see is 404, like one that does not exist.
    Before it closes a campaign answers with counts only (`released` false); once closed,
    `recompute_pending` is true while its released scores are being computed.
    `?benchmark_version=ID` ranks against an older benchmark version (a past board report).
    """

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "benchmark_version",
                OpenApiTypes.INT,
                description="Ranks and landmarks against this (older) benchmark version.",
            ),
            OpenApiParameter(
                "version", OpenApiTypes.INT, description="The same as benchmark_version."
            ),
        ],
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="CampaignScoresAnswer",
                    serializers=[CampaignScoresSerializer, CampaignCountsSerializer],
                    resource_type_field_name=None,
                ),
                description=(
                    "Released: scores, breakdowns, landmarks and alignment. Not released yet (or "
                    "being computed): counts only (api-v1.md, Scores)."
                ),
            ),
            400: OpenApiResponse(description="benchmark_version is not a whole number."),
            404: OpenApiResponse(
                description="No such campaign, not one of your districts, or no such version."
            ),
        },
    )
    def get(self, request: Request, campaign_id: int) -> Response:
        campaign = get_object_or_404(
            campaigns_visible_to(request.user).select_related("district"), pk=campaign_id
        )
        version = None
        # `version` is accepted as well, the name the benchmarks endpoint uses for the same id.
        version_id = _version_id(request, "benchmark_version")
        if version_id is None:
            version_id = _version_id(request, "version")
        if version_id is not None:
            version = selectors.benchmark_version_of(version_id=version_id)
            if version is None:
                raise NotFound(UNKNOWN_BENCHMARK_VERSION.format(version=version_id))
        # The contract's words are English (api-v1.md), whatever the caller's Accept-Language.
        with translation.override("en"):
            scores = selectors.campaign_scores_for(
                user=request.user, campaign=campaign, benchmark_version=version
            )
        return Response(scores_json(scores))


class BenchmarksView(APIView):
    """GET /api/v1/benchmarks/: the national benchmarks (any signed-in user: they hold no
    district's data). `?version=ID` answers an older version, to reproduce a past report."""

    @extend_schema(
        parameters=[
            OpenApiParameter("version", OpenApiTypes.INT, description="A benchmark version's id.")
        ],
        responses={
            200: OpenApiResponse(
                BenchmarksSerializer, description="Benchmarks by stage and score (api-v1.md)."
            ),
            400: OpenApiResponse(description="version is not a whole number."),
            404: OpenApiResponse(description="No such benchmark version."),
        },
    )
    def get(self, request: Request) -> Response:
        version_id = _version_id(request, "version")
        if version_id is None:
            return Response(benchmarks_json(selectors.benchmarks_current()))
        found = selectors.benchmarks_of_version(version_id=version_id)
        if found is None:
            raise NotFound(UNKNOWN_BENCHMARK_VERSION.format(version=version_id))
        return Response(benchmarks_json(found))


class BenchmarkVersionsView(APIView):
    """GET /api/v1/benchmarks/versions/: every benchmark version, newest first."""

    @extend_schema(responses={200: BenchmarkVersionSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "version": version.pk,
                    "computed_at": version.computed_at,
                    "n_campaigns": version.n_campaigns,
                }
                for version in selectors.benchmark_versions()
            ]
        )


# --- districts and their schools ---------------------------------------------------------------


class SchoolSerializer(serializers.ModelSerializer[School]):
    class Meta:
        model = School
        fields = ["id", "name"]


class DistrictSerializer(serializers.ModelSerializer[District]):
    slug = serializers.SlugField(read_only=True)
    state = serializers.CharField(max_length=2, help_text="Two-letter US state code, e.g. OR.")
    stage = serializers.SerializerMethodField(help_text="The implementation stage today.")
    stage_label = serializers.SerializerMethodField()
    time_zone = serializers.ChoiceField(
        choices=list(US_TIME_ZONES),
        required=False,
        help_text="IANA time zone of the district's campaign dates; by default its state's.",
    )
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
            "time_zone",
            "schools",
        ]
        read_only_fields = ["path_place"]

    def validate_state(self, value: str) -> str:
        code = value.strip().upper()
        if code not in US_STATES:
            raise serializers.ValidationError(f"{value!r} is not a two-letter US state code.")
        return code

    def get_stage(self, district: District) -> str:
        return stage_of(district.launch_date, timezone.localdate())

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
        serializer.instance = district_create(
            name=data["name"],
            state=data["state"],
            launch_date=data.get("launch_date"),
            nces_id=data.get("nces_id", ""),
            enrollment=data.get("enrollment"),
            time_zone=data.get("time_zone", ""),
            created_by=self.request.user if self.request.user.is_authenticated else None,
        )

    @extend_schema(methods=["GET"], responses={200: SchoolSerializer(many=True), 404: NOT_YOURS})
    @extend_schema(
        methods=["POST"],
        request=SchoolCreateSerializer,
        responses={
            201: SchoolSerializer,
            400: BAD_INPUT,
            403: OpenApiResponse(description=CAMPAIGNS_NOT_ALLOWED),
            404: NOT_YOURS,
        },
    )
    @action(detail=True, methods=["get", "post"], serializer_class=SchoolSerializer)
    def schools(self, request: Request, slug: str) -> Response:
        district = get_object_or_404(self.get_queryset(), slug=slug)
        if request.method == "GET":
            return Response(SchoolSerializer(district.schools.all(), many=True).data)
        if not may_run_campaigns(user=request.user, district=district):
            raise PermissionDenied(CAMPAIGNS_NOT_ALLOWED)
        payload = SchoolCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        school = school_create(district=district, name=payload.validated_data["name"])
        return Response(SchoolSerializer(school).data, status=status.HTTP_201_CREATED)
