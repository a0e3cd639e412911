"""Personal survey links by email (issue 15): a leader invites a list of addresses, each gets a
single-use link, reminders go to the links not used yet, and every address is erased when the
campaign closes.

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

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from districts import queueing
from districts.audit import audit_change
from districts.models import AuditEvent, School
from districts.tokens import is_token, link_token, new_nonce, token_digest
from surveys.mail import invitation_message
from surveys.models import (
    Campaign,
    Delivery,
    Invitation,
    InvitationTally,
    InvitedAddress,
    LinkMode,
)

logger = logging.getLogger(__name__)

SEND_INVITATIONS_TASK = "surveys.tasks.send_invitations"
TOKEN_PURPOSE = "surveys.invitation"  # noqa: S105 - an HMAC salt, not a secret
ADDRESS_PURPOSE = "surveys.invited-address"
# The query parameter of a personal link: the access log keeps paths only (gunicorn.conf.py),
# so a personal link's request line is the shared link's, `GET /s/<campaign link>/`.
LINK_PARAMETER = "i"

# A list longer than this is split by the leader: a district's whole staff fits many times.
INVITE_LIMIT = 5000
# A manual reminder waits this long after the last one: staff are not to be flooded.
REMINDER_INTERVAL = dt.timedelta(hours=1)
# Bad addresses are named in the message up to this many, then counted.
NAMED_IN_MESSAGE = 20

# --- messages a person reads -------------------------------------------------------------------
INVITE_EMPTY = "Paste or upload at least one email address."
INVITE_TOO_MANY = "At most {limit} addresses at a time: split the list."
INVITE_BAD_ADDRESSES = "Nothing was sent: these are not email addresses: {addresses}."
INVITE_UNKNOWN_SCHOOLS = (
    "Nothing was sent: these are not schools of this district: {schools}. "
    "Use a school's name as the survey lists it, or leave the school out."
)
INVITE_BAD_ENTRY = (
    "Nothing was sent: each entry must be an address, or an object with an email and an "
    "optional school (entry {number})."
)
INVITE_NOT_UTF8 = "The file is not UTF-8 text: save it as CSV UTF-8 or as plain text."
INVITE_CLOSED = "This campaign is closed: it sends no more invitations or reminders."
INVITE_SHARED_ONLY = (
    "This campaign takes answers through its shared link only. Choose personal links (or "
    "both) in its settings to invite staff by email."
)
REMIND_NONE = "No one to remind: every invitation sent so far has been used."
REMIND_TOO_SOON = (
    "A reminder went out at {time}. The next one can go an hour later, so that staff are not "
    "flooded."
)
RETRY_NONE = "No mail is waiting to be sent again."
INVITATION_NOT_FAILED = "Only an address whose mail was not delivered can be removed."

# Log lines: counts and the campaign's id only, never an address, a token or a school.
SENT_LOG = "campaign %s: %s invitation mail(s) sent, %s not delivered (reminder round %s)"
ERASED_LOG = "campaign %s closed: %s invited address(es) erased"


class InvitationError(ValueError):
    """An invitation request that cannot be done; `message` says why, for the person.
    `problems` lists every problem of a refused list (each a message)."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems) or [message]


Person = User | AnonymousUser | None


# --- the list of addresses ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One address as pasted, uploaded or posted, with the school name it came with."""

    email: str
    school: str | None = None


@dataclass(frozen=True)
class Invitee:
    email: str
    school: School | None


HEADER_WORDS = {"email", "e-mail", "email address", "address", "mail"}


def _address(cell: str) -> str:
    """ "Jane Doe <jane@school.org>" (as copied from a mail program) gives the address."""
    if "<" in cell:
        cell = parseaddr(cell)[1] or cell
    return cell.strip().strip("<>").lower()


def entries_from_text(text: str) -> list[Entry]:
    """The entries of a pasted list or an uploaded file: one per line, "address" or
    "address, school" (comma, semicolon or tab); a line of several addresses gives each; a
    first line that names its columns is a header; blank lines and lines from # are skipped."""
    entries: list[Entry] = []
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines()):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in _split(line) if cell.strip()]
        if number == 0 and cells and cells[0].lower() in HEADER_WORDS:
            continue
        if all("@" in cell for cell in cells):
            entries.extend(Entry(email=_address(cell)) for cell in cells)
        elif len(cells) == 2 and "@" in cells[0]:
            entries.append(Entry(email=_address(cells[0]), school=cells[1]))
        else:
            entries.append(Entry(email=line))  # refused below, named as it was written
    return entries


