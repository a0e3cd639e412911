"""The contract end to end, as an outside checker sees it: CSVs in through `import_responses`,
`recompute`, then the API's numbers compared with an independent implementation of the method
(tests/onpoint/reference.py) field by field: names, nulls, reasons, one decimal.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from districts.models import District, School
from surveys.campaigns import campaign_create
from surveys.models import Campaign
from tests.factories import DistrictFactory
from tests.onpoint import reference

pytestmark = pytest.mark.django_db

ROLES = ["teacher", "coach", "school_leader", "technology", "district_staff"]
UTC = dt.UTC


def instrument(client: Client) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/api/v1/instruments/current/").json()["items"]
    return items


def import_csv(
    tmp_path: Path, campaign: Campaign, codes: list[str], responses: list[dict[str, Any]]
) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["role", "school", *codes])
    for response in responses:
        answers = response["answers"]
        writer.writerow(
            [
                response["role"],
                response["school"] or "",
                *["" if answers.get(code) is None else answers[code] for code in codes],
            ]
        )
    path = tmp_path / f"campaign-{campaign.pk}.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    call_command(
        "import_responses", str(path), "--campaign", str(campaign.pk), stdout=io.StringIO()
    )


def shown(value: Fraction | None) -> float | None:
    return reference.shown(value)


def assert_score(where: str, got: dict[str, Any], expected: dict[str, Any]) -> None:
    want = {
        "value": shown(expected["value"]),
        "n": expected["n"],
        "reported": expected["reported"],
    }
    if not expected["reported"]:
        want["reason"] = expected["reason"]
    assert {key: got.get(key) for key in want} == want, where
    if expected["reported"]:
        assert "reason" not in got, where


# --- method section 8, through the commands and the API -------------------------------------------


def test_the_worked_example_through_import_recompute_and_the_api(
    client: Client, staff_user: Any, tmp_path: Path
) -> None:
    district = cast(District, DistrictFactory(launch_date=None))
    now = timezone.now()
    campaign = campaign_create(
        district=district,
        name="Worked example",
        opens_at=now - dt.timedelta(days=40),
        closes_at=now - dt.timedelta(days=10),
    )
    client.force_login(staff_user)
    codes = [item["code"] for item in instrument(client)]
    strategy: dict[str, tuple[list[int | None], list[int | None]]] = {
        "r1": ([4, 4, 5], [3, 3, 3]),
        "r2": ([2, None, 3], [4, 4, None]),
        "r3": ([5, None, None], [5, 5, 5]),
        "r4": ([3, 3, 3], [None, None, 2]),
        "r5": ([1, 1, 1], [1, 1, 1]),
        "r6": ([None, None, None], [None, None, None]),
    }
    responses = []
    for vision, plan in strategy.values():
        answers = {f"vision_{i + 1}": vision[i] for i in range(3)}
        answers |= {f"plan_{i + 1}": plan[i] for i in range(3)}
        responses.append({"role": "teacher", "school": None, "answers": answers})
    import_csv(tmp_path, campaign, codes, responses)
    call_command("recompute", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())

    body = client.get(f"/api/v1/campaigns/{campaign.pk}/scores/").json()

    assert body["n_responses"] == 6
    scores = body["scores"]
    few = "fewer than 5 responses"
    assert scores["strategy"] == {"value": 54.6, "n": 5, "reported": True, "percentile_rank": None}
    for key in ("vision", "plan"):
        assert scores[key] == {
            "value": None,
            "n": 4,
            "reported": False,
            "reason": few,
            "percentile_rank": None,
        }
    for key in ("operations", "design", "culture"):
        assert scores[key]["n"] == 0
        assert scores[key]["reason"] == few
    # Section 9: the Onpoint score's n is the number of responses, r6 included.
    assert scores["onpoint"]["n"] == 6
    assert scores["onpoint"]["value"] is None
    assert scores["onpoint"]["reported"] is False
    assert body["by_role"][0]["role"] == "teacher"
    assert body["by_role"][0]["scores"]["strategy"]["value"] == 54.6
    assert body["by_school"][0]["school"] == "Unspecified"


# --- a random world against the independent implementation ---------------------------------------

LAUNCH_DATES = [
    None,
    dt.date(2020, 7, 1),
    dt.date(2021, 9, 1),
    dt.date(2022, 7, 1),  # a school year's first day
    dt.date(2023, 6, 30),  # its last day
    dt.date(2024, 1, 15),
]
OPENINGS = [
    dt.datetime(2021, 10, 1, tzinfo=UTC),
    dt.datetime(2022, 6, 30, 23, 30, tzinfo=UTC),  # the last half hour of a school year
    dt.datetime(2022, 7, 1, tzinfo=UTC),
    dt.datetime(2023, 3, 1, tzinfo=UTC),
    dt.datetime(2023, 6, 30, tzinfo=UTC),  # a launch date's own day
    dt.datetime(2023, 10, 1, tzinfo=UTC),
    dt.datetime(2024, 10, 1, tzinfo=UTC),
    dt.datetime(2025, 2, 1, tzinfo=UTC),
]

# Planning, year 1 and year 3+ for a district launched on 1 July 2022.
ANCHOR_OPENINGS = [
    dt.datetime(2021, 11, 1, tzinfo=UTC),
    dt.datetime(2022, 11, 1, tzinfo=UTC),
    dt.datetime(2025, 3, 1, tzinfo=UTC),
]


def random_sheet(rng: random.Random, codes: list[str], skip: float) -> dict[str, int | None]:
    if rng.random() < 0.05:
        return dict.fromkeys(codes)  # "Don't know" throughout: a response with no score
    lean = rng.randint(-1, 1)
    return {
        code: None if rng.random() < skip else min(5, max(1, rng.randint(1, 5) + lean))
        for code in codes
    }


def build_world(
    rng: random.Random, tmp_path: Path, codes: list[str], now: dt.datetime
) -> dict[int, dict[str, Any]]:
    world: dict[int, dict[str, Any]] = {}
    for number in range(14):
        # Six districts launched on 1 July 2022 survey well at planning, year 1 and year 3+,
        # so that those stages publish benchmarks and growth shares exist.
        anchored = number < 6
        launch = dt.date(2022, 7, 1) if anchored else rng.choice(LAUNCH_DATES)
        district = cast(District, DistrictFactory(launch_date=launch))
        names = rng.sample(["Lincoln", "Ávila", "adams", "Zeta", "Oak", "Unspecified"], 3)
        schools = [School.objects.create(district=district, name=name) for name in names]
        openings = rng.sample(OPENINGS, rng.randint(1, 3))
        if anchored:
            openings += ANCHOR_OPENINGS
        if number % 5 == 0:
            openings.append(openings[0])  # two campaigns opening together: creation decides
        if number % 4 == 0:
            openings.append(now - dt.timedelta(days=2))  # still open: released at close
        for opens_at in openings:
            closes_at = opens_at + dt.timedelta(days=rng.choice([14, 30]))
            anchor = anchored and opens_at in ANCHOR_OPENINGS
            campaign = campaign_create(
                district=district,
                name=f"Survey {len(world)}",
                opens_at=opens_at,
                closes_at=closes_at,
                exclude_from_benchmarks=not anchor and rng.random() < 0.15,
            )
            if anchor:
                size, skip = rng.choice([16, 20, 25]), 0.1
            else:
                size = rng.choice([0, 3, 4, 5, 6, 8, 9, 12, 16, 25, 40])
                skip = rng.choice([0.0, 0.1, 0.35, 0.6])
            responses = [
                {
                    "role": rng.choices(ROLES, [10, 2, 2, 1, 1])[0],
                    "school": rng.choice([*[s.name for s in schools], None]),
                    "answers": random_sheet(rng, codes, skip),
                }
                for _ in range(size)
            ]
            if responses:
                import_csv(tmp_path, campaign, codes, responses)
            world[campaign.pk] = {
                "district": district.slug,
                "launch_date": launch,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "created": campaign.pk,
                "excluded": campaign.exclude_from_benchmarks,
                "responses": responses,
            }
    return world


def school_label(name: str) -> str:
    # docs/decisions.md: a real school named "Unspecified" is shown as "Unspecified (school)",
    # apart from the group of responses with no school.
    return "Unspecified (school)" if name == "Unspecified" else name


# More worlds on demand: JOURNEYS_CONTRACT_SEEDS=1,2,3,4,5,6 pytest tests/onpoint/test_contract.py
SEEDS = [int(seed) for seed in os.environ.get("JOURNEYS_CONTRACT_SEEDS", "1,3").split(",")]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_random_world_matches_an_independent_implementation(  # noqa: C901 - one walk over every field of every answer
    client: Client, staff_user: Any, tmp_path: Path, seed: int
) -> None:
    client.force_login(staff_user)
    items = instrument(client)
    codes = [item["code"] for item in items]
    now = timezone.now()
    rng = random.Random(seed)
    world = build_world(rng, tmp_path, codes, now)
    for campaign in world.values():
        for response in campaign["responses"]:
            if response["school"] is not None:
                response["school"] = school_label(response["school"])
    call_command("recompute", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())

    expected = reference.evaluate(world, items, now)

    published = unreleased = 0
    for campaign_id, want in expected["campaigns"].items():
        body = client.get(f"/api/v1/campaigns/{campaign_id}/scores/").json()
        where = f"campaign {campaign_id}"
        assert body["campaign"] == campaign_id
        assert body["district"] == world[campaign_id]["district"]
        assert body["stage"] == want["stage"], where
        assert body["n_responses"] == want["n_responses"], where
        assert body["released"] is want["released"], where
        if not want["released"]:
            # Method 1.1, "Release": counts only, no score of any kind.
            for field in ("scores", "by_school", "by_role", "landmarks", "alignment"):
                assert body[field] is None, f"{where} {field}"
            unreleased += 1
            continue
        assert list(body["scores"]) == reference.KEYS
        for key in reference.KEYS:
            got = body["scores"][key]
            assert_score(f"{where} {key}", got, want["scores"][key])
            assert got["percentile_rank"] == shown(want["ranks"][key]), f"{where} {key} rank"
            published += want["ranks"][key] is not None
        for breakdown, label in (("by_school", "school"), ("by_role", "role")):
            assert [group[label] for group in body[breakdown]] == list(want[breakdown]), where
            for group in body[breakdown]:
                for key in reference.KEYS:
                    assert_score(
                        f"{where} {breakdown} {group[label]} {key}",
                        group["scores"][key],
                        want[breakdown][group[label]][key],
                    )
        assert {key: mark["status"] for key, mark in body["landmarks"].items()} == want[
            "landmarks"
        ], where
        for mark in body["landmarks"].values():
            assert mark["message"]
        alignment = want["alignment"]
        assert body["alignment"]["gap"] == shown(alignment["gap"]), where
        assert body["alignment"]["categories"] == {
            key: {**gap, "gap": shown(gap["gap"])} for key, gap in alignment["categories"].items()
        }, where

    benchmarks = client.get("/api/v1/benchmarks/").json()
    for stage, by_key in expected["benchmarks"].items():
        for key, want in by_key.items():
            shown_want = {
                name: shown(value) if isinstance(value, Fraction) else value
                for name, value in want.items()
            }
            assert benchmarks["stages"][stage][key] == shown_want, f"{stage} {key}"
    for category, share in expected["growth_share"].items():
        got = benchmarks["growth_share"][category]
        assert (got is None) == (share is None)
        if share is not None:
            assert got == reference.shown(share, 2)
    # The world is big enough to publish benchmarks (those growth shares need) and rank, and
    # holds open campaigns.
    assert published > 0
    assert unreleased > 0
    for stage in ("planning", "year_1", "year_3_plus"):
        assert benchmarks["stages"][stage]["onpoint"]["published"], stage


# --- section 9's fine print, hand-computed, through the commands and the API ---------------------


def uniform_rows(codes: list[str], value: int, times: int) -> list[dict[str, Any]]:
    """Every item scores (value - 1) * 25: the reverse-coded buy_in_3 gets the mirrored answer."""
    answers = {code: 6 - value if code == "buy_in_3" else value for code in codes}
    return [{"role": "teacher", "school": None, "answers": answers}] * times


def test_ties_thresholds_exclusion_and_the_previous_campaign_by_hand(
    client: Client, staff_user: Any, tmp_path: Path
) -> None:
    client.force_login(staff_user)
    codes = [item["code"] for item in instrument(client)]
    launched = dt.date(2023, 7, 1)
    year_1 = dt.datetime(2023, 10, 1, tzinfo=UTC)
    year_2 = dt.datetime(2024, 10, 1, tzinfo=UTC)

    def survey(district: District, opens_at: dt.datetime, value: int, **fields: Any) -> Campaign:
        campaign = campaign_create(
            district=district,
            name=f"{district.name} {opens_at:%Y}",
            opens_at=opens_at,
            closes_at=opens_at + dt.timedelta(days=30),
            **fields,
        )
        import_csv(tmp_path, campaign, codes, uniform_rows(codes, value, 5))
        return campaign

    # Year 1 cohort of six districts: 25, 50, 50, 50, 75, 100 (three tied at the median).
    districts = [cast(District, DistrictFactory(launch_date=launched)) for _ in range(6)]
    cohort = [
        survey(d, year_1, value) for d, value in zip(districts, [2, 3, 3, 3, 4, 5], strict=True)
    ]
    # Excluded from benchmarks: ranked against the cohort, not part of it.
    excluded = survey(cast(District, DistrictFactory(launch_date=launched)), year_1, 5,
                      exclude_from_benchmarks=True)  # fmt: skip
    # Year 2 of the second district: the same scores as its year 1 survey (P), alone at year 2.
    later = survey(districts[1], year_2, 3)
    # Still open, in year 1 (launched the day it opened): not released, so not ranked.
    now = timezone.now()
    opened = now - dt.timedelta(hours=1)
    fresh = cast(District, DistrictFactory(launch_date=timezone.localdate(opened)))
    still_open = campaign_create(
        district=fresh, name="Open", opens_at=opened, closes_at=now + dt.timedelta(days=9)
    )
    import_csv(tmp_path, still_open, codes, uniform_rows(codes, 3, 5))
    call_command("recompute", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())

    def scores(campaign: Campaign) -> dict[str, Any]:
        body: dict[str, Any] = client.get(f"/api/v1/campaigns/{campaign.pk}/scores/").json()
        return body

    def statuses(body: dict[str, Any]) -> list[str]:
        return [body["landmarks"][key]["status"] for key in LANDMARKS]

    benchmarks = client.get("/api/v1/benchmarks/").json()["stages"]
    assert benchmarks["year_1"]["onpoint"] == {
        "n_districts": 6,
        "published": True,
        "mean": 58.3,
        "p10": 37.5,
        "p25": 50.0,
        "p50": 50.0,
        "p75": 68.8,  # 68.75, halves away from zero
        "p90": 87.5,
    }
    assert benchmarks["year_2"]["onpoint"] == {"n_districts": 1, "published": False}
    assert benchmarks["planning"]["onpoint"] == {"n_districts": 0, "published": False}

    # Ranks: 100 * (below + 0.5 * equal) / 6.
    ranks = [scores(c)["scores"]["onpoint"]["percentile_rank"] for c in cohort]
    assert ranks == [8.3, 41.7, 41.7, 41.7, 75.0, 91.7]
    # 100 against the six: 5 below, 1 equal (had it joined the cohort: 6 / 7, 85.7).
    assert scores(excluded)["scores"]["onpoint"]["percentile_rank"] == 91.7
    assert scores(still_open)["released"] is False
    assert scores(still_open)["scores"] is None
    assert scores(later)["scores"]["onpoint"]["percentile_rank"] is None  # 1 district

    # At the median exactly: on track (`strategy < p50_s` is watch, equal is not).
    assert statuses(scores(cohort[1])) == ["on_track", "on_track", "not_yet", "on_track"]
    assert statuses(scores(cohort[0])) == ["watch", "watch", "not_yet", "watch"]
    # Year 2, no published benchmark: landmarks 1 and 2 unknown (2 even with a P); student
    # agency needs none (teacher's and student's roles equal); culture compares with P, the
    # year 1 survey: a growth of 0 < 1 point.
    assert statuses(scores(later)) == ["unknown", "unknown", "on_track", "watch"]


LANDMARKS = ["shared_understanding", "operations", "student_agency", "culture"]
