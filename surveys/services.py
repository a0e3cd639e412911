"""Writes of the surveys app: campaigns, one submitted response, and CSV imports.

Every validation error a person may read is a module constant (or a `SurveyInputError` code
with its constant), so the tests assert on the words.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from districts.audit import audit_change
from districts.models import AuditEvent, District, School
from onpoint.method.scoring import ItemSpec, score_response
from onpoint.method.structure import ANSWER_MAX, ANSWER_MIN, ROLES
from surveys import invitations, queueing
from surveys.models import Campaign, Instrument, LinkMode, Response
from surveys.selectors import instrument_current, item_specs

# --- messages a person reads -------------------------------------------------------------------
UNKNOWN_ITEM = "Unknown item code: {code}."
ANSWER_NOT_ALLOWED = (
    "The answer to {code} must be a whole number from 1 to 5, or null for no answer."
)
ANSWERS_NOT_A_MAP = "answers must be an object of item codes to answers."
ROLE_REQUIRED = (
    "A role is required: one of teacher, coach, school_leader, technology, district_staff."
)
UNKNOWN_ROLE = (
    "Unknown role {role!r}: use one of teacher, coach, school_leader, technology, district_staff."
)
UNKNOWN_SCHOOL = "Unknown school {school!r}: it is not a school of this district."
BAD_SUBMISSION_ID = "submission_id must be a UUID."
CAMPAIGN_CLOSED = "This survey is closed: it no longer takes responses."
CAMPAIGN_NOT_OPEN_YET = "This survey is not open yet."
INVITATION_USED = (
    "This personal link has already been used, or it is not a link of this survey: each "
    "personal link answers once."
)
PERSONAL_LINK_REQUIRED = (
    "This survey is answered through the personal link each person received by email."
)

CLOSES_BEFORE_OPENS = "The closing time must be after the opening time."
ALREADY_CLOSED = "This campaign is already closed."
# Method 1.1, section 4, "Release": "Once closed, a campaign's dates cannot change".
CLOSED_DATES_LOCKED = (
    "This campaign is closed and its results are released: its dates cannot change, and it "
    "cannot reopen. Create a new campaign instead."
)
NOT_OPEN_TO_CLOSE = "This campaign has not opened yet: change its dates instead of closing it."
OPENS_AT_LOCKED = "The opening time cannot change once responses have arrived."
REMINDER_OUTSIDE = (
    "The reminder goes while the campaign is open: choose a time after it opens and before it "
    "closes."
)
UNKNOWN_LINK_MODE = "Choose how staff reach the survey: shared, personal or both."

IMPORT_MISSING_COLUMNS = "The header lacks the column(s): {columns}."
IMPORT_UNKNOWN_COLUMNS = "The header has unknown column(s): {columns}."
IMPORT_DUPLICATE_COLUMNS = "The header repeats the column(s): {columns}."
IMPORT_EMPTY_FILE = "The file is empty: it needs a header row (role, school, then item codes)."
IMPORT_ROW_LENGTH = "The row has {found} cells; the header has {expected}."
IMPORT_NOT_UTF8 = "The file is not UTF-8 text (save it as CSV UTF-8)."
IMPORT_NOT_CSV = "The file is not valid CSV: {error}."
IMPORT_BAD_ANSWER = (
    "Column {code}: {cell!r} is not an answer; use a whole number from 1 to 5, or leave the "
    "cell empty for no answer."
)

# How many imported rows go to the database in one INSERT: big enough to be quick, small enough
# that a 100,000-row file never sits in memory as model objects.
IMPORT_BATCH_SIZE = 1000


class SurveyInputError(ValueError):
    """A response that cannot be stored. `code` names the problem, `message` says it in English.

    The survey page shows `code` in the person's language; the API returns `message`.
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params


class CampaignNotOpen(SurveyInputError):
    """The campaign is closed (`code` "closed") or has not opened yet (`code` "not_open_yet")."""


class InvitationUsed(SurveyInputError):
    """A personal link used a second time (or never made): the page says so kindly, the API
    answers 410. Nothing is stored."""

    def __init__(self) -> None:
        super().__init__("invitation_used", INVITATION_USED)


class PersonalLinkRequired(SurveyInputError):
    """A campaign of personal links only, answered without one (the shared link's address)."""

    def __init__(self) -> None:
        super().__init__("personal_link_required", PERSONAL_LINK_REQUIRED)