def _split(line: str) -> list[str]:
    for separator in ("\t", ";", ","):
        if separator in line:
            return line.split(separator)
    return line.split()


def entries_from_json(value: object) -> list[Entry]:
    """The API's body: `{"emails": [...]}` or the list itself, each item an address or
    `{"email": ..., "school": ...}`. InvitationError for any other shape."""
    items = value.get("emails") if isinstance(value, dict) else value
    if not isinstance(items, list):
        raise InvitationError(INVITE_EMPTY)
    entries = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, str):
            entries.append(Entry(email=_address(item)))
            continue
        email = item.get("email") if isinstance(item, dict) else None
        school = item.get("school") if isinstance(item, dict) else None
        if not isinstance(email, str) or not (school is None or isinstance(school, str)):
            message = INVITE_BAD_ENTRY.format(number=number)
            raise InvitationError(message)
        entries.append(Entry(email=_address(email), school=school or None))
    return entries


def _named(values: Iterable[str]) -> str:
    listed = list(dict.fromkeys(values))
    shown = ", ".join(listed[:NAMED_IN_MESSAGE])
    more = len(listed) - NAMED_IN_MESSAGE
    return f"{shown} and {more} more" if more > 0 else shown


def invitees_validate(*, campaign: Campaign, entries: Sequence[Entry]) -> list[Invitee]:
    """Every entry checked before anything is stored or sent: InvitationError naming every bad
    address and every unknown school. An address listed twice counts once."""
    if not entries:
        raise InvitationError(INVITE_EMPTY)
    if len(entries) > INVITE_LIMIT:
        raise InvitationError(INVITE_TOO_MANY.format(limit=INVITE_LIMIT))
    schools = {school.name.casefold(): school for school in campaign.district.schools.all()}
    bad_addresses: list[str] = []
    unknown_schools: list[str] = []
    invitees: dict[str, Invitee] = {}
    for entry in entries:
        # Addresses compare in lower case: mail systems treat them so in practice.
        email = entry.email.strip().lower()
        try:
            if len(email) > 254:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            bad_addresses.append(entry.email[:80])
            continue
        school = None
        if entry.school and entry.school.strip():
            school = schools.get(entry.school.strip().casefold())
            if school is None:
                unknown_schools.append(entry.school.strip()[:80])
                continue
        invitees.setdefault(email, Invitee(email=email, school=school))
    problems = []
    if bad_addresses:
        problems.append(INVITE_BAD_ADDRESSES.format(addresses=_named(bad_addresses)))
    if unknown_schools:
        problems.append(INVITE_UNKNOWN_SCHOOLS.format(schools=_named(unknown_schools)))
    if problems:
        raise InvitationError(" ".join(problems), problems)
    return list(invitees.values())


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
    if campaign.is_closed(now):
        raise InvitationError(INVITE_CLOSED)
    if not campaign.takes_personal_links:
        raise InvitationError(INVITE_SHARED_ONLY)
    invitees = invitees_validate(campaign=campaign, entries=entries)
    repeated = len(entries) - len(invitees)
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
        if locked.is_closed(now):
            raise InvitationError(INVITE_CLOSED)
        if not locked.takes_personal_links:
            raise InvitationError(INVITE_SHARED_ONLY)
        known: set[str] = set()
        for chunk in _chunks(list(digests.values())):
            known.update(
                InvitedAddress.objects.filter(campaign=campaign, digest__in=chunk).values_list(
                    "digest", flat=True
                )
            )
        new = [invitee for invitee in invitees if digests[invitee.email] not in known]
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
                    link_base=(settings.PUBLIC_URL or link_base)[:200],
                )
            )
        Invitation.objects.bulk_create(rows, batch_size=500)
        per_school: dict[School | None, int] = {}
        for invitee in new:
            per_school[invitee.school] = per_school.get(invitee.school, 0) + 1
        for school, count in per_school.items():
            tally, _ = InvitationTally.objects.get_or_create(campaign=campaign, school=school)
            InvitationTally.objects.filter(pk=tally.pk).update(invited=F("invited") + count)
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
        invited=len(new), already_invited=len(invitees) - len(new), repeated=repeated
    )


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


