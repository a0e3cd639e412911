"""The full recompute computes ranks and landmarks once, after the benchmark rebuild (issue 13),
and the plain-tuple reads of the standing give what the model objects give."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from onpoint import benchmark_rebuild, rescore, score_store, standing
from onpoint.benchmark_reads import benchmark_version_latest
from onpoint.models import CampaignResult, GroupScore
from onpoint.standing import (
    campaign_facts,
    campaign_stage,
    district_campaign_facts,
    scored_campaign_facts,
    scores_of_columns,
)
from surveys.models import Campaign
from tests.onpoint.builders import campaign_of, district_named
from tests.onpoint.test_rescore_batches import world

pytestmark = pytest.mark.django_db


def _standing_counter(monkeypatch: pytest.MonkeyPatch) -> Counter[int]:
    """Counts, by campaign, the standings computed against a benchmark version's cohorts."""
    calls: Counter[int] = Counter()
    real = standing.campaign_standing

    def counted(facts: Any, district: Any, benchmarks: Any) -> Any:
        calls[facts.campaign_id] += 1
        return real(facts, district, benchmarks)

    for module in (score_store, standing):
        monkeypatch.setattr(module, "campaign_standing", counted)
    monkeypatch.setattr("onpoint.results_refresh.campaign_standing", counted)
    return calls


def test_full_recompute_ranks_each_campaign_once(monkeypatch: pytest.MonkeyPatch) -> None:
    world()
    now = timezone.now()
    rescore.campaigns_rescore_all(now=now, batch_size=4)
    benchmark_rebuild.benchmarks_rebuild(now=now)  # a first version: results now have ranks
    ranked = {r.campaign_id: r.ranks for r in CampaignResult.objects.all()}
    assert any(v is not None for ranks in ranked.values() for v in ranks.values())
    calls = _standing_counter(monkeypatch)

    rescore.campaigns_rescore_all(now=now, batch_size=4)

    # The batches keep what each result had: nothing ranked against a version about to go.
    assert calls == Counter()
    assert {r.campaign_id: r.ranks for r in CampaignResult.objects.all()} == ranked
    benchmark_rebuild.benchmarks_rebuild(now=now)
    assert calls == Counter(dict.fromkeys(ranked, 1))


def test_a_new_result_has_no_rank_until_the_rebuild() -> None:
    campaigns = world()
    now = timezone.now()
    rescore.campaigns_rescore_all(now=now, batch_size=4)
    results = list(CampaignResult.objects.all())
    assert results
    assert benchmark_version_latest() is None
    for result in results:
        assert result.benchmark_version_id is None
        assert result.previous_campaign_id is None
        assert set(result.ranks.values()) == {None}
    benchmark_rebuild.benchmarks_rebuild(now=now)
    assert CampaignResult.objects.exclude(previous_campaign=None).count() == 3
    assert not CampaignResult.objects.filter(benchmark_version=None).exists()
    assert len(campaigns) > len(results)


def test_the_single_campaign_path_ranks_at_once() -> None:
    world()
    now = timezone.now()
    rescore.campaigns_rescore_all(now=now, batch_size=4)
    benchmark_rebuild.benchmarks_rebuild(now=now)
    campaign = Campaign.objects.filter(result__previous_campaign__isnull=False).first()
    assert campaign is not None
    expected = CampaignResult.objects.values().get(campaign=campaign)
    CampaignResult.objects.filter(campaign=campaign).delete()

    rescore.campaign_rescore(campaign=campaign, now=now)

    got = CampaignResult.objects.values().get(campaign=campaign)
    assert {**got, "computed_at": None} == {**expected, "computed_at": None}


def test_tuple_reads_give_what_the_model_objects_give() -> None:
    world()
    now = timezone.now()
    rescore.campaigns_rescore_all(now=now, batch_size=4)
    for row in GroupScore.objects.all():
        columns = [getattr(row, name) for name in standing._SCORE_COLUMNS]
        assert scores_of_columns(columns) == row.scores()
    facts = scored_campaign_facts(Campaign.objects.all(), now=now)
    by_id = {c.pk: c for c in Campaign.objects.select_related("district")}
    assert facts == [campaign_facts(by_id[f.campaign_id], f.scores, now=now) for f in facts]
    assert len(facts) == CampaignResult.objects.count()


@pytest.mark.parametrize("hour", [0, 3, 5, 6, 23])
def test_campaign_stage_is_campaign_stage_around_midnight(hour: int) -> None:
    district = district_named("Launched", launch_date=dt.date(2025, 7, 1))
    for day in (dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2026, 7, 1)):
        opens_at = dt.datetime(day.year, day.month, day.day, hour, 30, tzinfo=dt.UTC)
        campaign = campaign_of(district, opens_at=opens_at)
        campaign.refresh_from_db()
        assert campaign_stage(dt.date(2025, 7, 1), campaign.opens_at) == campaign.stage
        assert campaign_stage(None, campaign.opens_at) == "planning"


def test_override_stands_in_for_its_campaign_scored_or_not() -> None:
    campaigns = world()
    now = timezone.now()
    rescore.campaigns_rescore_all(now=now, batch_size=4)
    unscored = next(c for c in campaigns if not c.is_closed(now))
    override = campaign_facts(unscored, {}, now=now)
    by_district = district_campaign_facts([unscored.district_id], now=now, override=override)
    ids = [f.campaign_id for f in by_district[unscored.district_id]]
    assert override in by_district[unscored.district_id]
    assert ids == sorted(ids)
    elsewhere = district_campaign_facts([unscored.district_id + 1000], now=now, override=override)
    assert not any(override in group for group in elsewhere.values())
