"""CSV import of responses: all or nothing, streamed in batches.

Every validation error a person may read is a module constant, so the tests assert on the words.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from districts.models import School
from onpoint.method.structure import ANSWER_MAX, ANSWER_MIN
from surveys.models import Campaign, Response
from surveys.response_row import response_score_fields
from surveys.selectors import item_specs
from surveys.services import (
    UNKNOWN_SCHOOL,
    SurveyInputError,
    campaign_mark_dirty,
    instrument_item_codes,
    role_validate,
)

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
    codes = instrument_item_codes(campaign.instrument)
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
                campaign_mark_dirty(campaign)
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