# --- mailing (the worker) ----------------------------------------------------------------------


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
    connection = mailers.default
    connected = False
    for pk, email, nonce, link_base in rows:
        claim = Invitation.objects.filter(pk=pk)
        if reminder_round:
            claimed = claim.filter(delivery=Delivery.SENT, reminded__lt=reminder_round).update(
                reminded=reminder_round
            )
        else:
            claimed = claim.filter(delivery=Delivery.PENDING).update(delivery=Delivery.SENT)
        if not claimed:
            skipped += 1
        else:
            message = invitation_message(
                campaign=campaign,
                email=email,
                link=personal_link(campaign=campaign, link_base=link_base, nonce=nonce),
                reminder=bool(reminder_round),
            )
            try:
                if not connected:
                    connection.open()
                    connected = True
                connection.send_messages([message])
            except Exception as error:
                failed += 1
                Invitation.objects.filter(pk=pk).update(
                    delivery=Delivery.FAILED,
                    failures=F("failures") + 1,
                    error=_failure_words(error),
                )
                # A refused recipient can leave the SMTP session mid-transaction: start afresh.
                _close_quietly(connection)
                connected = False
            else:
                sent += 1
        if progress is not None:
            progress(1)
    if connected:
        _close_quietly(connection)
    logger.info(SENT_LOG, campaign_id, sent, failed, reminder_round)
    return SendOutcome(sent=sent, failed=failed, skipped=skipped)


def _close_quietly(connection: object) -> None:
    # A connection already broken has nothing left to close.
    with contextlib.suppress(Exception):
        connection.close()  # type: ignore[attr-defined]


# --- reminders, retries, removal ---------------------------------------------------------------


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


# --- closing -----------------------------------------------------------------------------------


def _leftovers(campaign_id: OuterRef) -> Q:
    return Q(
        Exists(Invitation.objects.filter(campaign=campaign_id))
        | Exists(InvitedAddress.objects.filter(campaign=campaign_id))
        | Exists(InvitationTally.objects.filter(campaign=campaign_id, answered__isnull=True))
    )


def invitations_erase(*, campaign: Campaign, by: Person = None) -> int:
    """At close: keep the counts, delete every address. Returns how many invitations (links not
    used) were deleted; 0, and nothing written, for a campaign with nothing left to erase.

    The tallies are all rewritten here, in one transaction, so that none keeps a trace of a
    moment of the campaign (on PostgreSQL a row's xmin names the transaction that last wrote
    it). Runs inside the caller's transaction when there is one (a campaign closed by a person).
    """
    with transaction.atomic():
        tallies = list(InvitationTally.objects.select_for_update().filter(campaign=campaign))
        left: dict[int | None, int] = dict(
            Invitation.objects.filter(campaign=campaign)
            .values_list("school_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("school_id", "n")
        )
        addresses = InvitedAddress.objects.filter(campaign=campaign)
        if all(t.answered is not None for t in tallies) and not left and not addresses.exists():
            return 0
        for tally in tallies:
            if tally.answered is None:
                tally.answered = max(0, tally.invited - left.get(tally.school_id, 0))
            tally.save(update_fields=["invited", "answered"])
        erased, _ = Invitation.objects.filter(campaign=campaign).delete()
        addresses.delete()
        invited = sum(t.invited for t in tallies)
        answered = sum(t.answered or 0 for t in tallies)
        audit_change(
            action=AuditEvent.Action.INVITATIONS_ERASED,
            district=campaign.district,
            user=by,
            detail=(
                f"campaign {campaign.pk} “{campaign.name}” closed: every invited address erased; "
                f"{answered} of {invited} answered through their personal link"
            ),
        )
    logger.info(ERASED_LOG, campaign.pk, invited)
    return erased


@dataclass(frozen=True)
class SweepOutcome:
    erased_campaign_ids: list[int] = field(default_factory=list)
    reminded_campaign_ids: list[int] = field(default_factory=list)


def invitations_sweep(*, now: dt.datetime | None = None) -> SweepOutcome:
    """Every minute (beat, or the embedded beat): erase the addresses of campaigns that closed by
    their date, and start the scheduled reminders that are due."""
    now = now or timezone.now()
    outcome = SweepOutcome()
    closed = Campaign.objects.filter(closes_at__lte=now).filter(_leftovers(OuterRef("pk")))
    for campaign in closed.select_related("district").order_by("pk"):
        invitations_erase(campaign=campaign)
        outcome.erased_campaign_ids.append(campaign.pk)
    due = (
        Campaign.objects.filter(reminder_at__lte=now, opens_at__lte=now, closes_at__gt=now)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("reminder_at")))
        .select_related("district")
        .order_by("pk")
    )
    for campaign in due:
        try:
            _, addresses = reminders_request(campaign=campaign, by=None, now=now, scheduled=True)
        except InvitationError:
            continue  # closed meanwhile: no reminder after the close
        if addresses:
            outcome.reminded_campaign_ids.append(campaign.pk)
    return outcome


