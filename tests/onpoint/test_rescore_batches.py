"""The set-based full recompute (`rescore.campaigns_rescore_all`, batches of campaigns, one
scan each) stores exactly what rescoring campaign by campaign stores: every group score, rank,
landmark and alignment, on SQLite and PostgreSQL. And the scan's two forms, GROUPING SETS and
UNION ALL, give the same aggregates."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from onpoint import aggregates, benchmark_rebuild, rescore
from onpoint.models import CampaignResult, GroupScore
from surveys.models import Campaign
from tests.onpoint.builders import (
    closed_campaign_of,
    district_named,
    random_answers,
    store,
    year_one_world,
)

pytestmark = pytest.mark.django_db


def world() -> list[Campaign]:
    """Nine districts at year 1 (a published cohort), some with an earlier campaign (P), an
    open one, small schools (suppression) and a campaign with no responses."""
    campaigns = year_one_world(
        seed=11, districts=9, schools=4, with_earlier=3, open_at=3, responses=(8, 50)
    )
    launch = timezone.localdate() - dt.timedelta(days=40)
    campaigns.append(closed_campaign_of(district_named("Silent district", launch_date=launch)))
    return campaigns


def stored() -> dict[str, Any]:
    """Every derived row by its natural key, without ids and timestamps."""
    scores = {
        (r["campaign_id"], r["breakdown"], r["group"]): {
            name: value for name, value in r.items() if name != "id"
        }
        for r in GroupScore.objects.values()
    }
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
    assert rescore.campaigns_rescore_all(now=now, batch_size=batch_size) == Campaign.objects.count()
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
    assert any(row["onpoint_reason"] for row in expected["scores"].values())

    wipe()
    batched(batch_size=4)  # batches split districts: ranks and P must still come out the same

    assert stored() == expected


def test_batches_write_only_what_changed_and_drop_groups_that_are_gone() -> None:
    campaigns = world()
    batched(batch_size=5)
    ids_before = dict(GroupScore.objects.values_list("pk", "onpoint"))
    changed = campaigns[0]
    store(changed, [(random_answers(random.Random(3)), "school_leader", None)] * 6)
    changed.responses.filter(school__isnull=False).delete()
    Campaign.objects.filter(pk=changed.pk).update(scores_dirty=True)

    batched(batch_size=5)
    after_batches = stored()
    one_by_one()

    assert stored() == after_batches
    assert not Campaign.objects.filter(scores_dirty=True).exists()
    kept = GroupScore.objects.exclude(campaign=changed).values_list("pk", "onpoint")
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


def test_grouping_sets_and_union_all_give_the_same_aggregates(requires_postgres: None) -> None:
    campaigns = world()
    ids = [c.pk for c in campaigns]
    one_scan = aggregates.batch_aggregates(ids, grouping_sets=True)
    assert one_scan == aggregates.batch_aggregates(ids, grouping_sets=False)
    assert any(a.cells and a.by_school and a.by_role for a in one_scan.values())
