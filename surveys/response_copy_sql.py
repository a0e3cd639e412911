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

import math
from collections.abc import Mapping, Sequence
from functools import cache

from onpoint.method.grid import SCORE_GRID
from onpoint.method.scoring import POINTS_PER_STEP, ItemSpec
from onpoint.method.structure import ANSWER_MAX, ANSWER_MIN, CATEGORIES, DIMENSIONS

# Grid units of one step on the answer scale: 25 points, 900 units.
UNITS_PER_STEP = SCORE_GRID * POINTS_PER_STEP
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


def answer_sql(cell: str) -> str:
    """The answer a cell holds: 1..5, 0 for no answer, NOT_AN_ANSWER for anything else. The
    cells a file holds are nearly always '' or one digit: those are plain comparisons."""
    digits = " ".join(f"WHEN '{value}' THEN {value}" for value in range(ANSWER_MIN, ANSWER_MAX + 1))
    text = stripped_sql(cell)
    pattern = "^[" + "".join(str(v) for v in range(ANSWER_MIN, ANSWER_MAX + 1)) + r"](\.0+)?$"
    return (
        f"CASE {cell} WHEN '' THEN 0 {digits} ELSE CASE WHEN {text} = '' THEN 0 "
        f"WHEN {text} ~ '{pattern}' THEN ascii({text}) - 48 ELSE {NOT_AN_ANSWER} END END"
    )


def blank_row_sql(cells: Sequence[str]) -> str:
    """True when every cell of the row strips to nothing (a row the import skips)."""
    return f"{stripped_sql('concat(' + ', '.join(cells) + ')')} = ''"


def answers_bytes_sql(answers: Sequence[str]) -> str:
    """The packed answers (surveys.response_row.answers_pack): a byte 0..5 per item, in order."""
    return "decode(concat(" + ", ".join(f"'0', {name}" for name in answers) + "), 'hex')"


def _step_sql(answer: str, reverse_coded: bool) -> str:
    """Steps above the scale's bad end; 0 for no answer (answer 0, sign 0)."""
    if reverse_coded:
        return f"({ANSWER_MAX} * sign({answer}) - {answer})"
    return f"({answer} - {ANSWER_MIN} * sign({answer}))"


def dimension_sql(items: Sequence[ItemSpec], answers: Mapping[str, str]) -> dict[str, str]:
    """Each dimension's score in grid units, NULL when absent (method section 3.2), from the
    answer columns named in `answers` (item code -> column)."""
    scores = {}
    for dimension in DIMENSIONS:
        own = [item for item in items if item.dimension == dimension]
        if not own:
            scores[dimension] = "NULL::int"
            continue
        steps = " + ".join(_step_sql(answers[item.code], item.reverse_coded) for item in own)
        answered = " + ".join(f"sign({answers[item.code]})" for item in own)
        needed = math.ceil(len(own) / 2)
        scores[dimension] = (
            f"CASE WHEN {answered} >= {needed} THEN {UNITS_PER_STEP} * ({steps}) / ({answered}) END"
        )
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