# --- reading -----------------------------------------------------------------------------------


def _rate(answered: int, invited: int) -> float | None:
    return answered / invited if invited else None


@dataclass(frozen=True)
class SchoolInvitations:
    """One school's invited and answered counts; `school` None: invitations naming no school."""

    school: str | None
    invited: int
    answered: int

    @property
    def response_rate(self) -> float | None:
        return _rate(self.answered, self.invited)


@dataclass(frozen=True)
class FailedInvitation:
    id: int
    email: str
    school: str | None
    failures: int
    error: str


@dataclass(frozen=True)
class InvitationSummary:
    """What the invitations page and `GET /api/v1/campaigns/{id}/invitations/` show.

    Counts only, overall and by school, plus, while the campaign is open, the delivery of the
    mails and the addresses whose mail was not delivered (for the leader to fix). After close,
    no address at all (`erased`), even before the sweep has deleted them.
    """

    link_mode: str
    erased: bool
    invited: int
    answered: int
    by_school: list[SchoolInvitations]
    delivery: dict[str, int]
    failed: list[FailedInvitation]
    reminder_at: dt.datetime | None
    reminder_rounds: int
    reminded_at: dt.datetime | None

    @property
    def response_rate(self) -> float | None:
        return _rate(self.answered, self.invited)

    @property
    def unanswered(self) -> int:
        return self.invited - self.answered


def invitation_summary(*, campaign: Campaign, now: dt.datetime | None = None) -> InvitationSummary:
    """Three queries while the campaign is open (its tallies with their schools, the invitations
    left counted by school and delivery, the undelivered ones); one once its counts are final.
    """
    closed = campaign.is_closed(now)
    tallies = list(
        InvitationTally.objects.filter(campaign=campaign).select_related("school").order_by("pk")
    )
    final = bool(tallies) and all(t.answered is not None for t in tallies)
    left: dict[int | None, int] = {}
    delivery = dict.fromkeys(Delivery.values, 0)
    failed: list[FailedInvitation] = []
    if tallies and not final:
        for school_id, state, n in (
            Invitation.objects.filter(campaign=campaign)
            .values_list("school_id", "delivery")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("school_id", "delivery", "n")
        ):
            left[school_id] = left.get(school_id, 0) + n
            delivery[state] += n
        if not closed and delivery[Delivery.FAILED]:
            failed = [
                FailedInvitation(
                    id=row.pk,
                    email=row.email,
                    school=row.school.name if row.school else None,
                    failures=row.failures,
                    error=row.error,
                )
                for row in Invitation.objects.filter(campaign=campaign, delivery=Delivery.FAILED)
                .select_related("school")
                .order_by("email")
            ]
    by_school = sorted(
        (
            SchoolInvitations(
                school=t.school.name if t.school else None,
                invited=t.invited,
                answered=t.answered
                if t.answered is not None
                else max(0, t.invited - left.get(t.school_id, 0)),
            )
            for t in tallies
            if t.invited
        ),
        key=lambda s: (s.school is None, (s.school or "").casefold()),
    )
    return InvitationSummary(
        link_mode=campaign.link_mode,
        erased=closed,
        invited=sum(s.invited for s in by_school),
        answered=sum(s.answered for s in by_school),
        by_school=by_school,
        delivery={} if closed else delivery,
        failed=failed,
        reminder_at=campaign.reminder_at,
        reminder_rounds=campaign.reminder_rounds,
        reminded_at=campaign.reminded_at,
    )


def link_mode_label(mode: str) -> str:
    return LinkMode(mode).label
