"""/api/schema/ describes the scores and benchmarks answers field by field, and real answers of
every shape (released, counts only, suppressed scores, published and unpublished benchmarks)
match it."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from django.test import Client

from districts.models import District
from onpoint import benchmark_rebuild, rescore
from onpoint.api import benchmark_json
from onpoint.method.benchmarks import Benchmark
from onpoint.method.structure import CATEGORY_KEYS, LANDMARK_KEYS, SCORE_KEYS, STAGES
from tests.onpoint.builders import campaign_of, closed_campaign_of, respond, uniform

pytestmark = pytest.mark.django_db


def openapi(client: Client) -> dict[str, Any]:
    answer = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200
    return answer.json()


def as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable` as JSON Schema's null type; references to #/definitions."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items()}
    if "$ref" in converted:
        converted["$ref"] = converted["$ref"].replace("#/components/schemas/", "#/definitions/")
    if converted.pop("nullable", False):
        converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def check(schema: dict[str, Any], component: str, answer: Any) -> None:
    definitions = as_json_schema(schema["components"]["schemas"])
    jsonschema.validate(answer, {"$ref": f"#/definitions/{component}", "definitions": definitions})


def properties(schema: dict[str, Any], component: str) -> dict[str, Any]:
    return schema["components"]["schemas"][component]["properties"]


def test_the_scores_schema_names_every_field_of_both_shapes(
    client: Client, leader_of_maple: Any
) -> None:
    client.force_login(leader_of_maple)
    schema = openapi(client)
    scores = schema["paths"]["/api/v1/campaigns/{campaign_id}/scores/"]["get"]
    answer = scores["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/CampaignScoresAnswer"}
    shapes = schema["components"]["schemas"]["CampaignScoresAnswer"]["oneOf"]
    assert shapes == [
        {"$ref": "#/components/schemas/CampaignScores"},
        {"$ref": "#/components/schemas/CampaignCounts"},
    ]
    released, counts = properties(schema, "CampaignScores"), properties(schema, "CampaignCounts")
    assert {"released", "scores", "by_school", "landmarks", "alignment"} <= set(released)
    assert {"released", "scores", "by_school", "responses_by_school"} <= set(counts)
    assert set(properties(schema, "RankedScores")) == set(SCORE_KEYS)
    assert set(properties(schema, "Landmarks")) == set(LANDMARK_KEYS)
    assert set(properties(schema, "Stages")) == set(STAGES)
    assert set(properties(schema, "GrowthShare")) == set(CATEGORY_KEYS)
    assert "percentile_rank" in properties(schema, "RankedScore")
    assert "percentile_rank" not in properties(schema, "Score")
    # No answer of the scores API is left an untyped object.
    for path in ("/api/v1/benchmarks/", "/api/v1/benchmarks/versions/"):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert "$ref" in ok["schema"] or "$ref" in ok["schema"].get("items", {}), path


def test_a_released_and_an_unreleased_answer_each_match_the_schema(
    client: Client, leader_of_maple: Any, maple: District
) -> None:
    elementary = maple.schools.get(name="Maple Elementary")
    released = closed_campaign_of(maple)
    respond(released, uniform(4), role="teacher", school=elementary, times=6)
    respond(released, uniform(2), role="coach", school=None, times=3)  # suppressed groups
    rescore.campaign_rescore(campaign=released)
    benchmark_rebuild.benchmarks_rebuild()  # a version, unpublished: one district
    open_now = campaign_of(maple)
    respond(open_now, uniform(3), role="teacher", school=elementary, times=2)
    client.force_login(leader_of_maple)
    schema = openapi(client)

    scores = client.get(f"/api/v1/campaigns/{released.pk}/scores/").json()
    assert scores["released"] is True
    assert scores["scores"] is not None
    check(schema, "CampaignScores", scores)
    check(schema, "CampaignScoresAnswer", scores)
    counts = client.get(f"/api/v1/campaigns/{open_now.pk}/scores/").json()
    assert counts["released"] is False
    assert counts["scores"] is None
    check(schema, "CampaignCounts", counts)
    check(schema, "CampaignScoresAnswer", counts)
    with pytest.raises(jsonschema.ValidationError):
        check(schema, "CampaignScores", counts)

    check(schema, "Benchmarks", client.get("/api/v1/benchmarks/").json())
    versions = client.get("/api/v1/benchmarks/versions/").json()
    assert versions
    for version in versions:
        check(schema, "BenchmarkVersion", version)
    published = Benchmark(
        n_districts=12, published=True, mean=50, p10=30, p25=40, p50=50, p75=60, p90=70
    )
    check(schema, "Benchmark", benchmark_json(published))
    check(schema, "Benchmark", benchmark_json(Benchmark(n_districts=3, published=False)))
