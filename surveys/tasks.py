"""Background work of the surveys app: fetch by id, call a service, nothing else.

The mails of personal survey links are sent here, by the worker (in the embedded mode, in the
request's process after the commit). Arguments are ids and counts only: no address or token
travels through the broker or shows in the worker's log.
"""

from __future__ import annotations

from celery import shared_task

from districts.task_options import RELIABLE
from surveys import invitation_erasure, invitation_sending


@shared_task(
    name="surveys.tasks.send_invitations", soft_time_limit=1500, time_limit=1800, **RELIABLE
)
def send_invitations(campaign_id: int, reminder_round: int = 0) -> int:
    """Mail the campaign's waiting invitations (round 0) or a reminder round; mails sent.
    A second run finds every address already claimed and sends nothing twice."""
    return invitation_sending.invitations_send(
        campaign_id=campaign_id, reminder_round=reminder_round
    ).sent


@shared_task(name="surveys.tasks.sweep_invitations", soft_time_limit=50, time_limit=60, **RELIABLE)
def sweep_invitations() -> int:
    """Beat, every minute: erase the addresses of campaigns closed by their date, and start the
    scheduled reminders that are due. How many campaigns it touched."""
    outcome = invitation_erasure.invitations_sweep()
    return len(outcome.erased_campaign_ids) + len(outcome.reminded_campaign_ids)
