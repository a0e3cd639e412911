"""Writes of a campaign: create, update (dates, settings) and close.

Every validation error a person may read is a module constant, so the tests assert on the words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from districts.audit import audit_change
from districts.models import AuditEvent, District
from surveys import queueing
from surveys.invitation_erasure import invitations_erase
from surveys.models import Campaign, Instrument, LinkMode
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
REMINDER_OUTSIDE = (
    "The reminder goes while the campaign is open: choose a time after it opens and before it "
    "closes."
)
UNKNOWN_LINK_MODE = "Choose how staff reach the survey: shared, personal or both."

Person = User | AnonymousUser | None


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
    link_mode: str = LinkMode.SHARED,
    reminder_at: dt.datetime | None = None,
    by: Person = None,
) -> Campaign:
    """A new campaign of the district on the current instrument, with a fresh random link token.
    The audit log records who created it (`by`)."""
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": CLOSES_BEFORE_OPENS})
    _campaign_links_check(
        link_mode=link_mode, reminder_at=reminder_at, opens_at=opens_at, closes_at=closes_at
    )
    campaign = Campaign(
        district=district,
        instrument=instrument or instrument_current(),
        name=name.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        expected_responses=expected_responses,
        exclude_from_benchmarks=exclude_from_benchmarks,
        asks_comments=asks_comments,
        link_mode=link_mode,
        reminder_at=reminder_at,
    )
    with transaction.atomic():
        campaign.full_clean()
        campaign.save()
        queueing.campaign_refresh_request(campaign.pk)
        audit_change(
            action=AuditEvent.Action.CAMPAIGN_CREATED,
            district=district,
            user=by,
            detail=f"campaign {campaign.pk} “{campaign.name}”",
        )
    return campaign


def _campaign_links_check(
    *,
    link_mode: str,
    reminder_at: dt.datetime | None,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
) -> None:
    if link_mode not in LinkMode.values:
        raise ValidationError({"link_mode": UNKNOWN_LINK_MODE})
    if reminder_at is not None and not opens_at < reminder_at < closes_at:
        raise ValidationError({"reminder_at": REMINDER_OUTSIDE})


_UNSET: Any = object()
# What a leader may change on a campaign: the form's fields, and the changes the audit log names.
CAMPAIGN_EDITABLE = (
    "name",
    "opens_at",
    "closes_at",
    "expected_responses",
    "exclude_from_benchmarks",
    "asks_comments",
    "link_mode",
    "reminder_at",
)


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
    link_mode: str = _UNSET,
    reminder_at: dt.datetime | None = _UNSET,
    by: Person = None,
) -> Campaign:
    """Change what a leader may change. The opening time is fixed once a response has arrived:
    it decides the campaign's stage, and the stage of stored answers must not move.

    The audit log records the change (`by`): "closed" when it closes the campaign, which also
    erases the invited addresses in this transaction (surveys.invitation_erasure).
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    tracked = {name: getattr(campaign, name) for name in CAMPAIGN_EDITABLE}
    was_closed = campaign.is_closed()
    before = Campaign(
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        exclude_from_benchmarks=campaign.exclude_from_benchmarks,
    )
    _campaign_dates_set(campaign, opens_at=opens_at, closes_at=closes_at)
    _campaign_fields_set(
        campaign,
        name=name,
        expected_responses=expected_responses,
        exclude_from_benchmarks=exclude_from_benchmarks,
        asks_comments=asks_comments,
        link_mode=link_mode,
        reminder_at=reminder_at,
    )
    if campaign.closes_at <= campaign.opens_at:
        raise ValidationError({"closes_at": CLOSES_BEFORE_OPENS})
    # A reminder time is checked when it is set, not at every later edit (once sent, it is past).
    new_reminder = reminder_at is not _UNSET and reminder_at != tracked["reminder_at"]
    _campaign_links_check(
        link_mode=campaign.link_mode,
        reminder_at=campaign.reminder_at if new_reminder else None,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
    )
    campaign.full_clean()
    campaign.save()
    _campaign_change_record(campaign, tracked=tracked, was_closed=was_closed, by=by)
    if (before.opens_at, before.closes_at, before.exclude_from_benchmarks) != (
        campaign.opens_at,
        campaign.closes_at,
        campaign.exclude_from_benchmarks,
    ):
        # The stage, the eligibility for benchmarks or the closing changed.
        queueing.campaign_refresh_request(campaign.pk)
    return campaign


def _campaign_fields_set(campaign: Campaign, **fields: Any) -> None:
    """Set the fields given (not _UNSET) on the locked campaign, but never what its survey asked
    once it has closed."""
    for name, value in fields.items():
        if value is _UNSET:
            continue
        if name == "asks_comments" and campaign.is_closed():
            continue  # Once closed, the survey asked what it asked.
        setattr(campaign, name, value.strip() if name == "name" else value)


def _campaign_change_record(
    campaign: Campaign, *, tracked: dict[str, Any], was_closed: bool, by: Person
) -> None:
    """The audit log's line for a change, and the erasure of the invited addresses when the
    change closed the campaign (in the caller's transaction)."""
    changed = [name for name in CAMPAIGN_EDITABLE if getattr(campaign, name) != tracked[name]]
    closing = not was_closed and campaign.is_closed()
    if changed:
        audit_change(
            action=AuditEvent.Action.CAMPAIGN_CLOSED
            if closing
            else AuditEvent.Action.CAMPAIGN_EDITED,
            district=campaign.district,
            user=by,
            detail=f"campaign {campaign.pk} “{campaign.name}”: {', '.join(changed)}",
        )
    if closing:
        invitations_erase(campaign=campaign, by=by)


def campaign_close(
    *, campaign: Campaign, now: dt.datetime | None = None, by: Person = None
) -> Campaign:
    """Close an open campaign now: later submissions get "closed", the invited addresses are
    erased."""
    now = now or timezone.now()
    if campaign.is_closed(now):
        raise ValidationError(ALREADY_CLOSED)
    if not campaign.is_open(now):
        raise ValidationError(NOT_OPEN_TO_CLOSE)
    return campaign_update(campaign=campaign, closes_at=now, by=by)
