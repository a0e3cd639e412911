"""The batched full recompute (onpoint.rescore_all) stores exactly what rescoring campaign by
campaign stores: every group score, rank, landmark and alignment, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from districts.models import School
from onpoint import aggregates, benchmark_rebuild, rescore
from onpoint.models import CampaignResult, GroupScore
from onpoint.rescore_all import campaigns_rescore_all
from surveys.models import Campaign
from tests.onpoint.builders import (
    campaign_of,
    closed_campaign_of,
    district_named,
    random_answers,
    school_of,
    store,
)

pytestmark = pytest.mark.django_db


def world() -> list[Campaign]:
    """Nine districts at year 1 (a published cohort), some with an earlier campaign (P), an
    open one, small schools (suppression) and a campaign with no responses."""
    rng = random.Random(11)
    launch = timezone.localdate() - dt.timedelta(days=40)
    campaigns = []
    for n in range(9):
        district = district_named(f"District {n}", launch_date=launch)
        schools: list[School | None] = [school_of(district, f"School {n}-{k}") for k in range(4)]
        planned = [closed_campaign_of(district, days_ago=40)]
        if n < 3:
            planned.append(closed_campaign_of(district, days_ago=200))
        if n == 3:
            planned.append(campaign_of(district))
        for campaign in planned:
            sheets = [
                (random_answers(rng), rng.choice(["teacher", "coach", "technology"]),
                 rng.choice([*schools, None]))
                for _ in range(rng.randint(8, 50))
            ]  # fmt: skip
            store(campaign, sheets)
            campaigns.append(campaign)
    campaigns.append(closed_campaign_of(district_named("Silent district", launch_date=launch)))
    return campaigns


def stored() -> dict[str, Any]:
    """Every derived row by its natural key, without ids and timestamps."""
    scores = {
        (r["campaign_id"], r["breakdown"], r["group"], r["key"]): (
            r["position"], r["value"], r["n"], r["reported"], r["reason"]
        )
        for r in GroupScore.objects.values()
    }  # fmt: skip
    results = {
        r["campaign_id"]: {k: v for k, v in r.items() if k != "computed_at"}
        for r in CampaignResult.objects.values()
    }
    return {"scores": scores, "results": results}


def one_by_one() -> None:
    now = timezone.now()
    for campaign in Campaign.objects.order_by("pk"):
        rescore.campaign_rescore(campaign=campaign, now=now)
    benchmark_rebuild.benchmarks_rebuild(now=now)


def batched(batch_size: int) -> None:
    now = timezone.now()
    assert campaigns_rescore_all(now=now, batch_size=batch_size) == Campaign.objects.count()
    benchmark_rebuild.benchmarks_rebuild(now=now)


def wipe() -> None:
    GroupScore.objects.all().delete()
    CampaignResult.objects.all().delete()


def test_batches_store_what_campaign_by_campaign_stores() -> None:
    world()
    one_by_one()
    expected = stored()
    # Every closed campaign has its result; the open ones have none (method 1.1, "Release").
    closed = Campaign.objects.filter(closes_at__lte=timezone.now())
    assert set(expected["results"]) == set(closed.values_list("pk", flat=True))
    assert closed.count() < Campaign.objects.count()
    assert any(not reported for *_, reported, _ in expected["scores"].values())

    wipe()
    batched(batch_size=4)  # batches split districts: ranks and P must still come out the same

    assert stored() == expected


def test_batches_write_only_what_changed_and_drop_groups_that_are_gone() -> None:
    campaigns = world()
    batched(batch_size=5)
    ids_before = dict(GroupScore.objects.values_list("pk", "value"))
    changed = campaigns[0]
    store(changed, [(random_answers(random.Random(3)), "school_leader", None)] * 6)
    changed.responses.filter(school__isnull=False).delete()
    Campaign.objects.filter(pk=changed.pk).update(scores_dirty=True)

    batched(batch_size=5)
    after_batches = stored()
    one_by_one()

    assert stored() == after_batches
    assert not Campaign.objects.filter(scores_dirty=True).exists()
    kept = GroupScore.objects.exclude(campaign=changed).values_list("pk", "value")
    assert all(ids_before.get(pk, "missing") == value for pk, value in kept)
    groups = set(
        GroupScore.objects.filter(campaign=changed, breakdown="school").values_list(
            "group", flat=True
        )
    )
    assert groups == {aggregates.UNSPECIFIED_SCHOOL}
    assert GroupScore.objects.filter(
        campaign=changed, breakdown="role", group="school_leader"
    ).exists()
