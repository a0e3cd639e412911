"""Every invited address erased when its campaign closes (issue 15), only the counts kept; and
the minute sweep that erases those of campaigns closed by their date and starts the scheduled
reminders that are due.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from districts.audit import audit_change
from districts.models import AuditEvent
from surveys.invitation_lists import InvitationError
from surveys.invitations import Person
from surveys.models import Campaign, Invitation, InvitationTally, InvitedAddress
from surveys.reminders import reminders_request

logger = logging.getLogger(__name__)

ERASED_LOG = "campaign %s closed: %s invited address(es) erased"


def _leftovers(campaign_id: OuterRef) -> Q:
    return Q(
        Exists(Invitation.objects.filter(campaign=campaign_id))
        | Exists(InvitedAddress.objects.filter(campaign=campaign_id))
        | Exists(InvitationTally.objects.filter(campaign=campaign_id, answered__isnull=True))
    )


def invitations_erase(*, campaign: Campaign, by: Person = None) -> int:
    """At close: keep the counts, delete every address. Returns how many invitations (links not
    used) were deleted; 0, and nothing written, for a campaign with nothing left to erase.

    The tallies are all rewritten here, in one transaction, so that none keeps a trace of a
    moment of the campaign (on PostgreSQL a row's xmin names the transaction that last wrote
    it). Runs inside the caller's transaction when there is one (a campaign closed by a person).
    """
    with transaction.atomic():
        tallies = list(InvitationTally.objects.select_for_update().filter(campaign=campaign))
        left: dict[int | None, int] = dict(
            Invitation.objects.filter(campaign=campaign)
            .values_list("school_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("school_id", "n")
        )
        addresses = InvitedAddress.objects.filter(campaign=campaign)
        if all(t.answered is not None for t in tallies) and not left and not addresses.exists():
            return 0
        for tally in tallies:
            if tally.answered is None:
                tally.answered = max(0, tally.invited - left.get(tally.school_id, 0))
            tally.save(update_fields=["invited", "answered"])
        erased, _ = Invitation.objects.filter(campaign=campaign).delete()
        addresses.delete()
        invited = sum(t.invited for t in tallies)
        answered = sum(t.answered or 0 for t in tallies)
        audit_change(
            action=AuditEvent.Action.INVITATIONS_ERASED,
            district=campaign.district,
            user=by,
            detail=(
                f"campaign {campaign.pk} “{campaign.name}” closed: every invited address erased; "
                f"{answered} of {invited} answered through their personal link"
            ),
        )
    logger.info(ERASED_LOG, campaign.pk, invited)
    return erased


@dataclass(frozen=True)
class SweepOutcome:
    erased_campaign_ids: list[int] = field(default_factory=list)
    reminded_campaign_ids: list[int] = field(default_factory=list)


def invitations_sweep(*, now: dt.datetime | None = None) -> SweepOutcome:
    """Every minute (beat, or the embedded beat): erase the addresses of campaigns that closed by
    their date, and start the scheduled reminders that are due."""
    now = now or timezone.now()
    outcome = SweepOutcome()
    closed = Campaign.objects.filter(closes_at__lte=now).filter(_leftovers(OuterRef("pk")))
    for campaign in closed.select_related("district").order_by("pk"):
        invitations_erase(campaign=campaign)
        outcome.erased_campaign_ids.append(campaign.pk)
    due = (
        Campaign.objects.filter(reminder_at__lte=now, opens_at__lte=now, closes_at__gt=now)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("reminder_at")))
        .select_related("district")
        .order_by("pk")
    )
    for campaign in due:
        try:
            _, addresses = reminders_request(campaign=campaign, by=None, now=now, scheduled=True)
        except InvitationError:
            continue  # closed meanwhile: no reminder after the close
        if addresses:
            outcome.reminded_campaign_ids.append(campaign.pk)
    return outcome
