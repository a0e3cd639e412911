"""The production mail path end to end: Django's SMTP backend, as MAILERS configures it from
EMAIL_HOST, talking to a real SMTP server on loopback (aiosmtpd) that refuses one mailbox.

aiosmtpd is in the dev extra. Without it the test skips with the reason on a laptop, and fails
under CI=true (tests/conftest.py's skip_or_fail), where every test must run."""

from __future__ import annotations

import email
import importlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import pytest
from django.test import Client

from surveys.invitation_lists import Entry
from surveys.models import Delivery, Invitation, Response
from tests.conftest import skip_or_fail
from tests.surveys.conftest import campaign_of
from tests.surveys.invitation_helpers import LINK, answer_through, invite

pytestmark = pytest.mark.django_db

REFUSED = "550 5.1.1 <bounce@maple.k12.or.us>: Recipient address rejected"


@dataclass
class Mailbox:
    """What the server accepted: one parsed message per DATA, with its envelope recipients."""

    received: list[tuple[list[str], Message]] = field(default_factory=list)

    async def handle_RCPT(  # aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address.startswith("bounce@"):
            return REFUSED
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        self.received.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Mailbox]:
    try:
        controller_module = importlib.import_module("aiosmtpd.controller")
    except ImportError:
        skip_or_fail("aiosmtpd is not installed: pip install -e '.[dev]' (requirements/dev.txt)")
    mailbox = Mailbox()
    port = free_port()
    controller = controller_module.Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    # As journeys/settings.py builds MAILERS from EMAIL_HOST and EMAIL_PORT.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    try:
        yield mailbox
    finally:
        controller.stop()


def test_invitations_go_through_a_real_smtp_server_and_a_refused_mailbox_is_counted(
    smtp_server: Mailbox, maple: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = campaign_of(maple, link_mode="personal")
    invite(
        campaign,
        [
            Entry("ana@maple.k12.or.us", "Maple Elementary"),
            Entry("bounce@maple.k12.or.us"),
            Entry("ben@maple.k12.or.us"),
        ],
        django_capture_on_commit_callbacks,
    )

    delivered = {tuple(recipients): message for recipients, message in smtp_server.received}
    assert sorted(delivered) == [("ana@maple.k12.or.us",), ("ben@maple.k12.or.us",)]
    message = delivered[("ana@maple.k12.or.us",)]
    assert message["From"] == "Journeys <journeys@localhost>"
    assert (
        message["Subject"] == "Maple Valley School District: your personal link to the staff survey"
    )
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode("utf-8")
    (link,) = dict.fromkeys(LINK.findall(body))

    bounced = Invitation.objects.get(email="bounce@maple.k12.or.us")
    assert (bounced.delivery, bounced.failures, bounced.error) == (Delivery.FAILED, 1, REFUSED)
    assert set(
        Invitation.objects.filter(delivery=Delivery.SENT).values_list("email", flat=True)
    ) == {
        "ana@maple.k12.or.us",
        "ben@maple.k12.or.us",
    }
    # The link that came through SMTP answers the survey, once.
    assert answer_through(Client(), link).status_code == 303
    assert answer_through(Client(), link).status_code == 410
    assert Response.objects.filter(campaign=campaign).count() == 1
