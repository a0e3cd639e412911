"""GET /api/v1/campaigns/{id}/scores/ and GET /api/v1/benchmarks/, to the letter of api-v1.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from districts.models import District, School
from onpoint import benchmark_rebuild, rescore
from onpoint.method.structure import CATEGORY_KEYS, DIMENSIONS, LANDMARK_KEYS, SCORE_KEYS, STAGES
from onpoint.models import GroupScore
from surveys.models import Campaign
from tests.onpoint.builders import (
    answers_of,
    campaign_of,
    closed_campaign_of,
    district_named,
    respond,
    school_of,
    uniform,
)

pytestmark = pytest.mark.django_db

SUPPRESSED_FEW = {"value": None, "reported": False, "reason": "fewer than 5 responses"}


def scores_url(campaign: Campaign) -> str:
    return f"/api/v1/campaigns/{campaign.pk}/scores/"


@pytest.fixture
def scored_campaign(maple: District) -> Campaign:
    """Maple's open campaign: 6 teachers and 5 coaches at Maple Elementary, 3 school leaders
    at Maple High School, 2 technology staff with no school."""
    elementary = maple.schools.get(name="Maple Elementary")
    high = maple.schools.get(name="Maple High School")
    campaign = closed_campaign_of(maple)
    respond(campaign, uniform(4), role="teacher", school=elementary, times=6)
    respond(campaign, uniform(2), role="coach", school=elementary, times=5)
    respond(campaign, uniform(5), role="school_leader", school=high, times=3)
    respond(campaign, uniform(3), role="technology", school=None, times=2)
    rescore.campaign_rescore(campaign=campaign)
    return campaign


def test_the_scores_of_a_campaign_follow_the_contract(
    client: Client, leader_of_maple: Any, scored_campaign: Campaign
) -> None:
    client.force_login(leader_of_maple)
    body = client.get(scores_url(scored_campaign)).json()

    assert body["campaign"] == scored_campaign.pk
    assert body["district"] == "maple-valley"
    assert body["stage"] == "planning"
    assert body["n_responses"] == 16
    assert body["computed_at"]
    assert body["recompute_pending"] is False
    assert body["benchmark_version"] is None
    assert list(body["scores"]) == ["onpoint", *CATEGORY_KEYS, *DIMENSIONS]
    # (6 * 75 + 5 * 25 + 3 * 100 + 2 * 50) / 16 = 60.9375
    assert body["scores"]["onpoint"] == {
        "value": 60.9,
        "n": 16,
        "reported": True,
        "percentile_rank": None,
    }
    assert body["scores"]["vision"] == {
        "value": 60.9,
        "n": 16,
        "reported": True,
        "percentile_rank": None,
    }


def test_breakdowns_list_groups_in_code_point_order_with_both_kinds_of_suppression(
    client: Client, leader_of_maple: Any, scored_campaign: Campaign
) -> None:
    client.force_login(leader_of_maple)
    body = client.get(scores_url(scored_campaign)).json()

    schools = {group["school"]: group["scores"] for group in body["by_school"]}
    assert [group["school"] for group in body["by_school"]] == [
        "Maple Elementary", "Maple High School", "Unspecified",
    ]  # fmt: skip
    # (6 * 75 + 5 * 25) / 11 = 52.27
    assert schools["Maple Elementary"]["onpoint"] == {"value": 52.3, "n": 11, "reported": True}
    assert schools["Maple High School"]["strategy"] == {**SUPPRESSED_FEW, "n": 3}
    assert schools["Unspecified"]["strategy"] == {**SUPPRESSED_FEW, "n": 2}

    roles = {group["role"]: group["scores"] for group in body["by_role"]}
    assert [group["role"] for group in body["by_role"]] == [
        "coach", "school_leader", "teacher", "technology",
    ]  # fmt: skip
    assert roles["school_leader"]["culture"] == {**SUPPRESSED_FEW, "n": 3}
    assert roles["technology"]["culture"] == {**SUPPRESSED_FEW, "n": 2}
    # 3 + 2 = 5 suppressed: enough, no partner needed for roles.
    assert roles["coach"]["culture"] == {"value": 25.0, "n": 5, "reported": True}
    # No percentile rank in breakdowns: it belongs to the whole campaign's scores.
    assert "percentile_rank" not in roles["coach"]["culture"]


def test_a_lone_suppressed_school_takes_a_partner_whose_scores_are_null(
    client: Client, leader_of_maple: Any, maple: District
) -> None:
    campaign = closed_campaign_of(maple)
    respond(campaign, uniform(4), school=maple.schools.get(name="Maple Elementary"), times=8)
    respond(campaign, uniform(4), school=maple.schools.get(name="Maple High School"), times=6)
    respond(campaign, uniform(2), school=None, times=1)
    rescore.campaign_rescore(campaign=campaign)
    client.force_login(leader_of_maple)

    by_school = client.get(scores_url(campaign)).json()["by_school"]

    high = next(g for g in by_school if g["school"] == "Maple High School")["scores"]
    assert high["onpoint"] == {
        "value": None,
        "n": 6,
        "reported": False,
        "reason": "complementary suppression",
    }
    assert high["vision"]["reason"] == "complementary suppression"


def test_landmarks_and_alignment_follow_the_contract(
    client: Client, leader_of_maple: Any, scored_campaign: Campaign
) -> None:
    client.force_login(leader_of_maple)
    body = client.get(scores_url(scored_campaign)).json()

    assert list(body["landmarks"]) == list(LANDMARK_KEYS)
    for landmark in body["landmarks"].values():
        assert landmark["status"] in {"on_track", "watch", "not_yet", "unknown"}
        assert landmark["message"].endswith(".")
        assert landmark["next_steps"]
    # No benchmark published yet: landmark 1 cannot compare; landmark 3 waits for year 2.
    assert body["landmarks"]["shared_understanding"]["status"] == "unknown"
    assert body["landmarks"]["student_agency"]["status"] == "not_yet"
    # Reported roles after suppression: teacher (75) and coach (25).
    assert body["alignment"]["gap"] == 50.0
    assert body["alignment"]["categories"]["strategy"] == {
        "gap": 50.0,
        "high_role": "teacher",
        "low_role": "coach",
        "divided": True,
    }
    assert list(body["alignment"]["categories"]) == list(CATEGORY_KEYS)


def test_a_campaign_with_no_responses_answers_with_every_score_suppressed(
    client: Client, leader_of_maple: Any, maple: District
) -> None:
    campaign = closed_campaign_of(maple)
    rescore.campaign_rescore(campaign=campaign)
    client.force_login(leader_of_maple)

    body = client.get(scores_url(campaign)).json()

    assert body["n_responses"] == 0
    assert body["by_school"] == []
    assert body["by_role"] == []
    assert body["alignment"]["gap"] is None
    for key in SCORE_KEYS:
        assert body["scores"][key] == {**SUPPRESSED_FEW, "n": 0, "percentile_rank": None}


def test_a_closed_campaign_not_scored_yet_answers_with_counts_while_it_is_prepared(
    client: Client, leader_of_maple: Any, maple: District
) -> None:
    campaign = closed_campaign_of(maple)
    respond(campaign, uniform(4), times=7)
    client.force_login(leader_of_maple)

    body = client.get(scores_url(campaign)).json()

    assert body["released"] is True
    assert body["recompute_pending"] is True
    assert body["computed_at"] is None
    assert body["n_responses"] == 7
    for field in ("scores", "by_school", "by_role", "landmarks", "alignment"):
        assert body[field] is None, field


def test_an_open_campaign_answers_the_contracts_unreleased_shape_with_counts_only(
    client: Client, leader_of_maple: Any, maple: District
) -> None:
    oak = school_of(maple, "Oak Elementary")
    School.objects.filter(pk=oak.pk).update(expected_responses=10)
    campaign = campaign_of(maple, expected_responses=20)
    respond(campaign, uniform(4), times=6, school=oak)
    respond(campaign, uniform(2), times=2)
    # Even a stored result (left by version 1's live scoring) is never shown before close.
    rescore.campaign_rescore(campaign=campaign)
    client.force_login(leader_of_maple)

    body = client.get(scores_url(campaign)).json()

    assert body == {
        "campaign": campaign.pk,
        "district": maple.slug,
        "stage": body["stage"],
        "method_version": "1.1",
        "n_responses": 8,
        "expected_responses": 20,
        "response_rate": 0.4,
        "responses_by_school": [
            *[
                {
                    "school": name,
                    "n_responses": 0,
                    "expected_responses": None,
                    "response_rate": None,
                }
                for name in maple.schools.exclude(pk=oak.pk).values_list("name", flat=True)
            ],
            {
                "school": "Oak Elementary",
                "n_responses": 6,
                "expected_responses": 10,
                "response_rate": 0.6,
            },
            {"school": None, "n_responses": 2, "expected_responses": None, "response_rate": None},
        ],
        "released": False,
        "releases_at": body["releases_at"],
        "computed_at": None,
        "recompute_pending": False,
        "scores": None,
        "by_school": None,
        "by_role": None,
        "landmarks": None,
        "alignment": None,
    }
    assert body["releases_at"].startswith(campaign.closes_at.strftime("%Y-%m-%dT%H:%M"))
    assert not GroupScore.objects.filter(campaign=campaign).exists()


def test_recompute_pending_is_true_while_new_responses_wait_for_the_worker(
    client: Client, leader_of_maple: Any, scored_campaign: Campaign
) -> None:
    respond(scored_campaign, uniform(1), times=1)
    client.force_login(leader_of_maple)
    body = client.get(scores_url(scored_campaign)).json()
    assert body["recompute_pending"] is True
    assert body["n_responses"] == 16


def test_a_campaign_of_another_district_is_404_for_a_leader_and_found_for_staff(
    client: Client, leader_of_oak: Any, staff_user: Any, scored_campaign: Campaign
) -> None:
    client.force_login(leader_of_oak)
    assert client.get(scores_url(scored_campaign)).status_code == 404
    assert client.get("/api/v1/campaigns/999999/scores/").status_code == 404
    client.force_login(staff_user)
    assert client.get(scores_url(scored_campaign)).status_code == 200


def test_the_consultant_of_the_district_sees_its_scores_by_token(
    consultant_for_maple_and_oak: Any, scored_campaign: Campaign
) -> None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=consultant_for_maple_and_oak)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(scores_url(scored_campaign)).status_code == 200


def test_anonymous_callers_get_401(client: Client, scored_campaign: Campaign) -> None:
    assert client.get(scores_url(scored_campaign)).status_code == 401
    assert client.get("/api/v1/benchmarks/").status_code == 401


@pytest.mark.parametrize("n_schools", [3, 30])
def test_the_scores_endpoint_makes_the_same_queries_for_3_or_30_groups(
    client: Client,
    leader_of_maple: Any,
    maple: District,
    django_assert_num_queries: Any,
    n_schools: int,
) -> None:
    campaign = closed_campaign_of(maple)
    for n in range(n_schools):
        respond(campaign, uniform(3), school=school_of(maple, f"S{n:02}"))
    rescore.campaign_rescore(campaign=campaign)
    client.force_login(leader_of_maple)
    # 1 session, 2 user, 3 the campaign among the user's districts (with its district),
    # 4 its CampaignResult with the benchmark version, 5 its GroupScore rows, 6 the user's
    # memberships of the district (a principal sees one school), then journeys' audit
    # middleware: 7 the campaign's district slug, 8 the record of the read.
    with django_assert_num_queries(8):
        body = client.get(scores_url(campaign)).json()
    assert len(body["by_school"]) == n_schools


# --- benchmarks ----------------------------------------------------------------------------------


def year_1_campaigns(values: list[int]) -> list[Campaign]:
    campaigns = []
    opened = timezone.localdate() - dt.timedelta(days=40)
    for n, value in enumerate(values):
        district = district_named(f"Year one {n}", launch_date=opened)
        campaign = closed_campaign_of(district, days_ago=40)
        respond(campaign, uniform(value), times=5)
        rescore.campaign_rescore(campaign=campaign)
        campaigns.append(campaign)
    return campaigns


def test_benchmarks_follow_the_contract_for_any_signed_in_user(client: Client) -> None:
    year_1_campaigns([1, 2, 3, 4, 5])
    version = benchmark_rebuild.benchmarks_rebuild().version
    client.force_login(get_user_model().objects.create_user("someone"))

    body = client.get("/api/v1/benchmarks/").json()

    assert body["version"] == version.pk
    assert body["computed_at"]
    assert list(body["stages"]) == list(STAGES)
    for stage in STAGES:
        assert list(body["stages"][stage]) == list(SCORE_KEYS)
    assert body["stages"]["year_1"]["onpoint"] == {
        "n_districts": 5,
        "published": True,
        "mean": 50.0,
        "p10": 10.0,
        "p25": 25.0,
        "p50": 50.0,
        "p75": 75.0,
        "p90": 90.0,
    }
    assert body["stages"]["planning"]["onpoint"] == {"n_districts": 0, "published": False}
    assert body["growth_share"] == dict.fromkeys(CATEGORY_KEYS)


def test_the_campaigns_percentile_rank_and_version_come_with_its_scores(
    client: Client, staff_user: Any
) -> None:
    campaigns = year_1_campaigns([1, 2, 3, 4, 5])
    version = benchmark_rebuild.benchmarks_rebuild().version
    client.force_login(staff_user)

    body = client.get(scores_url(campaigns[3])).json()

    assert body["benchmark_version"] == version.pk
    assert body["scores"]["onpoint"]["percentile_rank"] == 70.0
    assert body["scores"]["vision"]["percentile_rank"] == 70.0
    assert body["landmarks"]["shared_understanding"]["status"] == "on_track"


def test_a_suppressed_score_has_no_percentile_rank(client: Client, staff_user: Any) -> None:
    campaigns = year_1_campaigns([1, 2, 3, 4, 5])
    only_vision = answers_of(vision=4)
    respond(campaigns[0], only_vision, times=5)
    rescore.campaign_rescore(campaign=campaigns[0])
    benchmark_rebuild.benchmarks_rebuild()
    client.force_login(staff_user)

    scores = client.get(scores_url(campaigns[0])).json()["scores"]

    # Plan is answered by the first 5 responses only: n = 5, reported; still ranked.
    assert scores["plan"]["reported"] is True
    assert scores["plan"]["percentile_rank"] is not None


def test_an_older_benchmark_version_stays_readable(client: Client, staff_user: Any) -> None:
    campaigns = year_1_campaigns([1, 2, 3, 4, 5])
    first = benchmark_rebuild.benchmarks_rebuild().version
    respond(campaigns[0], uniform(5), times=5)
    rescore.campaign_rescore(campaign=campaigns[0])
    second = benchmark_rebuild.benchmarks_rebuild().version
    client.force_login(staff_user)

    old = client.get(f"/api/v1/benchmarks/?version={first.pk}").json()
    new = client.get("/api/v1/benchmarks/").json()

    assert old["version"] == first.pk
    assert new["version"] == second.pk
    assert old["stages"]["year_1"]["onpoint"]["p10"] == 10.0
    assert new["stages"]["year_1"]["onpoint"]["p10"] == 35.0
    versions = client.get("/api/v1/benchmarks/versions/").json()
    assert [v["version"] for v in versions] == [second.pk, first.pk]
    assert client.get("/api/v1/benchmarks/?version=999999").status_code == 404
    assert client.get("/api/v1/benchmarks/?version=x").status_code == 400


def test_with_no_benchmarks_built_every_benchmark_is_unpublished(
    client: Client, leader_of_maple: Any
) -> None:
    client.force_login(leader_of_maple)
    body = client.get("/api/v1/benchmarks/").json()
    assert body["version"] is None
    assert body["stages"]["year_2"]["culture"] == {"n_districts": 0, "published": False}


def test_the_benchmarks_endpoint_makes_a_fixed_number_of_queries(
    client: Client, leader_of_maple: Any, django_assert_num_queries: Any
) -> None:
    year_1_campaigns([1, 2, 3, 4, 5])
    benchmark_rebuild.benchmarks_rebuild()
    client.force_login(leader_of_maple)
    # 1 session, 2 user, 3 the latest version, 4 its benchmark rows (56, without cohorts).
    # No audit record: the benchmarks hold no district's data.
    with django_assert_num_queries(4):
        assert client.get("/api/v1/benchmarks/").status_code == 200


def test_a_campaigns_ranks_against_an_older_version_can_be_read_again(
    client: Client, staff_user: Any
) -> None:
    """A board saw version 1 in March; in June a new version exists and the ranks moved."""
    campaigns = year_1_campaigns([1, 2, 3, 4, 5])
    march = benchmark_rebuild.benchmarks_rebuild().version
    respond(campaigns[0], uniform(5), times=20)  # 25 responses: (5 * 0 + 20 * 100) / 25 = 80
    rescore.campaign_rescore(campaign=campaigns[0])
    june = benchmark_rebuild.benchmarks_rebuild().version
    client.force_login(staff_user)
    url = scores_url(campaigns[3])  # onpoint 75

    now = client.get(url).json()
    then = client.get(f"{url}?benchmark_version={march.pk}").json()

    # June's cohort [25, 50, 75, 80, 100]: 2 below, 1 equal. March's [0, 25, 50, 75, 100]: 3, 1.
    assert now["benchmark_version"] == june.pk
    assert now["scores"]["onpoint"]["percentile_rank"] == 50.0
    assert then["benchmark_version"] == march.pk
    assert then["scores"]["onpoint"]["percentile_rank"] == 70.0
    assert then["scores"]["onpoint"]["value"] == now["scores"]["onpoint"]["value"] == 75.0
    assert (
        then["benchmark_computed_at"]
        == client.get(f"/api/v1/benchmarks/?version={march.pk}").json()["computed_at"]
    )
    # The benchmarks endpoint's parameter name works here too.
    assert client.get(f"{url}?version={march.pk}").json() == then
    assert client.get(f"{url}?benchmark_version=999999").status_code == 404
    assert client.get(f"{url}?benchmark_version=march").status_code == 400
    for impossible in ("0", "-1", str(10**30)):
        missing = client.get(f"{url}?version={impossible}")
        assert missing.status_code == 404
        assert missing.json() == {"detail": f"No benchmark version {impossible}."}
    refused = client.get(f"{url}?version=march")
    assert refused.status_code == 400
    assert refused.json() == {
        "version": ["version must be a benchmark version's id (a whole number)."]
    }
