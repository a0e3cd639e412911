"""The worker's side of personal survey links (issue 15): mail the waiting invitations, or a
reminder round, one address at a time, each claimed before its mail goes.

Log lines carry counts and the campaign's id only, never an address, a token or a school.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMessage, mailers
from django.db.models import F

from surveys.invitations import personal_link
from surveys.mail import invitation_message
from surveys.models import Campaign, Delivery, Invitation

logger = logging.getLogger(__name__)

SENT_LOG = "campaign %s: %s invitation mail(s) sent, %s not delivered (reminder round %s)"


@dataclass(frozen=True)
class SendOutcome:
    sent: int
    failed: int
    skipped: int


def _failure_words(error: Exception) -> str:
    """What the mail server said, short: for the leader to correct an address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, reply = next(iter(error.recipients.values()))
        text = f"{code} {_said(reply)}"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_said(error.smtp_error)}"
    else:
        text = f"{type(error).__name__}: {error}"
    return text[:200]


def _said(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def invitations_send(
    *,
    campaign_id: int,
    reminder_round: int = 0,
    progress: Callable[[int], object] | None = None,
    total: Callable[[int], object] | None = None,
) -> SendOutcome:
    """Mail the campaign's waiting invitations (`reminder_round` 0), or a reminder round's:
    every invitation sent and not used that this round has not reached yet.

    Each address is claimed before its mail goes (a conditional UPDATE), so two runs never mail
    it twice; an invitation used meanwhile is gone and skipped. A refused or failed mail marks
    the invitation not delivered, with the server's words and a count, and the next goes on
    (on a fresh connection). A run killed between the claim and the mail loses that one mail:
    the address shows as sent, and the next reminder carries the same link. Nothing is sent for
    a closed campaign. `total` hears the number of addresses, `progress` each one done.
    """
    campaign = Campaign.objects.select_related("district").filter(pk=campaign_id).first()
    if campaign is None or campaign.is_closed():
        return SendOutcome(sent=0, failed=0, skipped=0)
    targets = Invitation.objects.filter(campaign=campaign)
    if reminder_round:
        targets = targets.filter(delivery=Delivery.SENT, reminded__lt=reminder_round)
    else:
        targets = targets.filter(delivery=Delivery.PENDING)
    rows = list(targets.order_by("pk").values_list("pk", "email", "nonce", "link_base"))
    if total is not None:
        total(len(rows))
    sent = failed = skipped = 0
    mailer = _Mailer()
    for pk, email, nonce, link_base in rows:
        if not _claimed(pk, reminder_round):
            skipped += 1
        else:
            message = invitation_message(
                campaign=campaign,
                email=email,
                link=personal_link(campaign=campaign, link_base=link_base, nonce=nonce),
                reminder=bool(reminder_round),
            )
            if mailer.send(pk, message):
                sent += 1
            else:
                failed += 1
        if progress is not None:
            progress(1)
    mailer.close()
    logger.info(SENT_LOG, campaign_id, sent, failed, reminder_round)
    return SendOutcome(sent=sent, failed=failed, skipped=skipped)


def _claimed(pk: int, reminder_round: int) -> bool:
    """Claim one address for this round (a conditional UPDATE): False when another run, or the
    person's answer (the invitation is gone), got there first."""
    claim = Invitation.objects.filter(pk=pk)
    if reminder_round:
        return bool(
            claim.filter(delivery=Delivery.SENT, reminded__lt=reminder_round).update(
                reminded=reminder_round
            )
        )
    return bool(claim.filter(delivery=Delivery.PENDING).update(delivery=Delivery.SENT))


class _Mailer:
    """One connection to the mail server for a run, opened at the first mail and opened afresh
    after a failure."""

    def __init__(self) -> None:
        self.connection = mailers.default
        self.connected = False

    def send(self, pk: int, message: EmailMessage) -> bool:
        """Send one mail; on failure mark its invitation not delivered and return False."""
        try:
            if not self.connected:
                self.connection.open()
                self.connected = True
            self.connection.send_messages([message])
        except Exception as error:
            Invitation.objects.filter(pk=pk).update(
                delivery=Delivery.FAILED,
                failures=F("failures") + 1,
                error=_failure_words(error),
            )
            # A refused recipient can leave the SMTP session mid-transaction: start afresh.
            self.close()
            return False
        return True

    def close(self) -> None:
        if self.connected:
            _close_quietly(self.connection)
            self.connected = False


def _close_quietly(connection: object) -> None:
    # A connection already broken has nothing left to close.
    with contextlib.suppress(Exception):
        connection.close()  # type: ignore[attr-defined]
