"""What a CSV import file must hold, and the words a person reads when it does not.

Shared by both ways of importing (surveys/response_import.py picks one): the streamed Python
path and the PostgreSQL COPY path. Every check of a header, a role, a school or an answer cell
is here, once, so the two paths give the same report word for word.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from districts.models import School
from onpoint.method.structure import ANSWER_MAX, ANSWER_MIN
from surveys.models import Campaign
from surveys.services import UNKNOWN_SCHOOL, SurveyInputError, role_validate

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


@dataclass
class ImportReport:
    """What an import did: `created` rows stored, or `errors` (line, message) and nothing stored."""

    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def imported_on(campaign: Campaign, today: dt.date) -> dt.date:
    """The date stored on imported rows: today, kept inside the campaign's window, since the
    file carries no dates and a response dated after its campaign closed would read as a lie.
    """
    first = campaign.opens_on
    last = timezone.localdate(campaign.closes_at - dt.timedelta(microseconds=1))
    return min(max(today, first), last)


def header_check(header: list[str], codes: list[str]) -> list[str]:
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
# cells. Not "²" or "٣" (Unicode digits), "3.5", "+3" or "1e0". The COPY path's SQL
# (surveys/response_copy_sql.py) reads cells by the same rule.
_ANSWER_CELLS = {str(value): value for value in range(ANSWER_MIN, ANSWER_MAX + 1)}
_ZERO_DECIMALS = re.compile(r"\.0+\Z")


def cell_answer(code: str, cell: str) -> int | None:
    text = cell.strip()
    if not text:
        return None
    answer = _ANSWER_CELLS.get(_ZERO_DECIMALS.sub("", text, count=1))
    if answer is None:
        raise SurveyInputError(
            "answer_not_allowed", IMPORT_BAD_ANSWER.format(code=code, cell=text[:20]), item=code
        )
    return answer


def schools_by_key(campaign: Campaign) -> dict[str, School]:
    """The campaign's district's schools by the key a school cell is matched on."""
    return {school.name.casefold(): school for school in campaign.district.schools.all()}


def cell_role(cell: str) -> tuple[str, list[str]]:
    """The role a role cell names, and its problems (none or one)."""
    role = cell.strip().lower()
    try:
        role_validate(role)
    except SurveyInputError as error:
        return role, [error.message]
    return role, []


def cell_school(cell: str, schools: Mapping[str, School]) -> tuple[School | None, list[str]]:
    """The school a school cell names (None for an empty cell), and its problems."""
    name = cell.strip()
    school = schools.get(name.casefold()) if name else None
    if name and school is None:
        return None, [UNKNOWN_SCHOOL.format(school=name)]
    return school, []


def import_row(
    cells: dict[str, str], *, codes: list[str], schools: Mapping[str, School]
) -> tuple[str, School | None, dict[str, int | None], list[str]]:
    """One data row's role, school and answers, and every problem of the row, in the order
    the report gives them: role, school, then the answers in the instrument's item order."""
    role, problems = cell_role(cells["role"])
    school, school_problems = cell_school(cells["school"], schools)
    problems += school_problems
    answers: dict[str, int | None] = {}
    for code in codes:
        try:
            answers[code] = cell_answer(code, cells[code])
        except SurveyInputError as error:
            problems.append(error.message)
    return role, school, answers, problems


def row_is_blank(row: Iterable[str]) -> bool:
    """A row of empty cells, as spreadsheets leave at the end: skipped, never reported."""
    return not any(cell.strip() for cell in row)
