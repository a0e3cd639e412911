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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from districts.models import District, School
from onpoint.method.structure import ANSWER_MAX, ANSWER_MIN, ROLES
from surveys import queueing
from surveys.comments import comments_create
from surveys.models import Campaign, Instrument, Response
from surveys.response_insert import response_insert_once
from surveys.response_row import response_score_fields
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

CLOSES_BEFORE_OPENS = "The closing time must be after the opening time."
ALREADY_CLOSED = "This campaign is already closed."
# Method 1.1, section 4, "Release": "Once closed, a campaign's dates cannot change".
CLOSED_DATES_LOCKED = (
    "This campaign is closed and its results are released: its dates cannot change, and it "
    "cannot reopen. Create a new campaign instead."
)
NOT_OPEN_TO_CLOSE = "This campaign has not opened yet: change its dates instead of closing it."
OPENS_AT_LOCKED = "The opening time cannot change once responses have arrived."

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
    comments: Mapping[str, str] | None = None,
) -> tuple[Response, bool]:
    """Validate and store one response; returns (response, created).

    `comments`, the answers to the open questions (surveys.comments), are stored with it as
    comments that keep no link to it, or not at all when the submission was already stored.

    A second call with the same campaign and submission id (a double tap, a retried request,
    the back button) stores nothing and returns the first response with created False.
    Raises SurveyInputError (CampaignNotOpen for a closed or future campaign) and stores nothing.
    Only the date is kept, never the time, the account, the address or the browser.
    """
    now = now or timezone.now()
    campaign_open_check(campaign, now)
    clean_role = role_validate(role)
    clean_answers = answers_validate(codes=_codes(campaign.instrument), answers=answers)
    if school is not None and school.district_id != campaign.district_id:
        raise SurveyInputError(
            "unknown_school", UNKNOWN_SCHOOL.format(school=school.name), school=school.name
        )
    submission = submission_id_parse(submission_id)
    fields = response_score_fields(items=item_specs(campaign.instrument), answers=clean_answers)
    response = Response(
        campaign=campaign,
        submission_id=submission,
        role=clean_role,
        school=school,
        submitted_on=timezone.localdate(now),
        **fields,
    )
    if comments:
        # The comments go in the response's transaction, so a retried submission stores them once.
        with transaction.atomic():
            created = response_insert_once(response)
            if created:
                comments_create(campaign=campaign, comments=comments)
    else:
        # One statement: the unique (campaign, submission_id) constraint is the replay guard.
        created = response_insert_once(response)
    if created:
        return response, True
    # A concurrent twin waits for the first insert to commit, then finds nothing to insert too.
    return Response.objects.get(campaign=campaign, submission_id=submission), False


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
    asks_comments: bool = True,
) -> Campaign:
    """A new campaign of the district on the current instrument, with a fresh random link token."""
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": CLOSES_BEFORE_OPENS})
    campaign = Campaign(
        district=district,
        instrument=instrument or instrument_current(),
        name=name.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        expected_responses=expected_responses,
        exclude_from_benchmarks=exclude_from_benchmarks,
        asks_comments=asks_comments,
    )
    with transaction.atomic():
        campaign.full_clean()
        campaign.save()
        queueing.campaign_refresh_request(campaign.pk)
    return campaign


_UNSET: Any = object()


def _campaign_dates_set(campaign: Campaign, *, opens_at: Any, closes_at: Any) -> None:
    """Set the dates given (not _UNSET) on the locked campaign: never once it has closed, and the
    opening time not once a response has arrived."""
    if campaign.is_closed() and (
        (opens_at is not _UNSET and opens_at != campaign.opens_at)
        or (closes_at is not _UNSET and closes_at != campaign.closes_at)
    ):
        raise ValidationError({"closes_at": CLOSED_DATES_LOCKED})
    if opens_at is not _UNSET and opens_at != campaign.opens_at:
        if campaign.responses.exists():
            raise ValidationError({"opens_at": OPENS_AT_LOCKED})
        campaign.opens_at = opens_at
    if closes_at is not _UNSET:
        campaign.closes_at = closes_at


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    name: str = _UNSET,
    opens_at: dt.datetime = _UNSET,
    closes_at: dt.datetime = _UNSET,
    expected_responses: int | None = _UNSET,
    exclude_from_benchmarks: bool = _UNSET,
    asks_comments: bool = _UNSET,
) -> Campaign:
    """Change what a leader may change. The opening time is fixed once a response has arrived:
    it decides the campaign's stage, and the stage of stored answers must not move.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = Campaign(
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        exclude_from_benchmarks=campaign.exclude_from_benchmarks,
    )
    if name is not _UNSET:
        campaign.name = name.strip()
    _campaign_dates_set(campaign, opens_at=opens_at, closes_at=closes_at)
    if expected_responses is not _UNSET:
        campaign.expected_responses = expected_responses
    if exclude_from_benchmarks is not _UNSET:
        campaign.exclude_from_benchmarks = exclude_from_benchmarks
    if asks_comments is not _UNSET and not campaign.is_closed():
        # Once closed, the survey asked what it asked.
        campaign.asks_comments = asks_comments
    if campaign.closes_at <= campaign.opens_at:
        raise ValidationError({"closes_at": CLOSES_BEFORE_OPENS})
    campaign.full_clean()
    campaign.save()
    if (before.opens_at, before.closes_at, before.exclude_from_benchmarks) != (
        campaign.opens_at,
        campaign.closes_at,
        campaign.exclude_from_benchmarks,
    ):
        # The stage, the eligibility for benchmarks or the closing changed.
        queueing.campaign_refresh_request(campaign.pk)
    return campaign


def campaign_close(*, campaign: Campaign, now: dt.datetime | None = None) -> Campaign:
    """Close an open campaign now: later submissions get "closed"."""
    now = now or timezone.now()
    if campaign.is_closed(now):
        raise ValidationError(ALREADY_CLOSED)
    if not campaign.is_open(now):
        raise ValidationError(NOT_OPEN_TO_CLOSE)
    return campaign_update(campaign=campaign, closes_at=now)


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


def _import_row(
    cells: dict[str, str], *, codes: list[str], schools: dict[str, School]
) -> tuple[str, School | None, dict[str, int | None], list[str]]:
    """One data row's role, school and answers, and every problem of the row."""
    problems: list[str] = []
    role = cells["role"].strip().lower()
    try:
        role_validate(role)
    except SurveyInputError as error:
        problems.append(error.message)
    school_name = cells["school"].strip()
    school = schools.get(school_name.casefold()) if school_name else None
    if school_name and school is None:
        problems.append(UNKNOWN_SCHOOL.format(school=school_name))
    answers: dict[str, int | None] = {}
    for code in codes:
        try:
            answers[code] = _cell_answer(code, cells[code])
        except SurveyInputError as error:
            problems.append(error.message)
    return role, school, answers, problems


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
        role, school, answers, row_problems = _import_row(
            dict(zip(columns, row, strict=True)), codes=codes, schools=schools
        )
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
