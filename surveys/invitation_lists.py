"""A list of addresses to invite (issue 15), pasted, uploaded or posted to the API: parsed into
entries, then validated all at once, so that nothing is stored or sent until the whole list is
good and every bad address and unknown school is named.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import parseaddr

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from districts.models import School
from surveys.models import Campaign

# A list longer than this is split by the leader: a district's whole staff fits many times.
INVITE_LIMIT = 5000
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


class InvitationError(ValueError):
    """An invitation request that cannot be done; `message` says why, for the person.
    `problems` lists every problem of a refused list (each a message)."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems) or [message]


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


def _valid_address(written: str) -> str | None:
    """The address in lower case (mail systems treat addresses so in practice), or None."""
    email = written.strip().lower()
    if len(email) > 254:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


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
        email = _valid_address(entry.email)
        if email is None:
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
