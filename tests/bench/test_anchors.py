"""The bench's anchors and rounds: the scored rows written again are the very rows the app
stored, the scores are cleared before each timed recompute, the storage counts the table and
its indexes, and the anchor and the app take turns."""

from __future__ import annotations

from typing import cast

import pytest
from django.apps import apps

from bench.config import FULL, QUICK
from bench.measure import alternate
from bench.sql import (
    campaign_rows_delete,
    scored_rows_copy,
    scored_rows_export,
    scores_clear,
    storage_bytes,
)
from onpoint.models import BenchmarkState
from surveys.models import Campaign, Response
from tests.factories import CampaignFactory, ResponseFactory, SchoolFactory


def _rows(campaign: Campaign) -> list[tuple[object, ...]]:
    fields = [f.name for f in Response._meta.concrete_fields if not f.primary_key]
    return sorted(
        tuple(str(v) for v in row)
        for row in Response.objects.filter(campaign=campaign).values_list(*fields)
    )


@pytest.mark.django_db
def test_the_scored_copy_writes_back_exactly_the_rows_the_app_stored() -> None:
    campaign = cast(Campaign, CampaignFactory())
    school = SchoolFactory(district=campaign.district)
    ResponseFactory.create_batch(3, campaign=campaign, role="teacher", school=school)
    ResponseFactory.create_batch(2, campaign=campaign, role="coach", school=None)
    other = cast(Campaign, CampaignFactory())
    ResponseFactory.create_batch(2, campaign=other)
    stored = _rows(campaign)
    exported = scored_rows_export(campaign.pk)
    campaign_rows_delete(campaign.pk)
    assert not Response.objects.filter(campaign=campaign).exists()
    assert Response.objects.filter(campaign=other).count() == 2
    scored_rows_copy(exported)
    assert _rows(campaign) == stored


@pytest.mark.django_db
def test_clearing_the_scores_empties_every_table_of_the_onpoint_app() -> None:
    BenchmarkState.objects.create()
    ResponseFactory.create_batch(2)
    scores_clear()
    for model in apps.get_app_config("onpoint").get_models():
        assert not model._default_manager.exists(), model
    assert Response.objects.count() == 2


@pytest.mark.django_db
def test_the_storage_counts_the_rows_and_the_pages_of_the_table_and_its_indexes() -> None:
    ResponseFactory.create_batch(30)
    stored = storage_bytes()
    assert stored["rows"] == 30
    assert stored["heap"] > 0
    assert stored["indexes"] > 0  # the campaign and school foreign keys, the unique submission
    # PostgreSQL adds the TOAST table and the free-space and visibility maps.
    assert stored["total"] >= stored["heap"] + stored["indexes"]


def _called(calls: list[str], name: str, value: float) -> float:
    calls.append(name)
    return value


def test_the_anchor_and_the_app_take_turns_round_after_round() -> None:
    calls: list[str] = []
    rounds = alternate(3, lambda: _called(calls, "anchor", 1.0), lambda: _called(calls, "app", 2.0))
    assert calls == ["anchor", "app"] * 3
    assert rounds.anchor == [1.0] * 3
    assert len(rounds.load) == 3
    assert "3 and 3 times" in rounds.note()


def test_the_app_goes_first_when_the_anchor_needs_what_it_made_and_a_stop_ends_early() -> None:
    calls: list[str] = []
    alternate(
        3, lambda: _called(calls, "anchor", 0), lambda: _called(calls, "app", 0), app_first=True
    )
    assert calls == ["app", "anchor"] * 3
    stopped = alternate(3, lambda: 0, lambda: 99, stop=lambda value: value == 99)
    assert stopped.app == [99]
    assert stopped.anchor == [0]


def test_the_quarter_world_has_a_quarter_of_the_districts() -> None:
    assert FULL.districts_at(FULL.largest) == 13_000
    assert FULL.districts_at(925_000) == 3_250
    assert QUICK.districts_at(QUICK.recompute_sizes[0]) == QUICK.districts // 4