# --- validation --------------------------------------------------------------------------------


def answers_validate(*, codes: Iterable[str], answers: object) -> dict[str, int | None]:
    """Every item code of the instrument mapped to its answer (1..5) or None for no answer.

    Raises SurveyInputError for a code the instrument lacks, or an answer that is not a whole
    number from 1 to 5 (booleans, floats and strings included). Every answer None ("Don't know /
    not applicable" throughout) is a valid response: it has no score, but it is one of the
    group's responses (method sections 8 and 9), so it is stored like any other.
    """
    known = list(codes)
    if not isinstance(answers, Mapping):
        raise SurveyInputError("answers_not_a_map", ANSWERS_NOT_A_MAP)
    for code in answers:
        if code not in known:
            raise SurveyInputError("unknown_item", UNKNOWN_ITEM.format(code=code), item=code)
    clean: dict[str, int | None] = {}
    for code in known:
        value = answers.get(code)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not ANSWER_MIN <= value <= ANSWER_MAX
        ):
            raise SurveyInputError(
                "answer_not_allowed", ANSWER_NOT_ALLOWED.format(code=code), item=code
            )
        clean[code] = value
    return clean


def role_validate(role: object) -> str:
    if role is None or role == "":
        raise SurveyInputError("role_required", ROLE_REQUIRED)
    if not isinstance(role, str) or role not in ROLES:
        raise SurveyInputError("unknown_role", UNKNOWN_ROLE.format(role=role), role=role)
    return role


def school_by_name(*, district: District, name: object) -> School | None:
    """The district's school of this name (any case); None for no name; SurveyInputError else."""
    if name is None or (isinstance(name, str) and not name.strip()):
        return None
    if not isinstance(name, str):
        raise SurveyInputError("unknown_school", UNKNOWN_SCHOOL.format(school=name), school=name)
    school = School.objects.filter(district=district, name__iexact=name.strip()).first()
    if school is None:
        raise SurveyInputError("unknown_school", UNKNOWN_SCHOOL.format(school=name), school=name)
    return school


def submission_id_parse(value: object) -> uuid.UUID:
    """The page's submission id; a fresh one when the caller sent none (API without retries)."""
    if value is None or value == "":
        return uuid.uuid4()
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise SurveyInputError("bad_submission_id", BAD_SUBMISSION_ID) from error


def response_score_fields(
    *, items: list[ItemSpec], answers: Mapping[str, int | None]
) -> dict[str, Any]:
    """The Response columns computed from the answers: item scores, dimension and category scores.

    Method section 3, by onpoint.method.scoring; stored with the response so that group scores are
    plain database aggregates.
    """
    scores = score_response(answers, items)
    return {
        "answers": {item.code: answers.get(item.code) for item in items},
        "item_scores": scores.item_scores,
        **scores.dimensions,
        **scores.categories,
    }


def campaign_open_check(campaign: Campaign, now: dt.datetime) -> None:
    if campaign.is_closed(now):
        raise CampaignNotOpen("closed", CAMPAIGN_CLOSED)
    if not campaign.is_open(now):
        raise CampaignNotOpen("not_open_yet", CAMPAIGN_NOT_OPEN_YET)


# --- one response ------------------------------------------------------------------------------


def _campaign_mark_dirty(campaign: Campaign) -> None:
    """Responses were imported into a closed campaign: its released scores must be redone.

    An open campaign's answers need nothing: its scores are computed when it closes (method 1.1,
    section 4, "Release"), so a staff meeting's submissions are one INSERT each.
    """
    if not campaign.is_closed():
        return
    Campaign.objects.filter(pk=campaign.pk, scores_dirty=False).update(scores_dirty=True)
    queueing.campaign_scores_request(campaign.pk)


