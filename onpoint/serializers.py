"""The shapes of the scores and benchmarks API's answers, for /api/schema/ (drf-spectacular).

The views build their answers with the functions of onpoint/api.py, which follow the contract
(docs/api-v1.md) key for key, including the keys a suppressed score or an unpublished benchmark
leaves out; these serializers describe those answers field by field instead of "an object".
tests/onpoint/test_api_schema_scores.py checks real answers of every shape against the
schema, and tests/trust/test_api_schema.py (schemathesis) every operation.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from onpoint.method.structure import (
    CATEGORY_KEYS,
    LANDMARK_KEYS,
    LANDMARK_STATUSES,
    REASON_COMPLEMENTARY,
    REASON_FEW_RESPONSES,
    ROLES,
    SCORE_KEYS,
    STAGES,
)

# Serializers that only describe an answer: none reads input or writes a row.
Described = serializers.Serializer[Any]


def _keyed(name: str, field: Any, keys: tuple[str, ...], doc: str) -> type[Described]:
    """A serializer with one field per key (every score key, every stage...), so that the schema
    names each key instead of "an object of anything"."""
    fields = {key: field() if callable(field) else field for key in keys}
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc})


class ScoreSerializer(Described):
    """A score of a group: its value at one decimal, or null with the reason it is not shown."""

    value = serializers.FloatField(allow_null=True, help_text="null when not reported.")
    n = serializers.IntegerField(help_text="Responses that hold this score.")
    reported = serializers.BooleanField()
    reason = serializers.ChoiceField(
        choices=[REASON_FEW_RESPONSES, REASON_COMPLEMENTARY],
        required=False,
        help_text="Only when not reported: why.",
    )


class RankedScoreSerializer(ScoreSerializer):
    """A whole-campaign score, with its percentile rank among the districts of its stage."""

    percentile_rank = serializers.FloatField(
        allow_null=True,
        help_text="0-100; null when the score is not reported or the benchmark not published.",
    )


ScoresSerializer = _keyed(
    "ScoresSerializer",
    ScoreSerializer,
    SCORE_KEYS,
    "A group's scores: the Onpoint score, each category and each dimension.",
)
RankedScoresSerializer = _keyed(
    "RankedScoresSerializer",
    RankedScoreSerializer,
    SCORE_KEYS,
    "The whole campaign's scores, each with its percentile rank.",
)


class SchoolScoresSerializer(Described):
    school = serializers.CharField(help_text='The school\'s name, or "Unspecified".')
    scores = ScoresSerializer()


class RoleScoresSerializer(Described):
    role = serializers.ChoiceField(choices=list(ROLES))
    scores = ScoresSerializer()


class LandmarkSerializer(Described):
    """A landmark (method section 6), in English."""

    status = serializers.ChoiceField(choices=list(LANDMARK_STATUSES))
    message = serializers.CharField(help_text="One sentence: what the status means.")
    title = serializers.CharField()
    explanation = serializers.CharField(help_text="The message, then why it matters.")
    next_steps = serializers.ListField(child=serializers.CharField())


LandmarksSerializer = _keyed(
    "LandmarksSerializer", LandmarkSerializer, LANDMARK_KEYS, "The four landmarks."
)


class CategoryGapSerializer(Described):
    gap = serializers.FloatField(allow_null=True)
    high_role = serializers.ChoiceField(choices=list(ROLES), allow_null=True)
    low_role = serializers.ChoiceField(choices=list(ROLES), allow_null=True)
    divided = serializers.BooleanField(help_text="The gap is 15 points or more.")


CategoryGapsSerializer = _keyed(
    "CategoryGapsSerializer", CategoryGapSerializer, CATEGORY_KEYS, "Each category's gap."
)


class AlignmentSerializer(Described):
    """Where roles see things differently (method section 7)."""

    gap = serializers.FloatField(allow_null=True, help_text="The largest category gap.")
    categories = CategoryGapsSerializer()


class SchoolResponsesSerializer(Described):
    school = serializers.CharField(allow_null=True, help_text="null: responses naming no school.")
    n_responses = serializers.IntegerField()
    expected_responses = serializers.IntegerField(allow_null=True)
    response_rate = serializers.FloatField(allow_null=True)


class CampaignAnswerSerializer(Described):
    """What every scores answer has."""

    campaign = serializers.IntegerField()
    district = serializers.SlugField()
    stage = serializers.ChoiceField(choices=list(STAGES))
    method_version = serializers.CharField()
    n_responses = serializers.IntegerField()
    released = serializers.BooleanField(help_text="The campaign has closed.")
    releases_at = serializers.DateTimeField(help_text="The campaign's closes_at.")
    recompute_pending = serializers.BooleanField()


class CampaignScoresSerializer(CampaignAnswerSerializer):
    """A released campaign's scores, breakdowns, landmarks and alignment."""

    computed_at = serializers.DateTimeField()
    benchmark_version = serializers.IntegerField(allow_null=True)
    benchmark_computed_at = serializers.DateTimeField(allow_null=True)
    scores = RankedScoresSerializer()
    by_school = SchoolScoresSerializer(many=True)
    by_role = RoleScoresSerializer(many=True)
    landmarks = LandmarksSerializer()
    alignment = AlignmentSerializer()


class CampaignCountsSerializer(CampaignAnswerSerializer):
    """A campaign not released yet (or whose released scores are being computed): its counts,
    and no score of any kind."""

    expected_responses = serializers.IntegerField(allow_null=True)
    response_rate = serializers.FloatField(allow_null=True)
    responses_by_school = SchoolResponsesSerializer(many=True)
    computed_at = serializers.DateTimeField(allow_null=True, help_text="Always null.")
    scores = RankedScoresSerializer(allow_null=True, help_text="Always null.")
    by_school = SchoolScoresSerializer(many=True, allow_null=True, help_text="Always null.")
    by_role = RoleScoresSerializer(many=True, allow_null=True, help_text="Always null.")
    landmarks = LandmarksSerializer(allow_null=True, help_text="Always null.")
    alignment = AlignmentSerializer(allow_null=True, help_text="Always null.")


class BenchmarkSerializer(Described):
    """A score key's benchmark at one stage; the figures only when published."""

    n_districts = serializers.IntegerField()
    published = serializers.BooleanField(help_text="5 districts or more.")
    mean = serializers.FloatField(required=False)
    p10 = serializers.FloatField(required=False)
    p25 = serializers.FloatField(required=False)
    p50 = serializers.FloatField(required=False)
    p75 = serializers.FloatField(required=False)
    p90 = serializers.FloatField(required=False)


StageBenchmarksSerializer = _keyed(
    "StageBenchmarksSerializer", BenchmarkSerializer, SCORE_KEYS, "A stage's benchmark per score."
)
StagesSerializer = _keyed(
    "StagesSerializer", StageBenchmarksSerializer, STAGES, "The benchmarks of each stage."
)
GrowthShareSerializer = _keyed(
    "GrowthShareSerializer",
    lambda: serializers.FloatField(allow_null=True),
    CATEGORY_KEYS,
    "Each category's share of its growth that happens in the first year (0.70 is 70%).",
)


class BenchmarksSerializer(Described):
    computed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    n_campaigns = serializers.IntegerField()
    stages = StagesSerializer()
    growth_share = GrowthShareSerializer()


class BenchmarkVersionSerializer(Described):
    version = serializers.IntegerField()
    computed_at = serializers.DateTimeField()
    n_campaigns = serializers.IntegerField()
