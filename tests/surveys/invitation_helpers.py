"""Helpers of the personal-link tests: invite, read the mailed links, answer through one."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core import mail
from django.test import Client

from surveys import instrument_v1, invitation_lists, invitations
from surveys.models import Campaign

LINK = re.compile(r"https?://\S+/s/[A-Za-z0-9_-]+/\?i=[A-Za-z0-9_-]{32}")
SUBMISSION_ID = re.compile(r'name="submission_id" value="([^"]+)"')


# Three staff addresses of Maple Valley, the personal links' usual invitees.
STAFF = ["ana@maple.k12.or.us", "ben@maple.k12.or.us", "cy@maple.k12.or.us"]


def invitations_url(campaign: Campaign) -> str:
    return f"/districts/{campaign.district.slug}/campaigns/{campaign.pk}/invitations/"


def invite(
    campaign: Campaign,
    addresses: list[str] | list[invitation_lists.Entry],
    capture: Any,
    *,
    by: Any = None,
) -> invitations.InviteOutcome:
    """Invite through the service and run what it sends after the commit (the mails)."""
    entries = [
        entry if isinstance(entry, invitation_lists.Entry) else invitation_lists.Entry(email=entry)
        for entry in addresses
    ]
    with capture(execute=True):
        return invitations.invitations_add(
            campaign=campaign, entries=entries, by=by, link_base="http://testserver"
        )


def links_by_address() -> dict[str, list[str]]:
    """Every personal link mailed so far, by recipient, in the order sent."""
    found: dict[str, list[str]] = {}
    for message in mail.outbox:
        (address,) = message.to
        found.setdefault(address, []).extend(dict.fromkeys(LINK.findall(str(message.body))))
    return found


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["i"][0]


def answer_through(client: Client, link: str, *, value: str = "4", role: str = "teacher") -> Any:
    """Open a personal link as its person would, and submit every item answered `value`.
    Returns the final response (303 to thanks when stored)."""
    parts = urlsplit(link)
    page = client.get(f"{parts.path}?{parts.query}")
    if page.status_code != 200:
        return page
    html = page.content.decode()
    match = SUBMISSION_ID.search(html)
    assert match is not None
    data = {
        "role": role,
        "submission_id": match[1],
        "invitation": token_of(link),
        "action": "submit",
        **dict.fromkeys(instrument_v1.ITEM_CODES, value),
    }
    return client.post(parts.path, data)
