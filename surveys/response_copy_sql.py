"""The SQL of the COPY import: reading answer cells and scoring a response, in PostgreSQL.

Each function returns SQL text built from the instrument, never from the file: the file's
cells only ever reach PostgreSQL as COPY data. The rules are the Python path's, exactly:
- a cell is stripped of what Python's str.strip() strips (every Unicode space, not only ' ');
- an answer cell is empty (no answer) or one ASCII digit 1..5 with optional zero decimals,
  as surveys.response_import_rows.cell_answer reads it;
- the scores are method section 3's, in whole grid units (onpoint.method.grid): an answer
  scores SCORE_GRID * 25 units a step, a dimension present with at least half its items
  (rounded up) answered is their sum over their count, a category is the sum of its present
  dimensions over their count. Every such division is exact on the grid (grid_check), so
  integer division in SQL gives the very integer Python's to_grid(fmean(...)) gives.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache

from onpoint.method.grid import to_grid
from onpoint.method.scoring import ItemSpec, score_response
from onpoint.method.structure import ANSWER_MAX, ANSWER_MIN, CATEGORIES, DIMENSIONS

# Stands for a cell that is not an answer.
NOT_AN_ANSWER = -1


@cache
def python_whitespace() -> str:
    """Every character Python's str.strip() strips, in code point order."""
    return "".join(chr(code) for code in range(0x110000) if chr(code).isspace())


@cache
def whitespace_literal() -> str:
    """python_whitespace() as a PostgreSQL Unicode string literal (U&'\\0009...')."""
    escaped = "".join(
        f"\\{ord(char):04X}" if ord(char) <= 0xFFFF else f"\\+{ord(char):06X}"
        for char in python_whitespace()
    )
    return f"U&'{escaped}'"


def stripped_sql(cell: str) -> str:
    return f"btrim({cell}, {whitespace_literal()})"


_DIGITS = range(ANSWER_MIN, ANSWER_MAX + 1)
_DIGIT_CODES = ", ".join(str(ord(str(value))) for value in _DIGITS)
_ANSWER_PATTERN = "^[" + "".join(str(value) for value in _DIGITS) + r"](\.0+)?$"


def _answer_sql(cell: str) -> str:
    """The answer a cell holds, read as cell_answer reads it: 1..5, 0 for no answer,
    NOT_AN_ANSWER for anything else."""
    text = stripped_sql(cell)
    return (
        f"CASE WHEN {text} = '' THEN 0 WHEN {text} ~ '{_ANSWER_PATTERN}' "
        f"THEN ascii({text}) - {ord('0')} ELSE {NOT_AN_ANSWER} END"
    )


def bad_answer_sql(cell: str) -> str:
    """True when the cell is not an answer. Nearly every cell is '' or one digit: for those,
    two cheap calls (ascii('') is 0); the rest take the full reading."""
    return (
        f"((octet_length({cell}) > 1 OR ascii({cell}) NOT IN (0, {_DIGIT_CODES})) "
        f"AND {_answer_sql(cell)} = {NOT_AN_ANSWER})"
    )


def checked_answer_sql(cell: str) -> str:
    """The answer 0..5 of a cell that bad_answer_sql has passed. A cell of one byte is then '',
    a digit or one ASCII space, whose code is below '0': greatest(..., 0) reads it as no answer.
    """
    return (
        f"CASE WHEN octet_length({cell}) < 2 THEN greatest(ascii({cell}) - {ord('0')}, 0) "
        f"ELSE {_answer_sql(cell)} END"
    )


def blank_row_sql(cells: Sequence[str]) -> str:
    """True when every cell of the row strips to nothing (a row the import skips)."""
    return f"{stripped_sql('concat(' + ', '.join(cells) + ')')} = ''"


def answers_bytes_sql(answers: Sequence[str]) -> str:
    """The packed answers (surveys.response_row.answers_pack): a byte 0..5 per item, in order,
    each set into a bytea of zeros (far quicker than text made of them and decoded)."""
    packed = "'\\x" + "00" * len(answers) + "'::bytea"
    for index, name in enumerate(answers):
        packed = f"set_byte({packed}, {index}, {name})"
    return packed


ANSWER_VALUES = ANSWER_MAX + 1  # 0 (no answer) and 1..5: the digits of a base-6 index
# Dimensions with more items than this would need a table of 6**n entries; none comes near.
MOST_ITEMS_LOOKED_UP = 5
ABSENT = -1


def dimensions_looked_up(items: Sequence[ItemSpec]) -> bool:
    """Whether every dimension of the instrument is small enough for dimension_table."""
    sizes = Counter(item.dimension for item in items)
    return max(sizes.values(), default=0) <= MOST_ITEMS_LOOKED_UP


@cache
def dimension_table(items: tuple[ItemSpec, ...]) -> tuple[int, ...]:
    """A dimension's grid score for every answer combination of its items, ABSENT when the
    score is absent, in base-6 order of the answers (0 for no answer): scored by
    onpoint.method.scoring itself, so the SQL only looks the scores up."""
    if len(items) > MOST_ITEMS_LOOKED_UP:
        raise ValueError(f"a dimension of {len(items)} items is more than the import looks up")
    (dimension,) = {item.dimension for item in items}
    table = []
    for combination in itertools.product(range(ANSWER_VALUES), repeat=len(items)):
        answers = {
            item.code: answer or None for item, answer in zip(items, combination, strict=True)
        }
        score = to_grid(score_response(answers, items).dimensions[dimension])
        table.append(ABSENT if score is None else score)
    return tuple(table)


def dimension_sql(items: Sequence[ItemSpec], answers: Mapping[str, str]) -> dict[str, str]:
    """Each dimension's score in grid units, NULL when absent (method section 3.2), from the
    answer columns named in `answers` (item code -> column)."""
    scores = {}
    for dimension in DIMENSIONS:
        own = tuple(item for item in items if item.dimension == dimension)
        if not own:
            scores[dimension] = "NULL::int"
            continue
        table = "'{" + ",".join(str(score) for score in dimension_table(own)) + "}'::int[]"
        index = " + ".join(
            f"{answers[item.code]} * {ANSWER_VALUES**power}"
            for power, item in enumerate(reversed(own))
        )
        scores[dimension] = f"nullif(({table})[{index} + 1], {ABSENT})"
    return scores


def category_sql() -> dict[str, str]:
    """Each category's score in grid units, from columns named as the dimensions: the mean of
    its present dimensions, NULL when none is (method section 3.3)."""
    scores = {}
    for category, dimensions in CATEGORIES.items():
        total = " + ".join(f"coalesce({d}, 0)" for d in dimensions)
        present = " + ".join(f"({d} IS NOT NULL)::int" for d in dimensions)
        scores[category] = f"({total}) / nullif({present}, 0)"
    return scores