def response_submit(
    *,
    campaign: Campaign,
    answers: object,
    role: object,
    school: School | None,
    submission_id: object,
    now: dt.datetime | None = None,
    invitation: object = None,
) -> tuple[Response, bool]:
    """Validate and store one response; returns (response, created).

    A second call with the same campaign and submission id (a double tap, a retried request,
    the back button) stores nothing and returns the first response with created False.
    Raises SurveyInputError (CampaignNotOpen for a closed or future campaign) and stores nothing.
    Only the date is kept, never the time, the account, the address or the browser.

    `invitation` is a personal link's token: its invitation is deleted in the transaction that
    stores the response (surveys.invitations.invitation_consume), and the response is stored
    exactly as a shared link's, with no reference to it. A token already used raises
    InvitationUsed and stores nothing; a campaign of personal links only refuses an answer
    without one (PersonalLinkRequired).
    """
    now = now or timezone.now()
    campaign_open_check(campaign, now)
    if invitation in (None, "") and campaign.link_mode == LinkMode.PERSONAL:
        raise PersonalLinkRequired()
    clean_role = role_validate(role)
    clean_answers = answers_validate(codes=_codes(campaign.instrument), answers=answers)
    if school is not None and school.district_id != campaign.district_id:
        raise SurveyInputError(
            "unknown_school", UNKNOWN_SCHOOL.format(school=school.name), school=school.name
        )
    submission = submission_id_parse(submission_id)
    fields = response_score_fields(items=item_specs(campaign.instrument), answers=clean_answers)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                campaign=campaign,
                submission_id=submission,
                role=clean_role,
                school=school,
                submitted_on=timezone.localdate(now),
                **fields,
            )
            if invitation not in (None, "") and not invitations.invitation_consume(
                campaign=campaign, token=invitation
            ):
                raise InvitationUsed()
    except IntegrityError:
        # The unique (campaign, submission_id) constraint: this submission is already stored.
        # A concurrent twin waits for the first insert to commit, then lands here too.
        existing = Response.objects.filter(campaign=campaign, submission_id=submission).first()
        if existing is None:
            raise
        return existing, False
    return response, True


def _codes(instrument: Instrument) -> list[str]:
    return [item["code"] for item in instrument.definition.get("items", [])]


# --- campaigns ---------------------------------------------------------------------------------


def campaign_create(
    *,
    district: District,
    name: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    expected_responses: int | None = None,
    exclude_from_benchmarks: bool = False,
    instrument: Instrument | None = None,
    link_mode: str = LinkMode.SHARED,
    reminder_at: dt.datetime | None = None,
    by: User | AnonymousUser | None = None,
) -> Campaign:
    """A new campaign of the district on the current instrument, with a fresh random link token.
    The audit log records who created it (`by`)."""
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": CLOSES_BEFORE_OPENS})
    _campaign_links_check(
        link_mode=link_mode, reminder_at=reminder_at, opens_at=opens_at, closes_at=closes_at
    )
    campaign = Campaign(
        district=district,
        instrument=instrument or instrument_current(),
        name=name.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        expected_responses=expected_responses,
        exclude_from_benchmarks=exclude_from_benchmarks,
        link_mode=link_mode,
        reminder_at=reminder_at,
    )
    with transaction.atomic():
        campaign.full_clean()
        campaign.save()
        queueing.campaign_refresh_request(campaign.pk)
        audit_change(
            action=AuditEvent.Action.CAMPAIGN_CREATED,
            district=district,
            user=by,
            detail=f"campaign {campaign.pk} “{campaign.name}”",
        )
    return campaign


def _campaign_links_check(
    *,
    link_mode: str,
    reminder_at: dt.datetime | None,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
) -> None:
    if link_mode not in LinkMode.values:
        raise ValidationError({"link_mode": UNKNOWN_LINK_MODE})
    if reminder_at is not None and not opens_at < reminder_at < closes_at:
        raise ValidationError({"reminder_at": REMINDER_OUTSIDE})


