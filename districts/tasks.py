"""Background work of the districts app: fetch by id, call a service, nothing else."""

from __future__ import annotations

from celery import shared_task

from districts import team
from districts.task_options import RELIABLE


@shared_task(
    name="districts.tasks.send_membership_invitation",
    soft_time_limit=50,
    time_limit=60,
    **RELIABLE,
)
def send_membership_invitation(invitation_id: int, link_base: str) -> bool:
    """Mail an invitation to the district's team; False when it could not be sent."""
    return team.membership_invitation_mail(invitation_id=invitation_id, link_base=link_base)
