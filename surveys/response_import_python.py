"""CSV import of responses in Python: every row parsed, checked and scored here, streamed in
batches, all or nothing.

The path for SQLite, and for the files PostgreSQL's COPY cannot read as Python's csv module
does (surveys/response_copy.py says which). The COPY path gives the same rows and the same
report; tests/surveys/test_import_paths.py holds the two side by side.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils import timezone

from surveys.models import Campaign, Response
from surveys.response_import_rows import (
    IMPORT_EMPTY_FILE,
    IMPORT_NOT_CSV,
    IMPORT_NOT_UTF8,
    IMPORT_ROW_LENGTH,
    ImportReport,
    header_check,
    import_row,
    imported_on,
    row_is_blank,
    schools_by_key,
)
from surveys.response_row import response_score_fields
from surveys.selectors import item_specs
from surveys.services import campaign_mark_dirty, instrument_item_codes

# How many imported rows go to the database in one INSERT: big enough to be quick, small enough
# that a 100,000-row file never sits in memory as model objects.
IMPORT_BATCH_SIZE = 1000


class ImportFailed(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.errors)} bad row(s)")
        self.report = report


def _import_rows(
    lines: Iterable[str], *, campaign: Campaign, today: dt.date
) -> Iterator[tuple[int, Response | None, list[str]]]:
    """(line number, unsaved Response or None, problems) for each data row; header problems
    come as line 1 and end the file.
    """
    codes = instrument_item_codes(campaign.instrument)
    items = item_specs(campaign.instrument)
    schools = schools_by_key(campaign)
    submitted_on = imported_on(campaign, today)
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
    except csv.Error as error:
        yield 1, None, [IMPORT_NOT_CSV.format(error=error)]
        return
    if not header or row_is_blank(header):
        yield 1, None, [IMPORT_EMPTY_FILE]
        return
    problems = header_check(header, codes)
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
        if row_is_blank(row):
            continue  # a blank line, as spreadsheets leave at the end
        if len(row) != len(columns):
            yield line, None, [IMPORT_ROW_LENGTH.format(found=len(row), expected=len(columns))]
            continue
        role, school, answers, row_problems = import_row(
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


def responses_import_python(*, campaign: Campaign, lines: Iterable[str]) -> ImportReport:
    """Import CSV rows (role, school, then one column per item code) into the campaign.

    All or nothing: the rows go in by batches inside one transaction, and any bad row rolls
    everything back; the report then names every bad row by its line number in the file.
    `lines` is read once, as a stream: a file of 100,000 rows is never held in memory.
    """
    report = ImportReport()
    batch: list[Response] = []
    source = FileLines(lines)
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


class FileLines:
    """The file's lines, counted as they are read, without a leading byte-order mark."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.read = 0

    def __iter__(self) -> FileLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.read += 1
        # Spreadsheets save "CSV UTF-8" with a byte-order mark before the header.
        return line.removeprefix("\ufeff") if self.read == 1 else line
