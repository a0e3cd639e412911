"""Instrument version 1: the method's structure, both languages, and immutability once used."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from onpoint.method.structure import CATEGORIES, CATEGORY_OF_DIMENSION, DIMENSIONS
from surveys import instrument_v1
from surveys.models import Instrument
from surveys.selectors import instrument_current, item_specs
from tests.surveys.conftest import campaign_of


def test_version_1_has_three_items_for_each_of_the_nine_dimensions() -> None:
    items = instrument_v1.DEFINITION["items"]
    assert len(items) == 27
    assert [item["code"] for item in items] == [
        f"{dimension}_{n}" for dimension in DIMENSIONS for n in (1, 2, 3)
    ]
    for item in items:
        assert item["category"] == CATEGORY_OF_DIMENSION[item["dimension"]]
    assert [c["key"] for c in instrument_v1.DEFINITION["categories"]] == list(CATEGORIES)


def test_buy_in_3_is_the_only_reverse_coded_item() -> None:
    reversed_codes = [i["code"] for i in instrument_v1.DEFINITION["items"] if i["reverse_coded"]]
    assert reversed_codes == ["buy_in_3"]


def test_every_statement_is_short_and_in_english_and_spanish() -> None:
    for item in instrument_v1.DEFINITION["items"]:
        english, spanish = item["text"]["en"], item["text"]["es"]
        assert english
        assert spanish
        assert english != spanish
        assert len(english.split()) <= 20, item["code"]
        assert english.endswith(".")
        assert spanish.endswith(".")
    for point in instrument_v1.DEFINITION["scale"]:
        assert set(point["label"]) == {"en", "es"}
    assert [point["value"] for point in instrument_v1.DEFINITION["scale"]] == [1, 2, 3, 4, 5]


@pytest.mark.django_db
def test_instrument_current_creates_version_1_once_and_returns_it() -> None:
    first = instrument_current()
    second = instrument_current()
    assert first.pk == second.pk
    assert Instrument.objects.count() == 1
    assert first.definition == instrument_v1.DEFINITION
    specs = item_specs(first)
    assert len(specs) == 27
    assert [s.code for s in specs if s.reverse_coded] == ["buy_in_3"]


@pytest.mark.django_db
def test_an_unused_instrument_may_still_be_corrected() -> None:
    instrument = instrument_current()
    instrument.definition = {**instrument.definition, "note": "typo fixed"}
    instrument.save()
    instrument.refresh_from_db()
    assert instrument.definition["note"] == "typo fixed"


@pytest.mark.django_db
def test_the_database_refuses_to_change_an_instrument_a_campaign_has_used(maple: Any) -> None:
    campaign = campaign_of(maple)
    instrument = campaign.instrument
    changed = {**instrument.definition, "items": instrument.definition["items"][:3]}
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Instrument.objects.filter(pk=instrument.pk).update(definition=changed)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Instrument.objects.filter(pk=instrument.pk).update(version="1b")
    instrument.refresh_from_db()
    assert instrument.version == "1"
    assert len(instrument.definition["items"]) == 27


@pytest.mark.django_db
def test_an_instrument_a_campaign_has_used_cannot_be_deleted(maple: Any) -> None:
    campaign = campaign_of(maple)
    with pytest.raises(IntegrityError), transaction.atomic():
        campaign.instrument.delete()
    assert Instrument.objects.filter(pk=campaign.instrument_id).exists()