_UNSET: Any = object()
# The fields whose change the audit log names.
_AUDITED_FIELDS = (
    "name",
    "opens_at",
    "closes_at",
    "expected_responses",
    "exclude_from_benchmarks",
    "link_mode",
    "reminder_at",
)


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    name: str = _UNSET,
    opens_at: dt.datetime = _UNSET,
    closes_at: dt.datetime = _UNSET,
    expected_responses: int | None = _UNSET,
    exclude_from_benchmarks: bool = _UNSET,
    link_mode: str = _UNSET,
    reminder_at: dt.datetime | None = _UNSET,
    by: User | AnonymousUser | None = None,
) -> Campaign:
    """Change what a leader may change. The opening time is fixed once a response has arrived:
    it decides the campaign's stage, and the stage of stored answers must not move.

    The audit log records the change (`by`): "closed" when it closes the campaign, which also
    erases the invited addresses in this transaction (surveys.invitations.invitations_erase).
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    was_closed = campaign.is_closed()
    tracked = {name: getattr(campaign, name) for name in _AUDITED_FIELDS}
    if campaign.is_closed() and (
        (opens_at is not _UNSET and opens_at != campaign.opens_at)
        or (closes_at is not _UNSET and closes_at != campaign.closes_at)
    ):
        raise ValidationError({"closes_at": CLOSED_DATES_LOCKED})
    before = Campaign(
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        exclude_from_benchmarks=campaign.exclude_from_benchmarks,
    )
    if name is not _UNSET:
        campaign.name = name.strip()
    if opens_at is not _UNSET and opens_at != campaign.opens_at:
        if campaign.responses.exists():
            raise ValidationError({"opens_at": OPENS_AT_LOCKED})
        campaign.opens_at = opens_at
    if closes_at is not _UNSET:
        campaign.closes_at = closes_at
    if expected_responses is not _UNSET:
        campaign.expected_responses = expected_responses
    if exclude_from_benchmarks is not _UNSET:
        campaign.exclude_from_benchmarks = exclude_from_benchmarks
    if link_mode is not _UNSET:
        campaign.link_mode = link_mode
    if reminder_at is not _UNSET:
        campaign.reminder_at = reminder_at
    if campaign.closes_at <= campaign.opens_at:
        raise ValidationError({"closes_at": CLOSES_BEFORE_OPENS})
    # A reminder time is checked when it is set, not at every later edit (once sent, it is past).
    new_reminder = reminder_at is not _UNSET and reminder_at != tracked["reminder_at"]
    _campaign_links_check(
        link_mode=campaign.link_mode,
        reminder_at=campaign.reminder_at if new_reminder else None,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
    )
    campaign.full_clean()
    campaign.save()
    changed = [name for name in _AUDITED_FIELDS if getattr(campaign, name) != tracked[name]]
    closing = not was_closed and campaign.is_closed()
    if changed:
        audit_change(
            action=AuditEvent.Action.CAMPAIGN_CLOSED
            if closing
            else AuditEvent.Action.CAMPAIGN_EDITED,
            district=campaign.district,
            user=by,
            detail=f"campaign {campaign.pk} “{campaign.name}”: {', '.join(changed)}",
        )
    if closing:
        invitations.invitations_erase(campaign=campaign, by=by)
    if (before.opens_at, before.closes_at, before.exclude_from_benchmarks) != (
        campaign.opens_at,
        campaign.closes_at,
        campaign.exclude_from_benchmarks,
    ):
        # The stage, the eligibility for benchmarks or the closing changed.
        queueing.campaign_refresh_request(campaign.pk)
    return campaign


def campaign_close(
    *,
    campaign: Campaign,
    now: dt.datetime | None = None,
    by: User | AnonymousUser | None = None,
) -> Campaign:
    """Close an open campaign now: later submissions get "closed", the invited addresses are
    erased."""
    now = now or timezone.now()
    if campaign.is_closed(now):
        raise ValidationError(ALREADY_CLOSED)
    if not campaign.is_open(now):
        raise ValidationError(NOT_OPEN_TO_CLOSE)
    return campaign_update(campaign=campaign, closes_at=now, by=by)


# --- CSV import --------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did: `created` rows stored, or `errors` (line, message) and nothing stored."""

    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFailed(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.errors)} bad row(s)")
        self.report = report


def _imported_on(campaign: Campaign, today: dt.date) -> dt.date:
    """The date stored on imported rows: today, kept inside the campaign's window, since the
    file carries no dates and a response dated after its campaign closed would read as a lie.
    """
    first = campaign.opens_on
    last = timezone.localdate(campaign.closes_at - dt.timedelta(microseconds=1))
    return min(max(today, first), last)


def _header_check(header: list[str], codes: list[str]) -> list[str]:
    problems = []
    names = [name.strip() for name in header]
    required = ["role", "school", *codes]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        problems.append(IMPORT_DUPLICATE_COLUMNS.format(columns=", ".join(duplicates)))
    missing = [name for name in required if name not in names]
    if missing:
        problems.append(IMPORT_MISSING_COLUMNS.format(columns=", ".join(missing)))
    unknown = [name for name in names if name not in required]
    if unknown:
        problems.append(IMPORT_UNKNOWN_COLUMNS.format(columns=", ".join(unknown)))
    return problems


# The answers a cell may hold: one ASCII digit 1..5, optionally with zero decimals ("4.0"),
# which is how spreadsheets and data frames write a whole-number column that has empty
# cells. Not "²" or "٣" (Unicode digits), "3.5", "+3" or "1e0".
_ANSWER_CELLS = {str(value): value for value in range(ANSWER_MIN, ANSWER_MAX + 1)}
_ZERO_DECIMALS = re.compile(r"\.0+\Z")


