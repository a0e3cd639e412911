"""The mails of the surveys app: a personal survey link, and its reminder.

Plain text, in English then Spanish (the survey's two languages): it reads the same in every
mail program and school filter. The words come from templates/surveys/mail/.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from surveys.models import Campaign

INVITATION_SUBJECT = "{district}: your personal link to the staff survey"
REMINDER_SUBJECT = "Reminder from {district}: the staff survey closes {closes}"


def invitation_message(
    *, campaign: Campaign, email: str, link: str, reminder: bool
) -> EmailMessage:
    """One mail to one address: the campaign, its closing date, the link and the promise."""
    closes = timezone.localtime(campaign.closes_at)
    context = {
        "campaign": campaign,
        "district": campaign.district,
        "link": link,
        "closes": closes,
        "reminder": reminder,
    }
    subject = (REMINDER_SUBJECT if reminder else INVITATION_SUBJECT).format(
        district=campaign.district.name, closes=f"{closes:%B} {closes.day}"
    )
    return EmailMessage(
        subject=subject,
        body=render_to_string("surveys/mail/invitation.txt", context),
        to=[email],
    )
