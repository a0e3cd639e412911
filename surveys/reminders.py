"""Reminders to the personal links not used yet (issue 15), by a person or at the scheduled
time; and the leader's repairs of undelivered mails: send them again, or take an address back.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from districts import queueing
from districts.audit import audit_change
from districts.models import AuditEvent
from surveys.invitation_lists import InvitationError
from surveys.invitations import INVITE_CLOSED, SEND_INVITATIONS_TASK, Person, address_digest
from surveys.models import Campaign, Delivery, Invitation, InvitationTally, InvitedAddress

# A manual reminder waits this long after the last one: staff are not to be flooded.
REMINDER_INTERVAL = dt.timedelta(hours=1)

REMIND_NONE = "No one to remind: every invitation sent so far has been used."
REMIND_TOO_SOON = (
    "A reminder went out at {time}. The next one can go an hour later, so that staff are not "
    "flooded."
)
RETRY_NONE = "No mail is waiting to be sent again."
INVITATION_NOT_FAILED = "Only an address whose mail was not delivered can be removed."


def reminders_request(
    *,
    campaign: Campaign,
    by: Person,
    now: dt.datetime | None = None,
    scheduled: bool = False,
    send: bool = True,
) -> tuple[int, int]:
    """Start a reminder round to every invitation sent and not used: (round, addresses).

    A person's reminder waits an hour after the last one (InvitationError REMIND_TOO_SOON) and
    needs someone to remind (REMIND_NONE). The scheduled reminder (`scheduled`) is done once,
    and counts as done when a reminder already went after its time. The mails go from the
    worker after the commit (`send` False: the caller sends them, as the command does).
    """
    now = now or timezone.now()
    if campaign.is_closed(now):
        raise InvitationError(INVITE_CLOSED)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.is_closed(now):  # closed meanwhile: its addresses are erased
            raise InvitationError(INVITE_CLOSED)
        if scheduled:
            planned, last = locked.reminder_at, locked.reminded_at
            if planned is None or planned > now or (last is not None and last >= planned):
                return locked.reminder_rounds, 0
        elif locked.reminded_at is not None and now - locked.reminded_at < REMINDER_INTERVAL:
            at = timezone.localtime(locked.reminded_at).strftime("%H:%M")
            raise InvitationError(REMIND_TOO_SOON.format(time=at))
        targets = Invitation.objects.filter(campaign=locked, delivery=Delivery.SENT).count()
        if not targets:
            if scheduled:
                Campaign.objects.filter(pk=locked.pk).update(reminded_at=now)
                return locked.reminder_rounds, 0
            raise InvitationError(REMIND_NONE)
        round_ = locked.reminder_rounds + 1
        Campaign.objects.filter(pk=locked.pk).update(reminder_rounds=round_, reminded_at=now)
        audit_change(
            action=AuditEvent.Action.REMINDERS_SENT,
            district=campaign.district,
            user=by,
            detail=(
                f"campaign {campaign.pk} “{campaign.name}”: "
                f"{'scheduled ' if scheduled else ''}reminder {round_} to the {targets} invited "
                "who have not answered"
            ),
        )
        if send:
            queueing.task_after_commit(SEND_INVITATIONS_TASK, campaign.pk, round_)
    return round_, targets


def invitations_retry(*, campaign: Campaign, by: Person) -> int:
    """Send again every mail that was not delivered; how many. InvitationError when none."""
    if campaign.is_closed():
        raise InvitationError(INVITE_CLOSED)
    with transaction.atomic():
        count = Invitation.objects.filter(campaign=campaign, delivery=Delivery.FAILED).update(
            delivery=Delivery.PENDING
        )
        if not count:
            raise InvitationError(RETRY_NONE)
        audit_change(
            action=AuditEvent.Action.INVITATIONS_SENT,
            district=campaign.district,
            user=by,
            detail=(
                f"campaign {campaign.pk} “{campaign.name}”: {count} undelivered mail(s) sent again"
            ),
        )
        queueing.task_after_commit(SEND_INVITATIONS_TASK, campaign.pk, 0)
    return count


def invitation_remove(*, campaign: Campaign, invitation_id: int, by: Person) -> Invitation:
    """Take back an address whose mail was not delivered (a typo): it no longer counts as
    invited. Invitation.DoesNotExist for another campaign's or a used one; InvitationError for
    one that was delivered (its person may be answering)."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(campaign=campaign, pk=invitation_id)
        if invitation.delivery != Delivery.FAILED:
            raise InvitationError(INVITATION_NOT_FAILED)
        InvitationTally.objects.filter(
            campaign=campaign, school=invitation.school, invited__gt=0
        ).update(invited=F("invited") - 1)
        InvitedAddress.objects.filter(
            campaign=campaign,
            digest=address_digest(campaign_id=campaign.pk, email=invitation.email),
        ).delete()
        invitation.delete()
        audit_change(
            action=AuditEvent.Action.INVITATIONS_SENT,
            district=campaign.district,
            user=by,
            detail=f"campaign {campaign.pk} “{campaign.name}”: 1 undelivered address taken back",
        )
    return invitation