def _cell_answer(code: str, cell: str) -> int | None:
    text = cell.strip()
    if not text:
        return None
    answer = _ANSWER_CELLS.get(_ZERO_DECIMALS.sub("", text, count=1))
    if answer is None:
        raise SurveyInputError(
            "answer_not_allowed", IMPORT_BAD_ANSWER.format(code=code, cell=text[:20]), item=code
        )
    return answer


def _import_rows(
    lines: Iterable[str], *, campaign: Campaign, today: dt.date
) -> Iterator[tuple[int, Response | None, list[str]]]:
    """(line number, unsaved Response or None, problems) for each data row; header problems
    come as line 1 and end the file.
    """
    codes = _codes(campaign.instrument)
    items = item_specs(campaign.instrument)
    schools = {school.name.casefold(): school for school in campaign.district.schools.all()}
    submitted_on = _imported_on(campaign, today)
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
    except csv.Error as error:
        yield 1, None, [IMPORT_NOT_CSV.format(error=error)]
        return
    if not header or not any(cell.strip() for cell in header):
        yield 1, None, [IMPORT_EMPTY_FILE]
        return
    problems = _header_check(header, codes)
    if problems:
        yield 1, None, problems
        return
    columns = [name.strip() for name in header]
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield reader.line_num, None, [IMPORT_NOT_CSV.format(error=error)]
            return
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # a blank line, as spreadsheets leave at the end
        if len(row) != len(columns):
            yield line, None, [IMPORT_ROW_LENGTH.format(found=len(row), expected=len(columns))]
            continue
        cells = dict(zip(columns, row, strict=True))
        row_problems: list[str] = []
        role = cells["role"].strip().lower()
        try:
            role_validate(role)
        except SurveyInputError as error:
            row_problems.append(error.message)
        school_name = cells["school"].strip()
        school = schools.get(school_name.casefold()) if school_name else None
        if school_name and school is None:
            row_problems.append(UNKNOWN_SCHOOL.format(school=school_name))
        answers: dict[str, int | None] = {}
        for code in codes:
            try:
                answers[code] = _cell_answer(code, cells[code])
            except SurveyInputError as error:
                row_problems.append(error.message)
        if row_problems:
            yield line, None, row_problems
            continue
        yield (
            line,
            Response(
                campaign=campaign,
                submission_id=uuid.uuid4(),
                role=role,
                school=school,
                submitted_on=submitted_on,
                **response_score_fields(items=items, answers=answers),
            ),
            [],
        )


def responses_import(*, campaign: Campaign, lines: Iterable[str]) -> ImportReport:
    """Import CSV rows (role, school, then one column per item code) into the campaign.

    All or nothing: the rows go in by batches inside one transaction, and any bad row rolls
    everything back; the report then names every bad row by its line number in the file.
    `lines` is read once, as a stream: a file of 100,000 rows is never held in memory.
    Works for an open or a closed campaign (historical data).
    """
    report = ImportReport()
    batch: list[Response] = []
    source = _Lines(lines)
    try:
        with transaction.atomic():
            for line, response, problems in _import_rows(
                source, campaign=campaign, today=timezone.localdate()
            ):
                if problems:
                    report.errors.append((line, " ".join(problems)))
                    batch.clear()
                    continue
                if report.errors or response is None:
                    continue  # nothing will be stored: keep reading only to name every bad row
                batch.append(response)
                if len(batch) >= IMPORT_BATCH_SIZE:
                    Response.objects.bulk_create(batch)
                    report.created += len(batch)
                    batch.clear()
            if report.errors:
                raise ImportFailed(report)
            if batch:
                Response.objects.bulk_create(batch)
                report.created += len(batch)
            if report.created:
                _campaign_mark_dirty(campaign)
    except ImportFailed:
        report.created = 0
    except UnicodeDecodeError:
        report.created = 0
        report.errors.append((source.read + 1, IMPORT_NOT_UTF8))
    return report


class _Lines:
    """The file's lines, counted as they are read, without a leading byte-order mark."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.read = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.read += 1
        # Spreadsheets save "CSV UTF-8" with a byte-order mark before the header.
        return line.removeprefix("\ufeff") if self.read == 1 else line
