"""CSV import on PostgreSQL: COPY into a staging table, one query to check, one INSERT to store.

1. The file's lines are kept on disk as read (surveys/response_spool.py), the header is checked
   in Python, and the data lines go by COPY (FORMAT csv) into a temporary table of text
   columns, numbered in file order.
2. The distinct (role, school) cells, a few dozen, are read by the Python rules themselves
   (surveys/response_import_rows.py), so their words and their Unicode case rules are Python's.
3. One query returns every bad row, in file order; Python words its problems with the same
   functions as the Python path, so the report is the same, line for line and word for word.
4. When no row is bad, one INSERT ... SELECT reads the answers, scores them on the grid in SQL
   (surveys/response_copy_sql.py) and stores the rows. Any bad row stores nothing.

COPY cannot take every file csv.reader reads, nor read every file as it does. Those files go
to the Python path (surveys/response_import_python.py), from the same lines on disk:
- any file, for an instrument with more than MOST_ITEMS_LOOKED_UP items in a dimension;
- a file that is not UTF-8 (the Python path names the line where the stream broke);
- a header that is not good (the Python path names its problems, as line 1);
- a row whose cell count is not the header's (COPY refuses it; Python names it);
- a field quoted across lines, a quote inside an unquoted field, a lone carriage return, a
  NUL, mixed line endings, a line holding only \\., a field over csv's size limit: where
  COPY would read other cells than csv.reader, or other line numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from django.db import DataError, connection, transaction
from django.utils import timezone

from onpoint.method.grid import grid_check
from onpoint.method.scoring import ItemSpec
from onpoint.method.structure import CATEGORY_KEYS, DIMENSIONS
from surveys.models import Campaign, Response
from surveys.response_copy_sql import (
    answers_bytes_sql,
    bad_answer_sql,
    blank_row_sql,
    category_sql,
    checked_answer_sql,
    dimension_sql,
    dimensions_looked_up,
)
from surveys.response_import_python import FileLines, responses_import_python
from surveys.response_import_rows import (
    ImportReport,
    cell_role,
    cell_school,
    header_check,
    import_row,
    imported_on,
    row_is_blank,
    schools_by_key,
)
from surveys.response_spool import LineSpool
from surveys.selectors import item_specs
from surveys.services import campaign_mark_dirty, instrument_item_codes

STAGE = "response_import_stage"
# The (role cell, school cell) pairs of the file, as Python read them.
_PEOPLE = (
    "unnest(%s::text[], %s::text[], %s::text[], %s::bigint[], %s::bool[]) "
    "AS p (role_cell, school_cell, role, school_id, ok)"
)


def responses_import_copy(*, campaign: Campaign, lines: Iterable[str]) -> ImportReport:
    """responses_import on PostgreSQL: by COPY when the file allows it, else in Python."""
    with LineSpool() as spool:
        spool.fill(lines)
        report = None
        if spool.plain and spool.decode_error is None:
            report = _staged_import(campaign, spool)
        if report is None:
            report = responses_import_python(campaign=campaign, lines=spool.replay())
    return report


class _Stage:
    """The staging table's columns: f1, f2, ... for the header's columns, in file order."""

    def __init__(self, header: Sequence[str]) -> None:
        self.header = list(header)
        self.columns = [f"f{index}" for index in range(1, len(header) + 1)]
        self.of = dict(zip(self.header, self.columns, strict=True))

    def create_sql(self) -> str:
        cells = ", ".join(f"{column} text" for column in self.columns)
        return (
            f"CREATE TEMPORARY TABLE {STAGE} "
            f"(n bigint GENERATED ALWAYS AS IDENTITY, {cells}) ON COMMIT DROP"
        )

    def copy_sql(self) -> str:
        names = ", ".join(self.columns)
        return f"COPY {STAGE} ({names}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL ({names}))"


def _good_header(spool: LineSpool, codes: list[str]) -> tuple[list[str], int] | None:
    """The header's names and the number of lines it took; None when the header has a
    problem (the Python path words it)."""
    reader = csv.reader(FileLines(spool.replay()))
    try:
        header = next(reader, None)
    except csv.Error:
        return None
    if not header or row_is_blank(header) or header_check(header, codes):
        return None
    return [name.strip() for name in header], reader.line_num


def _staged_import(campaign: Campaign, spool: LineSpool) -> ImportReport | None:
    """The import by COPY; None when COPY cannot read the file as csv.reader does."""
    codes = instrument_item_codes(campaign.instrument)
    items = item_specs(campaign.instrument)
    grid_check(items)
    if not dimensions_looked_up(items):
        return None
    header = _good_header(spool, codes)
    if header is None:
        return None
    names, header_lines = header
    stage = _Stage(names)
    expected = max(spool.last_content + 1 - header_lines, 0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(stage.create_sql())
        report = None
        if not expected or _copy(cursor, stage, spool, header_lines) == expected:
            report = _checked_and_stored(cursor, campaign, stage, items, header_lines)
        cursor.execute(f"DROP TABLE {STAGE}")
    return report


def _copy(cursor: Any, stage: _Stage, spool: LineSpool, first: int) -> int:
    """COPY the data lines into the stage; the number of rows, or -1 when COPY refused them."""
    try:
        with transaction.atomic():  # a savepoint: COPY's refusal leaves the transaction usable
            raw = cursor.cursor
            with raw.copy(stage.copy_sql()) as copy:
                empty_row = b"," * (len(stage.columns) - 1)
                for chunk in spool.chunks(first, spool.last_content, empty_row):
                    copy.write(chunk)
            return int(raw.rowcount)
    except (psycopg.errors.DataError, DataError):
        return -1


def _people(cursor: Any, campaign: Campaign, stage: _Stage) -> list[list[Any]]:
    """The parameters of _PEOPLE: each distinct (role cell, school cell) pair with the role and
    school Python reads from it, and whether both are good."""
    cursor.execute(
        f"SELECT DISTINCT {stage.of['role']}, {stage.of['school']} FROM {STAGE}"  # noqa: S608
    )
    schools = schools_by_key(campaign)
    columns: list[list[Any]] = [[], [], [], [], []]
    for role_cell, school_cell in cursor.fetchall():
        role, role_problems = cell_role(role_cell)
        school, school_problems = cell_school(school_cell, schools)
        ok = not role_problems and not school_problems
        row = (role_cell, school_cell, role if ok else None, school.pk if school else None, ok)
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return columns


def _checked_and_stored(
    cursor: Any, campaign: Campaign, stage: _Stage, items: Sequence[ItemSpec], header_lines: int
) -> ImportReport | None:
    codes = [item.code for item in items]
    people = _people(cursor, campaign, stage)
    cursor.execute(_bad_rows_sql(stage, codes), people)
    report = ImportReport()
    schools = schools_by_key(campaign)
    for n, *cells in cursor.fetchall():
        *_, problems = import_row(
            dict(zip(stage.header, cells, strict=True)), codes=codes, schools=schools
        )
        if not problems:
            return None  # the SQL and Python disagree on a row: Python's reading wins
        report.errors.append((header_lines + n, " ".join(problems)))
    if report.errors:
        return report
    day = imported_on(campaign, timezone.localdate())
    cursor.execute(_insert_sql(stage, items), [campaign.pk, day, *people])
    report.created = cursor.rowcount
    if report.created:
        campaign_mark_dirty(campaign)
    return report


def _joined(stage: _Stage) -> str:
    return (
        f"{STAGE} s JOIN {_PEOPLE} ON p.role_cell = s.{stage.of['role']} "
        f"AND p.school_cell = s.{stage.of['school']}"
    )


def _bad_rows_sql(stage: _Stage, codes: Sequence[str]) -> str:
    """Every bad row, in file order: a bad role or school (unless the row is blank), or a cell
    that is not an answer."""
    cells = [f"s.{column}" for column in stage.columns]
    bad_answers = " OR ".join(bad_answer_sql("s." + stage.of[code]) for code in codes)
    return (
        f"SELECT s.n, {', '.join(cells)} FROM {_joined(stage)} "  # noqa: S608
        f"WHERE (NOT p.ok AND NOT {blank_row_sql(cells)}) OR {bad_answers} ORDER BY s.n"
    )


def _insert_sql(stage: _Stage, items: Sequence[ItemSpec]) -> str:
    """One INSERT ... SELECT of every good row, in file order, scored on the grid in SQL.
    Parameters: the campaign's id, the date, then _PEOPLE's."""
    quote = connection.ops.quote_name
    answers = {item.code: f"a{index}" for index, item in enumerate(items, 1)}
    read = ", ".join(
        f"{checked_answer_sql('s.' + stage.of[code])} AS {name}" for code, name in answers.items()
    )
    dimensions = ", ".join(f"{sql} AS {key}" for key, sql in dimension_sql(items, answers).items())
    categories = ", ".join(category_sql().values())
    columns = ", ".join(
        quote(name)
        for name in (
            "campaign_id", "submission_id", "role", "school_id", "submitted_on", "answers",
            *DIMENSIONS, *CATEGORY_KEYS,
        )
    )  # fmt: skip
    # OFFSET 0 keeps each step a subquery of its own, so each cell is read once, not once
    # for each expression that uses it.
    return (
        f"INSERT INTO {quote(Response._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT %s, gen_random_uuid(), d.role, d.school_id, %s, d.answers, "
        f"{', '.join('d.' + key for key in DIMENSIONS)}, {categories} FROM ("
        f"SELECT a.n, a.role, a.school_id, {answers_bytes_sql(list(answers.values()))} AS answers, "
        f"{dimensions} FROM ("
        f"SELECT s.n, p.role, p.school_id, {read} FROM {_joined(stage)} WHERE p.ok OFFSET 0"
        f") a OFFSET 0) d ORDER BY d.n"
    )
