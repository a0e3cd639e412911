"""Survey fixtures: instrument v1, campaigns of Maple in each state, and answer sheets."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.utils import timezone

from surveys import instrument_v1
from surveys.models import Campaign, Instrument
from surveys.selectors import instrument_current
from tests.factories import CampaignFactory


def campaign_of(district: Any, **fields: Any) -> Campaign:
    """A campaign on instrument v1 (open by default), typed for the tests that use it."""
    return cast(Campaign, CampaignFactory(district=district, **fields))


def every_answer(value: int | None = 4) -> dict[str, int | None]:
    """All 27 items answered `value`."""
    return dict.fromkeys(instrument_v1.ITEM_CODES, value)


@pytest.fixture
def instrument(db: None) -> Instrument:
    return instrument_current()


@pytest.fixture
def maple_campaign(maple: Any) -> Campaign:
    """Maple's open campaign, 40 staff expected."""
    return campaign_of(maple, name="Maple spring survey", expected_responses=40)


@pytest.fixture
def closed_campaign(maple: Any) -> Campaign:
    now = timezone.now()
    return campaign_of(
        maple,
        name="Maple fall survey",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=2),
    )


@pytest.fixture
def future_campaign(maple: Any) -> Campaign:
    now = timezone.now()
    return campaign_of(
        maple,
        name="Maple next survey",
        opens_at=now + dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=20),
    )


@pytest.fixture
def personal(maple: Any) -> Campaign:
    """Maple's open campaign answered through personal links and its shared link."""
    return campaign_of(maple, name="Maple spring survey", link_mode="both")
