"""Background work of the districts app: fetch by id, call a service, nothing else."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from districts import team


@shared_task(
    name="districts.tasks.send_membership_invitation",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def send_membership_invitation(invitation_id: int, link_base: str) -> bool:
    """Mail an invitation to the district's team; False when it could not be sent."""
    return team.membership_invitation_mail(invitation_id=invitation_id, link_base=link_base)
