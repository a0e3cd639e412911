"""Writes of a campaign: create, update (dates, settings) and close.

Every validation error a person may read is a module constant, so the tests assert on the words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from districts.models import District
from surveys import queueing
from surveys.models import Campaign, Instrument
from surveys.selectors import instrument_current

CLOSES_BEFORE_OPENS = "The closing time must be after the opening time."
ALREADY_CLOSED = "This campaign is already closed."
# Method 1.1, section 4, "Release": "Once closed, a campaign's dates cannot change".
CLOSED_DATES_LOCKED = (
    "This campaign is closed and its results are released: its dates cannot change, and it "
    "cannot reopen. Create a new campaign instead."
)
NOT_OPEN_TO_CLOSE = "This campaign has not opened yet: change its dates instead of closing it."
OPENS_AT_LOCKED = "The opening time cannot change once responses have arrived."


# --- campaigns ---------------------------------------------------------------------------------


def campaign_create(
    *,
    district: District,
    name: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    expected_responses: int | None = None,
    exclude_from_benchmarks: bool = False,
    instrument: Instrument | None = None,
    asks_comments: bool = True,
) -> Campaign:
    """A new campaign of the district on the current instrument, with a fresh random link token."""
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": CLOSES_BEFORE_OPENS})
    campaign = Campaign(
        district=district,
        instrument=instrument or instrument_current(),
        name=name.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        expected_responses=expected_responses,
        exclude_from_benchmarks=exclude_from_benchmarks,
        asks_comments=asks_comments,
    )
    with transaction.atomic():
        campaign.full_clean()
        campaign.save()
        queueing.campaign_refresh_request(campaign.pk)
    return campaign


_UNSET: Any = object()


def _campaign_dates_set(campaign: Campaign, *, opens_at: Any, closes_at: Any) -> None:
    """Set the dates given (not _UNSET) on the locked campaign: never once it has closed, and the
    opening time not once a response has arrived."""
    if campaign.is_closed() and (
        (opens_at is not _UNSET and opens_at != campaign.opens_at)
        or (closes_at is not _UNSET and closes_at != campaign.closes_at)
    ):
        raise ValidationError({"closes_at": CLOSED_DATES_LOCKED})
    if opens_at is not _UNSET and opens_at != campaign.opens_at:
        if campaign.responses.exists():
            raise ValidationError({"opens_at": OPENS_AT_LOCKED})
        campaign.opens_at = opens_at
    if closes_at is not _UNSET:
        campaign.closes_at = closes_at


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    name: str = _UNSET,
    opens_at: dt.datetime = _UNSET,
    closes_at: dt.datetime = _UNSET,
    expected_responses: int | None = _UNSET,
    exclude_from_benchmarks: bool = _UNSET,
    asks_comments: bool = _UNSET,
) -> Campaign:
    """Change what a leader may change. The opening time is fixed once a response has arrived:
    it decides the campaign's stage, and the stage of stored answers must not move.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = Campaign(
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        exclude_from_benchmarks=campaign.exclude_from_benchmarks,
    )
    if name is not _UNSET:
        campaign.name = name.strip()
    _campaign_dates_set(campaign, opens_at=opens_at, closes_at=closes_at)
    if expected_responses is not _UNSET:
        campaign.expected_responses = expected_responses
    if exclude_from_benchmarks is not _UNSET:
        campaign.exclude_from_benchmarks = exclude_from_benchmarks
    if asks_comments is not _UNSET and not campaign.is_closed():
        # Once closed, the survey asked what it asked.
        campaign.asks_comments = asks_comments
    if campaign.closes_at <= campaign.opens_at:
        raise ValidationError({"closes_at": CLOSES_BEFORE_OPENS})
    campaign.full_clean()
    campaign.save()
    if (before.opens_at, before.closes_at, before.exclude_from_benchmarks) != (
        campaign.opens_at,
        campaign.closes_at,
        campaign.exclude_from_benchmarks,
    ):
        # The stage, the eligibility for benchmarks or the closing changed.
        queueing.campaign_refresh_request(campaign.pk)
    return campaign


def campaign_close(*, campaign: Campaign, now: dt.datetime | None = None) -> Campaign:
    """Close an open campaign now: later submissions get "closed"."""
    now = now or timezone.now()
    if campaign.is_closed(now):
        raise ValidationError(ALREADY_CLOSED)
    if not campaign.is_open(now):
        raise ValidationError(NOT_OPEN_TO_CLOSE)
    return campaign_update(campaign=campaign, closes_at=now)
