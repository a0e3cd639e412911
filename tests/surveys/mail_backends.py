"""Mail backends for the tests: one that refuses some addresses, as a real server does."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    """Django's test outbox, except that an address with "bounce" in it is refused with the
    exception Django's SMTP backend raises for a 550."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            refused = [address for address in message.to if "bounce" in address]
            if refused:
                raise smtplib.SMTPRecipientsRefused(
                    {address: (550, b"5.1.1 No such mailbox") for address in refused}
                )
        return super().send_messages(email_messages)


REFUSING: dict[str, Any] = {"default": {"BACKEND": "tests.surveys.mail_backends.RefusingBackend"}}
