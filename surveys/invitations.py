"""Personal survey links by email (issue 15): a leader invites a list of addresses, each gets a
single-use link, reminders go to the links not used yet, and every address is erased when the
campaign closes. This module invites and answers; the list is parsed in invitation_lists, the
mails go from invitation_sending, reminders are reminders', the erasure at close
invitation_erasure's and the counts invitation_summary's.

The anonymity promise (domain.md, "Privacy": who was invited and who has answered is never
joined to what anyone answered) decides the shape:

- A personal link's answer is stored exactly as a shared link's (surveys.services.
  response_submit): the response has no reference to the invitation.
- Using a link deletes its invitation, in the transaction that stores the response. Nothing is
  updated and no time is written: no `used_at`, no flag that flips, no row that moves in the
  table (a PostgreSQL UPDATE writes the row again at the end of the heap, so the order of the
  used rows would be the order of the answers). The tallies are written when inviting, never
  when answering: answered = invited - invitations left.
- No log line, audit event or task argument carries an address or a token; the worker makes
  each link again from the row's nonce (districts.tokens).
- When the campaign closes (closed by a person: in that transaction; by its date: the minute
  sweep) the invitations and the hashes of the invited addresses are deleted and the tallies
  keep the counts, rewritten in that one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from districts import queueing
from districts.audit import audit_change
from districts.models import AuditEvent, School
from districts.tokens import is_token, link_token, new_nonce, token_digest
from surveys.invitation_lists import Entry, InvitationError, Invitee, invitees_validate
from surveys.models import Campaign, Invitation, InvitationTally, InvitedAddress

SEND_INVITATIONS_TASK = "surveys.tasks.send_invitations"
TOKEN_PURPOSE = "surveys.invitation"  # noqa: S105 - an HMAC salt, not a secret
ADDRESS_PURPOSE = "surveys.invited-address"
# The query parameter of a personal link: the access log keeps paths only (gunicorn.conf.py),
# so a personal link's request line is the shared link's, `GET /s/<campaign link>/`.
LINK_PARAMETER = "i"

INVITE_CLOSED = "This campaign is closed: it sends no more invitations or reminders."
INVITE_SHARED_ONLY = (
    "This campaign takes answers through its shared link only. Choose personal links (or "
    "both) in its settings to invite staff by email."
)

Person = User | AnonymousUser | None


# --- inviting ----------------------------------------------------------------------------------


def address_digest(*, campaign_id: int, email: str) -> str:
    return salted_hmac(f"{ADDRESS_PURPOSE}:{campaign_id}", email, algorithm="sha256").hexdigest()


def invitation_token(nonce: str) -> str:
    return link_token(purpose=TOKEN_PURPOSE, nonce=nonce)


def personal_link(*, campaign: Campaign, link_base: str, nonce: str) -> str:
    path = reverse("survey", kwargs={"token": campaign.token})
    return f"{link_base.rstrip('/')}{path}?{LINK_PARAMETER}={invitation_token(nonce)}"


@dataclass(frozen=True)
class InviteOutcome:
    invited: int
    already_invited: int
    repeated: int


def _chunks[T](values: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _campaign_takes_invitations(campaign: Campaign, now: dt.datetime) -> None:
    if campaign.is_closed(now):
        raise InvitationError(INVITE_CLOSED)
    if not campaign.takes_personal_links:
        raise InvitationError(INVITE_SHARED_ONLY)


def invitations_add(
    *,
    campaign: Campaign,
    entries: Sequence[Entry],
    by: Person,
    link_base: str,
    now: dt.datetime | None = None,
    send: bool = True,
) -> InviteOutcome:
    """Invite the listed addresses: all of them or, on any bad address or school, none
    (InvitationError naming them). An address the campaign already invited (its link used or
    not) is skipped. The mails are sent by the worker once this commits (`send` False leaves
    them waiting, for `manage.py send_invitations`)."""
    now = now or timezone.now()
    _campaign_takes_invitations(campaign, now)
    invitees = invitees_validate(campaign=campaign, entries=entries)
    digests = {
        invitee.email: address_digest(campaign_id=campaign.pk, email=invitee.email)
        for invitee in invitees
    }
    with transaction.atomic():
        # One list at a time per campaign: two pastes of the same address cannot both pass; and
        # a campaign closed meanwhile (its addresses erased in the close's transaction) takes
        # none.
        locked = (
            Campaign.objects.select_for_update().only("closes_at", "link_mode").get(pk=campaign.pk)
        )
        _campaign_takes_invitations(locked, now)
        known: set[str] = set()
        for chunk in _chunks(list(digests.values())):
            known.update(
                InvitedAddress.objects.filter(campaign=campaign, digest__in=chunk).values_list(
                    "digest", flat=True
                )
            )
        new = [invitee for invitee in invitees if digests[invitee.email] not in known]
        _invitations_store(campaign=campaign, new=new, digests=digests, link_base=link_base)
        if new:
            audit_change(
                action=AuditEvent.Action.INVITATIONS_SENT,
                district=campaign.district,
                user=by,
                detail=(
                    f"campaign {campaign.pk} “{campaign.name}”: {len(new)} address(es) invited"
                    f" ({len(invitees) - len(new)} already invited)"
                ),
            )
            if send:
                queueing.task_after_commit(SEND_INVITATIONS_TASK, campaign.pk, 0)
    return InviteOutcome(
        invited=len(new),
        already_invited=len(invitees) - len(new),
        repeated=len(entries) - len(invitees),
    )


def _invitations_store(
    *, campaign: Campaign, new: Sequence[Invitee], digests: dict[str, str], link_base: str
) -> None:
    """The new invitees' address hashes, invitations (each with a fresh nonce) and tallies."""
    InvitedAddress.objects.bulk_create(
        [InvitedAddress(campaign=campaign, digest=digests[i.email]) for i in new]
    )
    rows = []
    for invitee in new:
        nonce = new_nonce()
        rows.append(
            Invitation(
                campaign=campaign,
                email=invitee.email,
                school=invitee.school,
                nonce=nonce,
                token_digest=token_digest(invitation_token(nonce)),
                link_base=link_base[:200],
            )
        )
    Invitation.objects.bulk_create(rows, batch_size=500)
    per_school: dict[School | None, int] = {}
    for invitee in new:
        per_school[invitee.school] = per_school.get(invitee.school, 0) + 1
    for school, count in per_school.items():
        tally, _ = InvitationTally.objects.get_or_create(campaign=campaign, school=school)
        InvitationTally.objects.filter(pk=tally.pk).update(invited=F("invited") + count)


# --- answering ---------------------------------------------------------------------------------


def invitation_exists(*, campaign: Campaign, token: object) -> bool:
    """The link's invitation is still there: not used, the campaign not closed."""
    if not is_token(token):
        return False
    assert isinstance(token, str)
    return Invitation.objects.filter(campaign=campaign, token_digest=token_digest(token)).exists()


def invitation_consume(*, campaign: Campaign, token: object) -> bool:
    """Use the link up: delete its invitation. False when there is none (used, erased, never
    made). The caller runs this in the transaction that stores the response, after the INSERT,
    so that a refused use rolls the response back; one DELETE, which two simultaneous uses
    cannot both win (the second waits for the first's row lock and then finds no row)."""
    if not is_token(token):
        return False
    assert isinstance(token, str)
    deleted, _ = Invitation.objects.filter(
        campaign=campaign, token_digest=token_digest(token)
    ).delete()
    return deleted == 1
